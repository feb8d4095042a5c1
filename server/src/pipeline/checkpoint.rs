//! What earlier runs of a job finished, by step: a retry, or another
//! instance taking a job over, resumes after the last finished step instead
//! of from the start. Each step's output is saved as JSON when it ends.

use std::{collections::HashMap, future::Future, sync::Arc};

use serde::{de::DeserializeOwned, Serialize};
use tailor_common::{Step, StepStatus};
use uuid::Uuid;

use super::{step, Failure};
use crate::hub::Hub;

pub struct Checkpoints<'a> {
    hub: &'a Hub,
    job_id: Uuid,
    saved: HashMap<Step, serde_json::Value>,
}

impl<'a> Checkpoints<'a> {
    pub async fn load(hub: &'a Hub, job_id: Uuid) -> Result<Self, Failure> {
        let saved = hub.store().checkpoints(job_id).await?.into_iter().collect();
        Ok(Checkpoints { hub, job_id, saved })
    }

    /// The step's output: kept from an earlier run, or else made by `run`
    /// (a future polled only then) and kept for the next one.
    pub async fn output<T, F>(&self, step: Step, run: F) -> Result<Arc<T>, Failure>
    where
        T: Serialize + DeserializeOwned,
        F: Future<Output = Result<T, Failure>>,
    {
        if let Some(kept) = self.reuse(step).await? {
            return Ok(Arc::new(kept));
        }
        let made = run.await?;
        self.save(step, &made).await?;
        Ok(Arc::new(made))
    }

    /// The step's output from an earlier run, announced on the stream as
    /// completed; `None` if the step must run. An output this build cannot
    /// read (saved by another version) is run again rather than trusted.
    async fn reuse<T: DeserializeOwned>(&self, step: Step) -> Result<Option<T>, Failure> {
        let Some(saved) = self.saved.get(&step) else {
            return Ok(None);
        };
        let value = match T::deserialize(saved) {
            Ok(value) => value,
            Err(e) => {
                tracing::warn!(job = %self.job_id, step = step.as_str(), error = %e, "running a step again: its checkpoint is unreadable");
                return Ok(None);
            }
        };
        let kept = step::progress(
            step,
            StepStatus::Completed,
            100.0,
            None,
            Some("Kept from the earlier run".into()),
        );
        self.hub.publish(self.job_id, kept).await?;
        Ok(Some(value))
    }

    async fn save<T: Serialize>(&self, step: Step, output: &T) -> Result<(), Failure> {
        let data = serde_json::to_value(output)
            .map_err(|e| Failure::internal(Some(step), format!("checkpoint: {e}")))?;
        self.hub
            .store()
            .save_checkpoint(self.job_id, step, data)
            .await?;
        Ok(())
    }
}
