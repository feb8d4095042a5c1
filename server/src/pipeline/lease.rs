//! Runs in a store shared by several instances: keeping a run's lease while
//! it works, and taking over the jobs whose instance died.

use std::{sync::Arc, time::Duration};

use tokio::time::MissedTickBehavior;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use tailor_common::ErrorPayload;

use super::{
    end_unfinished, launch, pickups_of_this_run, PipelineContext, MAX_PICKUPS, TAKEN_OVER,
};
use crate::{hub::Hub, store::Lease};

/// Renews the run's lease three times per lease period until aborted.
/// Cancels the run when someone asked for that (from any instance), and
/// also fires `lost` when another instance took the job over.
pub async fn keep(
    hub: Arc<Hub>,
    job_id: Uuid,
    lease: Duration,
    cancel: CancellationToken,
    lost: CancellationToken,
) {
    let mut tick = tokio::time::interval(lease / 3);
    tick.set_missed_tick_behavior(MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        match hub.store().renew_run(job_id).await {
            Ok(Lease::Held { cancel: false }) => {}
            Ok(Lease::Held { cancel: true }) => cancel.cancel(),
            Ok(Lease::Lost) => {
                lost.cancel();
                cancel.cancel();
                return;
            }
            // The database is unreachable: keep trying. If the lease runs
            // out meanwhile, another instance takes the job over and this
            // one's appends are refused.
            Err(e) => tracing::warn!(job = %job_id, error = %e, "could not renew a run's lease"),
        }
    }
}

/// Every half lease, claims the unfinished jobs whose lease expired (their
/// instance died or lost the database) as far as this instance has room,
/// and runs them on the same log from the step their instance had reached.
pub async fn take_over_abandoned(ctx: PipelineContext) {
    let mut tick = tokio::time::interval(ctx.lease / 2);
    tick.set_missed_tick_behavior(MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = ctx.hub.shutdown().cancelled() => return,
        }
        let room = ctx.runs.room();
        let claimed = match ctx.hub.store().claim_abandoned(room).await {
            Ok(claimed) => claimed,
            Err(e) => {
                tracing::warn!(error = %e, "could not look for abandoned jobs");
                continue;
            }
        };
        for job_id in claimed {
            resume(&ctx, job_id).await;
        }
    }
}

async fn resume(ctx: &PipelineContext, job_id: Uuid) {
    let inputs = match ctx.hub.store().inputs(job_id).await {
        Ok(Some(inputs)) => inputs,
        Ok(None) => return, // deleted meanwhile
        Err(e) => {
            // The lease runs out again and the next look retries.
            tracing::warn!(job = %job_id, error = %e, "could not load an abandoned job");
            return;
        }
    };
    // Room was counted before the claim; a start since then may have taken
    // it, and then the lease lapses again and the next look retries.
    let Ok(guard) = ctx.runs.claim(job_id) else {
        tracing::warn!(job = %job_id, "no room to take over an abandoned job now");
        return;
    };
    match pickups_of_this_run(&ctx.hub, job_id).await {
        Ok(pickups) if pickups >= MAX_PICKUPS => {
            tracing::warn!(job = %job_id, pickups, "ending a job whose instances kept stopping while running it");
            let error = ErrorPayload {
                code: "interrupted".into(),
                message: format!(
                    "The server running this job stopped {} times before it finished, so Tailor stopped picking it up again. Retry it to run it again; your inputs are kept.",
                    pickups + 1
                ),
                step: None,
                retryable: true,
            };
            if let Err(e) = end_unfinished(&ctx.hub, job_id, error).await {
                tracing::error!(job = %job_id, error = %e, "could not end an abandoned job");
            }
            drop(guard);
            return;
        }
        Ok(_) => {}
        Err(e) => {
            tracing::warn!(job = %job_id, error = %e, "could not read an abandoned job's log");
            return;
        }
    }
    tracing::warn!(job = %job_id, "taking over a job whose instance stopped renewing its lease");
    launch(ctx.clone(), guard, inputs, TAKEN_OVER);
    ctx.hub.metrics().job_taken_over();
}
