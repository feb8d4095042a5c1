//! Several Tailor instances on one PostgreSQL database, as behind a load
//! balancer: any instance streams any job, a cancel reaches the instance
//! running the job, and when the instance running a job is killed (a real
//! `tailor` process, SIGKILL), another one takes the job over when its lease
//! expires and finishes it on the same log.
//!
//! Needs `TAILOR_TEST_DATABASE_URL` (`scripts/test.sh` starts a server).

use crate::common;

use std::{
    process::{Child, Command, Stdio},
    sync::Arc,
    time::Duration,
};

use common::{fixture, slow_page_server, start_job_at, LiveStream, TestServer, SHARED_LEASE_SECS};
use serde_json::json;
use tailor_common::{DoneStatus, Envelope, EventBody, JobStatus, Step, StepStatus};
use tailor_server::store::{pg_testing::TestDatabase, PgSettings, PgStore};

async fn instance(url: &str) -> TestServer {
    let lease = Duration::from_secs_f64(SHARED_LEASE_SECS);
    let store = PgStore::connect(PgSettings::new(url, lease).pool_size(8))
        .await
        .unwrap();
    store.until_listening().await;
    TestServer::start_on(Arc::new(store)).await
}

/// The real binary, serving on `port` with the shared store.
struct Instance {
    child: Child,
    base: String,
    _data: tempfile::TempDir,
}

impl Instance {
    fn spawn(database_url: &str) -> Instance {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let data = tempfile::tempdir().unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_tailor"))
            .env("TAILOR_ADDR", format!("127.0.0.1:{port}"))
            .env("TAILOR_DATABASE_URL", database_url)
            .env("TAILOR_DATA_DIR", data.path())
            .env("TAILOR_LEASE_SECS", SHARED_LEASE_SECS.to_string())
            .env("TAILOR_ALLOW_PRIVATE_URLS", "true")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .spawn()
            .expect("the tailor binary starts");
        Instance {
            child,
            base: format!("http://127.0.0.1:{port}"),
            _data: data,
        }
    }

    async fn until_healthy(&mut self, client: &reqwest::Client) {
        for _ in 0..200 {
            if let Some(status) = self.child.try_wait().unwrap() {
                panic!("the tailor process exited: {status}");
            }
            let healthy = client
                .get(format!("{}/healthz", self.base))
                .send()
                .await
                .is_ok_and(|r| r.status().is_success());
            if healthy {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the tailor process did not become healthy in 20 s");
    }

    fn kill_9(&mut self) {
        // `Child::kill` is SIGKILL on Unix: no shutdown code runs.
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A job posting served slowly, so that a job stays in its first step for
/// a real reason (the fetch) long enough to be killed or canceled there.
async fn slow_posting(total: Duration) -> String {
    slow_page_server(fixture("jobs/gdg_jd_data_analyst.txt"), 10, total).await
}

fn job_body(job_url: &str) -> serde_json::Value {
    json!({
        "resume_text": fixture("resumes/gdg_data_analyst.txt"),
        "job_url": job_url,
    })
}

fn analyzing_started(e: &Envelope) -> bool {
    matches!(&e.body, EventBody::StepProgress(p)
        if p.step == Step::Analyzing && p.status == StepStatus::Running)
}

fn assert_gapless(events: &[Envelope]) {
    let seqs: Vec<u64> = events.iter().map(|e| e.seq).collect();
    let want: Vec<u64> = (1..=events.len() as u64).collect();
    assert_eq!(seqs, want, "every event once, in order");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_instances_job_is_finished_by_another_and_streamed_from_it() {
    let Some(db) = TestDatabase::create().await else {
        return;
    };
    // One browser, talking to both instances: its jobs are its own on each.
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .cookie_store(true)
        .build()
        .unwrap();
    let mut doomed = Instance::spawn(&db.url);
    let mut survivor = instance(&db.url).await;
    survivor.client = client.clone();
    doomed.until_healthy(&client).await;

    let page = slow_posting(Duration::from_secs(3)).await;
    let job = start_job_at(&client, &doomed.base, &job_body(&page)).await;

    // One client streams it from the instance running it, another from the
    // other instance, woken by the first one's NOTIFYs.
    let stream_path = format!("/api/jobs/{job}/stream");
    let mut on_doomed = LiveStream::open(&client, &format!("{}{stream_path}", doomed.base)).await;
    let mut seen_on_doomed = on_doomed.read_until(analyzing_started).await;
    let mut stream = LiveStream::open(&client, &survivor.url(&stream_path)).await;
    let mut events = stream.read_until(analyzing_started).await;
    assert!(
        events.iter().any(analyzing_started),
        "the first instance ran the job"
    );

    // Killed mid-fetch: no `done`, no lease release, nothing.
    doomed.kill_9();
    events.extend(stream.read_to_end().await);
    // The first client's connection died with its instance; it reconnects
    // (to the survivor, as a load balancer would send it) with its cursor
    // and gets exactly the rest.
    seen_on_doomed.extend(on_doomed.read_to_end().await);
    let cursor = seen_on_doomed.last().unwrap().seq;
    let mut reconnected = LiveStream::resume(&client, &survivor.url(&stream_path), cursor).await;
    seen_on_doomed.extend(reconnected.read_to_end().await);
    assert_eq!(
        seen_on_doomed, events,
        "the same log, whichever instance served it"
    );

    assert_gapless(&events);
    let takeover = events
        .iter()
        .position(|e| {
            matches!(&e.body, EventBody::JobStatus(s)
            if s.status == JobStatus::Running
                && s.reason.as_deref().is_some_and(|r| r.contains("took it over")))
        })
        .expect("the survivor says it took the job over");
    assert!(
        events[takeover..].iter().any(analyzing_started),
        "and runs it again from the first step"
    );
    match &events.last().unwrap().body {
        EventBody::Done(done) => assert_eq!(done.status, DoneStatus::Completed),
        other => panic!("the stream ends with done, not {other:?}"),
    }
    assert_eq!(
        events
            .iter()
            .filter(|e| matches!(e.body, EventBody::Done(_)))
            .count(),
        1
    );
    // The survivor serves the result, and its snapshot is the fold.
    let result = client
        .get(survivor.url(&format!("/api/jobs/{job}/result")))
        .send()
        .await
        .unwrap();
    assert_eq!(result.status(), 200);
    let snapshot = survivor.snapshot(job).await;
    assert_eq!(snapshot.last_seq, events.len() as u64);
    assert_eq!(snapshot.status, JobStatus::Completed);
    let metrics = client
        .get(survivor.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains("\ntailor_jobs_taken_over_total 1\n"),
        "{metrics}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancel_sent_to_one_instance_stops_the_job_running_on_another() {
    let Some(db) = TestDatabase::create().await else {
        return;
    };
    let (runner, mut other) = (instance(&db.url).await, instance(&db.url).await);
    // One person, whichever instance the balancer sends them to.
    other.client = runner.client.clone();
    let page = slow_posting(Duration::from_secs(20)).await;
    let job = runner.start_job(job_body(&page)).await;
    let mut stream = LiveStream::open(
        &other.client,
        &other.url(&format!("/api/jobs/{job}/stream")),
    )
    .await;
    let mut events = stream.read_until(analyzing_started).await;
    let canceled = other
        .client
        .post(other.url(&format!("/api/jobs/{job}/cancel")))
        .send()
        .await
        .unwrap();
    assert_eq!(canceled.status(), 202);
    events.extend(stream.read_to_end().await);
    assert_gapless(&events);
    match &events.last().unwrap().body {
        EventBody::Done(done) => assert_eq!(done.status, DoneStatus::Canceled),
        other => panic!("the stream ends with done, not {other:?}"),
    }
    // Retried from the instance that did not run it: it runs there now,
    // on the same log, and a second retry anywhere is refused meanwhile.
    let retried = other
        .client
        .post(other.url(&format!("/api/jobs/{job}/retry")))
        .send()
        .await
        .unwrap();
    assert_eq!(retried.status(), 202);
    let again = runner
        .client
        .post(runner.url(&format!("/api/jobs/{job}/retry")))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 409, "one run at a time, across instances");
    let mut resumed = LiveStream::open(
        &runner.client,
        &runner.url(&format!(
            "/api/jobs/{job}/stream?last_event_id={}",
            events.len()
        )),
    )
    .await;
    let first = resumed.next_event().await.unwrap();
    assert_eq!(first.seq, events.len() as u64 + 1);
    assert!(matches!(&first.body, EventBody::JobStatus(s) if s.status == JobStatus::Started));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_running_for_several_leases_keeps_its_instance_by_renewing() {
    let Some(db) = TestDatabase::create().await else {
        return;
    };
    let (runner, mut watcher) = (instance(&db.url).await, instance(&db.url).await);
    watcher.client = runner.client.clone();
    // Held in its first step for well over three lease periods: only the
    // runner's renewals keep the watcher (which claims expired leases every
    // half lease) from taking it over.
    let held = Duration::from_secs_f64(SHARED_LEASE_SECS * 3.5);
    let page = slow_posting(held).await;
    let job = runner.start_job(job_body(&page)).await;
    let mut stream = LiveStream::open(
        &watcher.client,
        &watcher.url(&format!("/api/jobs/{job}/stream")),
    )
    .await;
    let events = stream.read_to_end().await;
    assert_gapless(&events);
    let taken_over = events.iter().any(|e| {
        matches!(&e.body, EventBody::JobStatus(s)
            if s.reason.as_deref().is_some_and(|r| r.contains("took it over")))
    });
    assert!(!taken_over, "nobody took the job over: {events:#?}");
    assert_eq!(
        events
            .iter()
            .filter(
                |e| matches!(&e.body, EventBody::JobStatus(s) if s.status == JobStatus::Started)
            )
            .count(),
        1,
        "the job started once and was never restarted"
    );
    match &events.last().unwrap().body {
        EventBody::Done(done) => assert_eq!(done.status, DoneStatus::Completed),
        other => panic!("the stream ends with done, not {other:?}"),
    }
    assert_eq!(watcher.metric("tailor_jobs_taken_over_total").await, 0.0);
    assert_eq!(runner.metric("tailor_jobs_handed_over_total").await, 0.0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_retries_sent_at_once_to_two_instances_start_one_run() {
    let Some(db) = TestDatabase::create().await else {
        return;
    };
    let (a, mut b) = (instance(&db.url).await, instance(&db.url).await);
    b.client = a.client.clone();
    let page = slow_posting(Duration::from_secs(30)).await;
    let job = a.start_job(job_body(&page)).await;
    let retry = format!("/api/jobs/{job}/retry");
    let cancel = format!("/api/jobs/{job}/cancel");
    // Several rounds: each is a real race between the instances' claims,
    // both sent before either is answered.
    for round in 0..3 {
        let canceled = a.client.post(a.url(&cancel)).send().await.unwrap();
        assert_eq!(canceled.status(), 202, "round {round}");
        until_finished(&a, job).await;
        let (on_a, on_b) = tokio::join!(
            a.client.post(a.url(&retry)).send(),
            b.client.post(b.url(&retry)).send(),
        );
        let mut statuses = [on_a.unwrap().status(), on_b.unwrap().status()];
        statuses.sort();
        assert_eq!(
            statuses,
            [reqwest::StatusCode::ACCEPTED, reqwest::StatusCode::CONFLICT],
            "round {round}: exactly one retry runs"
        );
    }
    // One run per retry on the log: the first run and three retries.
    let canceled = a.client.post(a.url(&cancel)).send().await.unwrap();
    assert_eq!(canceled.status(), 202);
    until_finished(&a, job).await;
    // A stream ends after each run's `done`: read on from each end.
    let last_seq = a.snapshot(job).await.last_seq;
    let mut events: Vec<Envelope> = Vec::new();
    while events.len() < last_seq as usize {
        let cursor = events.last().map_or(0, |e| e.seq);
        let url = a.url(&format!("/api/jobs/{job}/stream"));
        events.extend(
            LiveStream::resume(&a.client, &url, cursor)
                .await
                .read_to_end()
                .await,
        );
    }
    assert_gapless(&events);
    let runs = events
        .iter()
        .filter(|e| matches!(&e.body, EventBody::JobStatus(s) if s.status == JobStatus::Started))
        .count();
    assert_eq!(runs, 4, "the first run and one per round");
}

/// Waits until the job's snapshot says it has ended.
async fn until_finished(server: &TestServer, job: uuid::Uuid) {
    for _ in 0..200 {
        if server.snapshot(job).await.is_done() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the job did not end within 10 s");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_whose_instances_keep_dying_is_ended_not_taken_over_again() {
    use tailor_server::{
        pipeline::{MAX_PICKUPS, TAKEN_OVER},
        store::{JobInputs, JobStore, ResumeUpload},
    };
    let Some(db) = TestDatabase::create().await else {
        return;
    };
    // An instance that ran the job, was taken over as often as allowed
    // (each time the new instance died too), and is gone: its lease lapses.
    let dead = PgStore::connect(
        PgSettings::new(&db.url, Duration::from_secs_f64(SHARED_LEASE_SECS)).pool_size(2),
    )
    .await
    .unwrap();
    let job = uuid::Uuid::new_v4();
    let inputs = JobInputs {
        resume: ResumeUpload {
            file_name: None,
            bytes: fixture("resumes/gdg_data_analyst.txt").into_bytes(),
        },
        job_text: Some(fixture("jobs/gdg_jd_data_analyst.txt")),
        job_url: None,
    };
    dead.create(job, inputs, 1).await.unwrap();
    let status = |status, reason: Option<&str>| {
        EventBody::JobStatus(tailor_common::JobStatusPayload {
            status,
            reason: reason.map(str::to_string),
        })
    };
    let mut log = vec![
        status(JobStatus::Started, None),
        status(JobStatus::Running, None),
    ];
    log.extend((0..MAX_PICKUPS).map(|_| status(JobStatus::Running, Some(TAKEN_OVER))));
    for (i, body) in log.into_iter().enumerate() {
        dead.append(job, body, 2 + i as i64).await.unwrap();
    }
    drop(dead);

    let survivor = instance(&db.url).await;
    let store = PgStore::connect(PgSettings::new(&db.url, Duration::from_secs(2)).pool_size(2))
        .await
        .unwrap();
    let mut state = None;
    for _ in 0..200 {
        let s = store.snapshot(job).await.unwrap().unwrap();
        if s.is_done() {
            state = Some(s);
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let state = state.expect("the survivor ended the job within 10 s");
    assert_eq!(state.status, JobStatus::Failed);
    let error = state.errors.last().expect("it says why");
    assert_eq!(error.code, "interrupted");
    assert!(error.retryable, "a retry may run it again");
    let events = store.read_after(job, 0, 100).await.unwrap();
    assert!(
        !events
            .iter()
            .any(|e| matches!(&e.body, EventBody::StepProgress(_))),
        "no step ran again: {events:#?}"
    );
    assert_eq!(survivor.metric("tailor_jobs_taken_over_total").await, 0.0);
}
