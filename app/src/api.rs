//! What the UI asks the server for, beyond the plain HTTP API.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use tailor_common::{JobResult, JobState};

/// Everything the Processing page needs to render a job and follow it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobView {
    pub state: JobState,
    /// The server's heartbeat interval: the client's silence watchdog is
    /// derived from it.
    pub heartbeat_secs: u64,
}

/// How the server side of the UI reads a job, provided as context by the
/// server binary (the app crate cannot depend on the server crate).
#[cfg(feature = "ssr")]
pub mod ssr {
    use std::{future::Future, pin::Pin, sync::Arc};
    use tailor_common::JobState;
    use uuid::Uuid;

    pub type Lookup<T> =
        Arc<dyn Fn(Uuid) -> Pin<Box<dyn Future<Output = Option<T>> + Send>> + Send + Sync>;

    #[derive(Clone)]
    pub struct JobLookup {
        pub snapshot: Lookup<JobState>,
        pub result: Lookup<tailor_common::JobResult>,
        pub heartbeat_secs: u64,
    }
}

/// The job's current state, or `None` for an unknown job.
#[server(endpoint = "job_view")]
pub async fn load_job(id: String) -> Result<Option<JobView>, ServerFnError> {
    let Ok(id) = uuid::Uuid::parse_str(&id) else {
        return Ok(None);
    };
    let lookup = use_context::<ssr::JobLookup>()
        .ok_or_else(|| ServerFnError::new("job lookup is not configured"))?;
    Ok((lookup.snapshot)(id).await.map(|state| JobView {
        state,
        heartbeat_secs: lookup.heartbeat_secs,
    }))
}

/// A finished job's result, or `None` if the job is unknown or has none.
#[server(endpoint = "job_result")]
pub async fn load_result(id: String) -> Result<Option<JobResult>, ServerFnError> {
    let Ok(id) = uuid::Uuid::parse_str(&id) else {
        return Ok(None);
    };
    let lookup = use_context::<ssr::JobLookup>()
        .ok_or_else(|| ServerFnError::new("job lookup is not configured"))?;
    Ok((lookup.result)(id).await)
}
