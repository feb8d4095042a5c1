//! What the API answers to requests shaped unlike the happy path: wrong
//! methods get the promised JSON error, and a file is read for what it is,
//! not for what its name says.

use crate::common;

use common::{fixture, fixture_bytes, TestServer};
use tailor_common::{DoneStatus, EventBody};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_method_is_a_json_405_with_allow() {
    let server = TestServer::start(15).await;
    let job = uuid::Uuid::new_v4();
    for (method, path, allow) in [
        (
            reqwest::Method::GET,
            "/api/pipeline/start".to_string(),
            "POST",
        ),
        (reqwest::Method::POST, "/api/jobs".to_string(), "GET"),
        (
            reqwest::Method::PUT,
            format!("/api/jobs/{job}/cancel"),
            "POST",
        ),
        (
            reqwest::Method::POST,
            format!("/api/jobs/{job}/stream"),
            "GET",
        ),
    ] {
        let response = server
            .client
            .request(method.clone(), server.url(&path))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 405, "{method} {path}");
        let allowed = response.headers()["allow"].to_str().unwrap().to_string();
        assert!(allowed.contains(allow), "{method} {path}: Allow {allowed}");
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(
            body["error"]["code"], "method_not_allowed",
            "{method} {path}"
        );
    }
}

/// A Word file uploaded under a `.pdf` name is read as the Word file it is.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_docx_named_pdf_is_read_as_docx() {
    let server = TestServer::start(15).await;
    let docx = fixture_bytes("resumes/skillora_junior_developer_resume.docx");
    let form = reqwest::multipart::Form::new()
        .part(
            "resume",
            reqwest::multipart::Part::bytes(docx).file_name("resume.pdf"),
        )
        .text("job_text", fixture("jobs/gdg_jd_data_analyst.txt"));
    let response = server
        .client
        .post(server.url("/api/pipeline/start"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let started: serde_json::Value = response.json().await.unwrap();
    let job = started["job_id"].as_str().unwrap().parse().unwrap();
    let (_, frames) = server.read_stream(job, "", None).await;
    let last = frames.last().unwrap().envelope();
    assert!(
        matches!(&last.body, EventBody::Done(d) if d.status == DoneStatus::Completed),
        "{:?}",
        frames.iter().map(|f| f.envelope().body).collect::<Vec<_>>()
    );
    let result: serde_json::Value = server.get_json(&format!("/api/jobs/{job}/result")).await;
    assert!(!result["original_text"].as_str().unwrap().trim().is_empty());
}
