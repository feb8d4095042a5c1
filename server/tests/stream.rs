//! The SSE stream over real sockets: framing, replay from a cursor,
//! heartbeats, many readers, and shutdown.

use crate::common;

use std::time::Duration;

use common::{job_body, slow_page_server, Frame, TestServer};
use serde_json::json;
use tailor_common::{EventBody, JobState};

fn stored(frames: &[Frame]) -> Vec<&Frame> {
    frames.iter().filter(|f| f.id.is_some()).collect()
}

async fn finished_job(server: &TestServer) -> (uuid::Uuid, Vec<Frame>) {
    let job = server.start_job(job_body()).await;
    let (status, frames) = server.read_stream(job, "", None).await;
    assert_eq!(status, 200);
    (job, frames)
}

#[tokio::test]
async fn a_stream_is_framed_as_the_design_says_and_ends_after_done() {
    let server = TestServer::start(15).await;
    let job = server.start_job(job_body()).await;
    let response = server
        .client
        .get(server.url(&format!("/api/jobs/{job}/stream")))
        .header("Accept-Encoding", "gzip, br")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    assert_eq!(headers["content-type"], "text/event-stream");
    assert_eq!(headers["cache-control"], "no-cache");
    assert_eq!(headers["x-accel-buffering"], "no");
    assert!(
        headers.get("content-encoding").is_none(),
        "an event stream is never compressed"
    );
    let frames = common::parse_frames(&response.text().await.unwrap());

    // retry: once, first, alone.
    assert_eq!(
        frames[0],
        Frame {
            retry: Some("1500".into()),
            ..Frame::default()
        }
    );
    assert_eq!(frames.iter().filter(|f| f.retry.is_some()).count(), 1);
    let events = stored(&frames);
    for (i, frame) in events.iter().enumerate() {
        let envelope = frame.envelope();
        assert_eq!(
            frame.id.as_deref(),
            Some((i + 1).to_string().as_str()),
            "ids are the gapless seqs"
        );
        assert_eq!(envelope.seq, i as u64 + 1);
        assert_eq!(frame.event.as_deref(), Some(envelope.body.kind()));
        assert_eq!(envelope.job_id, job);
    }
    let last = events.last().unwrap().envelope();
    assert!(matches!(last.body, EventBody::Done(_)), "done comes last");
    assert_eq!(
        frames.last().unwrap().id,
        events.last().unwrap().id,
        "nothing after done"
    );

    // The five steps, in order, each running then completed.
    let completed: Vec<_> = events
        .iter()
        .filter_map(|f| match f.envelope().body {
            EventBody::StepProgress(p) if p.status == tailor_common::StepStatus::Completed => {
                Some(p.step)
            }
            _ => None,
        })
        .collect();
    assert_eq!(completed, tailor_common::Step::ALL.to_vec());

    // The server's snapshot is the fold of what the stream carried.
    let snapshot: JobState = server.snapshot(job).await;
    let envelopes: Vec<_> = events.iter().map(|f| f.envelope()).collect();
    assert_eq!(JobState::fold(job, &envelopes), snapshot);
}

#[tokio::test]
async fn a_cursor_replays_exactly_the_missed_events_and_204_ends_a_finished_job() {
    let server = TestServer::start(15).await;
    let (job, frames) = finished_job(&server).await;
    let all: Vec<_> = stored(&frames).iter().map(|f| f.envelope()).collect();
    let last = all.len() as u64;
    let snapshot = JobState::fold(job, &all);

    for cursor in 0..last {
        let (status, replay) = server.read_stream(job, "", Some(&cursor.to_string())).await;
        assert_eq!(status, 200);
        let replay: Vec<_> = stored(&replay).iter().map(|f| f.envelope()).collect();
        assert_eq!(
            replay.first().unwrap().seq,
            cursor + 1,
            "starts at cursor + 1"
        );
        assert_eq!(
            replay,
            all[cursor as usize..].to_vec(),
            "no gap, no duplicate"
        );
        // A client holding the snapshot at `cursor` and folding the replay
        // ends where the server's snapshot is.
        let mut client = JobState::fold(job, &all[..cursor as usize]);
        for e in &replay {
            client.apply(e);
        }
        assert_eq!(client, snapshot);
    }
    let (status, frames) = server.read_stream(job, "", Some(&last.to_string())).await;
    assert_eq!((status, frames.len()), (204, 0));
    let (status, _) = server
        .read_stream(job, &format!("?last_event_id={last}"), None)
        .await;
    assert_eq!(status, 204);
}

#[tokio::test]
async fn last_event_id_wins_over_the_query_and_bad_cursors_are_400() {
    let server = TestServer::start(15).await;
    let (job, _) = finished_job(&server).await;
    let (_, frames) = server.read_stream(job, "?last_event_id=2", None).await;
    assert_eq!(stored(&frames)[0].id.as_deref(), Some("3"));
    let (_, frames) = server.read_stream(job, "?last_event_id=2", Some("5")).await;
    assert_eq!(stored(&frames)[0].id.as_deref(), Some("6"));
    for (query, header) in [
        ("?last_event_id=abc", None),
        ("", Some("-3")),
        ("", Some("1.5")),
    ] {
        let response = server
            .client
            .get(server.url(&format!("/api/jobs/{job}/stream{query}")))
            .headers(
                header
                    .map(|h| {
                        [("last-event-id", h)]
                            .into_iter()
                            .map(|(k, v)| (k.parse().unwrap(), v.parse().unwrap()))
                            .collect()
                    })
                    .unwrap_or_default(),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400);
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["error"]["code"], "invalid_last_event_id");
    }
}

#[tokio::test]
async fn an_idle_stream_sends_heartbeats_without_ids() {
    let server = TestServer::start(1).await;
    let page = slow_page_server(
        common::fixture("jobs/gdg_jd_data_analyst.txt"),
        5,
        Duration::from_millis(3500),
    )
    .await;
    let job = server
        .start_job(json!({"resume_text": common::fixture("resumes/gdg_data_analyst.txt"), "job_url": page}))
        .await;
    let (status, frames) = server.read_stream(job, "", None).await;
    assert_eq!(status, 200);
    let heartbeats: Vec<_> = frames
        .iter()
        .filter(|f| f.event.as_deref() == Some("heartbeat"))
        .collect();
    assert!(heartbeats.len() >= 2, "{frames:?}");
    for hb in &heartbeats {
        assert!(hb.id.is_none(), "a heartbeat never moves the cursor");
        let envelope = hb.envelope();
        assert_eq!(envelope.seq, 0);
        assert!(matches!(envelope.body, EventBody::Heartbeat(ref p) if p.last_seq >= 1));
    }
    let ids: Vec<u64> = stored(&frames)
        .iter()
        .map(|f| f.id.as_ref().unwrap().parse().unwrap())
        .collect();
    assert_eq!(ids, (1..=ids.len() as u64).collect::<Vec<_>>());
    assert!(stored(&frames).last().unwrap().envelope().is_done());
}

#[tokio::test]
async fn many_readers_of_one_live_job_each_get_every_event_once() {
    let server = TestServer::start(15).await;
    let page = slow_page_server(
        common::fixture("jobs/gdg_jd_data_analyst.txt"),
        4,
        Duration::from_millis(1500),
    )
    .await;
    let job = server
        .start_job(json!({"resume_text": common::fixture("resumes/gdg_data_analyst.txt"), "job_url": page}))
        .await;
    let server = std::sync::Arc::new(server);
    let readers: Vec<_> = (0..40)
        .map(|i| {
            let server = server.clone();
            tokio::spawn(async move {
                // Readers join at different moments of the job.
                tokio::time::sleep(Duration::from_millis(i * 25)).await;
                let (_, frames) = server.read_stream(job, "", None).await;
                stored(&frames)
                    .iter()
                    .map(|f| f.envelope())
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let mut seen = Vec::new();
    for reader in readers {
        seen.push(reader.await.unwrap());
    }
    let first = &seen[0];
    assert!(first.last().unwrap().is_done());
    for events in &seen {
        assert_eq!(events, first);
    }
}

#[tokio::test]
async fn shutdown_ends_open_streams_instead_of_hanging() {
    let server = TestServer::start(15).await;
    let page = slow_page_server(
        common::fixture("jobs/gdg_jd_data_analyst.txt"),
        10,
        Duration::from_secs(15),
    )
    .await;
    let job = server
        .start_job(json!({"resume_text": common::fixture("resumes/gdg_data_analyst.txt"), "job_url": page}))
        .await;
    let mut response = server
        .client
        .get(server.url(&format!("/api/jobs/{job}/stream")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.chunk().await.unwrap().is_some());
    server.shutdown.cancel();
    let drained = tokio::time::timeout(Duration::from_secs(5), async {
        while let Ok(Some(_)) = response.chunk().await {}
    })
    .await;
    assert!(
        drained.is_ok(),
        "the stream ended when the server shut down"
    );
    tokio::time::timeout(Duration::from_secs(5), server.handle)
        .await
        .expect("the server stopped")
        .unwrap();
}

#[tokio::test]
async fn metrics_count_resumed_streams_and_live_delivery_latency() {
    let server = TestServer::start(15).await;
    let page = slow_page_server(
        common::fixture("jobs/gdg_jd_data_analyst.txt"),
        3,
        Duration::from_millis(600),
    )
    .await;
    let job = server
        .start_job(json!({"resume_text": common::fixture("resumes/gdg_data_analyst.txt"), "job_url": page}))
        .await;
    server.read_stream(job, "", None).await;
    server.read_stream(job, "", Some("2")).await;
    let text = server
        .client
        .get(server.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let value = |name: &str| -> f64 {
        text.lines()
            .find_map(|l| {
                l.strip_prefix(name)
                    .and_then(|rest| rest.trim().parse().ok())
            })
            .unwrap_or_else(|| panic!("{name} in {text}"))
    };
    assert_eq!(value("tailor_streams_opened_total "), 2.0);
    assert_eq!(value("tailor_streams_resumed_total "), 1.0);
    assert!(
        value("tailor_event_delivery_seconds_count ") >= 1.0,
        "live events were measured"
    );
    assert!(text.contains("tailor_event_delivery_seconds_bucket{le=\"+Inf\"}"));
}
