//! The README's Limits table, row by row, through the real router over real
//! sockets. The sizes are written here as the README states them (11 MiB,
//! 10 MiB, 512 KiB, 10 000 events), not taken from the server's constants,
//! so that raising or lowering a limit in the code fails a test.

use crate::common;

use common::TestServer;
use serde_json::{json, Value};
use tailor_common::{
    DoneStatus, ErrorPayload, EventBody, JobStatus, JobStatusPayload, MetricPayload, Step,
    StepProgressPayload, StepStatus,
};
use tailor_server::{
    access::{owner_cookie_header, owner_key_for_token},
    hub::now_ms,
    store::{JobInputs, ResumeUpload},
};
use uuid::Uuid;

const MIB: usize = 1024 * 1024;
const KIB: usize = 1024;

/// POSTs a JSON start and reads the answer.
async fn start_json(server: &TestServer, body: &Value) -> (u16, Value) {
    let response = server
        .client
        .post(server.url("/api/pipeline/start"))
        .json(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// POSTs a multipart start with the resume as a file.
async fn start_file(server: &TestServer, name: &str, bytes: Vec<u8>, job: &str) -> (u16, Value) {
    server
        .start_form(common::resume_form(name, bytes, job))
        .await
}

fn code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or("(no code)")
}

/// `head` padded with spaces to exactly `len` bytes: text of that size that
/// costs the engine nothing to read.
fn padded(head: &str, len: usize) -> String {
    let mut text = head.to_string();
    text.push('\n');
    text.push_str(&" ".repeat(len - text.len()));
    text
}

const RESUME_HEAD: &str = "Jane Smith\nData Analyst\nSkills: SQL, Python";
const JOB_HEAD: &str = "Data analyst. Requirements: SQL, Tableau";

/// Limits row 1: the request body of a start may be 11 MiB; one byte more
/// is 413 `payload_too_large`, as JSON and as multipart. A body just under
/// 11 MiB is read (its oversized resume is then the next row's 400), so the
/// 413 does not come early.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_start_body_over_11_mib_is_413() {
    let server = TestServer::start(15).await;
    // JSON: `{"resume_text":"…","job_text":"a"}` of exactly 11 MiB + 1.
    let frame = r#"{"resume_text":"","job_text":"a"}"#.len();
    let over = json!({"resume_text": "x".repeat(11 * MIB + 1 - frame), "job_text": "a"});
    assert_eq!(over.to_string().len(), 11 * MIB + 1);
    let (status, body) = start_json(&server, &over).await;
    assert_eq!((status, code(&body)), (413, "payload_too_large"), "{body}");
    assert!(body["error"]["message"]
        .as_str()
        .is_some_and(|m| m.contains("11 MiB")));
    let under = json!({"resume_text": "x".repeat(11 * MIB - frame - 64), "job_text": "a"});
    let (status, body) = start_json(&server, &under).await;
    assert_eq!(
        (status, code(&body)),
        (400, "file_too_large"),
        "under 11 MiB the body is read: {body}"
    );

    // Multipart: a file part that alone passes 11 MiB.
    let (status, body) = start_file(&server, "cv.txt", vec![b'x'; 11 * MIB + 1], "a").await;
    assert_eq!((status, code(&body)), (413, "payload_too_large"), "{body}");
    // Nothing of the refused starts was written.
    let listed: Value = server.get_json("/api/jobs").await;
    assert_eq!(listed["jobs"].as_array().unwrap().len(), 0);
}

/// Limits row 2: a resume (file or pasted text) may be 10 MiB; one byte
/// more is 400 `file_too_large`. At exactly 10 MiB it is accepted and the
/// job runs to its end.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resume_over_10_mib_is_400_file_too_large() {
    let server = TestServer::start(15).await;
    let job = JOB_HEAD;
    let over = padded(RESUME_HEAD, 10 * MIB + 1);
    let (status, body) = start_json(&server, &json!({"resume_text": over, "job_text": job})).await;
    assert_eq!((status, code(&body)), (400, "file_too_large"), "{body}");
    assert!(body["error"]["message"]
        .as_str()
        .is_some_and(|m| m.contains("10 MiB")));
    let (status, body) = start_file(&server, "cv.txt", over.into_bytes(), job).await;
    assert_eq!((status, code(&body)), (400, "file_too_large"), "{body}");

    // At the limit it is accepted (one job: file and text share the check).
    let exact = padded(RESUME_HEAD, 10 * MIB);
    let (status, body) = start_json(&server, &json!({"resume_text": exact, "job_text": job})).await;
    assert_eq!(status, 201, "10 MiB of pasted text is accepted: {body}");
    let listed: Value = server.get_json("/api/jobs").await;
    for job in listed["jobs"].as_array().unwrap() {
        let id: Uuid = job["job_id"].as_str().unwrap().parse().unwrap();
        let (_, frames) = server.read_stream(id, "", None).await;
        assert!(frames.last().unwrap().envelope().is_done());
    }
}

/// Limits row 3: a pasted posting may be 512 KiB; one byte more is 400
/// `job_too_large`. At exactly 512 KiB it is accepted and runs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_posting_over_512_kib_is_400_job_too_large() {
    let server = TestServer::start(15).await;
    let resume = common::fixture("resumes/gdg_data_analyst.txt");
    let over = padded(JOB_HEAD, 512 * KIB + 1);
    let (status, body) =
        start_json(&server, &json!({"resume_text": resume, "job_text": over})).await;
    assert_eq!((status, code(&body)), (400, "job_too_large"), "{body}");
    assert!(body["error"]["message"]
        .as_str()
        .is_some_and(|m| m.contains("512 KiB")));
    // As a multipart field too.
    let (status, body) = start_file(&server, "cv.txt", resume.clone().into_bytes(), &over).await;
    assert_eq!((status, code(&body)), (400, "job_too_large"), "{body}");

    let exact = padded(JOB_HEAD, 512 * KIB);
    let (status, body) =
        start_json(&server, &json!({"resume_text": resume, "job_text": exact})).await;
    assert_eq!(status, 201, "a 512 KiB posting is accepted: {body}");
    let id: Uuid = body["job_id"].as_str().unwrap().parse().unwrap();
    let (_, frames) = server.read_stream(id, "", None).await;
    let last = frames.last().unwrap().envelope();
    assert!(
        matches!(&last.body, EventBody::Done(d) if d.status == DoneStatus::Completed),
        "{last:?}"
    );
}

/// The owner token of the job this file writes straight into the store.
const BROWSER: &str = "limits-browser-token-0123456789abcdefghijkl";

/// Limits row "events in one job's log": 10 000, plus a reserve only the
/// job's ending may use. A failed job whose log is 40 events short of the
/// cap is retried through the API: the run fills the log, fails with
/// `log_full` (not retryable), still ends with `done` inside the reserve,
/// and a retry of the full log is 409 `job_log_full`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_log_ends_with_done_and_its_retry_is_409_job_log_full() {
    let (store, _lifetime) = common::test_store().await;
    let job = Uuid::new_v4();
    let inputs = JobInputs {
        resume: ResumeUpload {
            file_name: None,
            bytes: common::fixture("resumes/gdg_data_analyst.txt").into_bytes(),
        },
        job_text: Some(common::fixture("jobs/gdg_jd_data_analyst.txt")),
        job_url: None,
    };
    store
        .create_owned(job, Some(&owner_key_for_token(BROWSER)), inputs, now_ms())
        .await
        .unwrap();
    // An earlier run that reported a lot and then failed, retryably.
    let status = |status, reason: Option<&str>| {
        EventBody::JobStatus(JobStatusPayload {
            status,
            reason: reason.map(str::to_string),
        })
    };
    let mut log = vec![
        status(JobStatus::Started, None),
        status(JobStatus::Running, None),
        EventBody::StepProgress(StepProgressPayload {
            step: Step::Analyzing,
            status: StepStatus::Running,
            pct: 10.0,
            eta_sec: None,
            detail: None,
        }),
    ];
    let before_retry = 10_000 - 40;
    while log.len() < before_retry - 3 {
        log.push(EventBody::MetricUpdate(MetricPayload {
            key: format!("m{}", log.len() % 8),
            value: log.len() as f64,
            unit: None,
            label: Some("filler".into()),
        }));
    }
    log.push(EventBody::Error(ErrorPayload {
        code: "job_url_unreachable".into(),
        message: "The job page could not be reached.".into(),
        step: Some(Step::Analyzing),
        retryable: true,
    }));
    log.push(status(JobStatus::Failed, Some("job_url_unreachable")));
    log.push(EventBody::Done(tailor_common::DonePayload {
        status: DoneStatus::Failed,
        result_url: None,
    }));
    assert_eq!(log.len(), before_retry);
    for body in log {
        // Stamped now: the server's retention sweep must not take it.
        store.append(job, body, now_ms()).await.unwrap();
    }

    let mut server = TestServer::start_on(store).await;
    let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
    jar.add_cookie_str(
        &owner_cookie_header(BROWSER),
        &server.url("/").parse().unwrap(),
    );
    server.client = common::browser_with(jar);

    let retry = server.url(&format!("/api/jobs/{job}/retry"));
    let response = server.client.post(&retry).send().await.unwrap();
    assert_eq!(response.status(), 202);
    let (status, frames) = server
        .read_stream(job, "", Some(&before_retry.to_string()))
        .await;
    assert_eq!(status, 200);
    let events: Vec<_> = frames
        .iter()
        .filter(|f| f.id.is_some())
        .map(|f| f.envelope())
        .collect();
    let last = events.last().expect("the retry's events");
    assert!(
        matches!(&last.body, EventBody::Done(d) if d.status == DoneStatus::Failed),
        "the run ends with done: {last:?}"
    );
    assert!(
        last.seq > 10_000 && last.seq <= 10_000 + 16 + 1,
        "the ending used the reserve: {}",
        last.seq
    );
    let errors: Vec<&ErrorPayload> = events
        .iter()
        .filter_map(|e| match &e.body {
            EventBody::Error(err) => Some(err),
            _ => None,
        })
        .collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].code, "log_full");
    assert!(!errors[0].retryable, "a full log is not worth a retry");
    // Every event the cap admitted is below it, except the ending.
    for e in &events {
        if e.seq > 10_000 {
            assert!(
                matches!(
                    &e.body,
                    EventBody::Error(_)
                        | EventBody::Done(_)
                        | EventBody::JobStatus(_)
                        | EventBody::StepProgress(_)
                ),
                "only the ending goes past 10 000: {e:?}"
            );
        }
    }
    let snapshot = server.snapshot(job).await;
    assert_eq!(snapshot.status, JobStatus::Failed);

    let response = server.client.post(&retry).send().await.unwrap();
    assert_eq!(response.status(), 409);
    let body: Value = response.json().await.unwrap();
    assert_eq!(code(&body), "job_log_full", "{body}");
    // The refused retry wrote nothing.
    assert_eq!(server.snapshot(job).await.last_seq, last.seq);
}

/// A DOCX package from its parts.
fn docx(parts: &[(&str, Vec<u8>)]) -> Vec<u8> {
    common::docx_package(parts, 1)
}

use common::DOCX_CONTENT_TYPES as CONTENT_TYPES;

/// A `word/document.xml` with a short resume, padded with whitespace
/// between its paragraphs to `len` bytes (0: no padding).
fn document(len: usize) -> Vec<u8> {
    let paragraphs: String = common::fixture("resumes/gdg_data_analyst.txt")
        .lines()
        .map(|l| {
            format!(
                "<w:p><w:r><w:t>{}</w:t></w:r></w:p>",
                l.replace('&', "&amp;").replace('<', "&lt;")
            )
        })
        .collect();
    let head = format!(
        r#"<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{paragraphs}"#
    );
    let tail = "</w:body></w:document>";
    let mut xml = head.into_bytes();
    if len > 0 {
        xml.resize(len - tail.len(), b' ');
    }
    xml.extend_from_slice(tail.as_bytes());
    assert!(len == 0 || xml.len() == len);
    xml
}

/// How an uploaded DOCX ended: `Ok(())` if completed, else its error code.
async fn docx_outcome(server: &TestServer, bytes: Vec<u8>) -> Result<(), String> {
    let (status, body) = start_file(
        server,
        "resume.docx",
        bytes,
        &common::fixture("jobs/gdg_jd_data_analyst.txt"),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let id: Uuid = body["job_id"].as_str().unwrap().parse().unwrap();
    let (_, frames) = server.read_stream(id, "", None).await;
    let events: Vec<_> = frames
        .iter()
        .filter(|f| f.id.is_some())
        .map(|f| f.envelope())
        .collect();
    assert!(events.last().unwrap().is_done());
    match events.iter().find_map(|e| match &e.body {
        EventBody::Error(err) => Some(err.clone()),
        _ => None,
    }) {
        None => Ok(()),
        Some(err) => {
            assert!(!err.retryable, "{err:?}");
            Err(err.code)
        }
    }
}

fn base_parts() -> Vec<(String, Vec<u8>)> {
    vec![
        (
            "[Content_Types].xml".to_string(),
            CONTENT_TYPES.as_bytes().to_vec(),
        ),
        ("word/document.xml".to_string(), document(0)),
    ]
}

fn build(parts: Vec<(String, Vec<u8>)>) -> Vec<u8> {
    let refs: Vec<(&str, Vec<u8>)> = parts.iter().map(|(n, d)| (n.as_str(), d.clone())).collect();
    docx(&refs)
}

/// Limits row "a DOCX resume", 2000 zip entries: a package of 2000 is
/// read, one of 2001 fails the job with `docx_too_large`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_docx_of_more_than_2000_entries_is_docx_too_large() {
    let server = TestServer::start(15).await;
    let with_entries = |n: usize| {
        let mut parts = base_parts();
        for i in parts.len()..n {
            parts.push((format!("word/media/p{i}.txt"), b"x".to_vec()));
        }
        build(parts)
    };
    assert_eq!(docx_outcome(&server, with_entries(2000)).await, Ok(()));
    assert_eq!(
        docx_outcome(&server, with_entries(2001)).await,
        Err("docx_too_large".into())
    );
}

/// 64 MiB uncompressed in all: read at exactly 64 MiB, one byte more is
/// `docx_too_large`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_docx_of_more_than_64_mib_uncompressed_is_docx_too_large() {
    let server = TestServer::start(15).await;
    let with_total = |total: usize| {
        let mut parts = base_parts();
        let used: usize = parts.iter().map(|(_, d)| d.len()).sum();
        parts.push(("word/media/image.bin".to_string(), vec![0; total - used]));
        build(parts)
    };
    assert_eq!(docx_outcome(&server, with_total(64 * MIB)).await, Ok(()));
    assert_eq!(
        docx_outcome(&server, with_total(64 * MIB + 1)).await,
        Err("docx_too_large".into())
    );
}

/// 24 MiB of document text: read at exactly 24 MiB, one byte more is
/// `docx_too_large`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_docx_of_more_than_24_mib_of_document_is_docx_too_large() {
    let server = TestServer::start(15).await;
    let with_document = |len: usize| {
        build(vec![
            (
                "[Content_Types].xml".to_string(),
                CONTENT_TYPES.as_bytes().to_vec(),
            ),
            ("word/document.xml".to_string(), document(len)),
        ])
    };
    assert_eq!(docx_outcome(&server, with_document(24 * MIB)).await, Ok(()));
    assert_eq!(
        docx_outcome(&server, with_document(24 * MIB + 1)).await,
        Err("docx_too_large".into())
    );
}

/// A package that is not a Word document (no document part, broken XML,
/// not a zip) fails the job with `docx_invalid`; the plain package reads.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_docx_that_is_not_a_word_document_is_docx_invalid() {
    let server = TestServer::start(15).await;
    assert_eq!(docx_outcome(&server, build(base_parts())).await, Ok(()));
    let no_document = build(vec![(
        "[Content_Types].xml".to_string(),
        CONTENT_TYPES.as_bytes().to_vec(),
    )]);
    let broken = build(vec![(
        "word/document.xml".to_string(),
        b"<w:document><w:body><w:p></w:body>".to_vec(),
    )]);
    for (what, bytes) in [
        ("no document.xml", no_document),
        ("broken XML", broken),
        ("not a zip", b"PK\x03\x04 this is not a zip at all".to_vec()),
    ] {
        assert_eq!(
            docx_outcome(&server, bytes).await,
            Err("docx_invalid".into()),
            "{what}"
        );
    }
}
