//! The job store: jobs, their inputs and their ordered event logs. It is the
//! source of truth; the hub only wakes readers up. This backend keeps
//! everything in memory; durable SQLite and PostgreSQL backends implement the
//! same trait.

mod memory;

pub use memory::MemoryStore;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
pub use tailor_common::JobSummary;
use tailor_common::{Envelope, EventBody, JobState};
use uuid::Uuid;

/// What a person submitted. Kept so a job can be re-run, and deleted with it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobInputs {
    pub resume: ResumeUpload,
    pub job_text: Option<String>,
    pub job_url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResumeUpload {
    /// `None` for pasted text.
    pub file_name: Option<String>,
    pub bytes: Vec<u8>,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("job {0} does not exist")]
    NotFound(Uuid),
    #[error("job {0} already exists")]
    Exists(Uuid),
    #[error("job {job} reached its limit of {limit} events")]
    LogFull { job: Uuid, limit: usize },
    #[error("storage backend: {0}")]
    Backend(String),
}

#[async_trait]
pub trait JobStore: Send + Sync + 'static {
    /// Creates a job with no events.
    async fn create(&self, job_id: Uuid, inputs: JobInputs, now_ms: i64) -> Result<(), StoreError>;

    /// Appends one event, assigning the next seq (1, 2, 3… with no gaps).
    /// Calls for one job must not race: each job has a single writer.
    async fn append(
        &self,
        job_id: Uuid,
        body: EventBody,
        now_ms: i64,
    ) -> Result<Envelope, StoreError>;

    /// Up to `limit` events with `seq > after`, in order.
    async fn read_after(
        &self,
        job_id: Uuid,
        after: u64,
        limit: usize,
    ) -> Result<Vec<Envelope>, StoreError>;

    /// The reducer's state over every stored event; `None` for an unknown job.
    async fn snapshot(&self, job_id: Uuid) -> Result<Option<JobState>, StoreError>;

    async fn inputs(&self, job_id: Uuid) -> Result<Option<JobInputs>, StoreError>;

    /// Keeps the pipeline's final result (the engine's outcome, as JSON).
    async fn save_result(&self, job_id: Uuid, result: serde_json::Value) -> Result<(), StoreError>;

    async fn result(&self, job_id: Uuid) -> Result<Option<serde_json::Value>, StoreError>;

    /// Removes jobs that finished before `cutoff_ms`; returns their ids.
    async fn purge_finished_before(&self, cutoff_ms: i64) -> Result<Vec<Uuid>, StoreError>;

    /// Newest first; `before_ms` pages by creation time.
    async fn list_jobs(
        &self,
        limit: usize,
        before_ms: Option<i64>,
    ) -> Result<Vec<JobSummary>, StoreError>;

    /// Removes the job, its inputs, events and result. Whether it existed.
    async fn delete(&self, job_id: Uuid) -> Result<bool, StoreError>;

    /// Jobs whose log has no `done` yet.
    async fn unfinished_jobs(&self) -> Result<Vec<Uuid>, StoreError>;
}
