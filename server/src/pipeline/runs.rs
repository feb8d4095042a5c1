//! The jobs this process is running, each with the token that cancels it.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use tokio_util::sync::CancellationToken;
use uuid::Uuid;

#[derive(Default)]
pub struct Runs {
    running: Mutex<HashMap<Uuid, CancellationToken>>,
}

/// Removes its job from the running set when the run ends, however it ends.
pub struct RunGuard {
    runs: Arc<Runs>,
    job_id: Uuid,
    pub token: CancellationToken,
}

impl Drop for RunGuard {
    fn drop(&mut self) {
        self.runs.lock().remove(&self.job_id);
    }
}

impl Runs {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Uuid, CancellationToken>> {
        self.running.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Claims the job for a run; `None` if it is running already.
    pub fn claim(self: &Arc<Self>, job_id: Uuid) -> Option<RunGuard> {
        let mut running = self.lock();
        if running.contains_key(&job_id) {
            return None;
        }
        let token = CancellationToken::new();
        running.insert(job_id, token.clone());
        Some(RunGuard {
            runs: self.clone(),
            job_id,
            token,
        })
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_job_runs_once_at_a_time_and_leaves_when_its_guard_drops() {
        let runs = Arc::new(Runs::default());
        let id = Uuid::new_v4();
        let guard = runs.claim(id).unwrap();
        assert!(runs.claim(id).is_none());
        assert!(runs.is_running(id));
        assert!(runs.cancel(id));
        assert!(guard.token.is_cancelled());
        drop(guard);
        assert!(!runs.is_running(id));
        assert!(!runs.cancel(id));
        assert_eq!(runs.count(), 0);
    }
}
