//! Jobs survive a restart of the server on the same SQLite file: finished
//! jobs keep their history, result and downloads; a job cut off mid-run
//! resumes from its checkpoints on the same log, and a client that
//! reconnects with its cursor gets exactly what it missed, up to the end.
//! A job that cannot resume (resumed too often, a full log) is ended as
//! `interrupted`, and no job stops the server from starting.

use crate::common;

/// The owner token of the jobs this file writes straight into a store.
const BROWSER: &str = "restart-browser-token-0123456789abcdefghijk";

use std::sync::Arc;

use common::{fixture, held_page_server, job_body, LiveStream};
use serde_json::json;
use tailor_common::{
    DoneStatus, EventBody, JobState, JobStatus, JobStatusPayload, MetricPayload, Step,
    StepProgressPayload, StepStatus,
};
use tailor_server::{
    access::owner_key_for_token,
    jobs::{Recovery, RESUME_ROOM},
    pipeline::{MAX_PICKUPS, RESUMED},
    store::{JobInputs, JobStore, ResumeUpload, SqliteStore, ENDING_RESERVE, MAX_EVENTS_PER_JOB},
};
use uuid::Uuid;

use common::Process;

fn start(dir: &std::path::Path) -> Process {
    Process::start(dir)
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
    // The posting's server holds the fetch until the first process is gone.
    let (page, release) =
        client.block_on(held_page_server(fixture("jobs/gdg_jd_data_analyst.txt")));
    let (cut, seen) = first.runtime.block_on(async {
        let server = &first.server;
        let job = server
            .start_job(
                json!({"resume_text": fixture("resumes/gdg_data_analyst.txt"), "job_url": page}),
            )
            .await;
        let url = server.url(&format!("/api/jobs/{job}/stream"));
        LiveStream::open(&server.client, &url)
            .await
            .read_until(|e| {
                matches!(&e.body, EventBody::StepProgress(p)
                    if p.detail.as_deref().is_some_and(|d| d.starts_with("Fetching")))
            })
            .await;
        (job, server.snapshot(job).await)
    });
    assert!(!seen.is_done() && seen.last_seq >= 3, "{seen:?}");
    let jar = first.server.jar.clone();
    first.kill();
    release.send(true).unwrap();

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
        // It said it resumed, kept nothing it had not finished, and completed.
        assert!(missed.iter().any(|e| matches!(&e.body,
            EventBody::JobStatus(p) if p.status == JobStatus::Running && p.reason.as_deref() == Some(RESUMED))));
        assert!(!missed.iter().any(|e| matches!(e.body, EventBody::Error(_))));
        let last = missed.last().unwrap();
        assert!(
            matches!(&last.body, EventBody::Done(d) if d.status == DoneStatus::Completed),
            "{last:?}"
        );
        let mut client_state = seen.clone();
        for e in &missed {
            client_state.apply(e);
        }
        let snapshot: JobState = server.snapshot(cut).await;
        assert_eq!(client_state, snapshot);
        assert!(snapshot.steps.iter().all(|s| s.status == StepStatus::Completed));
        let response = server
            .client
            .get(server.url(&format!("/api/jobs/{cut}/result")))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
    });
    second.kill();
}

fn inputs() -> JobInputs {
    JobInputs {
        resume: ResumeUpload {
            file_name: None,
            bytes: fixture("resumes/gdg_data_analyst.txt").into_bytes(),
        },
        job_text: Some(fixture("jobs/gdg_jd_data_analyst.txt")),
        job_url: None,
    }
}

fn status(status: JobStatus, reason: Option<&str>) -> EventBody {
    EventBody::JobStatus(JobStatusPayload {
        status,
        reason: reason.map(str::to_string),
    })
}

fn analyzing() -> EventBody {
    EventBody::StepProgress(StepProgressPayload {
        step: Step::Analyzing,
        status: StepStatus::Running,
        pct: 10.0,
        eta_sec: None,
        detail: None,
    })
}

/// The log of a job as a dead process could have left it.
async fn job_with(store: &dyn JobStore, events: impl IntoIterator<Item = EventBody>) -> Uuid {
    job_of(store, inputs(), events).await
}

/// [`job_with`] on these inputs.
async fn job_of(
    store: &dyn JobStore,
    inputs: JobInputs,
    events: impl IntoIterator<Item = EventBody>,
) -> Uuid {
    let id = Uuid::new_v4();
    store
        .create_owned(id, Some(&owner_key_for_token(BROWSER)), inputs, 1)
        .await
        .unwrap();
    for (i, body) in events.into_iter().enumerate() {
        store.append(id, body, 2 + i as i64).await.unwrap();
    }
    id
}

/// Start-up resumes what it can, ends what it cannot, and starts either way:
/// a job resumed as often as allowed, one whose log is at the event cap and
/// one without room for a run's opening and ending (`RESUME_ROOM` events
/// short of the cap), end as `interrupted` with `done`; one cut off in its ending gets
/// its `done`; one the store cannot read is logged and left; the ordinary
/// one beside them resumes and completes, and so does (within the cap) the
/// longest log that still leaves a resume its room, one event shorter than
/// the refused one. Start-up counts each of these.
#[test]
fn start_up_ends_the_jobs_it_cannot_resume_and_resumes_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let setup = tokio::runtime::Runtime::new().unwrap();
    let (looping, full, nearly_full, just_room, ending, ordinary, broken) = setup.block_on(async {
        let store = SqliteStore::open(dir.path()).unwrap();
        let mut resumed = vec![
            status(JobStatus::Started, None),
            status(JobStatus::Running, None),
        ];
        resumed.extend((0..MAX_PICKUPS).map(|_| status(JobStatus::Running, Some(RESUMED))));
        resumed.push(analyzing());
        let looping = job_with(&store, resumed).await;
        // A log of `len` events: a run's opening, then filler metrics.
        let log_of = |len: usize| {
            let metric = |i: usize| {
                EventBody::MetricUpdate(MetricPayload {
                    key: format!("m{}", i % 8),
                    value: i as f64,
                    unit: None,
                    label: Some("filler".into()),
                })
            };
            [status(JobStatus::Started, None), analyzing()]
                .into_iter()
                .chain((2..len).map(metric))
        };
        let full = job_with(&store, log_of(MAX_EVENTS_PER_JOB)).await;
        let nearly_full = job_with(&store, log_of(MAX_EVENTS_PER_JOB - RESUME_ROOM)).await;
        let just_room = job_with(&store, log_of(MAX_EVENTS_PER_JOB - RESUME_ROOM - 1)).await;
        let ending = job_with(
            &store,
            [
                status(JobStatus::Started, None),
                status(JobStatus::Failed, Some("parse_failed")),
            ],
        )
        .await;
        let ordinary = job_with(&store, [status(JobStatus::Started, None), analyzing()]).await;
        let broken = job_with(&store, [status(JobStatus::Started, None), analyzing()]).await;
        (
            looping,
            full,
            nearly_full,
            just_room,
            ending,
            ordinary,
            broken,
        )
    });
    drop(setup);
    // One job the store cannot read (a snapshot mangled on disk): start-up
    // logs it and carries on with the others.
    let file = rusqlite::Connection::open(dir.path().join("tailor.db")).unwrap();
    let mangled = file
        .execute(
            "UPDATE job_snapshots SET snapshot = 'not json' WHERE job_id = ?1",
            [broken.to_string()],
        )
        .unwrap();
    assert_eq!(mangled, 1);
    drop(file);

    let mut process = start(dir.path());
    assert_eq!(
        process.server.recovery,
        Some(Recovery {
            resumed: 2,
            ended: 4,
            failed: 1
        }),
        "the ordinary job and the one with just room resumed; the looping, full, nearly full and ending ones ended; the unreadable one failed"
    );
    // The browser that owns the jobs written straight into the store.
    process.server.browse_as(BROWSER);
    process.runtime.block_on(async {
        let server = &process.server;
        let events = |job: Uuid| async move {
            let (status, frames) = server.read_stream(job, "", None).await;
            assert_eq!(status, 200);
            frames
                .iter()
                .filter(|f| f.id.is_some())
                .map(|f| f.envelope())
                .collect::<Vec<_>>()
        };
        for (job, why) in [(looping, "before"), (full, "full"), (nearly_full, "full")] {
            let log = events(job).await;
            let error = log
                .iter()
                .find_map(|e| match &e.body {
                    EventBody::Error(err) => Some(err.clone()),
                    _ => None,
                })
                .expect("an error");
            assert_eq!(error.code, "interrupted");
            assert!(error.retryable && error.message.contains(why), "{}", error.message);
            assert!(log.last().unwrap().is_done());
            assert!(log.len() <= MAX_EVENTS_PER_JOB + ENDING_RESERVE + 1);
            let state = server.snapshot(job).await;
            assert_eq!(state.status, JobStatus::Failed);
            assert!(state.steps.iter().all(|s| s.status != StepStatus::Running));
        }
        // Resumed, not ended at start-up; the event cap ends its run.
        let log = events(just_room).await;
        assert!(log.iter().any(|e| matches!(&e.body,
            EventBody::JobStatus(p) if p.reason.as_deref() == Some(RESUMED))));
        assert!(log.last().unwrap().is_done());
        assert!(log.len() <= MAX_EVENTS_PER_JOB + ENDING_RESERVE + 1);
        let log = events(ending).await;
        assert_eq!(log.len(), 3);
        assert!(matches!(&log[2].body, EventBody::Done(d) if d.status == DoneStatus::Failed));
        let log = events(ordinary).await;
        assert!(log.iter().any(|e| matches!(&e.body,
            EventBody::JobStatus(p) if p.reason.as_deref() == Some(RESUMED))));
        assert!(matches!(&log.last().unwrap().body, EventBody::Done(d) if d.status == DoneStatus::Completed));
        // The unreadable one is an outage of that job, not a missing one.
        let response = server
            .client
            .get(server.url(&format!("/api/jobs/{broken}/snapshot")))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 503);
    });
    process.kill();
}

/// A job start-up resumes waits for room under the running-jobs limit. It
/// is still running while it waits, so a retry of it is refused as one
/// (409), never started beside its resume or refused as "busy".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resumed_job_waiting_for_room_is_not_retried_beside_itself() {
    let dir = tempfile::tempdir().unwrap();
    let (page, release) = common::held_page_server(fixture("jobs/gdg_jd_data_analyst.txt")).await;
    let store = Arc::new(SqliteStore::open(dir.path()).unwrap());
    let held = JobInputs {
        job_text: None,
        job_url: Some(page),
        ..inputs()
    };
    let mut jobs = Vec::new();
    for _ in 0..2 {
        let events = [status(JobStatus::Started, None), analyzing()];
        jobs.push(job_of(store.as_ref(), held.clone(), events).await);
    }
    let mut server = common::TestServer::start_on_configured(
        store,
        tailor_server::config::ServeArgs {
            max_running_jobs: 1,
            ..common::test_args()
        },
    )
    .await;
    assert_eq!(server.recovery.map(|r| r.resumed), Some(2));
    server.browse_as(BROWSER);
    for job in &jobs {
        assert_eq!(
            server.retry(*job).await,
            409,
            "retry of {job}, one running and one waiting"
        );
    }
    release.send(true).unwrap();
}
