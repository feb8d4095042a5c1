//! The pipeline runner: runs the five steps of a job in order on a spawned
//! task and reports each through the job's event log. Every job ends with
//! `done`, whether it completed or failed.
//!
//! The steps' bodies are the engine's (`crate::engine`), which is synchronous
//! CPU work: each runs on the blocking pool and reports through a bounded
//! channel, so its insights, metrics and progress reach the stream while it
//! works.

mod budget;
mod checkpoint;
mod job_source;
mod lease;
mod pickups;
mod rewrite;
mod runs;
mod step;

use std::{sync::Arc, time::Duration};

use tailor_common::{
    DonePayload, DoneStatus, ErrorPayload, EventBody, JobStatus, JobStatusPayload, Step, StepStatus,
};
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use crate::{
    engine,
    hub::Hub,
    parse_worker::ParseWorkers,
    store::{JobInputs, StoreError},
};

pub use budget::MAX_EVENTS_PER_STEP;
use checkpoint::Checkpoints;
pub use lease::take_over_abandoned;
pub use pickups::{pickups_of_this_run, MAX_PICKUPS, RESUMED, TAKEN_OVER};
pub use rewrite::without_model;
pub use runs::{Refused, RunGuard, Runs};
pub use step::Failure;

#[derive(Clone)]
pub struct PipelineContext {
    pub hub: Arc<Hub>,
    /// The jobs running here, and how many may run at once.
    pub runs: Arc<Runs>,
    pub allow_private_urls: bool,
    /// How long a run's lease lasts in a shared store.
    pub lease: Duration,
    /// Reads resume files in disposable worker processes.
    pub readers: Arc<ParseWorkers>,
    /// The model provider that proposes rewrites, when one is configured.
    pub llm: Option<Arc<crate::llm::Provider>>,
}

/// Starts the job's pipeline on its own task; `false` if it is running
/// already or the running-jobs limit is reached. The job's log must exist,
/// and in a shared store this instance must hold the job's run lease
/// (`create`, `claim_run`, `claim_abandoned`).
pub fn spawn(ctx: PipelineContext, job_id: Uuid, inputs: JobInputs) -> bool {
    match ctx.runs.claim(job_id) {
        Ok(guard) => {
            launch(ctx, guard, inputs, "running the five steps");
            true
        }
        Err(_) => false,
    }
}

/// Runs the claimed job (see [`Runs::claim`]), saying `why` it runs in the
/// `job_status running` it starts with. The claim is released when the run
/// ends.
pub fn launch(ctx: PipelineContext, guard: RunGuard, inputs: JobInputs, why: &'static str) {
    let job_id = guard.job_id();
    ctx.hub.metrics().job_started();
    tokio::spawn(async move {
        let cancel = guard.token.clone();
        let lost = CancellationToken::new();
        let lease = ctx.hub.store().is_shared().then(|| {
            tokio::spawn(lease::keep(
                ctx.hub.clone(),
                job_id,
                ctx.lease,
                cancel.clone(),
                lost.clone(),
            ))
        });
        run(&ctx, job_id, inputs, why, &cancel, &lost).await;
        if let Some(lease) = lease {
            lease.abort();
        }
        drop(guard);
    });
}

async fn run(
    ctx: &PipelineContext,
    job_id: Uuid,
    inputs: JobInputs,
    why: &str,
    cancel: &CancellationToken,
    lost: &CancellationToken,
) {
    let hub = &ctx.hub;
    let outcome = run_steps(ctx, job_id, inputs, why, cancel).await;
    let taken_over = matches!(outcome, Err(Failure::Store(StoreError::NotOwner(_))));
    if lost.is_cancelled() || taken_over {
        // Another instance runs the job now and writes its ending; this
        // one may not write to its log any more.
        tracing::warn!(job = %job_id, "stopped running a job another instance took over");
        hub.metrics().job_handed_over();
        return;
    }
    let finished = match outcome {
        Ok(result) => finish_ok(hub, job_id, result).await,
        Err(Failure::Canceled { step }) => finish_canceled(hub, job_id, step).await,
        Err(failure) => finish_failed(hub, job_id, failure).await,
    };
    if let Err(e) = finished {
        tracing::error!(job = %job_id, error = %e, "could not record the end of a job");
    }
    hub.metrics().job_finished();
}

/// Ends a job no process runs any more (after a crash or a restart) with
/// `error` and `done`, so that every stream on it ends: its running steps
/// are marked failed first. Each event is attempted even if an earlier one
/// is refused; the store keeps room for an ending past its event cap (see
/// [`crate::store::admits`]), so a full log still ends.
pub async fn end_unfinished(hub: &Hub, job_id: Uuid, error: ErrorPayload) -> Result<(), Failure> {
    let Some(state) = hub.store().snapshot(job_id).await? else {
        return Ok(()); // deleted meanwhile
    };
    let mut outcome = Ok(());
    for step in state
        .steps
        .iter()
        .filter(|s| s.status == StepStatus::Running)
    {
        let failed = step::progress(
            step.step,
            StepStatus::Failed,
            0.0,
            None,
            Some("Interrupted by a restart".into()),
        );
        outcome = outcome.and(publish(hub, job_id, failed).await);
    }
    let code = error.code.clone();
    outcome = outcome.and(publish(hub, job_id, EventBody::Error(error)).await);
    outcome = outcome.and(publish(hub, job_id, status(JobStatus::Failed, &code)).await);
    let done = EventBody::Done(DonePayload {
        status: DoneStatus::Failed,
        result_url: None,
    });
    outcome.and(publish(hub, job_id, done).await)
}

/// Writes the `done` of a job whose run ended (completed, failed or
/// canceled: its last `job_status` says so) but was cut off before `done`.
pub async fn finish_ending(hub: &Hub, job_id: Uuid, ended: JobStatus) -> Result<(), Failure> {
    let (status, result_url) = match ended {
        JobStatus::Completed => (
            DoneStatus::Completed,
            Some(format!("/api/jobs/{job_id}/result")),
        ),
        JobStatus::Canceled => (DoneStatus::Canceled, None),
        _ => (DoneStatus::Failed, None),
    };
    publish(
        hub,
        job_id,
        EventBody::Done(DonePayload { status, result_url }),
    )
    .await
}

/// The safe points where a cancel takes effect: between steps.
fn checkpoint(cancel: &CancellationToken, next: Step) -> Result<(), Failure> {
    if cancel.is_cancelled() {
        Err(Failure::Canceled { step: next })
    } else {
        Ok(())
    }
}

/// Runs the steps an earlier run of the job did not finish (see
/// [`Checkpoints`]), saving each one's output as it ends.
async fn run_steps(
    ctx: &PipelineContext,
    job_id: Uuid,
    inputs: JobInputs,
    why: &str,
    cancel: &CancellationToken,
) -> Result<engine::Outcome, Failure> {
    let hub = &ctx.hub;
    publish(hub, job_id, status(JobStatus::Running, why)).await?;
    let saved = Checkpoints::load(hub, job_id).await?;
    let analysis = saved
        .output(Step::Analyzing, analyze(ctx, job_id, inputs, cancel))
        .await?;
    checkpoint(cancel, Step::Planning)?;
    let a = analysis.clone();
    let plan = saved
        .output(
            Step::Planning,
            step::run(hub, job_id, Step::Planning, move |r| engine::plan(&a, r)),
        )
        .await?;
    checkpoint(cancel, Step::Writing)?;
    let use_model = ctx.llm.is_some() && !rewrite::opted_out(hub, job_id).await?;
    let (a, p) = (analysis.clone(), plan.clone());
    let draft = saved
        .output(
            Step::Writing,
            rewrite::write(ctx, job_id, a, p, use_model, cancel),
        )
        .await?;
    checkpoint(cancel, Step::Validating)?;
    let (a, p, d) = (analysis.clone(), plan.clone(), draft.clone());
    let checks = saved
        .output(
            Step::Validating,
            step::run(hub, job_id, Step::Validating, move |r| {
                engine::validate(&a, &p, &d, r)
            }),
        )
        .await?;

    // Polishing's output is the result itself, saved by `finish_ok`.
    checkpoint(cancel, Step::Polishing)?;
    step::run(hub, job_id, Step::Polishing, move |r| {
        engine::polish(&analysis, &plan, &draft, &checks, r)
    })
    .await
}

/// The first step: the job posting fetched (or taken as pasted), then both
/// documents read.
async fn analyze(
    ctx: &PipelineContext,
    job_id: Uuid,
    inputs: JobInputs,
    cancel: &CancellationToken,
) -> Result<engine::Analysis, Failure> {
    let resume = engine::ResumeInput {
        file_name: inputs.resume.file_name,
        bytes: inputs.resume.bytes,
    };
    let analyzing = step::begin(&ctx.hub, job_id, Step::Analyzing, None).await?;
    // The posting fetched (or taken as pasted), then the resume file read
    // in a worker process; a cancel stops either, killing the worker.
    let prepared = tokio::select! {
        prepared = async {
            let job = job_source::resolve(&analyzing, ctx.allow_private_urls, inputs.job_text, inputs.job_url).await?;
            analyzing.say(reading_detail(&resume)).await?;
            let read = ctx.readers.read(&resume).await.map_err(|error| Failure::Engine {
                step: Step::Analyzing,
                error,
            })?;
            Ok((job, read))
        } => prepared,
        _ = cancel.cancelled() => Err(Failure::Canceled { step: Step::Analyzing }),
    };
    let (job, read) = match prepared {
        Ok(prepared) => prepared,
        Err(failure) => {
            let (status, detail) = match failure {
                Failure::Canceled { .. } => (StepStatus::Skipped, "Canceled".to_string()),
                _ => (StepStatus::Failed, failure.message()),
            };
            analyzing.end_early(status, detail).await?;
            return Err(failure);
        }
    };
    analyzing
        .work(move |r| engine::analyze(&read, &job, r))
        .await
}

/// What the Processing page says while the worker reads the file.
fn reading_detail(resume: &engine::ResumeInput) -> String {
    match engine::detect_format(resume) {
        Ok(format) => format!(
            "Reading your {} in an isolated reader",
            format.as_str().to_uppercase()
        ),
        Err(_) => "Reading your resume in an isolated reader".to_string(),
    }
}

async fn finish_ok(hub: &Hub, job_id: Uuid, outcome: engine::Outcome) -> Result<(), Failure> {
    let result =
        serde_json::to_value(&outcome).map_err(|e| Failure::internal(None, e.to_string()))?;
    hub.store().save_result(job_id, result).await?;
    publish(
        hub,
        job_id,
        status(JobStatus::Completed, &outcome.summary_line()),
    )
    .await?;
    publish(
        hub,
        job_id,
        EventBody::Done(DonePayload {
            status: DoneStatus::Completed,
            result_url: Some(tailor_common::paths::job_result(job_id)),
        }),
    )
    .await
}

async fn finish_canceled(hub: &Hub, job_id: Uuid, at: Step) -> Result<(), Failure> {
    tracing::info!(job = %job_id, step = at.as_str(), "job canceled");
    publish(
        hub,
        job_id,
        status(
            JobStatus::Canceled,
            &format!("canceled before {}", at.as_str()),
        ),
    )
    .await?;
    publish(
        hub,
        job_id,
        EventBody::Done(DonePayload {
            status: DoneStatus::Canceled,
            result_url: None,
        }),
    )
    .await
}

async fn finish_failed(hub: &Hub, job_id: Uuid, failure: Failure) -> Result<(), Failure> {
    tracing::info!(job = %job_id, code = failure.code(), "job failed");
    // Each of these is attempted even if an earlier one fails: `done` last, always.
    let error = publish(
        hub,
        job_id,
        EventBody::Error(ErrorPayload {
            code: failure.code().to_string(),
            message: failure.message(),
            step: failure.step(),
            retryable: failure.retryable(),
        }),
    )
    .await;
    let failed = publish(hub, job_id, status(JobStatus::Failed, failure.code())).await;
    let done = publish(
        hub,
        job_id,
        EventBody::Done(DonePayload {
            status: DoneStatus::Failed,
            result_url: None,
        }),
    )
    .await;
    error.and(failed).and(done)
}

fn status(status: JobStatus, reason: &str) -> EventBody {
    EventBody::JobStatus(JobStatusPayload {
        status,
        reason: Some(reason.to_string()),
    })
}

async fn publish(hub: &Hub, job_id: Uuid, body: EventBody) -> Result<(), Failure> {
    hub.publish(job_id, body)
        .await
        .map(|_| ())
        .map_err(Failure::from)
}
