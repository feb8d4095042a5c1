//! Cancel, retry, delete and the job list, through a real server.

use crate::common;

use std::{
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc,
    },
    time::Duration,
};

use common::{fixture, job_body, slow_page_server, TestServer};
use serde_json::json;
use tailor_common::{DoneStatus, Envelope, EventBody, JobState, JobStatus};

async fn events(server: &TestServer, job: uuid::Uuid, cursor: u64) -> Vec<Envelope> {
    let (_, frames) = server
        .read_stream(job, &format!("?last_event_id={cursor}"), None)
        .await;
    frames
        .iter()
        .filter(|f| f.id.is_some())
        .map(|f| f.envelope())
        .collect()
}

fn done_status(events: &[Envelope]) -> Option<DoneStatus> {
    match &events.last()?.body {
        EventBody::Done(d) => Some(d.status),
        _ => None,
    }
}

/// A job page that fails with 503 the first `failures` times, then works:
/// a transient outage, the kind a retry is for.
async fn flaky_page(failures: usize) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let seen = Arc::new(AtomicUsize::new(0));
    let body = fixture("jobs/gdg_jd_data_analyst.txt");
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut buf = [0u8; 4096];
            let _ = socket.read(&mut buf).await;
            let response = if seen.fetch_add(1, Ordering::SeqCst) < failures {
                "HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
                    .to_string()
            } else {
                format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                )
            };
            let _ = socket.write_all(response.as_bytes()).await;
        }
    });
    format!("http://{addr}/job")
}

#[tokio::test]
async fn cancel_stops_a_running_job_and_its_stream_ends_with_done() {
    let server = TestServer::start(15).await;
    let page = slow_page_server(
        fixture("jobs/gdg_jd_data_analyst.txt"),
        10,
        Duration::from_secs(10),
    )
    .await;
    let job = server
        .start_job(json!({"resume_text": fixture("resumes/gdg_data_analyst.txt"), "job_url": page}))
        .await;
    let stream = {
        let server_url = server.url(&format!("/api/jobs/{job}/stream"));
        let client = server.client.clone();
        tokio::spawn(async move {
            client
                .get(server_url)
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap()
        })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    let response = server
        .client
        .post(server.url(&format!("/api/jobs/{job}/cancel")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 202);
    let frames = common::parse_frames(
        &tokio::time::timeout(Duration::from_secs(5), stream)
            .await
            .unwrap()
            .unwrap(),
    );
    let events: Vec<_> = frames
        .iter()
        .filter(|f| f.id.is_some())
        .map(|f| f.envelope())
        .collect();
    assert_eq!(done_status(&events), Some(DoneStatus::Canceled));
    assert!(events
        .iter()
        .any(|e| matches!(&e.body, EventBody::JobStatus(s) if s.status == JobStatus::Canceled)));
    // Canceling what has ended is a conflict, not an error of the server.
    let response = server
        .client
        .post(server.url(&format!("/api/jobs/{job}/cancel")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 409);
}

#[tokio::test]
async fn retry_runs_a_failed_job_again_on_the_same_log() {
    let server = TestServer::start(15).await;
    let page = flaky_page(1).await;
    let job = server
        .start_job(json!({"resume_text": fixture("resumes/gdg_data_analyst.txt"), "job_url": page}))
        .await;
    let first = events(&server, job, 0).await;
    assert_eq!(done_status(&first), Some(DoneStatus::Failed));
    let failed_at = first.last().unwrap().seq;
    let error = first.iter().find_map(|e| match &e.body {
        EventBody::Error(err) => Some(err.clone()),
        _ => None,
    });
    assert!(
        error
            .as_ref()
            .is_some_and(|e| e.retryable && e.code == "job_url_http_error"),
        "{error:?}"
    );

    assert_eq!(server.retry(job).await, 202);
    // A client holding the failed state reconnects at its cursor and sees the retry.
    let second = events(&server, job, failed_at).await;
    assert_eq!(second.first().unwrap().seq, failed_at + 1, "seq continues");
    assert_eq!(done_status(&second), Some(DoneStatus::Completed));
    let mut client = JobState::fold(job, &first);
    for e in &second {
        client.apply(e);
    }
    assert_eq!(client.status, JobStatus::Completed);
    let snapshot: JobState = server.snapshot(job).await;
    assert_eq!(client, snapshot);

    // A completed job has nothing to retry.
    assert_eq!(server.retry(job).await, 409);
}

#[tokio::test]
async fn delete_removes_the_job_and_the_list_shows_newest_first() {
    let server = TestServer::start(15).await;
    let first = server.start_job(job_body()).await;
    events(&server, first, 0).await;
    let second = server.start_job(job_body()).await;
    events(&server, second, 0).await;

    let list: serde_json::Value = server
        .client
        .get(server.url("/api/jobs?limit=10"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ids: Vec<&str> = list["jobs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|j| j["job_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 2);
    assert_eq!(ids[1], first.to_string(), "oldest last");
    assert!(list["jobs"][0]["match_score"].is_number());
    assert_eq!(list["jobs"][0]["status"], "completed");
    assert!(list["next_before"].is_null(), "one page holds them all");

    // A page of one names where the next starts, by time and id.
    let get = |path: String| {
        let request = server.client.get(server.url(&path));
        async move { request.send().await.unwrap() }
    };
    let page: serde_json::Value = get("/api/jobs?limit=1".into()).await.json().await.unwrap();
    assert_eq!(page["jobs"][0]["job_id"], second.to_string());
    assert_eq!(page["next_before_id"], second.to_string());
    let next = format!(
        "/api/jobs?limit=1&before={}&before_id={}",
        page["next_before"],
        page["next_before_id"].as_str().unwrap()
    );
    let page: serde_json::Value = get(next).await.json().await.unwrap();
    assert_eq!(page["jobs"][0]["job_id"], first.to_string());
    let orphan = get(format!("/api/jobs?before_id={first}")).await;
    assert_eq!(orphan.status(), 400);

    let response = server
        .client
        .delete(server.url(&format!("/api/jobs/{first}")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    for path in ["snapshot", "stream", "result"] {
        let response = server
            .client
            .get(server.url(&format!("/api/jobs/{first}/{path}")))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 404, "{path}");
    }
    let response = server
        .client
        .delete(server.url(&format!("/api/jobs/{first}")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    let list: serde_json::Value = server
        .client
        .get(server.url("/api/jobs"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["jobs"].as_array().unwrap().len(), 1);
}
