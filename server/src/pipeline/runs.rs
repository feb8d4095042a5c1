//! The jobs this process is running, each with the token that cancels it,
//! and the limit on how many run at once. Taking a job's place here is the
//! one claim a run needs in this process: the count and the job's entry are
//! checked and taken under one lock, so no number of concurrent starts can
//! run more than the limit.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

pub struct Runs {
    running: Mutex<HashMap<Uuid, CancellationToken>>,
    limit: usize,
    /// Fired whenever a run ends, for claims that wait for room.
    freed: Notify,
}

/// Why a job could not be claimed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// The job runs here already.
    Running,
    /// As many jobs as the limit allows are running.
    Busy,
}

/// The job's place among the running ones: removed when the run ends,
/// however it ends.
pub struct RunGuard {
    runs: Arc<Runs>,
    job_id: Uuid,
    pub token: CancellationToken,
}

impl RunGuard {
    pub fn job_id(&self) -> Uuid {
        self.job_id
    }
}

impl Drop for RunGuard {
    fn drop(&mut self) {
        self.runs.lock().remove(&self.job_id);
        self.runs.freed.notify_waiters();
    }
}

impl Default for Runs {
    /// No limit (tests that run jobs one by one).
    fn default() -> Self {
        Runs::new(usize::MAX)
    }
}

impl Runs {
    /// At most `limit` jobs run at once (at least one).
    pub fn new(limit: usize) -> Self {
        Runs {
            running: Mutex::new(HashMap::new()),
            limit: limit.max(1),
            freed: Notify::new(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Uuid, CancellationToken>> {
        self.running.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Claims the job for a run, if it is not running and there is room.
    pub fn claim(self: &Arc<Self>, job_id: Uuid) -> Result<RunGuard, Refused> {
        let mut running = self.lock();
        if running.contains_key(&job_id) {
            return Err(Refused::Running);
        }
        if running.len() >= self.limit {
            return Err(Refused::Busy);
        }
        let token = CancellationToken::new();
        running.insert(job_id, token.clone());
        Ok(RunGuard {
            runs: self.clone(),
            job_id,
            token,
        })
    }

    /// [`Self::claim`], waiting for room while the limit is reached;
    /// `None` if the job runs already.
    pub async fn claim_when_free(self: &Arc<Self>, job_id: Uuid) -> Option<RunGuard> {
        loop {
            // Registered before the attempt, so a run ending in between
            // still wakes this claim.
            let freed = self.freed.notified();
            tokio::pin!(freed);
            freed.as_mut().enable();
            match self.claim(job_id) {
                Ok(guard) => return Some(guard),
                Err(Refused::Running) => return None,
                Err(Refused::Busy) => freed.await,
            }
        }
    }

    /// Asks a running job to stop at its next safe point.
    pub fn cancel(&self, job_id: Uuid) -> bool {
        match self.lock().get(&job_id) {
            Some(token) => {
                token.cancel();
                true
            }
            None => false,
        }
    }

    pub fn is_running(&self, job_id: Uuid) -> bool {
        self.lock().contains_key(&job_id)
    }

    pub fn count(&self) -> usize {
        self.lock().len()
    }

    /// How many more jobs may start now.
    pub fn room(&self) -> usize {
        self.limit.saturating_sub(self.count())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_job_runs_once_at_a_time_and_leaves_when_its_guard_drops() {
        let runs = Arc::new(Runs::default());
        let id = Uuid::new_v4();
        let guard = runs.claim(id).unwrap();
        assert_eq!(runs.claim(id).err(), Some(Refused::Running));
        assert!(runs.is_running(id));
        assert!(runs.cancel(id));
        assert!(guard.token.is_cancelled());
        drop(guard);
        assert!(!runs.is_running(id));
        assert!(!runs.cancel(id));
        assert_eq!(runs.count(), 0);
    }

    #[tokio::test]
    async fn claims_past_the_limit_are_refused_or_wait_for_room() {
        let runs = Arc::new(Runs::new(2));
        let (a, b, c) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        let first = runs.claim(a).unwrap();
        let _second = runs.claim(b).unwrap();
        assert_eq!(runs.claim(c).err(), Some(Refused::Busy));
        assert_eq!(runs.room(), 0);
        let waiting = tokio::spawn({
            let runs = runs.clone();
            async move { runs.claim_when_free(c).await.map(|g| g.job_id()) }
        });
        tokio::task::yield_now().await;
        assert!(!waiting.is_finished());
        drop(first);
        assert_eq!(waiting.await.unwrap(), Some(c));
    }
}
