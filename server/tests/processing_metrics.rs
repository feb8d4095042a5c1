//! What the Processing page reads from a finished job's snapshot: one number
//! per thing measured, counts that agree with the result, and step details a
//! person can read ("under 1 ms", never "0 ms").

use crate::common;

use std::collections::BTreeSet;

use common::{fixture, TestServer};
use serde_json::json;
use tailor_common::{metric_keys, JobResult, JobState, StepStatus};

async fn finished(server: &TestServer, resume: &str, job: &str) -> (JobState, JobResult) {
    let id = server
        .start_job(json!({ "resume_text": fixture(resume), "job_text": fixture(job) }))
        .await;
    let (status, _) = server.read_stream(id, "", None).await;
    assert_eq!(status, 200);
    let snapshot = server.snapshot(id).await;
    let result = server.get_json(&format!("/api/jobs/{id}/result")).await;
    (snapshot, result)
}

#[tokio::test]
async fn each_thing_is_measured_once_and_agrees_with_the_result() {
    let server = TestServer::start(15).await;
    // Two different pairs: the rule is not shaped by one document.
    for (resume, job) in [
        (
            "resumes/gdg_data_analyst.txt",
            "jobs/gdg_jd_data_analyst.txt",
        ),
        (
            "resumes/pwdevens_designer_elizabeth_ross.txt",
            "jobs/rm_frontend-eng.txt",
        ),
    ] {
        let (snapshot, result) = finished(&server, resume, job).await;
        let labels: Vec<&str> = snapshot
            .metrics
            .iter()
            .filter_map(|m| m.label.as_deref())
            .collect();
        let distinct: BTreeSet<&str> = labels.iter().copied().collect();
        assert_eq!(distinct.len(), labels.len(), "a label twice: {labels:?}");
        // Planned edits are not what was made; the hard-skill counts are the
        // score part's "(n of m matched)".
        for gone in ["edits_planned", "job_hard_skills", "hard_skills_total"] {
            assert!(snapshot.metric(gone).is_none(), "{gone} is still emitted");
        }
        assert_eq!(
            snapshot.metric(metric_keys::EDITS_APPLIED),
            Some(result.changes.len() as f64),
            "edits applied vs the result's changes for {resume}"
        );
        assert_eq!(
            snapshot.metric(metric_keys::WORD_COUNT),
            Some(result.word_count as f64)
        );
        assert_eq!(
            snapshot.metric(metric_keys::MISSING_TERMS),
            Some(result.missing.len() as f64)
        );
        let (matched, total) = (
            snapshot.metric(metric_keys::REQUIRED_MATCHED).unwrap(),
            snapshot.metric(metric_keys::REQUIRED_TOTAL).unwrap(),
        );
        assert!(matched <= total, "{matched} of {total}");
        for step in &snapshot.steps {
            assert_eq!(step.status, StepStatus::Completed);
            let detail = step.detail.as_deref().unwrap_or_default();
            assert!(detail.starts_with("Done in "), "{detail}");
            assert_ne!(detail, "Done in 0 ms");
            assert!(step.started_at.is_some(), "{:?} has no start", step.step);
        }
    }
}
