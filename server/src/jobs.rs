//! The job lifecycle in one place: starting, retrying, canceling and
//! deleting a job, what other instances sharing the store tell this one,
//! taking over their abandoned jobs, and what start-up does with jobs the
//! last process left unfinished. Routes and server-side rendering only
//! parse, call this, and answer.
//!
//! Every run is claimed in [`Runs`](pipeline::Runs) before anything is written, under one
//! lock that counts the running jobs: the running-jobs limit holds however
//! many requests arrive at once.

use std::sync::Arc;

use tailor_common::{ErrorPayload, EventBody, JobState, JobStatus, JobStatusPayload};
use uuid::Uuid;

use crate::{
    hub::{now_ms, Hub},
    pipeline::{self, pickups_of_this_run, PipelineContext, Refused, MAX_PICKUPS, RESUMED},
    store::{self, JobInputs, OwnerKey, StoreError, MAX_EVENTS_PER_JOB},
};

/// Why a lifecycle request was refused.
#[derive(Debug, thiserror::Error)]
pub enum JobsError {
    #[error("no such job")]
    NotFound,
    #[error("the job is running")]
    Running,
    #[error("the job has finished")]
    Finished,
    #[error("the job completed")]
    Completed,
    #[error("too many jobs are running")]
    Busy,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// How many events short of [`MAX_EVENTS_PER_JOB`] an unfinished job's log
/// must be for start-up to resume it: a resumed run needs room for at least
/// its opening and an ending.
pub const RESUME_ROOM: usize = 8;

/// What start-up recovery did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Recovery {
    /// Run again from their checkpoints.
    pub resumed: usize,
    /// Ended as `interrupted` (too many resumes, no room left in the log,
    /// inputs gone), or given the `done` their ending lacked.
    pub ended: usize,
    /// Could not be resumed or ended (the store failed on them); logged.
    pub failed: usize,
}

#[derive(Clone)]
pub struct Jobs {
    ctx: PipelineContext,
}

impl Jobs {
    pub fn new(ctx: PipelineContext) -> Self {
        Jobs { ctx }
    }

    pub fn hub(&self) -> &Arc<Hub> {
        &self.ctx.hub
    }

    pub fn pipeline_context(&self) -> PipelineContext {
        self.ctx.clone()
    }

    /// The job's state folded from its log. A store that fails is an
    /// error, never "no such job".
    pub async fn state(&self, job_id: Uuid) -> Result<JobState, JobsError> {
        self.hub()
            .store()
            .snapshot(job_id)
            .await?
            .ok_or(JobsError::NotFound)
    }

    /// Creates a job and starts its pipeline; `Busy` (nothing written) when
    /// the running-jobs limit is reached. `use_model: false` keeps this job
    /// away from the model provider, if one is configured.
    pub async fn start(
        &self,
        owner: Option<&OwnerKey>,
        inputs: JobInputs,
        use_model: bool,
    ) -> Result<Uuid, JobsError> {
        let job_id = Uuid::new_v4();
        let guard = self.ctx.runs.claim(job_id).map_err(refused)?;
        let hub = self.hub();
        hub.store()
            .create_owned(job_id, owner, inputs.clone(), now_ms())
            .await?;
        hub.publish(job_id, started(None)).await?;
        if !use_model {
            if let Some(llm) = &self.ctx.llm {
                // Stored before the run starts, so every run of the job
                // (a retry, a resume after a restart) reads it.
                hub.publish(job_id, pipeline::without_model(&llm.config().host()))
                    .await?;
            }
        }
        pipeline::launch(self.ctx.clone(), guard, inputs, "running the five steps");
        Ok(job_id)
    }

    /// Runs a failed, canceled or interrupted job again with its stored
    /// inputs, on the same log (seq continues).
    pub async fn retry(&self, job_id: Uuid) -> Result<(), JobsError> {
        let state = self.state(job_id).await?;
        if !state.is_done() || self.ctx.runs.is_running(job_id) {
            return Err(JobsError::Running);
        }
        if state.status == JobStatus::Completed {
            return Err(JobsError::Completed);
        }
        let guard = self.ctx.runs.claim(job_id).map_err(refused)?;
        let store = self.hub().store();
        let inputs = store.inputs(job_id).await?.ok_or(JobsError::NotFound)?;
        // Two instances sharing the store may be asked at once: one wins.
        if !store.claim_run(job_id).await? {
            return Err(JobsError::Running);
        }
        self.hub().publish(job_id, started(Some("retry"))).await?;
        pipeline::launch(self.ctx.clone(), guard, inputs, "running the five steps");
        Ok(())
    }

    /// Asks the job to stop at its next safe point, here or on whichever
    /// instance sharing the store runs it.
    pub async fn cancel(&self, job_id: Uuid) -> Result<(), JobsError> {
        let state = self.state(job_id).await?;
        if state.is_done()
            || !(self.ctx.runs.cancel(job_id) || self.hub().store().request_cancel(job_id).await?)
        {
            return Err(JobsError::Finished);
        }
        Ok(())
    }

    /// Removes the job, its inputs, events and result; a running job is
    /// stopped (on another instance, by the store's notice) and its streams
    /// end.
    pub async fn delete(&self, job_id: Uuid) -> Result<(), JobsError> {
        self.ctx.runs.cancel(job_id);
        if !self.hub().store().delete(job_id).await? {
            return Err(JobsError::NotFound);
        }
        self.hub().forget(&[job_id]);
        Ok(())
    }

    /// What this instance does when another one, sharing the store, writes.
    /// Weak references: the store holds the handler, and the hub the store.
    pub fn notice_handler(&self) -> store::NoticeHandler {
        let (hub, runs) = (
            Arc::downgrade(&self.ctx.hub),
            Arc::downgrade(&self.ctx.runs),
        );
        Arc::new(move |notice| {
            let (Some(hub), Some(runs)) = (hub.upgrade(), runs.upgrade()) else {
                return;
            };
            match notice {
                store::Notice::Appended { job_id, seq } => hub.wake(job_id, seq),
                store::Notice::Cancel { job_id } => {
                    runs.cancel(job_id);
                }
                store::Notice::Deleted { job_id } => {
                    runs.cancel(job_id);
                    hub.forget(&[job_id]);
                }
                store::Notice::Resync => hub.wake_all(),
            }
        })
    }

    /// With a shared store: takes over, from now on, the jobs whose
    /// instance stopped renewing their lease.
    pub fn take_over_abandoned(&self) {
        tokio::spawn(pipeline::take_over_abandoned(self.ctx.clone()));
    }

    /// Start-up with a store only this process uses: every job the last
    /// process left unfinished is resumed from its checkpoints on the same
    /// log, or ended as `interrupted` when it cannot be (see
    /// [`MAX_PICKUPS`]). A job the store fails on is logged and left; it
    /// never stops the server from starting. Resumed jobs wait for room
    /// under the running-jobs limit. Errs only if the unfinished jobs
    /// cannot be listed at all.
    pub async fn recover(&self) -> Result<Recovery, StoreError> {
        let unfinished = self.hub().store().unfinished_jobs().await?;
        let mut recovery = Recovery::default();
        let mut resume = Vec::new();
        for job_id in unfinished {
            match self.plan_recovery(job_id).await {
                Ok(Some(inputs)) => resume.push((job_id, inputs)),
                Ok(None) => recovery.ended += 1,
                Err(e) => {
                    recovery.failed += 1;
                    tracing::error!(job = %job_id, error = %e, "could not resume or end a job the last run left unfinished; it stays as it is");
                }
            }
        }
        recovery.resumed = resume.len();
        let ctx = self.ctx.clone();
        tokio::spawn(async move {
            for (job_id, inputs) in resume {
                if let Some(guard) = ctx.runs.claim_when_free(job_id).await {
                    tracing::warn!(job = %job_id, "resuming a job the last run left unfinished");
                    pipeline::launch(ctx.clone(), guard, inputs, RESUMED);
                }
            }
        });
        Ok(recovery)
    }

    /// Decides what start-up does with one unfinished job: `Some(inputs)`
    /// to resume it, `None` once it has been ended here.
    async fn plan_recovery(&self, job_id: Uuid) -> Result<Option<JobInputs>, pipeline::Failure> {
        let hub = self.hub();
        let Some(state) = hub.store().snapshot(job_id).await? else {
            return Ok(None);
        };
        if state.status.is_terminal() {
            // Its run ended; only `done` was lost.
            pipeline::finish_ending(hub, job_id, state.status).await?;
            return Ok(None);
        }
        let pickups = pickups_of_this_run(hub, job_id).await?;
        let room =
            usize::try_from(state.last_seq).is_ok_and(|n| n + RESUME_ROOM < MAX_EVENTS_PER_JOB);
        let inputs = hub.store().inputs(job_id).await?;
        let why = match (inputs, pickups >= MAX_PICKUPS, room) {
            (Some(inputs), false, true) => return Ok(Some(inputs)),
            (None, ..) => "its inputs are gone",
            (_, true, _) => "it was resumed before and did not finish",
            (_, _, false) => "its event log is full",
        };
        tracing::warn!(job = %job_id, why, "ending a job the last run left unfinished");
        let message = format!(
            "Tailor restarted while this job was running and could not resume it ({why}). Retry it to run it again; your inputs are kept."
        );
        pipeline::end_unfinished(
            hub,
            job_id,
            ErrorPayload {
                code: "interrupted".into(),
                message,
                step: None,
                retryable: true,
            },
        )
        .await?;
        Ok(None)
    }
}

fn started(reason: Option<&str>) -> EventBody {
    EventBody::JobStatus(JobStatusPayload {
        status: JobStatus::Started,
        reason: reason.map(str::to_string),
    })
}

fn refused(refused: Refused) -> JobsError {
    match refused {
        Refused::Running => JobsError::Running,
        Refused::Busy => JobsError::Busy,
    }
}
