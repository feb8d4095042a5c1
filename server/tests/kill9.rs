//! Crash safety: a process appending events is killed with SIGKILL; every
//! event whose append had returned (and so could have reached a client) is
//! in the file when it is opened again, with no gap, and the log goes on.
//!
//! The test runs its own binary a second time as the child that appends.

use std::{
    io::{BufRead, BufReader},
    process::{Command, Stdio},
};

use tailor_common::{EventBody, JobState, MetricPayload};
use tailor_server::store::{JobInputs, JobStore, ResumeUpload, SqliteStore};
use uuid::Uuid;

const DIR_VAR: &str = "TAILOR_KILL9_DIR";
const JOB_VAR: &str = "TAILOR_KILL9_JOB";

fn metric(i: u64) -> EventBody {
    EventBody::MetricUpdate(MetricPayload {
        key: format!("k{}", i % 7),
        value: i as f64,
        unit: None,
        label: Some("x".repeat(200)),
    })
}

/// The child: appends until killed, printing each acknowledged seq.
#[tokio::test]
#[ignore = "run by kill_9_loses_no_acknowledged_event as a child process"]
async fn child_appender() {
    let (Ok(dir), Ok(job)) = (std::env::var(DIR_VAR), std::env::var(JOB_VAR)) else {
        return;
    };
    let job: Uuid = job.parse().unwrap();
    let store = SqliteStore::open(dir.as_ref()).unwrap();
    let inputs = JobInputs {
        resume: ResumeUpload {
            file_name: None,
            bytes: b"resume".to_vec(),
        },
        job_text: None,
        job_url: None,
    };
    store.create(job, inputs, 0).await.unwrap();
    for i in 1.. {
        let e = store.append(job, metric(i), i as i64).await.unwrap();
        // println! takes stdout's lock and flushes at the newline.
        println!("ACK {}", e.seq);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_loses_no_acknowledged_event() {
    let dir = tempfile::tempdir().unwrap();
    let job = Uuid::new_v4();
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "kill9::child_appender",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(DIR_VAR, dir.path())
        .env(JOB_VAR, job.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut acked = 0u64;
    while acked < 500 {
        let line = lines.next().expect("the child stopped early").unwrap();
        if let Some(seq) = line.strip_prefix("ACK ") {
            acked = seq.parse().unwrap();
        }
    }
    child.kill().unwrap(); // SIGKILL: no destructor, no checkpoint, no close
    child.wait().unwrap();

    let store = SqliteStore::open(dir.path()).unwrap();
    let events = store.read_after(job, 0, usize::MAX).await.unwrap();
    let n = events.len() as u64;
    assert!(n >= acked, "{acked} events were acknowledged, {n} survived");
    assert!(events.iter().map(|e| e.seq).eq(1..=n), "no gap");
    for e in &events {
        assert_eq!(e.body, metric(e.seq));
    }
    assert_eq!(
        store.snapshot(job).await.unwrap(),
        Some(JobState::fold(job, &events))
    );
    assert_eq!(
        store.append(job, metric(n + 1), 0).await.unwrap().seq,
        n + 1
    );
    assert_eq!(store.unfinished_jobs().await.unwrap(), vec![job]);
}
