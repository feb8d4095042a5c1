//! Jobs survive a restart of the server on the same SQLite file: finished
//! jobs keep their history, result and downloads; a job cut off mid-run is
//! ended with a retryable `interrupted` error and `done`, and a client that
//! reconnects with its cursor gets exactly what it missed.

mod common;

use std::{sync::Arc, time::Duration};

use common::{fixture, job_body, slow_page_server, TestServer};
use serde_json::json;
use tailor_common::{EventBody, JobState};
use tailor_server::store::SqliteStore;

/// A server process, as far as a test can make one: its own runtime, so that
/// dropping it ends every task it ran, the way a process dies.
struct Process {
    runtime: tokio::runtime::Runtime,
    server: TestServer,
}

fn start(dir: &std::path::Path) -> Process {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let store = Arc::new(SqliteStore::open(dir).unwrap());
    let server = runtime.block_on(TestServer::start_on(store));
    Process { runtime, server }
}

impl Process {
    fn kill(self) {
        let Process { runtime, server } = self;
        drop(server);
        runtime.shutdown_timeout(Duration::from_secs(5));
    }
}

#[test]
fn jobs_and_streams_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let client = tokio::runtime::Runtime::new().unwrap();

    // First process: one job finishes, one is cut off while it fetches its posting.
    let first = start(dir.path());
    let (finished, finished_events) = first.runtime.block_on(async {
        let job = first.server.start_job(job_body()).await;
        let (_, frames) = first.server.read_stream(job, "", None).await;
        (
            job,
            frames
                .iter()
                .filter(|f| f.id.is_some())
                .map(|f| f.envelope())
                .collect::<Vec<_>>(),
        )
    });
    let page = client.block_on(slow_page_server(
        fixture("jobs/gdg_jd_data_analyst.txt"),
        10,
        Duration::from_secs(60),
    ));
    let (cut, seen) = first.runtime.block_on(async {
        let job = first
            .server
            .start_job(
                json!({"resume_text": fixture("resumes/gdg_data_analyst.txt"), "job_url": page}),
            )
            .await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        let snapshot: JobState = first
            .server
            .client
            .get(first.server.url(&format!("/api/jobs/{job}/snapshot")))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        (job, snapshot)
    });
    assert!(!seen.is_done() && seen.last_seq >= 3, "{seen:?}");
    let jar = first.server.jar.clone();
    first.kill();

    // Second process on the same file, and the same browser.
    let mut second = start(dir.path());
    second.server.client = common::browser_with(jar);
    second.runtime.block_on(async {
        let server = &second.server;
        // The finished job: history, snapshot, result and downloads are all there.
        let (status, frames) = server.read_stream(finished, "", None).await;
        assert_eq!(status, 200);
        let replay: Vec<_> = frames
            .iter()
            .filter(|f| f.id.is_some())
            .map(|f| f.envelope())
            .collect();
        assert_eq!(replay, finished_events);
        for path in ["snapshot", "result", "export?format=pdf"] {
            let response = server
                .client
                .get(server.url(&format!("/api/jobs/{finished}/{path}")))
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 200, "{path}");
        }

        // The cut-off job: the client resumes at its cursor and sees the job end.
        let (status, frames) = server
            .read_stream(cut, "", Some(&seen.last_seq.to_string()))
            .await;
        assert_eq!(status, 200);
        let missed: Vec<_> = frames
            .iter()
            .filter(|f| f.id.is_some())
            .map(|f| f.envelope())
            .collect();
        let seqs: Vec<u64> = missed.iter().map(|e| e.seq).collect();
        assert_eq!(
            seqs,
            ((seen.last_seq + 1)..=(seen.last_seq + missed.len() as u64)).collect::<Vec<_>>(),
            "no gap, no duplicate"
        );
        let error = missed.iter().find_map(|e| match &e.body {
            EventBody::Error(err) => Some(err.clone()),
            _ => None,
        });
        assert!(error.is_some_and(|e| e.code == "interrupted" && e.retryable));
        assert!(missed.last().unwrap().is_done());
        let mut client_state = seen.clone();
        for e in &missed {
            client_state.apply(e);
        }
        let snapshot: JobState = server.snapshot(cut).await;
        assert_eq!(client_state, snapshot);
        assert!(snapshot
            .steps
            .iter()
            .all(|s| s.status != tailor_common::StepStatus::Running));
    });
    second.kill();
}
