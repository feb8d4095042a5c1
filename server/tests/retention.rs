//! Retention, through the real `tailor` binary and its flags: finished jobs
//! are deleted `--retention-days` after they end (7 by default) on SQLite,
//! and after `--finished-ttl-secs` with `--database-url memory`; the
//! History page states the retention in force.
//!
//! The SQLite jobs are written into the data directory's `tailor.db` before
//! the server starts, as a previous process would have left them, with
//! their `done` stamped days ago: nothing waits for days, and the sweep the
//! server runs at start-up is the one under test.

use crate::common;

use std::{
    process::{Child, Command, Stdio},
    sync::Arc,
    time::Duration,
};

use tailor_common::{DoneStatus, EventBody, JobStatus, JobStatusPayload};
use tailor_server::{
    access::{owner_cookie_header, owner_key_for_token},
    store::{JobInputs, JobStore, ResumeUpload, SqliteStore},
};
use uuid::Uuid;

const BROWSER: &str = "retention-browser-token-0123456789abcdefghi";
const DAY_MS: i64 = 86_400_000;

/// The real binary, serving on a free loopback port.
struct Server {
    child: Child,
    base: String,
    client: reqwest::Client,
}

impl Server {
    async fn spawn(env: &[(&str, &str)], args: &[&str]) -> Server {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut command = Command::new(env!("CARGO_BIN_EXE_tailor"));
        for var in [
            "TAILOR_DATABASE_URL",
            "TAILOR_RETENTION_DAYS",
            "TAILOR_FINISHED_TTL_SECS",
            "TAILOR_DATA_DIR",
        ] {
            command.env_remove(var);
        }
        let child = command
            .env("TAILOR_ADDR", format!("127.0.0.1:{port}"))
            .env("RUST_LOG", "warn")
            .envs(env.iter().copied())
            .arg("serve")
            .args(args)
            .stdout(Stdio::null())
            .spawn()
            .expect("the tailor binary starts");
        let base = format!("http://127.0.0.1:{port}");
        let jar = Arc::new(reqwest::cookie::Jar::default());
        jar.add_cookie_str(&owner_cookie_header(BROWSER), &base.parse().unwrap());
        let mut server = Server {
            child,
            base,
            client: common::browser_with(jar),
        };
        server.until_healthy().await;
        server
    }

    async fn until_healthy(&mut self) {
        for _ in 0..200 {
            if let Some(status) = self.child.try_wait().unwrap() {
                panic!("the tailor process exited: {status}");
            }
            let healthy = self
                .client
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

    async fn status_of(&self, job: Uuid) -> u16 {
        self.client
            .get(format!("{}/api/jobs/{job}/snapshot", self.base))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    }

    /// Waits, at most `bound`, for the job to be gone (404); whether it went.
    async fn until_gone(&self, job: Uuid, bound: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + bound;
        while tokio::time::Instant::now() < deadline {
            match self.status_of(job).await {
                404 => return true,
                200 => {}
                other => panic!("snapshot of {job}: {other}"),
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        false
    }

    async fn history_page(&self) -> String {
        let response = self
            .client
            .get(format!("{}/jobs", self.base))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        response.text().await.unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A finished job, written into the store as if its `done` came `ago_ms`
/// before now.
async fn finished_job(store: &dyn JobStore, ago_ms: i64) -> Uuid {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let at = now - ago_ms;
    let job = Uuid::new_v4();
    let inputs = JobInputs {
        resume: ResumeUpload {
            file_name: None,
            bytes: b"Jane Smith\nData Analyst\nSkills: SQL".to_vec(),
        },
        job_text: Some("Data analyst. Requirements: SQL".into()),
        job_url: None,
    };
    store
        .create_owned(job, Some(&owner_key_for_token(BROWSER)), inputs, at - 1000)
        .await
        .unwrap();
    for (i, body) in [
        EventBody::JobStatus(JobStatusPayload {
            status: JobStatus::Started,
            reason: None,
        }),
        EventBody::JobStatus(JobStatusPayload {
            status: JobStatus::Canceled,
            reason: None,
        }),
        EventBody::Done(tailor_common::DonePayload {
            status: DoneStatus::Canceled,
            result_url: None,
        }),
    ]
    .into_iter()
    .enumerate()
    {
        store.append(job, body, at - 2 + i as i64).await.unwrap();
    }
    job
}

/// On SQLite, the default keeps a job 7 days: one that ended 8 days ago is
/// swept at start-up while one that ended 6 days ago stays; started again
/// with `--retention-days 5`, the 6-day-old one goes too. The History page
/// says the number of days in force.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn finished_jobs_are_deleted_after_the_retention_days() {
    let dir = tempfile::tempdir().unwrap();
    let (eight_days, six_days, two_days) = {
        let store = SqliteStore::open(dir.path()).unwrap();
        (
            finished_job(&store, 8 * DAY_MS).await,
            finished_job(&store, 6 * DAY_MS).await,
            finished_job(&store, 2 * DAY_MS).await,
        )
    };
    let data_dir = dir.path().to_str().unwrap();
    let bound = Duration::from_secs(15);

    let server = Server::spawn(&[("TAILOR_DATA_DIR", data_dir)], &[]).await;
    assert!(
        server.until_gone(eight_days, bound).await,
        "a job that ended 8 days ago is swept under the default of 7"
    );
    assert_eq!(server.status_of(six_days).await, 200, "6 days < 7: kept");
    assert!(server
        .history_page()
        .await
        .contains("deleted, with their resume, 7 days after they end"));
    drop(server);

    let server = Server::spawn(&[("TAILOR_DATA_DIR", data_dir)], &["--retention-days", "5"]).await;
    assert!(
        server.until_gone(six_days, bound).await,
        "with --retention-days 5, a job that ended 6 days ago is swept"
    );
    assert_eq!(server.status_of(two_days).await, 200, "2 days < 5: kept");
    assert!(server
        .history_page()
        .await
        .contains("deleted, with their resume, 5 days after they end"));
    drop(server);

    // The environment variable works as the flag does.
    let server = Server::spawn(
        &[
            ("TAILOR_DATA_DIR", data_dir),
            ("TAILOR_RETENTION_DAYS", "1"),
        ],
        &[],
    )
    .await;
    assert!(
        server.until_gone(two_days, bound).await,
        "with TAILOR_RETENTION_DAYS=1, a job that ended 2 days ago is swept"
    );
}

/// With `--database-url memory`, a finished job stays `--finished-ttl-secs`:
/// with 1 s it is gone within seconds of its end, while beside it a server
/// with the default hour keeps its job past that.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_memory_store_forgets_finished_jobs_after_their_ttl() {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().to_str().unwrap();
    let memory = [
        ("TAILOR_DATABASE_URL", "memory"),
        ("TAILOR_DATA_DIR", data_dir),
    ];
    let short = Server::spawn(&memory, &["--finished-ttl-secs", "1"]).await;
    let default = Server::spawn(&memory, &[]).await;
    let body = common::job_body();
    let (short_job, default_job) = tokio::join!(
        common::start_job_at(&short.client, &short.base, &body),
        common::start_job_at(&default.client, &default.base, &body),
    );
    for (server, job) in [(&short, short_job), (&default, default_job)] {
        let text = server
            .client
            .get(format!("{}/api/jobs/{job}/stream", server.base))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let frames = common::parse_frames(&text);
        assert!(frames.last().unwrap().envelope().is_done());
    }
    assert!(
        short.until_gone(short_job, Duration::from_secs(15)).await,
        "with --finished-ttl-secs 1 the job is forgotten"
    );
    assert_eq!(
        default.status_of(default_job).await,
        200,
        "with the default hour it is kept"
    );
    // Nothing was written to the data directory.
    assert!(!dir.path().join("tailor.db").exists());
}
