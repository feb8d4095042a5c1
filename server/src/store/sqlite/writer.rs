//! The single writer: one connection owned by a dedicated thread, fed by a
//! bounded channel of closures. Every write runs there, one after another, so
//! SQLite never sees two writers and `BEGIN IMMEDIATE` never waits.
//!
//! Group commit: the writer takes every write already queued (up to
//! [`MAX_BATCH`]) and runs them in one `BEGIN IMMEDIATE … COMMIT`, each in its
//! own savepoint, so one failing write rolls back alone. Nobody hears back
//! before the `COMMIT`: an answered write is durable. Under load, eight jobs
//! appending at once cost one WAL write instead of eight; alone, a write
//! waits for nobody.

use std::{
    collections::HashMap,
    panic::{catch_unwind, AssertUnwindSafe},
    thread::JoinHandle,
};

use rusqlite::Connection;
use tailor_common::JobState;
use tokio::sync::{mpsc, oneshot};
use uuid::Uuid;

use crate::store::StoreError;

/// How many writes may wait for the writer before callers wait too.
const QUEUE: usize = 256;

/// At most this many writes share one transaction.
const MAX_BATCH: usize = 64;

/// Folded states of recently written jobs, so that an append need not parse
/// the stored snapshot. Only the writer changes jobs, so the cache cannot go
/// stale; an entry is dropped whenever a write to its job fails.
const CACHED_STATES: usize = 256;

pub struct WriterState {
    pub conn: Connection,
    states: HashMap<Uuid, JobState>,
}

impl WriterState {
    /// Takes a job's cached state out; put it back with [`Self::keep`] once
    /// the transaction that changed it has committed.
    pub fn take_state(&mut self, job_id: Uuid) -> Option<JobState> {
        self.states.remove(&job_id)
    }

    pub fn keep(&mut self, state: JobState) {
        if self.states.len() >= CACHED_STATES {
            // Any entry will do: a miss costs one parse of the snapshot.
            if let Some(victim) = self.states.keys().next().copied() {
                self.states.remove(&victim);
            }
        }
        self.states.insert(state.job_id, state);
    }

    pub fn forget(&mut self, job_id: Uuid) {
        self.states.remove(&job_id);
    }
}

/// Told whether the batch committed; sends the caller its answer.
type Completion = Box<dyn FnOnce(Result<(), String>) + Send>;

/// Runs inside the batch's transaction; says whether it succeeded (else its
/// savepoint is rolled back) and how to answer once the batch has ended.
/// A task dropped unrun, or that panics, drops its answer channel: its
/// caller gets an error.
type Task = Box<dyn FnOnce(&mut WriterState) -> (bool, Completion) + Send>;

pub struct Writer {
    tx: Option<mpsc::Sender<Task>>,
    thread: Option<JoinHandle<()>>,
}

impl Writer {
    pub fn spawn(conn: Connection) -> Result<Self, StoreError> {
        let (tx, mut rx) = mpsc::channel::<Task>(QUEUE);
        let thread = std::thread::Builder::new()
            .name("sqlite-writer".into())
            .spawn(move || {
                let mut state = WriterState {
                    conn,
                    states: HashMap::new(),
                };
                let mut batch = Vec::with_capacity(MAX_BATCH);
                while let Some(first) = rx.blocking_recv() {
                    batch.push(first);
                    while batch.len() < MAX_BATCH {
                        match rx.try_recv() {
                            Ok(task) => batch.push(task),
                            Err(_) => break,
                        }
                    }
                    run_batch(&mut state, &mut batch);
                }
                // The last connection to close checkpoints the WAL.
                if let Err((_, e)) = state.conn.close() {
                    tracing::warn!(error = %e, "closing the SQLite writer");
                }
            })
            .map_err(|e| StoreError::Backend(format!("cannot start the SQLite writer: {e}")))?;
        Ok(Writer {
            tx: Some(tx),
            thread: Some(thread),
        })
    }

    /// Runs `f` on the writer thread, inside a transaction (and a savepoint
    /// of its own: an `Err` rolls back what `f` wrote), and waits until that
    /// transaction has committed. `f` must not begin or end transactions.
    pub async fn run<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut WriterState) -> Result<T, StoreError> + Send + 'static,
    {
        let (answer, reply) = oneshot::channel();
        let task: Task = Box::new(move |state| {
            let out = f(state);
            let ok = out.is_ok();
            let done: Completion = Box::new(move |committed| {
                let out = match committed {
                    Ok(()) => out,
                    Err(e) => Err(StoreError::Backend(format!("SQLite commit failed: {e}"))),
                };
                let _ = answer.send(out);
            });
            (ok, done)
        });
        let stopped = || StoreError::Backend("the SQLite writer has stopped".into());
        let tx = self.tx.as_ref().ok_or_else(stopped)?;
        tx.send(task).await.map_err(|_| stopped())?;
        reply
            .await
            .map_err(|_| StoreError::Backend("the SQLite write was not done".into()))?
    }
}

impl Drop for Writer {
    /// Lets the writer finish what is queued, close its connection and stop.
    fn drop(&mut self) {
        drop(self.tx.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Runs the queued writes in one transaction, then answers them all.
fn run_batch(state: &mut WriterState, batch: &mut Vec<Task>) {
    if let Err(e) = state.conn.execute_batch("BEGIN IMMEDIATE") {
        tracing::error!(error = %e, writes = batch.len(), "SQLite BEGIN failed");
        batch.clear(); // their callers get an error
        return;
    }
    let mut completions = Vec::with_capacity(batch.len());
    let mut broken = None;
    for task in batch.drain(..) {
        // A failed statement can make SQLite roll the whole transaction
        // back (a full disk, an I/O error): then nothing more may run in it,
        // or a later savepoint would start and commit a transaction alone.
        if broken.is_some() || state.conn.is_autocommit() {
            broken.get_or_insert_with(|| "the transaction was rolled back".to_string());
            continue;
        }
        if let Err(e) = state.conn.execute_batch("SAVEPOINT write") {
            broken = Some(e.to_string());
            continue;
        }
        let ended = match catch_unwind(AssertUnwindSafe(|| task(state))) {
            Ok((true, done)) => {
                completions.push(done);
                state.conn.execute_batch("RELEASE write")
            }
            Ok((false, done)) => {
                completions.push(done);
                state.conn.execute_batch("ROLLBACK TO write; RELEASE write")
            }
            Err(_) => {
                tracing::error!("a SQLite write panicked; carrying on");
                state.states.clear();
                state.conn.execute_batch("ROLLBACK TO write; RELEASE write")
            }
        };
        if let Err(e) = ended {
            broken = Some(e.to_string());
        }
    }
    let committed = match broken {
        None => state
            .conn
            .execute_batch("COMMIT")
            .map_err(|e| e.to_string()),
        Some(e) => Err(e),
    };
    if let Err(e) = &committed {
        tracing::error!(error = %e, "SQLite batch rolled back");
        if !state.conn.is_autocommit() {
            let _ = state.conn.execute_batch("ROLLBACK");
        }
        // Cached states may hold changes that were rolled back.
        state.states.clear();
    }
    for done in completions {
        done(committed.clone());
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    fn writer() -> (Arc<Writer>, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let conn = Connection::open(dir.path().join("w.db")).unwrap();
        conn.execute_batch(
            "PRAGMA journal_mode = WAL;
             CREATE TABLE t (x INTEGER UNIQUE);
             CREATE TABLE log (y INTEGER);
             INSERT INTO t (x) VALUES (-1);",
        )
        .unwrap();
        (Arc::new(Writer::spawn(conn).unwrap()), dir)
    }

    /// Writes queued together share a transaction, yet one that fails or
    /// panics takes back only its own changes and only its caller hears it.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_failing_write_in_a_batch_rolls_back_alone() {
        let (writer, dir) = writer();
        let tasks: Vec<_> = (0..200i64)
            .map(|i| {
                let writer = writer.clone();
                tokio::spawn(async move {
                    writer
                        .run(move |w| {
                            w.conn
                                .execute("INSERT INTO log (y) VALUES (?1)", [i])
                                .map_err(|e| StoreError::Backend(e.to_string()))?;
                            if i % 50 == 7 {
                                panic!("write {i} panics");
                            }
                            // Every fifth write collides with a row that was there
                            // first (tasks may run in any order).
                            let x = if i % 5 == 4 { -1 } else { i };
                            w.conn
                                .execute("INSERT INTO t (x) VALUES (?1)", [x])
                                .map_err(|e| StoreError::Backend(e.to_string()))?;
                            Ok(i)
                        })
                        .await
                })
            })
            .collect();
        let mut ok = 0;
        for (i, t) in tasks.into_iter().enumerate() {
            let answer = t.await.unwrap();
            let expect_ok = i % 5 != 4 && i % 50 != 7;
            assert_eq!(answer.is_ok(), expect_ok, "write {i}: {answer:?}");
            ok += usize::from(expect_ok);
        }
        let count = |sql: &str| {
            writer.run({
                let sql = sql.to_string();
                move |w| Ok(w.conn.query_row(&sql, [], |r| r.get::<_, i64>(0)).unwrap())
            })
        };
        assert_eq!(
            count("SELECT count(*) FROM t").await.unwrap(),
            ok as i64 + 1
        );
        assert_eq!(count("SELECT count(*) FROM log").await.unwrap(), ok as i64);
        drop(writer);
        // Everything answered is in the file, read by another connection.
        let conn = Connection::open(dir.path().join("w.db")).unwrap();
        let n: i64 = conn
            .query_row("SELECT count(*) FROM log", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, ok as i64);
    }
}
