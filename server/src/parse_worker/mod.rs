//! Untrusted resume files are read in a separate, disposable process.
//!
//! A PDF or DOCX can be built to crash, hang or exhaust whatever parses it
//! (a form XObject that draws itself overflows the stack; a flate bomb
//! inflates to gigabytes), and no `catch_unwind` survives a stack overflow.
//! So the server never parses a resume file itself: it re-executes its own
//! binary as `tailor parse-worker`, which limits itself with the OS
//! ([`child`]: address space, data, CPU seconds, open files, no file writes,
//! no sockets and no `exec` by seccomp), reads the file from stdin and writes
//! the [`ReadResume`] to stdout. Whatever goes wrong ends that process only;
//! the job fails with a clear, non-retryable error naming what happened, and
//! [`Metrics`] counts the kill by cause.

pub mod child;

use std::{
    path::PathBuf,
    process::{ExitStatus, Stdio},
    sync::Arc,
    time::Duration,
};

use serde::{Deserialize, Serialize};
use tokio::{
    io::{AsyncRead, AsyncReadExt, AsyncWriteExt},
    process::Command,
    sync::Semaphore,
};

use crate::engine::{EngineError, ReadResume, ReaderFailure, ResumeInput};
use crate::metrics::Metrics;

/// The sub-command the server runs itself as.
pub const SUBCOMMAND: &str = "parse-worker";

/// What the worker may use (its own setrlimit calls; the wall clock is the
/// parent's).
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct Limits {
    /// Private writable memory (heap, anonymous maps): RLIMIT_DATA.
    pub data_bytes: u64,
    /// All mappings, the binary's own included: RLIMIT_AS.
    pub address_space_bytes: u64,
    /// RLIMIT_CPU: the kernel sends SIGXCPU, then SIGKILL a second later.
    pub cpu_secs: u64,
    /// Killed by the parent after this long, whatever it is doing.
    pub wall: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            data_bytes: 512 << 20,
            address_space_bytes: 4 << 30,
            cpu_secs: 12,
            wall: Duration::from_secs(15),
        }
    }
}

/// The most the parent reads back: the text of a 30-page PDF is far less.
const MAX_REPLY_BYTES: u64 = 32 << 20;
/// What the parent keeps of the worker's stderr, to tell why it died.
const MAX_STDERR_BYTES: u64 = 16 << 10;

/// The first line the worker reads (JSON), before the file's bytes.
#[derive(Debug, Serialize, Deserialize)]
pub struct Request {
    pub file_name: Option<String>,
    pub len: usize,
}

/// What the worker writes to stdout.
#[derive(Debug, Serialize, Deserialize)]
pub enum Reply {
    Read(ReadResume),
    Failed(EngineError),
}

/// The pool of workers: at most one per core at a time, since each is CPU
/// work; more jobs reading at once wait their turn.
pub struct ParseWorkers {
    exe: PathBuf,
    limits: Limits,
    slots: Semaphore,
    metrics: Arc<Metrics>,
}

impl ParseWorkers {
    /// Workers run `exe parse-worker` (the server's own binary).
    pub fn new(exe: PathBuf, limits: Limits, metrics: Arc<Metrics>) -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        ParseWorkers {
            exe,
            limits,
            slots: Semaphore::new(cores),
            metrics,
        }
    }

    /// The running binary, which is what `tailor serve` re-executes.
    pub fn current_exe() -> std::io::Result<PathBuf> {
        std::env::current_exe()
    }

    /// Reads the resume in a fresh worker. Dropping the future (a cancel)
    /// kills the worker.
    pub async fn read(&self, input: &ResumeInput) -> Result<ReadResume, EngineError> {
        let _slot = self
            .slots
            .acquire()
            .await
            .map_err(|_| EngineError::Internal("the reader pool is closed".into()))?;
        let outcome = self.run(input).await;
        let stopped = match &outcome {
            Err(EngineError::ReaderKilled(cause)) => Some(*cause),
            // The reader's own deadline, inside the worker.
            Err(EngineError::ParseTimeout) => Some(ReaderFailure::Timeout),
            _ => None,
        };
        if let Some(cause) = stopped {
            self.metrics.parse_worker_killed(cause);
            tracing::warn!(cause = cause.as_str(), "a resume reader was stopped");
        }
        outcome
    }

    async fn run(&self, input: &ResumeInput) -> Result<ReadResume, EngineError> {
        let internal = |what: &str, e: std::io::Error| {
            EngineError::Internal(format!("the resume reader could not {what}: {e}"))
        };
        let mut child = Command::new(&self.exe)
            .arg(SUBCOMMAND)
            .arg(serde_json::to_string(&self.limits).expect("limits serialise"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .env_clear()
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| internal("start", e))?;
        let mut stdin = child.stdin.take().expect("piped stdin");
        let stdout = child.stdout.take().expect("piped stdout");
        let stderr = child.stderr.take().expect("piped stderr");
        let header = serde_json::to_vec(&Request {
            file_name: input.file_name.clone(),
            len: input.bytes.len(),
        })
        .expect("request serialises");
        let bytes = input.bytes.clone();
        // Writing, reading and waiting all at once: a worker that stops
        // reading its input or floods its output must not block the parent.
        let feed = async move {
            stdin.write_all(&header).await?;
            stdin.write_all(b"\n").await?;
            stdin.write_all(&bytes).await?;
            stdin.shutdown().await
        };
        let work = async {
            let (fed, out, err, status) = tokio::join!(
                feed,
                read_capped(stdout, MAX_REPLY_BYTES),
                read_capped(stderr, MAX_STDERR_BYTES),
                child.wait()
            );
            (fed, out, err, status)
        };
        let (fed, out, err, status) = match tokio::time::timeout(self.limits.wall, work).await {
            Ok(done) => done,
            Err(_) => {
                // kill_on_drop would do it too; do it now and reap it.
                let _ = child.kill().await;
                return Err(EngineError::ReaderKilled(ReaderFailure::Timeout));
            }
        };
        let status = status.map_err(|e| internal("be waited for", e))?;
        let err = err.map(|(said, _)| said).unwrap_or_default();
        if !status.success() {
            return Err(EngineError::ReaderKilled(classify(status, &err)));
        }
        // A worker that exited 0 read all its input; a broken pipe otherwise
        // shows in its status above.
        fed.map_err(|e| internal("be given the file", e))?;
        let (out, complete) = out.map_err(|e| internal("be read", e))?;
        if !complete {
            return Err(EngineError::ReaderKilled(ReaderFailure::Crashed));
        }
        match serde_json::from_slice::<Reply>(&out) {
            Ok(Reply::Read(read)) => Ok(read),
            Ok(Reply::Failed(e)) => Err(e),
            Err(_) => Err(EngineError::ReaderKilled(ReaderFailure::Crashed)),
        }
    }
}

/// Reads at most `cap` bytes; `false` if there was more (the rest is drained
/// so the writer is not blocked, and dropped).
async fn read_capped(
    mut from: impl AsyncRead + Unpin,
    cap: u64,
) -> std::io::Result<(Vec<u8>, bool)> {
    let mut buf = Vec::new();
    (&mut from).take(cap).read_to_end(&mut buf).await?;
    let mut sink = [0u8; 8192];
    let mut complete = true;
    while from.read(&mut sink).await? > 0 {
        complete = false;
    }
    Ok((buf, complete))
}

/// Why a worker that did not exit cleanly ended.
fn classify(status: ExitStatus, stderr: &[u8]) -> ReaderFailure {
    use std::os::unix::process::ExitStatusExt;
    let said = String::from_utf8_lossy(stderr);
    if said.contains("memory allocation of") || said.contains("out of memory") {
        return ReaderFailure::Memory;
    }
    if said.contains("has overflowed its stack") {
        return ReaderFailure::Stack;
    }
    match status.signal() {
        // SIGXCPU at the soft CPU limit, SIGKILL at the hard one.
        Some(24) | Some(9) => ReaderFailure::Cpu,
        _ => ReaderFailure::Crashed,
    }
}
