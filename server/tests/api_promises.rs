//! Rows of the README's API table that the other suites leave unsaid, each
//! through the real router over real sockets: a retry keeps the steps the
//! earlier run finished ("Kept from the earlier run"); deleting a running
//! job ends its open streams; a download is named "Name - Title -
//! tailored.ext".

use crate::common;

use std::{sync::Arc, time::Duration};

use common::{fixture, held_page_server, job_body, LiveStream, TestServer};
use serde_json::{json, Value};
use tailor_common::{
    DoneStatus, Envelope, EventBody, JobStatus, JobStatusPayload, Step, StepProgressPayload,
    StepStatus,
};
use tailor_server::{
    access::{owner_cookie_header, owner_key_for_token},
    hub::now_ms,
    store::{JobInputs, JobStore, ResumeUpload},
};
use uuid::Uuid;

const BROWSER: &str = "promise-browser-token-0123456789abcdefghijk";

/// A server on the test store, with the store kept for the test, and a
/// browser whose owner token is [`BROWSER`].
async fn server_and_store() -> (
    TestServer,
    Arc<dyn JobStore>,
    Box<dyn std::any::Any + Send + Sync>,
) {
    let (store, lifetime) = common::test_store().await;
    let mut server = TestServer::start_on(store.clone()).await;
    let jar = Arc::new(reqwest::cookie::Jar::default());
    jar.add_cookie_str(
        &owner_cookie_header(BROWSER),
        &server.url("/").parse().unwrap(),
    );
    server.client = common::browser_with(jar.clone());
    server.jar = jar;
    (server, store, lifetime)
}

fn stored(frames: &[common::Frame]) -> Vec<Envelope> {
    frames
        .iter()
        .filter(|f| f.id.is_some())
        .map(|f| f.envelope())
        .collect()
}

fn progress(step: Step, status: StepStatus, pct: f64) -> EventBody {
    EventBody::StepProgress(StepProgressPayload {
        step,
        status,
        pct,
        eta_sec: None,
        detail: None,
    })
}

fn progress_of(events: &[Envelope], step: Step) -> Vec<StepProgressPayload> {
    events
        .iter()
        .filter_map(|e| match &e.body {
            EventBody::StepProgress(p) if p.step == step => Some(p.clone()),
            _ => None,
        })
        .collect()
}

/// `POST /retry` runs a canceled job "from the step it stopped at: the
/// steps it had finished are kept". The earlier run's checkpoints are those
/// a real run of the same inputs saved; the retry announces analyzing and
/// planning as kept (once each, never running), runs the other three, and
/// its result is the one a whole run gives.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retry_keeps_the_steps_the_earlier_run_finished() {
    let (server, store, _lifetime) = server_and_store().await;
    // A whole run, through the API, saves its steps' outputs.
    let whole = server.start_job(job_body()).await;
    let (_, frames) = server.read_stream(whole, "", None).await;
    assert!(stored(&frames).last().unwrap().is_done());
    let saved = store.checkpoints(whole).await.unwrap();
    assert!(saved.len() >= 2, "{} checkpoints", saved.len());

    // The same inputs, canceled after planning by an earlier run.
    let job = Uuid::new_v4();
    let inputs = JobInputs {
        resume: ResumeUpload {
            file_name: None,
            bytes: job_body()["resume_text"]
                .as_str()
                .unwrap()
                .as_bytes()
                .to_vec(),
        },
        job_text: Some(job_body()["job_text"].as_str().unwrap().to_string()),
        job_url: None,
    };
    store
        .create_owned(job, Some(&owner_key_for_token(BROWSER)), inputs, now_ms())
        .await
        .unwrap();
    let status = |status| {
        EventBody::JobStatus(JobStatusPayload {
            status,
            reason: None,
        })
    };
    let earlier = [
        status(JobStatus::Started),
        status(JobStatus::Running),
        progress(Step::Analyzing, StepStatus::Running, 0.0),
        progress(Step::Analyzing, StepStatus::Completed, 100.0),
        progress(Step::Planning, StepStatus::Running, 0.0),
        progress(Step::Planning, StepStatus::Completed, 100.0),
        status(JobStatus::Canceled),
        EventBody::Done(tailor_common::DonePayload {
            status: DoneStatus::Canceled,
            result_url: None,
        }),
    ];
    let earlier_len = earlier.len() as u64;
    for body in earlier {
        store.append(job, body, now_ms()).await.unwrap();
    }
    for (step, data) in saved
        .into_iter()
        .filter(|(s, _)| matches!(s, Step::Analyzing | Step::Planning))
    {
        store.save_checkpoint(job, step, data).await.unwrap();
    }

    assert_eq!(server.retry(job).await, 202);
    let (_, frames) = server
        .read_stream(job, "", Some(&earlier_len.to_string()))
        .await;
    let retry = stored(&frames);
    assert_eq!(retry.first().unwrap().seq, earlier_len + 1, "seq continues");
    for kept in [Step::Analyzing, Step::Planning] {
        let p = progress_of(&retry, kept);
        assert_eq!(p.len(), 1, "{kept:?} is not run again: {p:?}");
        assert_eq!(p[0].status, StepStatus::Completed);
        assert_eq!(p[0].detail.as_deref(), Some("Kept from the earlier run"));
    }
    for ran in [Step::Writing, Step::Validating, Step::Polishing] {
        let p = progress_of(&retry, ran);
        assert_eq!(p.first().map(|p| p.status), Some(StepStatus::Running));
        assert_eq!(p.last().map(|p| p.status), Some(StepStatus::Completed));
        assert!(p
            .iter()
            .all(|p| p.detail.as_deref() != Some("Kept from the earlier run")));
    }
    assert!(
        matches!(&retry.last().unwrap().body, EventBody::Done(d) if d.status == DoneStatus::Completed)
    );
    let mut whole_result: Value = server.get_json(&format!("/api/jobs/{whole}/result")).await;
    let mut retried: Value = server.get_json(&format!("/api/jobs/{job}/result")).await;
    // Only the job's own id (and the download URLs that carry it) differ.
    for result in [&mut whole_result, &mut retried] {
        result["job_id"] = Value::Null;
        result["downloads"] = Value::Null;
    }
    assert_eq!(
        retried, whole_result,
        "resuming changes nothing in the result"
    );
}

/// `DELETE /api/jobs/{id}` of a running job: 204, its open streams end
/// (instead of sending heartbeats forever), and nothing of it is left to
/// reach, even once the page it was waiting for answers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deleting_a_running_job_ends_its_open_streams() {
    let server = TestServer::start(1).await;
    let (page, release) = held_page_server(fixture("jobs/gdg_jd_data_analyst.txt")).await;
    let job = server
        .start_job(json!({"resume_text": fixture("resumes/gdg_data_analyst.txt"), "job_url": page}))
        .await;
    let url = server.url(&format!("/api/jobs/{job}/stream"));
    let mut streams = Vec::new();
    for _ in 0..2 {
        let mut stream = LiveStream::open(&server.client, &url).await;
        stream
            .read_until(|e| {
                matches!(&e.body, EventBody::StepProgress(p)
                    if p.detail.as_deref().is_some_and(|d| d.starts_with("Fetching")))
            })
            .await;
        streams.push(stream);
    }
    let response = server
        .client
        .delete(server.url(&format!("/api/jobs/{job}")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    for mut stream in streams {
        // Heartbeats come every second here: a stream left open would
        // keep this waiting until the bound.
        let rest = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end())
            .await
            .expect("the deleted job's stream ends");
        // The delete cancels the run first, so the run may still get to
        // say its step was skipped before the job is gone; it never gets
        // to do more work.
        assert!(
            rest.iter().all(|e| match &e.body {
                EventBody::StepProgress(p) => p.status == StepStatus::Skipped,
                EventBody::MetricUpdate(_) | EventBody::InsightEmitted(_) => false,
                _ => true,
            }),
            "no further work is streamed: {rest:?}"
        );
    }
    release.send(true).unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    for path in ["snapshot", "stream", "result"] {
        let response = server
            .client
            .get(server.url(&format!("/api/jobs/{job}/{path}")))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 404, "{path}");
    }
    let listed: Value = server.get_json("/api/jobs").await;
    assert_eq!(listed["jobs"].as_array().unwrap().len(), 0);
}

/// `GET /export` names the download "Name - Title - tailored.ext", e.g.
/// `Jane Smith - Data Analyst - tailored.pdf`, for every format.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_download_is_named_name_title_tailored() {
    let server = TestServer::start(15).await;
    let job = server.start_job(job_body()).await;
    let (_, frames) = server.read_stream(job, "", None).await;
    assert!(stored(&frames).last().unwrap().is_done());
    let result: Value = server.get_json(&format!("/api/jobs/{job}/result")).await;
    let resume = fixture("resumes/gdg_data_analyst.txt");
    let name = resume.lines().next().unwrap().trim();
    let title = result["job_title"].as_str().expect("the posting's title");
    assert!(!title.is_empty());
    for format in ["docx", "pdf", "md", "txt"] {
        let response = server
            .client
            .get(server.url(&format!("/api/jobs/{job}/export?format={format}")))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let disposition = response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .to_string();
        assert_eq!(
            disposition,
            format!("attachment; filename=\"{name} - {title} - tailored.{format}\""),
        );
    }
}
