//! The last few jobs this browser started, kept in localStorage so a person
//! can find a job again after closing the tab. Read and written only in the
//! browser (after hydration), so server and client render the same HTML.

#[cfg(feature = "hydrate")]
const KEY: &str = "tailor.recent-jobs";
pub const MAX_RECENT: usize = 8;

#[derive(Debug, Clone, PartialEq)]
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
            .map(|raw| browser_json::read(&raw))
            .unwrap_or_default()
    }
    #[cfg(not(feature = "hydrate"))]
    Vec::new()
}

pub fn save(job: RecentJob) {
    let mut list = load();
    remember(&mut list, job);
    #[cfg(feature = "hydrate")]
    if let (Some(s), Some(raw)) = (storage(), browser_json::write(&list)) {
        let _ = s.set_item(KEY, &raw);
    }
}

/// The list as JSON (`[{"id": …, "label": …}]`), read and written by the
/// browser's own `JSON`: the upload page, which shows the list, is the
/// first page most visits load, and serde_json's code would be the largest
/// part of its bundle left (server/benches/first-load.md).
#[cfg(feature = "hydrate")]
mod browser_json {
    use js_sys::{Array, Object, Reflect, JSON};
    use wasm_bindgen::JsValue;

    use super::{RecentJob, MAX_RECENT};

    /// The jobs in `raw`; whatever is not a job with a text id and label
    /// (an older format, a hand edit) is skipped.
    pub fn read(raw: &str) -> Vec<RecentJob> {
        let Ok(value) = JSON::parse(raw) else {
            return Vec::new();
        };
        if !Array::is_array(&value) {
            return Vec::new();
        }
        let text = |item: &JsValue, key: &str| {
            Reflect::get(item, &JsValue::from_str(key))
                .ok()
                .and_then(|v| v.as_string())
        };
        Array::from(&value)
            .iter()
            .filter_map(|item| {
                Some(RecentJob {
                    id: text(&item, "id")?,
                    label: text(&item, "label")?,
                })
            })
            .take(MAX_RECENT)
            .collect()
    }

    pub fn write(list: &[RecentJob]) -> Option<String> {
        let array = Array::new();
        for job in list {
            let item = Object::new();
            Reflect::set(&item, &"id".into(), &JsValue::from_str(&job.id)).ok()?;
            Reflect::set(&item, &"label".into(), &JsValue::from_str(&job.label)).ok()?;
            array.push(&item);
        }
        JSON::stringify(&array).ok()?.as_string()
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
