//! The pipeline runner: runs the five steps of a job in order on a spawned
//! task and reports each through the job's event log. Every job ends with
//! `done`, whether it completed or failed.
//!
//! The steps' bodies are the engine's (`crate::engine`), which is synchronous
//! CPU work: each runs on the blocking pool and reports through a bounded
//! channel, so its insights, metrics and progress reach the stream while it
//! works.

mod job_source;
mod step;

use std::sync::Arc;

use tailor_common::{
    DonePayload, DoneStatus, ErrorPayload, EventBody, JobStatus, JobStatusPayload, Step,
};
use uuid::Uuid;

use crate::{engine, hub::Hub, store::JobInputs};

pub use step::Failure;

#[derive(Clone)]
pub struct PipelineContext {
    pub hub: Arc<Hub>,
    pub allow_private_urls: bool,
}

pub fn spawn(ctx: PipelineContext, job_id: Uuid, inputs: JobInputs) {
    tokio::spawn(run(ctx, job_id, inputs));
}

pub async fn run(ctx: PipelineContext, job_id: Uuid, inputs: JobInputs) {
    let hub = &ctx.hub;
    let outcome = run_steps(&ctx, job_id, inputs).await;
    let finished = match outcome {
        Ok(result) => finish_ok(hub, job_id, result).await,
        Err(failure) => finish_failed(hub, job_id, failure).await,
    };
    if let Err(e) = finished {
        tracing::error!(job = %job_id, error = %e, "could not record the end of a job");
    }
    hub.metrics().job_finished();
}

async fn run_steps(
    ctx: &PipelineContext,
    job_id: Uuid,
    inputs: JobInputs,
) -> Result<engine::Outcome, Failure> {
    let hub = &ctx.hub;
    publish(
        hub,
        job_id,
        status(JobStatus::Running, "running the five steps"),
    )
    .await?;

    let resume = engine::ResumeInput {
        file_name: inputs.resume.file_name,
        bytes: inputs.resume.bytes,
    };
    let analyzing = step::begin(hub, job_id, Step::Analyzing, None).await?;
    let job = match job_source::resolve(
        &analyzing,
        ctx.allow_private_urls,
        inputs.job_text,
        inputs.job_url,
    )
    .await
    {
        Ok(job) => job,
        Err(failure) => {
            analyzing.fail(failure.message()).await?;
            return Err(failure);
        }
    };
    let analysis = Arc::new(
        analyzing
            .work(move |r| engine::analyze(&resume, &job, r))
            .await?,
    );
    let a = analysis.clone();
    let plan =
        Arc::new(step::run(hub, job_id, Step::Planning, move |r| engine::plan(&a, r)).await?);
    let (a, p) = (analysis.clone(), plan.clone());
    let draft = Arc::new(
        step::run(hub, job_id, Step::Writing, move |r| {
            engine::write(&a, &p, r)
        })
        .await?,
    );
    let (a, p, d) = (analysis.clone(), plan.clone(), draft.clone());
    let checks = Arc::new(
        step::run(hub, job_id, Step::Validating, move |r| {
            engine::validate(&a, &p, &d, r)
        })
        .await?,
    );
    let outcome = step::run(hub, job_id, Step::Polishing, move |r| {
        engine::polish(&analysis, &plan, &draft, &checks, r)
    })
    .await?;
    Ok(outcome)
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
            result_url: Some(format!("/api/jobs/{job_id}/result")),
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
