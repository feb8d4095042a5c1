//! The HTTP API's paths, written once: the server routes on the patterns,
//! and the server, the browser and the tests build URLs with the functions.
//! A test below keeps each function and its pattern in step.

use uuid::Uuid;

/// Route patterns, in axum's `{name}` syntax.
pub mod route {
    pub const START: &str = "/api/pipeline/start";
    pub const RESUME_PREVIEW: &str = "/api/resume/preview";
    pub const JOBS: &str = "/api/jobs";
    pub const JOB: &str = "/api/jobs/{id}";
    pub const CANCEL: &str = "/api/jobs/{id}/cancel";
    pub const RETRY: &str = "/api/jobs/{id}/retry";
    pub const STREAM: &str = "/api/jobs/{id}/stream";
    pub const SNAPSHOT: &str = "/api/jobs/{id}/snapshot";
    pub const RESULT: &str = "/api/jobs/{id}/result";
    pub const EXPORT: &str = "/api/jobs/{id}/export";
    pub const SHARE: &str = "/api/jobs/{id}/share";
    pub const DECISIONS: &str = "/api/jobs/{id}/decisions";
    /// Where a share link lands.
    pub const SHARE_LANDING: &str = "/share/{id}/{token}";
}

/// `POST`: starts a job.
pub const START: &str = route::START;
/// `POST` (multipart, field `resume`): the text read from a resume file.
pub const RESUME_PREVIEW: &str = route::RESUME_PREVIEW;
/// `GET`: the viewer's jobs.
pub const JOBS: &str = route::JOBS;

fn at(pattern: &str, id: Uuid) -> String {
    pattern.replace("{id}", &id.to_string())
}

/// `DELETE`: the job and everything it holds.
pub fn job(id: Uuid) -> String {
    at(route::JOB, id)
}
pub fn job_cancel(id: Uuid) -> String {
    at(route::CANCEL, id)
}
pub fn job_retry(id: Uuid) -> String {
    at(route::RETRY, id)
}
pub fn job_stream(id: Uuid) -> String {
    at(route::STREAM, id)
}
pub fn job_snapshot(id: Uuid) -> String {
    at(route::SNAPSHOT, id)
}
pub fn job_result(id: Uuid) -> String {
    at(route::RESULT, id)
}
/// A download; `format` is `docx`, `pdf`, `md` or `txt`.
pub fn job_export(id: Uuid, format: &str) -> String {
    format!("{}?format={format}", at(route::EXPORT, id))
}
/// `POST` one decision on the result (see `review::Decision`); the answer
/// is the result as decided.
pub fn job_decisions(id: Uuid) -> String {
    at(route::DECISIONS, id)
}
/// A download of one version of the result.
pub fn job_export_version(id: Uuid, format: &str, version: u32) -> String {
    format!("{}&version={version}", job_export(id, format))
}
/// `POST` makes a share link, `DELETE` revokes it.
pub fn job_share(id: Uuid) -> String {
    at(route::SHARE, id)
}
pub fn share_landing(id: Uuid, token: &str) -> String {
    at(route::SHARE_LANDING, id).replace("{token}", token)
}

/// The app's pages.
pub fn job_page(id: Uuid) -> String {
    format!("/jobs/{id}")
}
pub fn review_page(id: Uuid) -> String {
    format!("/jobs/{id}/review")
}
/// "Edit the inputs and run again": the upload form from this job's inputs.
pub fn run_again_page(id: Uuid) -> String {
    format!("/jobs/{id}/again")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_follow_their_patterns() {
        let id = Uuid::from_u128(0x1234_5678_9abc_def0_1234_5678_9abc_def0);
        let cases: [(&str, String); 9] = [
            (route::DECISIONS, job_decisions(id)),
            (route::JOB, job(id)),
            (route::CANCEL, job_cancel(id)),
            (route::RETRY, job_retry(id)),
            (route::STREAM, job_stream(id)),
            (route::SNAPSHOT, job_snapshot(id)),
            (route::RESULT, job_result(id)),
            (route::SHARE, job_share(id)),
            (
                route::EXPORT,
                job_export(id, "pdf").replace("?format=pdf", ""),
            ),
        ];
        for (pattern, url) in cases {
            assert_eq!(pattern.replace("{id}", &id.to_string()), url);
            assert!(url.starts_with('/') && !url.contains('{'), "{url}");
        }
        assert_eq!(
            route::SHARE_LANDING
                .replace("{id}", &id.to_string())
                .replace("{token}", "T"),
            share_landing(id, "T")
        );
        assert!(job_stream(id).ends_with("/stream"));
        assert_ne!(job_stream(id), job_snapshot(id));
    }
}
