//! An in-memory [`JobStore`]: a map of per-job logs, each behind its own lock
//! so jobs never contend with each other. The snapshot is kept folded as
//! events are appended, so reading it costs a clone, not a replay.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, RwLock},
};

use async_trait::async_trait;
use tailor_common::{Envelope, EventBody, JobState, Step};
use uuid::Uuid;

use super::{
    admits, summary_of, JobAccess, JobInputs, JobStore, JobSummary, OwnerKey, PageAfter, StoreError,
};

struct JobLog {
    created_at: i64,
    owner: Option<OwnerKey>,
    share_hash: Option<String>,
    inputs: JobInputs,
    events: Vec<Envelope>,
    state: JobState,
    result: Option<serde_json::Value>,
    checkpoints: std::collections::BTreeMap<Step, serde_json::Value>,
    finished_at: Option<i64>,
}

#[derive(Default)]
pub struct MemoryStore {
    jobs: RwLock<HashMap<Uuid, Arc<Mutex<JobLog>>>>,
}

impl MemoryStore {
    pub fn new() -> Self {
        Self::default()
    }

    fn job(&self, job_id: Uuid) -> Option<Arc<Mutex<JobLog>>> {
        read(&self.jobs).get(&job_id).cloned()
    }

    /// Newest first, after `after`, of the jobs `keep` accepts.
    fn list_where(
        &self,
        limit: usize,
        after: Option<PageAfter>,
        keep: impl Fn(&JobLog) -> bool,
    ) -> Vec<JobSummary> {
        let mut jobs: Vec<JobSummary> = read(&self.jobs)
            .values()
            .filter_map(|job| {
                let log = lock(job);
                let id = log.state.job_id;
                let wanted = after.is_none_or(|a| (log.created_at, id) < (a.created_at, a.job_id));
                (wanted && keep(&log)).then(|| {
                    summary_of(
                        log.created_at,
                        &log.state,
                        log.result.as_ref(),
                        log.inputs.resume.file_name.as_deref(),
                    )
                })
            })
            .collect();
        jobs.sort_unstable_by_key(|j| std::cmp::Reverse((j.created_at, j.job_id)));
        jobs.truncate(limit);
        jobs
    }
}

/// A poisoned lock means a panic elsewhere while holding it; the data under
/// these locks is always left consistent, so carry on with it.
fn read<T>(lock: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    lock.read().unwrap_or_else(|e| e.into_inner())
}

fn write<T>(lock: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    lock.write().unwrap_or_else(|e| e.into_inner())
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

#[async_trait]
impl JobStore for MemoryStore {
    async fn create_owned(
        &self,
        job_id: Uuid,
        owner: Option<&OwnerKey>,
        inputs: JobInputs,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        let mut jobs = write(&self.jobs);
        if jobs.contains_key(&job_id) {
            return Err(StoreError::Exists(job_id));
        }
        jobs.insert(
            job_id,
            Arc::new(Mutex::new(JobLog {
                created_at: now_ms,
                owner: owner.cloned(),
                share_hash: None,
                inputs,
                events: Vec::new(),
                state: JobState::new(job_id),
                result: None,
                checkpoints: Default::default(),
                finished_at: None,
            })),
        );
        Ok(())
    }

    async fn append(
        &self,
        job_id: Uuid,
        body: EventBody,
        now_ms: i64,
    ) -> Result<Envelope, StoreError> {
        let job = self.job(job_id).ok_or(StoreError::NotFound(job_id))?;
        let mut log = lock(&job);
        admits(&log.state, &body)?;
        let event = Envelope::new(job_id, log.state.last_seq + 1, now_ms, body);
        log.state.apply(&event);
        log.finished_at = log.state.is_done().then_some(now_ms);
        log.events.push(event.clone());
        Ok(event)
    }

    async fn read_after(
        &self,
        job_id: Uuid,
        after: u64,
        limit: usize,
    ) -> Result<Vec<Envelope>, StoreError> {
        let job = self.job(job_id).ok_or(StoreError::NotFound(job_id))?;
        let log = lock(&job);
        // seq n sits at index n - 1: the log has no gaps.
        let start = usize::try_from(after)
            .unwrap_or(usize::MAX)
            .min(log.events.len());
        Ok(log.events[start..].iter().take(limit).cloned().collect())
    }

    async fn snapshot(&self, job_id: Uuid) -> Result<Option<JobState>, StoreError> {
        Ok(self.job(job_id).map(|job| lock(&job).state.clone()))
    }

    async fn inputs(&self, job_id: Uuid) -> Result<Option<JobInputs>, StoreError> {
        Ok(self.job(job_id).map(|job| lock(&job).inputs.clone()))
    }

    async fn save_result(&self, job_id: Uuid, result: serde_json::Value) -> Result<(), StoreError> {
        let job = self.job(job_id).ok_or(StoreError::NotFound(job_id))?;
        lock(&job).result = Some(result);
        Ok(())
    }

    async fn result(&self, job_id: Uuid) -> Result<Option<serde_json::Value>, StoreError> {
        Ok(self.job(job_id).and_then(|job| lock(&job).result.clone()))
    }

    async fn save_checkpoint(
        &self,
        job_id: Uuid,
        step: Step,
        data: serde_json::Value,
    ) -> Result<(), StoreError> {
        let job = self.job(job_id).ok_or(StoreError::NotFound(job_id))?;
        lock(&job).checkpoints.insert(step, data);
        Ok(())
    }

    async fn checkpoints(
        &self,
        job_id: Uuid,
    ) -> Result<Vec<(Step, serde_json::Value)>, StoreError> {
        Ok(self
            .job(job_id)
            .map(|job| {
                lock(&job)
                    .checkpoints
                    .iter()
                    .map(|(step, data)| (*step, data.clone()))
                    .collect()
            })
            .unwrap_or_default())
    }

    async fn purge_finished_before(&self, cutoff_ms: i64) -> Result<Vec<Uuid>, StoreError> {
        let mut jobs = write(&self.jobs);
        let expired: Vec<Uuid> = jobs
            .iter()
            .filter(|(_, job)| lock(job).finished_at.is_some_and(|t| t < cutoff_ms))
            .map(|(id, _)| *id)
            .collect();
        for id in &expired {
            jobs.remove(id);
        }
        Ok(expired)
    }

    async fn list_jobs(
        &self,
        limit: usize,
        after: Option<PageAfter>,
    ) -> Result<Vec<JobSummary>, StoreError> {
        Ok(self.list_where(limit, after, |_| true))
    }

    async fn list_owned(
        &self,
        owner: &OwnerKey,
        limit: usize,
        after: Option<PageAfter>,
    ) -> Result<Vec<JobSummary>, StoreError> {
        Ok(self.list_where(limit, after, |log| log.owner.as_ref() == Some(owner)))
    }

    async fn access(&self, job_id: Uuid) -> Result<Option<JobAccess>, StoreError> {
        Ok(self.job(job_id).map(|job| {
            let log = lock(&job);
            JobAccess {
                owner: log.owner.clone(),
                share_hash: log.share_hash.clone(),
            }
        }))
    }

    async fn set_share(
        &self,
        job_id: Uuid,
        share_hash: Option<String>,
    ) -> Result<bool, StoreError> {
        Ok(self
            .job(job_id)
            .map(|job| lock(&job).share_hash = share_hash)
            .is_some())
    }

    async fn adopt_unowned(&self, owner: &OwnerKey) -> Result<u64, StoreError> {
        let mut adopted = 0;
        for job in read(&self.jobs).values() {
            let mut log = lock(job);
            if log.owner.is_none() {
                log.owner = Some(owner.clone());
                adopted += 1;
            }
        }
        Ok(adopted)
    }

    async fn delete(&self, job_id: Uuid) -> Result<bool, StoreError> {
        Ok(write(&self.jobs).remove(&job_id).is_some())
    }

    async fn unfinished_jobs(&self) -> Result<Vec<Uuid>, StoreError> {
        let mut open: Vec<(i64, Uuid)> = read(&self.jobs)
            .iter()
            .filter_map(|(id, job)| {
                let log = lock(job);
                (!log.state.is_done()).then_some((log.created_at, *id))
            })
            .collect();
        open.sort_unstable();
        Ok(open.into_iter().map(|(_, id)| id).collect())
    }
}
