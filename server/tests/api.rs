//! The start, snapshot and result endpoints through the real router.

use crate::common;

use axum::{
    body::Body,
    http::{header, Request, StatusCode},
    Router,
};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

fn app() -> Router {
    let (state, _) = common::test_state(15);
    tailor_server::router(state)
}

/// One browser's owner token: every request here comes from it, so the
/// jobs it starts are its own to read.
const BROWSER: &str = "test-browser-token-0123456789abcdefghijklmn";

async fn send(app: &Router, mut request: Request<Body>) -> (StatusCode, Value) {
    request.headers_mut().insert(
        header::COOKIE,
        tailor_server::access::owner_cookie_header(BROWSER)
            .parse()
            .unwrap(),
    );
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    (status, body)
}

fn post_json(body: impl Into<String>) -> Request<Body> {
    Request::post("/api/pipeline/start")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.into()))
        .unwrap()
}

fn multipart(parts: &[(&str, Option<&str>, &[u8])]) -> Request<Body> {
    let boundary = "tailor-test-boundary";
    let mut body = Vec::new();
    for (name, file_name, content) in parts {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        match file_name {
            Some(f) => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
            ),
            None => body.extend_from_slice(format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes()),
        }
        body.extend_from_slice(content);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    Request::post("/api/pipeline/start")
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .unwrap()
}

fn assert_error(body: &Value, code: &str) {
    assert_eq!(body["error"]["code"], code, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{body}"
    );
}

#[tokio::test]
async fn json_start_answers_with_the_job_urls() {
    let app = app();
    let (status, body) = send(&app, post_json(common::job_body().to_string())).await;
    assert_eq!(status, StatusCode::CREATED);
    let id = body["job_id"].as_str().unwrap();
    assert_eq!(body["stream_url"], format!("/api/jobs/{id}/stream"));
    assert_eq!(body["snapshot_url"], format!("/api/jobs/{id}/snapshot"));

    let (status, snapshot) = send(
        &app,
        Request::get(format!("/api/jobs/{id}/snapshot"))
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(snapshot["job_id"], id);
    assert!(snapshot["last_seq"].as_u64().unwrap() >= 1);
    let steps: Vec<&str> = snapshot["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["step"].as_str().unwrap())
        .collect();
    assert_eq!(
        steps,
        [
            "analyzing",
            "planning",
            "writing",
            "validating",
            "polishing"
        ]
    );
}

#[tokio::test]
async fn multipart_start_takes_a_file_or_text() {
    let app = app();
    let resume = common::fixture("resumes/gdg_data_analyst.txt");
    let job = common::fixture("jobs/gdg_jd_data_analyst.txt");
    let (status, _) = send(
        &app,
        multipart(&[
            ("resume", Some("resume.txt"), resume.as_bytes()),
            ("job_text", None, job.as_bytes()),
        ]),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    // An empty file input (no name, no bytes) falls back to the pasted text.
    let (status, _) = send(
        &app,
        multipart(&[
            ("resume", Some(""), b""),
            ("resume_text", None, resume.as_bytes()),
            ("job_text", None, job.as_bytes()),
        ]),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
}

#[tokio::test]
async fn a_browser_form_is_redirected_to_the_job_page() {
    let app = app();
    let resume = common::fixture("resumes/gdg_data_analyst.txt");
    let mut request = multipart(&[
        ("resume_text", None, resume.as_bytes()),
        ("job_text", None, b"Analyst. Requirements: SQL"),
    ]);
    request.headers_mut().insert(
        header::ACCEPT,
        "text/html,application/xhtml+xml".parse().unwrap(),
    );
    let response = app.oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let location = response.headers()[header::LOCATION].to_str().unwrap();
    assert!(location.starts_with("/jobs/"), "{location}");
}

#[tokio::test]
async fn bad_input_gets_a_clear_4xx_json_error() {
    let app = app();
    let cases: Vec<(Request<Body>, StatusCode, &str)> = vec![
        (
            post_json(r#"{"job_text":"Analyst"}"#),
            StatusCode::BAD_REQUEST,
            "missing_resume",
        ),
        (
            post_json(r#"{"resume_text":"   ","job_text":"Analyst"}"#),
            StatusCode::BAD_REQUEST,
            "missing_resume",
        ),
        (
            post_json(r#"{"resume_text":"Jane Smith"}"#),
            StatusCode::BAD_REQUEST,
            "missing_job",
        ),
        (
            post_json(r#"{"resume_text":"Jane","job_text":"  ","job_url":""}"#),
            StatusCode::BAD_REQUEST,
            "missing_job",
        ),
        (
            post_json(r#"{"resume_text":"Jane","job_url":"ftp://example.com/job"}"#),
            StatusCode::BAD_REQUEST,
            "invalid_job_url",
        ),
        (
            post_json(r#"{"resume_text":"Jane","job_url":"not a url"}"#),
            StatusCode::BAD_REQUEST,
            "invalid_job_url",
        ),
        (
            post_json("{not json"),
            StatusCode::BAD_REQUEST,
            "invalid_json",
        ),
        (
            post_json(r#"{"resume_text": 5}"#),
            StatusCode::BAD_REQUEST,
            "invalid_json",
        ),
        (
            multipart(&[
                ("resume", Some("photo.png"), b"\x89PNG"),
                ("job_text", None, b"Analyst"),
            ]),
            StatusCode::BAD_REQUEST,
            "unsupported_format",
        ),
        (
            multipart(&[
                ("resume", Some("cv.pdf"), b""),
                ("job_text", None, b"Analyst"),
            ]),
            StatusCode::BAD_REQUEST,
            "empty_resume",
        ),
        (
            multipart(&[
                ("resume_text", None, b"\xff\xfe bad"),
                ("job_text", None, b"Analyst"),
            ]),
            StatusCode::BAD_REQUEST,
            "invalid_text",
        ),
        (
            Request::post("/api/pipeline/start")
                .header(header::CONTENT_TYPE, "text/plain")
                .body(Body::from("hi"))
                .unwrap(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        ),
        (
            Request::post("/api/pipeline/start")
                .body(Body::from("hi"))
                .unwrap(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        ),
        (
            Request::post("/api/pipeline/start")
                .header(header::CONTENT_TYPE, "multipart/form-data; boundary=x")
                .body(Body::from("garbage"))
                .unwrap(),
            StatusCode::BAD_REQUEST,
            "invalid_multipart",
        ),
    ];
    for (request, status, code) in cases {
        let (got, body) = send(&app, request).await;
        assert_eq!(got, status, "{code}: {body}");
        assert_error(&body, code);
    }
}

#[tokio::test]
async fn oversized_bodies_are_refused_with_413() {
    let app = app();
    let big = "x".repeat(tailor_server::routes::MAX_BODY_BYTES + 1);
    let (status, body) = send(
        &app,
        post_json(format!(r#"{{"resume_text":"{big}","job_text":"a"}}"#)),
    )
    .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_error(&body, "payload_too_large");
    let (status, body) = send(
        &app,
        multipart(&[
            ("resume", Some("cv.txt"), big.as_bytes()),
            ("job_text", None, b"a"),
        ]),
    )
    .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_error(&body, "payload_too_large");
}

#[tokio::test]
async fn unknown_jobs_and_paths_answer_404_json() {
    let app = app();
    let unknown = "00000000-0000-4000-8000-000000000000";
    for path in [
        format!("/api/jobs/{unknown}/snapshot"),
        format!("/api/jobs/{unknown}/stream"),
        format!("/api/jobs/{unknown}/result"),
    ] {
        let (status, body) = send(&app, Request::get(&path).body(Body::empty()).unwrap()).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert_error(&body, "job_not_found");
    }
    let (status, body) = send(
        &app,
        Request::get("/api/jobs/not-a-uuid/snapshot")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_error(&body, "invalid_job_id");
    let (status, body) = send(
        &app,
        Request::get("/api/nothing/here")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_error(&body, "not_found");
}

#[tokio::test]
async fn metrics_are_exposed_for_prometheus() {
    let app = app();
    send(&app, post_json(common::job_body().to_string())).await;
    let response = app
        .oneshot(Request::get("/metrics").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let text = String::from_utf8(
        response
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec(),
    )
    .unwrap();
    assert!(text.contains("tailor_jobs_started_total 1"), "{text}");
    assert!(
        text.contains("# TYPE tailor_streams_active gauge"),
        "{text}"
    );
}
