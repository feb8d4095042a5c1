//! The job lifecycle through the real router: the running-jobs limit under
//! concurrency, every job able to end however much it reports, and streams
//! that cannot hang on a cursor the log never reaches.

use crate::common;

use std::time::Duration;

use common::{fixture, held_page_server, TestServer};
use serde_json::json;
use tailor_common::{DoneStatus, EventBody, JobState};
use tailor_server::{config::ServeArgs, store::MAX_EVENTS_PER_JOB};

/// A resume with `roles` short roles, each with a bullet the posting's
/// terms favour second, so that tailoring reorders the bullets of every one.
fn resume_with_roles(roles: usize) -> String {
    let mut text = String::from(
        "Sam Rivera\nData Analyst\n\nSkills:\nSQL, Python, Tableau, Excel\n\nExperience:\n",
    );
    for i in 0..roles {
        text.push_str(&format!(
            "Analyst | Firm {i} | {} - {}\n- Filed weekly notes\n- Built SQL and Python dashboards in Tableau\n",
            1990 + i % 30,
            1991 + i % 30
        ));
    }
    text.push_str("\nEducation:\nB.S. in Statistics\n");
    text
}

/// 50 starts at once against a limit of 4, each job held in flight by a
/// job page that answers only when the test says: exactly 4 are accepted
/// and the other 46 are told `busy`, and nothing of theirs was written.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_concurrent_starts_with_a_limit_of_four() {
    let server = TestServer::start_configured(ServeArgs {
        max_running_jobs: 4,
        ..common::test_args()
    })
    .await;
    // One browser: its owner cookie first, so all fifty starts are its own.
    let _: serde_json::Value = server.get_json("/api/jobs").await;
    let (page, release) = held_page_server(fixture("jobs/gdg_jd_data_analyst.txt")).await;
    let body = json!({"resume_text": fixture("resumes/gdg_data_analyst.txt"), "job_url": page});
    let starts = (0..50).map(|_| {
        let (client, url, body) = (
            server.client.clone(),
            server.url("/api/pipeline/start"),
            body.clone(),
        );
        tokio::spawn(async move {
            let response = client.post(url).json(&body).send().await.unwrap();
            let status = response.status().as_u16();
            let json: serde_json::Value = response.json().await.unwrap();
            (status, json)
        })
    });
    let answers = futures::future::join_all(starts).await;
    let mut accepted = Vec::new();
    let mut busy = 0;
    for answer in answers {
        match answer.unwrap() {
            (201, json) => accepted.push(json["job_id"].as_str().unwrap().to_string()),
            (429, json) => {
                assert_eq!(json["error"]["code"], "busy");
                busy += 1;
            }
            other => panic!("unexpected answer {other:?}"),
        }
    }
    assert_eq!((accepted.len(), busy), (4, 46));
    let listed: serde_json::Value = server.get_json("/api/jobs?limit=100").await;
    assert_eq!(
        listed["jobs"].as_array().unwrap().len(),
        4,
        "refused starts leave no job"
    );

    // Once the four finish, there is room again.
    release.send(true).unwrap();
    for job in &accepted {
        let (_, frames) = server.read_stream(job.parse().unwrap(), "", None).await;
        assert!(frames.last().unwrap().envelope().is_done());
    }
    let response = server
        .client
        .post(server.url("/api/pipeline/start"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
}

/// A resume that makes the writing step report once per role (10,200
/// roles, ~700 KB) still makes a job that ends, with a log far below the
/// cap, and whose result keeps every edit.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resume_with_ten_thousand_roles_ends_within_the_event_cap() {
    let mut server = TestServer::start(15).await;
    // The engine spends minutes on 10,200 roles in a debug build on a busy
    // machine: the same browser, without the client's usual 240 s limit.
    server.client = reqwest::Client::builder()
        .cookie_provider(server.jar.clone())
        .build()
        .unwrap();
    let resume = resume_with_roles(10_200);
    let job = server
        .start_job(
            json!({"resume_text": resume, "job_text": fixture("jobs/gdg_jd_data_analyst.txt")}),
        )
        .await;
    let (status, frames) = server.read_stream(job, "", None).await;
    assert_eq!(status, 200);
    let events: Vec<_> = frames
        .iter()
        .filter(|f| f.id.is_some())
        .map(|f| f.envelope())
        .collect();
    let last = events.last().unwrap();
    assert!(
        matches!(&last.body, EventBody::Done(d) if d.status == DoneStatus::Completed),
        "{last:?}"
    );
    assert!(events.len() < 2_000, "{} events", events.len());
    assert!(events.len() < MAX_EVENTS_PER_JOB);
    let insights = events
        .iter()
        .filter(|e| matches!(e.body, EventBody::InsightEmitted(_)))
        .count();
    assert!(insights < 150, "{insights} insights");
    let result: serde_json::Value = server.get_json(&format!("/api/jobs/{job}/result")).await;
    let edits = result["changes"].as_array().map_or(0, Vec::len);
    assert!(edits > 1_000, "the result keeps every edit ({edits})");
}

/// A cursor past the end of a running job's log is the client's mistake:
/// 400, at once, instead of a stream that never sends anything.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cursor_ahead_of_a_running_log_is_refused() {
    let server = TestServer::start(1).await;
    let (page, release) = held_page_server(fixture("jobs/gdg_jd_data_analyst.txt")).await;
    let job = server
        .start_job(json!({"resume_text": fixture("resumes/gdg_data_analyst.txt"), "job_url": page}))
        .await;
    let state: JobState = server.snapshot(job).await;
    assert!(!state.is_done());
    let ahead = (state.last_seq + 1000).to_string();
    let stream = server.url(&format!("/api/jobs/{job}/stream"));
    for request in [
        server.client.get(&stream).header("Last-Event-ID", &ahead),
        server.client.get(format!("{stream}?last_event_id={ahead}")),
    ] {
        let response = tokio::time::timeout(Duration::from_secs(10), request.send())
            .await
            .expect("an answer, not a hanging stream")
            .unwrap();
        assert_eq!(response.status(), 400);
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["error"]["code"], "cursor_ahead");
    }
    // The cursor the client really has, the very end of the running log,
    // is not "ahead": its stream opens and waits for what comes next, and
    // it counts as a resumed stream.
    let resumed = server.metric("tailor_streams_resumed_total ").await;
    let last = server.snapshot(job).await.last_seq.to_string();
    let response = tokio::time::timeout(
        Duration::from_secs(10),
        server
            .client
            .get(&stream)
            .header("Last-Event-ID", &last)
            .send(),
    )
    .await
    .expect("the stream opens while the job is held")
    .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        server.metric("tailor_streams_resumed_total ").await,
        resumed + 1.0
    );
    release.send(true).unwrap();
    let text = tokio::time::timeout(Duration::from_secs(60), response.text())
        .await
        .expect("the stream ends with the job")
        .unwrap();
    let frames = common::parse_frames(&text);
    assert!(frames.last().unwrap().envelope().is_done());
    // Live events were delivered within a second or so, never "in the
    // future" (an age is now minus the event's ts).
    let count = server.metric("tailor_event_delivery_seconds_count ").await;
    let sum = server.metric("tailor_event_delivery_seconds_sum ").await;
    assert!(count > 0.0, "live events counted");
    assert!(
        sum >= 0.0 && sum / count < 5.0,
        "mean delivery {sum} s over {count}"
    );
}
