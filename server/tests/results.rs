//! Finished jobs: the result, the downloads, uploaded files, and failures
//! that end with a clear error and `done`.

use crate::common;

use std::time::Duration;

use common::{fixture, fixture_bytes, slow_page_server, TestServer};
use serde_json::json;
use tailor_common::{EventBody, JobResult};

async fn finish(server: &TestServer, job: uuid::Uuid) -> Vec<tailor_common::Envelope> {
    let (status, frames) = server.read_stream(job, "", None).await;
    assert_eq!(status, 200);
    frames
        .iter()
        .filter(|f| f.id.is_some())
        .map(|f| f.envelope())
        .collect()
}

async fn upload(
    server: &TestServer,
    file_name: &str,
    bytes: Vec<u8>,
    job_text: &str,
) -> uuid::Uuid {
    let (status, body) = server
        .start_form(common::resume_form(file_name, bytes, job_text))
        .await;
    assert_eq!(status, 201);
    body["job_id"].as_str().unwrap().parse().unwrap()
}

#[tokio::test]
async fn a_finished_job_has_a_result_and_four_downloads() {
    let server = TestServer::start(15).await;
    let job = upload(
        &server,
        "rm_barry_allen_fe.pdf",
        fixture_bytes("resumes/rm_barry_allen_fe.pdf"),
        &fixture("jobs/rm_frontend-eng.txt"),
    )
    .await;
    let events = finish(&server, job).await;
    assert!(
        matches!(events.last().unwrap().body, EventBody::Done(ref d) if d.status == tailor_common::DoneStatus::Completed)
    );

    let result: JobResult = server.get_json(&format!("/api/jobs/{job}/result")).await;
    assert_eq!(result.job_id, job);
    assert!(result.original_text.contains("Barry Allen"));
    assert!(result.tailored_markdown.contains("Barry Allen"));
    assert!(result.score_after.total >= result.score_before.total);
    assert!(!result.score_after.components.is_empty());
    assert!(!result.evidence.is_empty());
    assert!(result
        .validations
        .iter()
        .any(|v| v.rule_id == "evidence" && v.status == tailor_common::ValidationStatus::Pass));
    // The score the stream reported is the one the result holds.
    let streamed_after = events.iter().rev().find_map(|e| match &e.body {
        EventBody::MetricUpdate(m) if m.key == "match_score_after" => Some(m.value),
        _ => None,
    });
    assert_eq!(streamed_after, Some(result.score_after.total as f64));

    for (format, content_type, magic) in [
        (
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            &b"PK"[..],
        ),
        ("pdf", "application/pdf", &b"%PDF"[..]),
        ("md", "text/markdown; charset=utf-8", &b"# "[..]),
        ("txt", "text/plain; charset=utf-8", &b""[..]),
    ] {
        let response = server
            .client
            .get(server.url(&format!("/api/jobs/{job}/export?format={format}")))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{format}");
        assert_eq!(response.headers()["content-type"], content_type);
        let disposition = response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .to_string();
        assert!(
            disposition.starts_with("attachment; filename=\"Barry Allen"),
            "{disposition}"
        );
        assert!(
            disposition.ends_with(&format!(".{format}\"")),
            "{disposition}"
        );
        let bytes = response.bytes().await.unwrap();
        assert!(bytes.len() > 200, "{format} is not empty");
        assert!(bytes.starts_with(magic), "{format}");
    }
    let response = server
        .client
        .get(server.url(&format!("/api/jobs/{job}/export?format=exe")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
}

#[tokio::test]
async fn a_docx_upload_is_read() {
    let server = TestServer::start(15).await;
    let job = upload(
        &server,
        "resume.docx",
        fixture_bytes("resumes/skillora_software_engineer_resume.docx"),
        &fixture("jobs/skillora_senior_software_engineer_jd.txt"),
    )
    .await;
    let events = finish(&server, job).await;
    assert!(
        matches!(events.last().unwrap().body, EventBody::Done(ref d) if d.status == tailor_common::DoneStatus::Completed)
    );
}

#[tokio::test]
async fn the_result_is_409_while_the_job_runs() {
    let server = TestServer::start(15).await;
    let page = slow_page_server(
        fixture("jobs/gdg_jd_data_analyst.txt"),
        4,
        Duration::from_secs(3),
    )
    .await;
    let job = server
        .start_job(json!({"resume_text": fixture("resumes/gdg_data_analyst.txt"), "job_url": page}))
        .await;
    for path in ["result", "export?format=pdf"] {
        let response = server
            .client
            .get(server.url(&format!("/api/jobs/{job}/{path}")))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 409, "{path}");
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["error"]["code"], "job_running");
    }
    finish(&server, job).await;
}

#[tokio::test]
async fn a_pdf_without_text_fails_the_job_with_a_clear_error_and_done() {
    let server = TestServer::start(15).await;
    // A valid one-page PDF with no text on it: what a scan without OCR looks like to a reader.
    let pdf = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n".to_vec();
    let job = upload(&server, "scan.pdf", pdf, "Data analyst. Requirements: SQL").await;
    let events = finish(&server, job).await;
    let error = events
        .iter()
        .find_map(|e| match &e.body {
            EventBody::Error(err) => Some(err.clone()),
            _ => None,
        })
        .expect("an error event");
    assert!(
        ["pdf_no_text", "pdf_unreadable"].contains(&error.code.as_str()),
        "{error:?}"
    );
    assert_eq!(error.step, Some(tailor_common::Step::Analyzing));
    assert!(!error.message.is_empty());
    assert!(
        matches!(events.last().unwrap().body, EventBody::Done(ref d) if d.status == tailor_common::DoneStatus::Failed)
    );
    let response = server
        .client
        .get(server.url(&format!("/api/jobs/{job}/result")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 409);
}

#[tokio::test]
async fn a_refused_job_url_fails_the_job_not_the_server() {
    // This server does not allow private URLs.
    let server = TestServer::start_with(15, false).await;
    let job = server
        .start_job(json!({"resume_text": fixture("resumes/gdg_data_analyst.txt"), "job_url": "http://127.0.0.1:9/job"}))
        .await;
    let events = finish(&server, job).await;
    let codes: Vec<_> = events
        .iter()
        .filter_map(|e| match &e.body {
            EventBody::Error(err) => Some(err.code.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(codes, ["job_url_refused"]);
    assert!(events.last().unwrap().is_done());
}
