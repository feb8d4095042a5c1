//! Running one step: its progress, its reports, its failure.

use std::time::Instant;

use tailor_common::{EventBody, Step, StepProgressPayload, StepStatus};
use tokio::sync::mpsc;
use uuid::Uuid;

use super::budget::Budget;
use crate::{
    engine::{self, EngineError},
    hub::Hub,
    store::StoreError,
};

/// Why a job stopped.
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    #[error("{error}")]
    Engine { step: Step, error: EngineError },
    #[error("{message}")]
    Fetch {
        code: &'static str,
        message: String,
        retryable: bool,
    },
    #[error("internal error: {message}")]
    Internal { step: Option<Step>, message: String },
    #[error("the job store failed: {0}")]
    Store(#[from] StoreError),
    #[error("canceled before {}", step.as_str())]
    Canceled { step: Step },
}

impl Failure {
    pub fn internal(step: Option<Step>, message: String) -> Self {
        Failure::Internal { step, message }
    }

    pub fn code(&self) -> &'static str {
        match self {
            Failure::Engine { error, .. } => error.code(),
            Failure::Fetch { code, .. } => code,
            Failure::Internal { .. } => "internal",
            Failure::Store(StoreError::LogFull { .. }) => "log_full",
            Failure::Store(_) => "store_error",
            Failure::Canceled { .. } => "canceled",
        }
    }

    /// What the person reads.
    pub fn message(&self) -> String {
        match self {
            Failure::Store(StoreError::LogFull { limit, .. }) => format!(
                "This job reported more than {limit} updates, so Tailor stopped it. \
                 Running it again would do the same; try a shorter resume."
            ),
            Failure::Internal { .. } | Failure::Store(_) => {
                "Tailor hit an internal error on this job. Your inputs are kept; try again."
                    .to_string()
            }
            other => other.to_string(),
        }
    }

    pub fn step(&self) -> Option<Step> {
        match self {
            Failure::Engine { step, .. } => Some(*step),
            Failure::Fetch { .. } => Some(Step::Analyzing),
            Failure::Internal { step, .. } => *step,
            Failure::Store(_) => None,
            Failure::Canceled { step } => Some(*step),
        }
    }

    pub fn retryable(&self) -> bool {
        match self {
            Failure::Engine { error, .. } => error.retryable(),
            Failure::Fetch { retryable, .. } => *retryable,
            Failure::Store(StoreError::LogFull { .. }) => false,
            Failure::Internal { .. } | Failure::Store(_) | Failure::Canceled { .. } => true,
        }
    }
}

enum Report {
    Progress(f64, String),
    Event(EventBody),
}

/// Forwards an engine step's reports to the runner. The channel is bounded:
/// a step that reports faster than the store appends simply waits.
struct ChannelReporter(mpsc::Sender<Report>);

impl engine::Reporter for ChannelReporter {
    fn progress(&mut self, pct: f64, detail: &str) {
        let _ = self
            .0
            .blocking_send(Report::Progress(pct, detail.to_string()));
    }

    fn emit(&mut self, body: EventBody) {
        let _ = self.0.blocking_send(Report::Event(body));
    }
}

pub(super) fn progress(
    step: Step,
    status: StepStatus,
    pct: f64,
    eta_sec: Option<f64>,
    detail: Option<String>,
) -> EventBody {
    EventBody::StepProgress(StepProgressPayload {
        step,
        status,
        pct,
        eta_sec,
        detail,
    })
}

/// A step that has started: it has published `running` and keeps the
/// clock its ETA is computed from, and the budget of what it may write.
pub struct StepRun<'a> {
    hub: &'a Hub,
    job_id: Uuid,
    step: Step,
    started: Instant,
    budget: Budget,
}

/// Starts `step`: publishes it as running.
pub async fn begin(
    hub: &Hub,
    job_id: Uuid,
    step: Step,
    detail: Option<String>,
) -> Result<StepRun<'_>, Failure> {
    hub.publish(
        job_id,
        progress(step, StepStatus::Running, 0.0, None, detail),
    )
    .await?;
    Ok(StepRun {
        hub,
        job_id,
        step,
        started: Instant::now(),
        budget: Budget::new(step),
    })
}

/// Runs `work` as `step` from start to end.
pub async fn run<T, F>(hub: &Hub, job_id: Uuid, step: Step, work: F) -> Result<T, Failure>
where
    T: Send + 'static,
    F: FnOnce(&mut dyn engine::Reporter) -> Result<T, EngineError> + Send + 'static,
{
    begin(hub, job_id, step, None).await?.work(work).await
}

impl StepRun<'_> {
    pub fn hub(&self) -> &Hub {
        self.hub
    }

    pub fn job_id(&self) -> Uuid {
        self.job_id
    }

    /// Says what the step is doing before its engine work starts.
    pub async fn say(&self, detail: String) -> Result<(), Failure> {
        self.say_at(0.0, detail).await
    }

    /// Says what the step is doing, at `pct` percent.
    pub async fn say_at(&self, pct: f64, detail: String) -> Result<(), Failure> {
        let body = progress(self.step, StepStatus::Running, pct, None, Some(detail));
        self.hub.publish(self.job_id, body).await?;
        Ok(())
    }

    /// Publishes what the step reports from outside the engine, within the
    /// step's budget like the engine's own reports.
    pub async fn emit(&mut self, body: EventBody) -> Result<(), Failure> {
        if let Some(body) = self.budget.event(body) {
            self.hub.publish(self.job_id, body).await?;
        }
        Ok(())
    }

    /// Ends the step before its work ran (a failed fetch, a cancel).
    pub async fn end_early(self, status: StepStatus, detail: String) -> Result<(), Failure> {
        let body = progress(self.step, status, 0.0, None, Some(detail));
        self.hub.publish(self.job_id, body).await?;
        Ok(())
    }

    /// Runs `work` on the blocking pool, streaming what it reports, then
    /// publishes the step's end.
    pub async fn work<T, F>(mut self, work: F) -> Result<T, Failure>
    where
        T: Send + 'static,
        F: FnOnce(&mut dyn engine::Reporter) -> Result<T, EngineError> + Send + 'static,
    {
        let value = self.stream_work(work).await?;
        self.complete().await?;
        Ok(value)
    }

    /// Runs `work` on the blocking pool, streaming what it reports; the
    /// step stays open (end it with [`StepRun::complete`]) unless the work
    /// failed, which ends it as failed.
    pub async fn stream_work<T, F>(&mut self, work: F) -> Result<T, Failure>
    where
        T: Send + 'static,
        F: FnOnce(&mut dyn engine::Reporter) -> Result<T, EngineError> + Send + 'static,
    {
        let (hub, job_id, step, started) = (self.hub, self.job_id, self.step, self.started);
        let (tx, mut rx) = mpsc::channel(64);
        let handle = tokio::task::spawn_blocking(move || work(&mut ChannelReporter(tx)));
        while let Some(report) = rx.recv().await {
            let body = match report {
                Report::Progress(pct, detail) => {
                    let pct = pct.clamp(0.0, 99.0);
                    if !self.budget.progress(pct) {
                        continue;
                    }
                    let elapsed = started.elapsed().as_secs_f64();
                    // The remaining time at the pace so far.
                    let eta = (pct > 0.0).then(|| elapsed * (100.0 - pct) / pct);
                    progress(step, StepStatus::Running, pct, eta, Some(detail))
                }
                Report::Event(body) => match self.budget.event(body) {
                    Some(body) => body,
                    None => continue,
                },
            };
            hub.publish(job_id, body).await?;
        }
        match handle.await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(error)) => {
                self.flush().await?;
                let body = progress(step, StepStatus::Failed, 0.0, None, Some(error.to_string()));
                hub.publish(job_id, body).await?;
                Err(Failure::Engine { step, error })
            }
            Err(join) => {
                let message = if join.is_panic() {
                    "the step panicked"
                } else {
                    "the step was cancelled"
                };
                tracing::error!(job = %job_id, step = step.as_str(), "{message}");
                self.flush().await?;
                hub.publish(job_id, progress(step, StepStatus::Failed, 0.0, None, None))
                    .await?;
                Err(Failure::internal(Some(step), message.to_string()))
            }
        }
    }

    /// Sends what the budget held back, and its "more" lines.
    async fn flush(&mut self) -> Result<(), Failure> {
        let budget = std::mem::replace(&mut self.budget, Budget::new(self.step));
        for body in budget.finish() {
            self.hub.publish(self.job_id, body).await?;
        }
        Ok(())
    }

    /// Ends the step as completed.
    pub async fn complete(mut self) -> Result<(), Failure> {
        self.flush().await?;
        let took = format!(
            "Done in {}",
            human_duration(self.started.elapsed().as_secs_f64())
        );
        let body = progress(self.step, StepStatus::Completed, 100.0, None, Some(took));
        self.hub.publish(self.job_id, body).await?;
        Ok(())
    }
}

fn human_duration(secs: f64) -> String {
    // "0 ms" reads as if nothing was done; the step did its work, quickly.
    if secs < 0.001 {
        "under 1 ms".to_string()
    } else if secs < 1.0 {
        format!("{:.0} ms", secs * 1000.0)
    } else {
        format!("{secs:.1} s")
    }
}
