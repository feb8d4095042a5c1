//! The person decides, over the real router and sockets, on the memory and
//! SQLite stores: each decision is one request answered with the result as
//! decided; the result, the score and every download follow; versions can
//! be restored; decisions survive a restart; and every bad request is a
//! clear 4xx JSON error with nothing lost.

use crate::common;

use std::{sync::Arc, time::Duration};

use common::{browser, job_body, start_job_at, TestServer};
use reqwest::Client;
use serde_json::{json, Value};
use tailor_common::{paths, JobResult};
use tailor_server::store::{JobStore, MemoryStore, SqliteStore};
use uuid::Uuid;

/// A job that `client` started and saw to the end.
async fn finished_job(server: &TestServer, client: &Client) -> Uuid {
    let job = start_job_at(client, &server.url(""), &job_body()).await;
    let text = client
        .get(server.url(&paths::job_stream(job)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(text.contains("event: done"), "{text}");
    job
}

async fn decide(server: &TestServer, client: &Client, job: Uuid, body: Value) -> (u16, Value) {
    let response = client
        .post(server.url(&paths::job_decisions(job)))
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn decided(server: &TestServer, client: &Client, job: Uuid, body: Value) -> JobResult {
    let (status, result) = decide(server, client, job, body.clone()).await;
    assert_eq!(status, 200, "{body}: {result}");
    serde_json::from_value(result).unwrap()
}

async fn result(server: &TestServer, client: &Client, job: Uuid) -> JobResult {
    let response = client
        .get(server.url(&paths::job_result(job)))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

/// A download: its file name and bytes.
async fn download(server: &TestServer, client: &Client, url: &str) -> (String, Vec<u8>) {
    let response = client.get(server.url(url)).send().await.unwrap();
    assert_eq!(response.status(), 200, "{url}");
    let name = response.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    (name, response.bytes().await.unwrap().to_vec())
}

/// The text of a PDF, read back by Tailor's own reader.
fn pdf_text(bytes: &[u8]) -> String {
    let (text, _) = tailor_server::engine::resume::pdf::pdf_to_text_pages(bytes).unwrap();
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn words(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The downloads of `r` as text: DOCX, PDF, Markdown, plain text, with the
/// DOCX's file name.
async fn downloads(server: &TestServer, client: &Client, r: &JobResult) -> (String, Vec<String>) {
    let mut texts = Vec::new();
    let mut docx_name = String::new();
    for d in &r.downloads {
        let (name, bytes) = download(server, client, &d.url).await;
        texts.push(match d.format.as_str() {
            "docx" => {
                docx_name = name;
                words(&common::docx_text(&bytes))
            }
            "pdf" => pdf_text(&bytes),
            _ => words(&String::from_utf8(bytes).unwrap()),
        });
    }
    assert_eq!(texts.len(), 4);
    (docx_name, texts)
}

/// What the job's log says now, folded by the reducer (the Processing
/// page's view): its checks and its score after tailoring.
async fn streamed(server: &TestServer, client: &Client, job: Uuid) -> (Vec<(String, String)>, f64) {
    let response = client
        .get(server.url(&paths::job_snapshot(job)))
        .send()
        .await
        .unwrap();
    let state: tailor_common::JobState = response.json().await.unwrap();
    let mut checks: Vec<(String, String)> = state
        .validations
        .iter()
        .map(|v| (v.rule_id.clone(), v.status.as_str().to_string()))
        .collect();
    checks.sort();
    let score = state
        .metric(tailor_common::metric_keys::MATCH_SCORE_AFTER)
        .unwrap();
    (checks, score)
}

/// The decided result's checks and score, as [`streamed`] gives them.
fn decided_view(r: &JobResult) -> (Vec<(String, String)>, f64) {
    let mut checks: Vec<(String, String)> = r
        .validations
        .iter()
        .map(|v| (v.rule_id.clone(), v.status.as_str().to_string()))
        .collect();
    checks.sort();
    (checks, r.score_after.total as f64)
}

/// The flows on one store: reject, confirm, edit, restore, downloads.
async fn decisions_follow_through(server: TestServer) {
    let alice = &server.client;
    let job = finished_job(&server, alice).await;
    let first = result(&server, alice, job).await;
    assert_eq!(first.review.version, 0);
    assert!(!first.review.changes.is_empty());
    assert!(first.review.changes.iter().all(|c| c.accepted));
    // Each change is listed once.
    let mut ids: Vec<&str> = first.review.changes.iter().map(|c| c.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), first.review.changes.len());

    // Drop the summary Tailor wrote: it is gone from every download, and
    // the file names say the version.
    let summary = first
        .review
        .lines
        .iter()
        .find(|l| l.id == "summary")
        .expect("a summary Tailor wrote")
        .proposed
        .clone();
    let summary = words(&summary);
    let (name, before) = downloads(&server, alice, &first).await;
    assert!(name.contains("tailored.docx"), "{name}");
    for text in &before {
        assert!(text.contains(&summary), "{summary} not in {text}");
    }
    let dropped = decided(
        &server,
        alice,
        job,
        json!({"action": "change", "change_id": "summary", "accepted": false}),
    )
    .await;
    assert_eq!(dropped.review.version, 1);
    assert!(
        !dropped
            .review
            .changes
            .iter()
            .find(|c| c.id == "summary")
            .unwrap()
            .accepted
    );
    let (name, after) = downloads(&server, alice, &dropped).await;
    assert!(name.contains("tailored v1.docx"), "{name}");
    for text in &after {
        assert!(!text.contains(&summary), "still there: {text}");
    }
    // The result reloaded says the same.
    assert_eq!(
        result(&server, alice, job).await.tailored_text,
        dropped.tailored_text
    );

    // "I have this": the term leaves the missing list, shows as added by
    // the person, passes the evidence rule, and the score rises by what
    // the breakdown says.
    let missing = dropped.missing.first().expect("a missing term").clone();
    assert!(!missing.context.is_empty(), "the posting's sentence");
    let confirmed = decided(
        &server,
        alice,
        job,
        json!({"action": "confirm", "term": missing.term, "place": {"kind": "skills"}}),
    )
    .await;
    assert_eq!(confirmed.review.version, 2);
    assert!(!confirmed.missing.iter().any(|m| m.term == missing.term));
    assert_eq!(confirmed.review.confirmed[0].term, missing.term);
    assert!(confirmed
        .tailored_text
        .contains(&format!("Added by you: {}", missing.term)));
    let evidence = |r: &JobResult| {
        r.validations
            .iter()
            .find(|v| v.rule_id == "evidence")
            .unwrap()
            .status
    };
    assert_eq!(evidence(&confirmed), evidence(&dropped));
    let gained: f64 = confirmed
        .score_after
        .components
        .iter()
        .zip(&dropped.score_after.components)
        .map(|(a, b)| a.points - b.points)
        .sum();
    assert!(gained > 0.0, "the breakdown gains points");
    let matched = |r: &JobResult| {
        r.score_after
            .components
            .iter()
            .map(|c| c.matched)
            .sum::<usize>()
    };
    assert!(matched(&confirmed) > matched(&dropped));
    let total = |r: &JobResult| {
        r.score_after
            .components
            .iter()
            .map(|c| c.points)
            .sum::<f64>()
    };
    assert_eq!(
        confirmed.score_after.total as f64,
        total(&confirmed).round().min(100.0)
    );
    assert!(confirmed.score_after.total > dropped.score_after.total);
    // The new score and checks stream back through the job's log: the
    // Processing page and a replay say what Review says.
    assert_eq!(
        streamed(&server, alice, job).await,
        decided_view(&confirmed)
    );

    // An edit that adds a number the original does not have is kept and
    // flagged, not blocked.
    let line = confirmed
        .review
        .lines
        .iter()
        .find(|l| l.id.starts_with("b-"))
        .unwrap()
        .clone();
    let text = format!("{} for 987 clients", line.proposed);
    let edited = decided(
        &server,
        alice,
        job,
        json!({"action": "edit", "line_id": line.id, "text": text}),
    )
    .await;
    assert!(edited.tailored_text.contains("for 987 clients"));
    assert_eq!(edited.review.flags, vec!["number: 987".to_string()]);
    assert_eq!(evidence(&edited), tailor_common::ValidationStatus::Fail);
    let (checks, _) = streamed(&server, alice, job).await;
    assert!(
        checks.contains(&("evidence".to_string(), "fail".to_string())),
        "the flagged edit's check is not on the stream: {checks:?}"
    );
    assert_eq!(streamed(&server, alice, job).await, decided_view(&edited));

    // Back to version 1: the confirmation and the edit are gone, the drop
    // stays; that is version 4, and version 3 can still be downloaded.
    let restored = decided(
        &server,
        alice,
        job,
        json!({"action": "restore", "version": 1}),
    )
    .await;
    assert_eq!(restored.review.version, 4);
    assert_eq!(restored.tailored_text, dropped.tailored_text);
    assert_eq!(restored.score_after, dropped.score_after);
    assert!(restored.review.flags.is_empty());
    assert_eq!(streamed(&server, alice, job).await, decided_view(&restored));
    assert_eq!(restored.review.versions.len(), 5);
    // Versions are told in the person's words, not by ids.
    let told: Vec<&str> = restored
        .review
        .versions
        .iter()
        .map(|v| v.description.as_str())
        .collect();
    assert!(told[1].starts_with("Dropped: Added a summary"), "{told:?}");
    assert!(told[3].starts_with("Rewrote \""), "{told:?}");
    assert_eq!(told[4], "Went back to version 1");
    let (name, bytes) = download(&server, alice, &paths::job_export_version(job, "txt", 3)).await;
    assert!(name.contains("tailored v3.txt"), "{name}");
    assert!(String::from_utf8(bytes)
        .unwrap()
        .contains("for 987 clients"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn decisions_follow_through_on_memory() {
    decisions_follow_through(TestServer::start_on(Arc::new(MemoryStore::new())).await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn decisions_follow_through_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn JobStore> = Arc::new(SqliteStore::open(dir.path()).unwrap());
    decisions_follow_through(TestServer::start_on(store).await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_decisions_are_clear_4xx_errors_and_change_nothing() {
    let server = TestServer::start(15).await;
    let alice = &server.client;
    let job = finished_job(&server, alice).await;
    let cases = [
        (
            json!({"action": "change", "change_id": "nope", "accepted": false}),
            400,
            "unknown_change",
        ),
        (
            json!({"action": "edit", "line_id": "b-99-0-0", "text": "x"}),
            400,
            "unknown_line",
        ),
        (
            json!({"action": "confirm", "term": "Go", "place": {"kind": "role", "role": 999}}),
            400,
            "unknown_role",
        ),
        (
            json!({"action": "confirm", "term": "  ", "place": {"kind": "skills"}}),
            400,
            "empty_text",
        ),
        (
            json!({"action": "restore", "version": 7}),
            400,
            "unknown_version",
        ),
        (json!({"action": "explode"}), 400, "invalid_decision"),
        (
            json!({"action": "confirm", "term": "x".repeat(601), "place": {"kind": "skills"}}),
            400,
            "text_too_long",
        ),
    ];
    for (body, status, code) in cases {
        let (got, answer) = decide(&server, alice, job, body.clone()).await;
        assert_eq!(
            (got, answer["error"]["code"].as_str()),
            (status, Some(code)),
            "{body}: {answer}"
        );
        assert!(answer["error"]["message"].as_str().unwrap().len() > 10);
    }
    // A bad job id, an unknown job.
    let response = alice
        .post(server.url("/api/jobs/not-a-job/decisions"))
        .json(&json!({"action": "restore", "version": 0}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let (status, answer) = decide(
        &server,
        alice,
        Uuid::new_v4(),
        json!({"action": "restore", "version": 0}),
    )
    .await;
    assert_eq!(
        (status, answer["error"]["code"].as_str()),
        (404, Some("job_not_found"))
    );
    // A body far over its limit.
    let response = alice
        .post(server.url(&paths::job_decisions(job)))
        .header("content-type", "application/json")
        .body(vec![b' '; 64 * 1024])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
    // The unread rest of the body ends the connection, and the answer says
    // so: a pooled client must not send its next request into it.
    assert_eq!(
        response.headers().get("connection").map(|v| v.as_bytes()),
        Some(&b"close"[..])
    );
    // Nothing was recorded.
    assert_eq!(result(&server, alice, job).await.review.version, 0);
    assert!(server.snapshot(job).await.review.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_browser_and_a_share_link_cannot_decide() {
    let server = TestServer::start(15).await;
    let alice = &server.client;
    let job = finished_job(&server, alice).await;
    let change = result(&server, alice, job).await.review.changes[0]
        .id
        .clone();
    let body = json!({"action": "change", "change_id": change, "accepted": false});
    // Bob: the 404 of a job that does not exist.
    let bob = browser();
    let (status, answer) = decide(&server, &bob, job, body.clone()).await;
    assert_eq!(
        (status, answer["error"]["code"].as_str()),
        (404, Some("job_not_found"))
    );
    // Carol, through a share link: she reads, she does not decide.
    let link: Value = alice
        .post(server.url(&paths::job_share(job)))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let carol = browser();
    let landing = carol
        .get(server.url(link["url"].as_str().unwrap()))
        .send()
        .await
        .unwrap();
    assert_eq!(landing.status(), 200);
    assert_eq!(
        carol
            .get(server.url(&paths::job_result(job)))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let (status, _) = decide(&server, &carol, job, body.clone()).await;
    assert_eq!(status, 404);
    // From another site: refused before anything else.
    let response = alice
        .post(server.url(&paths::job_decisions(job)))
        .header("origin", "https://evil.example")
        .header("sec-fetch-site", "cross-site")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    assert_eq!(result(&server, alice, job).await.review.version, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_running_job_takes_no_decision() {
    let server = TestServer::start(15).await;
    // The posting's server holds the fetch: the job is running for a real reason.
    let (page, release) =
        common::held_page_server(common::fixture("jobs/gdg_jd_data_analyst.txt")).await;
    let job = server
        .start_job(json!({"resume_text": common::fixture("resumes/gdg_data_analyst.txt"), "job_url": page}))
        .await;
    let (status, answer) = decide(
        &server,
        &server.client,
        job,
        json!({"action": "restore", "version": 0}),
    )
    .await;
    assert_eq!(
        (status, answer["error"]["code"].as_str()),
        (409, Some("job_running")),
        "{answer}"
    );
    release.send(true).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn decisions_sent_at_once_are_all_kept() {
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn JobStore> = Arc::new(SqliteStore::open(dir.path()).unwrap());
    let server = TestServer::start_on(store).await;
    let alice = &server.client;
    let job = finished_job(&server, alice).await;
    let changes: Vec<String> = result(&server, alice, job)
        .await
        .review
        .changes
        .iter()
        .map(|c| c.id.clone())
        .collect();
    assert!(changes.len() >= 2, "{changes:?}");
    let sends = changes.iter().map(|id| {
        decide(
            &server,
            alice,
            job,
            json!({"action": "change", "change_id": id, "accepted": false}),
        )
    });
    let answers = futures::future::join_all(sends).await;
    assert!(answers.iter().all(|(s, _)| *s == 200), "{answers:?}");
    // Every version is distinct, and the last state holds every drop.
    let mut versions: Vec<u64> = answers
        .iter()
        .map(|(_, r)| r["review"]["version"].as_u64().unwrap())
        .collect();
    versions.sort_unstable();
    versions.dedup();
    assert_eq!(versions.len(), changes.len());
    let last = result(&server, alice, job).await;
    assert_eq!(last.review.version as usize, changes.len());
    assert!(last.review.changes.iter().all(|c| !c.accepted));
}

use common::Process;

fn start(dir: &std::path::Path) -> Process {
    Process::start(dir)
}

#[test]
fn decisions_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let first = start(dir.path());
    let (job, before) = first.runtime.block_on(async {
        let server = &first.server;
        let job = finished_job(server, &server.client).await;
        let change = result(server, &server.client, job).await.review.changes[0]
            .id
            .clone();
        let r = decided(
            server,
            &server.client,
            job,
            json!({"action": "change", "change_id": change, "accepted": false}),
        )
        .await;
        (job, r)
    });
    let jar = first.server.jar.clone();
    let Process { runtime, server } = first;
    drop(server);
    runtime.shutdown_timeout(Duration::from_secs(5));

    let mut second = start(dir.path());
    second.server.client = common::browser_with(jar);
    second.runtime.block_on(async {
        let server = &second.server;
        let after = result(server, &server.client, job).await;
        assert_eq!(after.review.version, 1);
        assert_eq!(after.tailored_text, before.tailored_text);
        assert_eq!(after.review.changes, before.review.changes);
    });
}
