//! The last few jobs this browser started, kept in localStorage so a person
//! can find a job again after closing the tab. Read and written only in the
//! browser (after hydration), so server and client render the same HTML.

use serde::{Deserialize, Serialize};

#[cfg(feature = "hydrate")]
const KEY: &str = "tailor.recent-jobs";
pub const MAX_RECENT: usize = 8;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecentJob {
    pub id: String,
    /// What the job was about, as far as known when it was last seen.
    pub label: String,
}

/// Puts `job` first, without duplicates, keeping at most [`MAX_RECENT`].
pub fn remember(list: &mut Vec<RecentJob>, job: RecentJob) {
    list.retain(|j| j.id != job.id);
    list.insert(0, job);
    list.truncate(MAX_RECENT);
}

#[cfg(feature = "hydrate")]
fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

pub fn load() -> Vec<RecentJob> {
    #[cfg(feature = "hydrate")]
    {
        storage()
            .and_then(|s| s.get_item(KEY).ok().flatten())
            .and_then(|raw| serde_json::from_str(&raw).ok())
            .unwrap_or_default()
    }
    #[cfg(not(feature = "hydrate"))]
    Vec::new()
}

pub fn save(job: RecentJob) {
    let mut list = load();
    remember(&mut list, job);
    #[cfg(feature = "hydrate")]
    if let (Some(s), Ok(raw)) = (storage(), serde_json::to_string(&list)) {
        let _ = s.set_item(KEY, &raw);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(id: &str) -> RecentJob {
        RecentJob {
            id: id.into(),
            label: format!("job {id}"),
        }
    }

    #[test]
    fn newest_first_without_duplicates_and_bounded() {
        let mut list = Vec::new();
        for i in 0..12 {
            remember(&mut list, job(&i.to_string()));
        }
        remember(&mut list, job("9"));
        assert_eq!(list.len(), MAX_RECENT);
        assert_eq!(list[0].id, "9");
        assert_eq!(list.iter().filter(|j| j.id == "9").count(), 1);
        assert_eq!(list[1].id, "11");
    }
}
