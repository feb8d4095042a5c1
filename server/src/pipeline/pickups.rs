//! How many times one run of a job was picked up again after the process
//! running it stopped: resumed at start-up, or taken over by another
//! instance sharing the store. A job that brings its server down each time
//! it runs (a crash, an out-of-memory kill) would otherwise do so on every
//! start, or on every instance in turn; past [`MAX_PICKUPS`] it ends as
//! `interrupted`, and a retry starts the count again.

use tailor_common::{EventBody, JobStatus};
use uuid::Uuid;

use crate::{hub::Hub, store::StoreError};

/// The reason of the `job_status running` a job resumed at start-up
/// starts with.
pub const RESUMED: &str = "resumed after a restart";

/// The reason of the `job_status running` a taken-over job starts with.
pub const TAKEN_OVER: &str = "resumed: the server running this job stopped, another took it over";

/// How many times one run is picked up again, resumes and takeovers
/// together.
pub const MAX_PICKUPS: usize = 2;

/// How many times the job was picked up again since its run began (its last
/// `job_status started`: the first start or a retry), read from its log.
pub async fn pickups_of_this_run(hub: &Hub, job_id: Uuid) -> Result<usize, StoreError> {
    const PAGE: usize = 512;
    let (mut after, mut pickups) = (0, 0);
    loop {
        let page = hub.store().read_after(job_id, after, PAGE).await?;
        let Some(last) = page.last() else {
            return Ok(pickups);
        };
        after = last.seq;
        for event in &page {
            if let EventBody::JobStatus(p) = &event.body {
                match (p.status, p.reason.as_deref()) {
                    (JobStatus::Started, _) => pickups = 0,
                    (JobStatus::Running, Some(RESUMED | TAKEN_OVER)) => pickups += 1,
                    _ => {}
                }
            }
        }
    }
}
