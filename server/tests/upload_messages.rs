//! What the upload form tells a person when an input cannot be used: the
//! limit it names agrees with the page's hint, and a job URL that cannot be
//! reached says where and why, in words.

use crate::common;

use common::{fixture, TestServer};
use serde_json::json;
use tailor_common::{
    limits::{describe, MAX_BODY_BYTES, MAX_RESUME_BYTES},
    EventBody,
};

#[tokio::test]
async fn an_unreachable_job_url_says_where_and_why() {
    let server = TestServer::start_with(15, true).await;
    // A port nothing listens on: taken, then let go.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let job = server
        .start_job(json!({
            "resume_text": fixture("resumes/gdg_data_analyst.txt"),
            "job_url": format!("http://127.0.0.1:{port}/job"),
        }))
        .await;
    let (_, frames) = server.read_stream(job, "", None).await;
    let errors: Vec<_> = frames
        .iter()
        .filter(|f| f.id.is_some())
        .filter_map(|f| match f.envelope().body {
            EventBody::Error(e) => Some(e),
            _ => None,
        })
        .collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].code, "job_url_unreachable");
    assert_eq!(
        errors[0].message,
        format!(
            "Could not connect to 127.0.0.1:{port} (connection refused). \
             Check the address or paste the posting's text."
        )
    );
}

#[tokio::test]
async fn an_oversized_resume_names_the_limit_the_page_states() {
    let server = TestServer::start(15).await;
    // Just over the file limit (a 400 from the form check) and over the
    // whole body's limit (a 413 before the form is read): the same limit.
    for size in [MAX_RESUME_BYTES + 1, MAX_BODY_BYTES + 1] {
        let form = common::resume_form(
            "cv.txt",
            vec![b'a'; size],
            "Data analyst. Requirements: SQL.",
        );
        let (status, body) = server.start_form(form).await;
        assert!(status == 400 || status == 413, "{status}");
        let message = body["error"]["message"].as_str().unwrap();
        assert!(
            message.starts_with(&format!(
                "The resume is larger than {}",
                describe(MAX_RESUME_BYTES)
            )),
            "{size}: {message}"
        );
    }
}

async fn preview(
    server: &TestServer,
    name: &str,
    bytes: Vec<u8>,
    origin: Option<&str>,
) -> (u16, serde_json::Value) {
    let form = reqwest::multipart::Form::new().part(
        "resume",
        reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()),
    );
    let mut request = server
        .client
        .post(server.url(tailor_common::paths::RESUME_PREVIEW))
        .multipart(form);
    if let Some(origin) = origin {
        request = request.header("Origin", origin);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

#[tokio::test]
async fn a_resume_file_is_previewed_through_the_parse_worker_without_a_job() {
    let server = TestServer::start(15).await;
    for (file, format, expect) in [
        ("resumes/rm_barry_allen_fe.pdf", "pdf", "Barry Allen"),
        ("resumes/gdg_data_analyst.txt", "text", "Data Analyst"),
    ] {
        let (status, body) = preview(
            &server,
            file.rsplit('/').next().unwrap(),
            common::fixture_bytes(file),
            None,
        )
        .await;
        assert_eq!(status, 200, "{body}");
        let preview: tailor_common::PreviewResponse = serde_json::from_value(body).unwrap();
        assert_eq!(preview.format, format);
        assert!(preview.text.contains(expect), "{}", preview.text);
        assert!(preview.chars >= preview.text.chars().count());
    }
    // Nothing was started.
    let jobs: serde_json::Value = server.get_json("/api/jobs").await;
    assert_eq!(jobs["jobs"].as_array().map(Vec::len), Some(0), "{jobs}");
}

#[tokio::test]
async fn a_preview_refuses_what_a_start_refuses() {
    let server = TestServer::start(15).await;
    let (status, body) = preview(&server, "cv.exe", b"MZ".to_vec(), None).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("unsupported_format"))
    );
    let (status, body) = preview(&server, "cv.txt", Vec::new(), None).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("empty_resume"))
    );
    let (status, body) = preview(&server, "cv.txt", vec![b'a'; MAX_RESUME_BYTES + 1], None).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("file_too_large"))
    );
    // A PDF that is not one: the worker's error, as a 4xx, not a 500.
    let (status, body) = preview(&server, "cv.pdf", b"%PDF-1.7 nonsense".to_vec(), None).await;
    assert_eq!(status, 400, "{body}");
    // Another site's page may not use it.
    let (status, _) = preview(
        &server,
        "cv.txt",
        b"Jane Doe".to_vec(),
        Some("https://evil.example"),
    )
    .await;
    assert_eq!(status, 403);
    // JSON is not a file.
    let response = server
        .client
        .post(server.url(tailor_common::paths::RESUME_PREVIEW))
        .json(&json!({"resume_text": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 415);
}
