//! The job store: jobs, their inputs and their ordered event logs. It is the
//! source of truth; the hub only wakes readers up. [`SqliteStore`] is the
//! durable default (one file in the data directory); [`PgStore`] is shared by
//! several instances; [`MemoryStore`] keeps everything in memory, for tests.

mod codec;
mod memory;
mod postgres;
mod sqlite;
#[cfg(test)]
pub(crate) mod tests;

pub use memory::MemoryStore;
pub use postgres::{redact as redact_url, testing as pg_testing, PgSettings, PgStore};
pub use sqlite::SqliteStore;

/// Opens the store the configuration names: SQLite in the data directory
/// by default, PostgreSQL for a `postgres://` URL, or `memory` (nothing
/// survives a restart).
pub async fn open(
    config: &crate::config::ServeArgs,
) -> Result<(std::sync::Arc<dyn JobStore>, StoreKind), StoreError> {
    match config.database_url.as_deref().map(str::trim) {
        None | Some("") => {
            let dir = config.data_dir.clone();
            let store = tokio::task::spawn_blocking(move || SqliteStore::open(&dir))
                .await
                .map_err(codec::backend)??;
            Ok((std::sync::Arc::new(store), StoreKind::Durable))
        }
        Some("memory" | "memory:") => Ok((std::sync::Arc::new(MemoryStore::new()), StoreKind::Memory)),
        Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
            let settings = PgSettings::new(url, config.lease());
            Ok((std::sync::Arc::new(PgStore::connect(settings).await?), StoreKind::Shared))
        }
        Some(other) => Err(StoreError::Backend(format!(
            "unknown database URL '{}': use postgres://…, 'memory', or leave it unset for SQLite in the data directory",
            postgres::redact(other)
        ))),
    }
}

/// What kind of store is open: it decides how long finished jobs are kept
/// and how jobs a dead process left unfinished are recovered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreKind {
    /// One process owns the file: jobs it left unfinished are ended at start-up.
    Durable,
    /// Shared by several instances: a job's run is leased, and a job whose
    /// instance died is taken over when its lease expires.
    Shared,
    /// Nothing outlives the process.
    Memory,
}

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tailor_common::{Envelope, EventBody, JobState, Step, StepStatus};
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

/// No job's log may grow past this: a runaway pipeline fails instead of
/// eating the server's memory or disk.
pub const MAX_EVENTS_PER_JOB: usize = 10_000;

/// Room kept past [`MAX_EVENTS_PER_JOB`] for a job's ending only (failed or
/// skipped steps, the error, the final `job_status`, `done`): a job that
/// filled its log can still end, and its streams, retries and the sweeper
/// with it. Ending a job takes at most eight events.
pub const ENDING_RESERVE: usize = 16;

/// Whether a job's log, in `state`, takes one more event `body`. Below the
/// cap, any event; in the reserve, only events that end the job; past the
/// reserve, only `done`, once (after it only a retry's `job_status` could
/// reopen the job, and that is refused). So every job can always end and no
/// log exceeds `MAX_EVENTS_PER_JOB + ENDING_RESERVE + 1` events.
pub fn admits(state: &JobState, body: &EventBody) -> Result<(), StoreError> {
    let len = usize::try_from(state.last_seq).unwrap_or(usize::MAX);
    let full = StoreError::LogFull {
        job: state.job_id,
        limit: MAX_EVENTS_PER_JOB,
    };
    if len < MAX_EVENTS_PER_JOB {
        return Ok(());
    }
    if state.is_done() {
        return Err(full);
    }
    let admitted = match body {
        EventBody::Done(_) => true,
        _ if len >= MAX_EVENTS_PER_JOB + ENDING_RESERVE => false,
        EventBody::Error(_) => true,
        EventBody::JobStatus(p) => p.status.is_terminal(),
        EventBody::StepProgress(p) => {
            matches!(p.status, StepStatus::Failed | StepStatus::Skipped)
        }
        _ => false,
    };
    if admitted {
        Ok(())
    } else {
        Err(full)
    }
}

/// One row of the history page (`GET /api/jobs`).
pub use tailor_common::JobSummary;

/// The summary of a job from its folded state, saved result and resume
/// file name (the memory store's way; the databases read the same fields
/// in their list queries).
pub fn summary_of(
    created_at: i64,
    state: &JobState,
    result: Option<&serde_json::Value>,
    file_name: Option<&str>,
) -> JobSummary {
    let text = |key: &str| result.and_then(|r| r.get(key)?.as_str().map(str::to_string));
    JobSummary {
        job_id: state.job_id,
        created_at,
        updated_at: state.updated_at,
        status: state.status,
        last_seq: state.last_seq,
        match_score: match_score(state),
        title: result.and_then(result_title),
        candidate: text(RESULT_CANDIDATE),
        company: text(RESULT_COMPANY),
        file_name: file_name.map(str::to_string),
        failure: failure(state),
    }
}

/// The saved result's keys the history reads (the engine's `Outcome`).
const RESULT_CANDIDATE: &str = "candidate_name";
const RESULT_COMPANY: &str = "company";

/// Why a failed job failed, for the history; nothing for any other status
/// (a retried job's old error is not its story any more).
pub fn failure(state: &JobState) -> Option<String> {
    (state.status == tailor_common::JobStatus::Failed)
        .then(|| state.last_error().map(|e| e.message.clone()))
        .flatten()
}

/// The history page's title for a job: the saved result's `job_title`.
pub fn result_title(result: &serde_json::Value) -> Option<String> {
    result.get("job_title")?.as_str().map(str::to_string)
}

/// The score the history page shows: after tailoring if known, else before.
pub fn match_score(state: &JobState) -> Option<f64> {
    state
        .metric(tailor_common::metric_keys::MATCH_SCORE_AFTER)
        .or_else(|| state.metric(tailor_common::metric_keys::MATCH_SCORE_BEFORE))
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("job {0} does not exist")]
    NotFound(Uuid),
    #[error("job {0} already exists")]
    Exists(Uuid),
    #[error("job {job} reached its limit of {limit} events")]
    LogFull { job: Uuid, limit: usize },
    /// The job's run is leased to another instance: this one must stop
    /// writing to it (it lost its lease, or never had it).
    #[error("job {0} is being run by another instance")]
    NotOwner(Uuid),
    #[error("storage backend: {0}")]
    Backend(String),
}

/// Where a page of the job list starts: after this job, in the list's
/// newest-first order. Both fields, because jobs created in the same
/// millisecond must not fall between two pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageAfter {
    pub created_at: i64,
    pub job_id: Uuid,
}

impl PageAfter {
    /// After the last job listed.
    pub fn after(job: &JobSummary) -> Self {
        PageAfter {
            created_at: job.created_at,
            job_id: job.job_id,
        }
    }

    /// Every job created before `ms` (the nil id sorts before every other).
    pub fn before_ms(ms: i64) -> Self {
        PageAfter {
            created_at: ms,
            job_id: Uuid::nil(),
        }
    }
}

/// What a renewal of a run's lease found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lease {
    /// Still ours; `cancel` if someone asked for the job to stop.
    Held { cancel: bool },
    /// Another instance took the job over, or it was deleted.
    Lost,
}

/// A wake-up from another instance sharing the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    /// The job's log grew to `seq`.
    Appended { job_id: Uuid, seq: u64 },
    /// Someone asked for the job to stop.
    Cancel { job_id: Uuid },
    /// The job was deleted.
    Deleted { job_id: Uuid },
    /// The wake-up channel was re-established after a break: notices may
    /// have been missed, so every reader should look again.
    Resync,
}

pub type NoticeHandler = std::sync::Arc<dyn Fn(Notice) + Send + Sync>;

/// Who owns a job: the SHA-256 (hex) of its owner's token, never the token
/// itself, so a copy of the database does not let anyone act as an owner.
/// Made by `access::owner_key_*`; the store only compares it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct OwnerKey(pub String);

/// Who may reach a job: its owner (`None` for a job created before owners
/// existed) and the hash of its share token, if a share link is live.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobAccess {
    pub owner: Option<OwnerKey>,
    pub share_hash: Option<String>,
}

#[async_trait]
pub trait JobStore: Send + Sync + 'static {
    /// Creates a job with no events, belonging to `owner` (`None`: to
    /// nobody, reachable only once adopted — see [`JobStore::adopt_unowned`]).
    async fn create_owned(
        &self,
        job_id: Uuid,
        owner: Option<&OwnerKey>,
        inputs: JobInputs,
        now_ms: i64,
    ) -> Result<(), StoreError>;

    /// Creates a job that belongs to nobody (tests and tools). Fails closed:
    /// no viewer can reach it until it is adopted.
    async fn create(&self, job_id: Uuid, inputs: JobInputs, now_ms: i64) -> Result<(), StoreError> {
        self.create_owned(job_id, None, inputs, now_ms).await
    }

    /// Who may reach the job; `None` for an unknown job.
    async fn access(&self, job_id: Uuid) -> Result<Option<JobAccess>, StoreError>;

    /// Sets (`Some`) or revokes (`None`) the hash of the job's share token.
    /// Returns whether the job exists.
    async fn set_share(&self, job_id: Uuid, share_hash: Option<String>)
        -> Result<bool, StoreError>;

    /// Gives every job without an owner to `owner` (the `--adopt-unowned`
    /// upgrade path); returns how many it took.
    async fn adopt_unowned(&self, owner: &OwnerKey) -> Result<u64, StoreError>;

    /// [`JobStore::list_jobs`], restricted to the jobs `owner` owns.
    async fn list_owned(
        &self,
        owner: &OwnerKey,
        limit: usize,
        after: Option<PageAfter>,
    ) -> Result<Vec<JobSummary>, StoreError>;

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

    /// Keeps what a finished step produced (as JSON), replacing an earlier
    /// one, so that a retry or a takeover resumes after the last finished
    /// step instead of from the start.
    async fn save_checkpoint(
        &self,
        job_id: Uuid,
        step: Step,
        data: serde_json::Value,
    ) -> Result<(), StoreError>;

    /// The job's saved step outputs, in step order.
    async fn checkpoints(&self, job_id: Uuid)
        -> Result<Vec<(Step, serde_json::Value)>, StoreError>;

    /// Removes jobs that finished before `cutoff_ms`; returns their ids.
    async fn purge_finished_before(&self, cutoff_ms: i64) -> Result<Vec<Uuid>, StoreError>;

    /// Up to `limit` jobs, newest first (ties on `created_at` ordered by id,
    /// descending), from the first one after `after` in that order (from
    /// the newest when `None`). The next page is after the last one listed.
    async fn list_jobs(
        &self,
        limit: usize,
        after: Option<PageAfter>,
    ) -> Result<Vec<JobSummary>, StoreError>;

    /// Removes the job, its inputs, events and result (personal data).
    /// Returns whether the job existed.
    async fn delete(&self, job_id: Uuid) -> Result<bool, StoreError>;

    /// Jobs whose log has no `done` yet (or whose `done` a retry undid):
    /// what start-up recovery must resume or end. The SQLite store lists
    /// them oldest first; callers must not rely on an order.
    async fn unfinished_jobs(&self) -> Result<Vec<Uuid>, StoreError>;

    // Coordination between instances. A store that one process owns has
    // nothing to coordinate: that process's `Runs` is the only lock a run
    // needs, and the defaults below say so. A shared store overrides them.

    /// Whether other instances share this store.
    fn is_shared(&self) -> bool {
        false
    }

    /// Takes the job's run lease for this instance; `false` while another
    /// instance holds a live one. `create` already leases a new job to its
    /// creator.
    async fn claim_run(&self, _job_id: Uuid) -> Result<bool, StoreError> {
        Ok(true)
    }

    /// Extends this instance's lease on the job's run.
    async fn renew_run(&self, _job_id: Uuid) -> Result<Lease, StoreError> {
        Ok(Lease::Held { cancel: false })
    }

    /// Claims up to `limit` unfinished jobs whose run lease has expired
    /// (their instance died): this instance runs them from now on.
    async fn claim_abandoned(&self, _limit: usize) -> Result<Vec<Uuid>, StoreError> {
        Ok(Vec::new())
    }

    /// Asks whichever instance runs the job to stop it; `false` if the job
    /// is unknown or finished.
    async fn request_cancel(&self, _job_id: Uuid) -> Result<bool, StoreError> {
        Ok(false)
    }

    /// Where notices from other instances go. Only a shared store has any.
    fn set_notice_handler(&self, _handler: NoticeHandler) {}
}
