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

/// Folded states of running jobs, so that an append need not parse the
/// stored snapshot. Only the writer changes jobs, so the cache cannot go
/// stale; an entry is dropped whenever a write to its job fails, and when
/// its job finishes (a retry parses the snapshot once). Bounded in entries
/// and in bytes (a state holds the job's insights and diffs, so it grows
/// with the resume): the memory a job costs is given back when it ends.
const CACHED_STATES: usize = 256;
const CACHED_BYTES: usize = 32 * 1024 * 1024;

pub struct WriterState {
    pub conn: Connection,
    /// Each state with its size: its snapshot's length when last stored,
    /// plus the payloads appended since.
    states: HashMap<Uuid, (JobState, usize)>,
    cached_bytes: usize,
    /// Set by a write that removed personal data: once its transaction has
    /// committed, the WAL is checkpointed into the file and truncated, so
    /// the old versions of the freed pages (`secure_delete` zeroes the
    /// file's) do not linger in it.
    truncate_wal: bool,
}

impl WriterState {
    /// Takes a job's cached state out, with its size; put it back with
    /// [`Self::keep`] once the transaction that changed it has committed.
    pub fn take_state(&mut self, job_id: Uuid) -> Option<(JobState, usize)> {
        let (state, bytes) = self.states.remove(&job_id)?;
        self.cached_bytes -= bytes;
        Some((state, bytes))
    }

    /// Caches a running job's state of about `bytes`; a finished one, or
    /// one larger than the whole budget, is not kept.
    pub fn keep(&mut self, state: JobState, bytes: usize) {
        if let Some((_, old)) = self.states.remove(&state.job_id) {
            self.cached_bytes -= old;
        }
        if state.is_done() || bytes > CACHED_BYTES {
            return;
        }
        while self.states.len() >= CACHED_STATES || self.cached_bytes + bytes > CACHED_BYTES {
            // Any entry will do: a miss costs one parse of the snapshot.
            let Some(victim) = self.states.keys().next().copied() else {
                break;
            };
            if let Some((_, size)) = self.states.remove(&victim) {
                self.cached_bytes -= size;
            }
        }
        self.cached_bytes += bytes;
        self.states.insert(state.job_id, (state, bytes));
    }

    /// The bytes the cached states take, as estimated.
    #[cfg(test)]
    pub fn cached_bytes(&self) -> usize {
        self.cached_bytes
    }

    pub fn forget(&mut self, job_id: Uuid) {
        self.take_state(job_id);
    }

    /// Asks for the WAL to be checkpointed and truncated after this batch.
    pub fn truncate_wal_after_commit(&mut self) {
        self.truncate_wal = true;
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
                    cached_bytes: 0,
                    truncate_wal: false,
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
                state.cached_bytes = 0;
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
        state.cached_bytes = 0;
    }
    if std::mem::take(&mut state.truncate_wal) && committed.is_ok() {
        truncate_wal(&state.conn);
    }
    for done in completions {
        done(committed.clone());
    }
}

/// Copies the whole WAL into the database file and cuts it to zero bytes.
/// It waits (the busy timeout) for readers in the middle of a read; if one
/// still holds an old version, the next removal truncates it.
fn truncate_wal(conn: &Connection) {
    match conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
        r.get::<_, i64>(0)
    }) {
        Ok(0) => {}
        Ok(_) => tracing::warn!("the WAL could not be truncated: a reader was busy"),
        Err(e) => tracing::warn!(error = %e, "checkpointing the WAL failed"),
    }
}

#[cfg(test)]
mod tests {
    use std::{future::Future, sync::Arc};

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

    /// The state cache is bounded by bytes, not only entries, and a job
    /// that finishes gives its memory back.
    #[test]
    fn the_state_cache_is_bounded_by_bytes_and_drops_finished_jobs() {
        let mut w = bare_state();
        let big = CACHED_BYTES / 10;
        for _ in 0..100 {
            w.keep(JobState::new(Uuid::new_v4()), big);
            assert!(w.cached_bytes() <= CACHED_BYTES);
        }
        assert_eq!(w.states.len(), 10);
        let mut done = JobState::new(Uuid::new_v4());
        w.keep(done.clone(), 10);
        assert!(w.take_state(done.job_id).is_some());
        done.apply(&tailor_common::Envelope::new(
            done.job_id,
            1,
            0,
            tailor_common::EventBody::Done(tailor_common::DonePayload {
                status: tailor_common::DoneStatus::Completed,
                result_url: None,
            }),
        ));
        w.keep(done.clone(), 10);
        assert!(w.take_state(done.job_id).is_none());
        w.keep(JobState::new(Uuid::new_v4()), CACHED_BYTES + 1);
        assert!(w.cached_bytes() <= CACHED_BYTES);
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

    /// How many writes wait in the writer's queue.
    fn queue_len(writer: &Writer) -> usize {
        QUEUE - writer.tx.as_ref().unwrap().capacity()
    }

    /// Queues `f` for the writer from the calling task, so that writes
    /// queue in the order this is called (spawned senders race one another:
    /// one may take its slot first and push its write after another's), and
    /// returns what waits for the answer. The caller must hold the writer
    /// (see [`hold_the_writer`]), or the count checked here could drop.
    fn enqueue<T, F>(
        writer: &Arc<Writer>,
        f: F,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<T, StoreError>> + Send>>
    where
        T: Send + 'static,
        F: FnOnce(&mut WriterState) -> Result<T, StoreError> + Send + 'static,
    {
        let before = queue_len(writer);
        let sender = writer.clone();
        // Unconstrained: tokio's cooperative budget could otherwise make
        // the send wait although the queue has room.
        let mut answer = Box::pin(tokio::task::unconstrained(
            async move { sender.run(f).await },
        ));
        let waker = futures::task::noop_waker();
        let polled = answer
            .as_mut()
            .poll(&mut std::task::Context::from_waker(&waker));
        assert!(polled.is_pending(), "the writer is not held");
        assert_eq!(queue_len(writer), before + 1, "the write was not queued");
        answer
    }

    /// A write that holds the writer until `release` is sent: what is sent
    /// meanwhile waits in the queue.
    async fn hold_the_writer(
        writer: &Arc<Writer>,
    ) -> (
        std::sync::mpsc::Sender<()>,
        tokio::task::JoinHandle<Result<(), StoreError>>,
    ) {
        let (release, hold) = std::sync::mpsc::channel::<()>();
        let (taken, started) = oneshot::channel::<()>();
        let writer = writer.clone();
        let first = tokio::spawn(async move {
            writer
                .run(move |_| {
                    taken.send(()).unwrap();
                    hold.recv().unwrap();
                    Ok(())
                })
                .await
        });
        started.await.unwrap();
        (release, first)
    }

    fn bare_state() -> WriterState {
        WriterState {
            conn: Connection::open_in_memory().unwrap(),
            states: HashMap::new(),
            cached_bytes: 0,
            truncate_wal: false,
        }
    }

    /// The bytes counted are the bytes held: taking a state out, or keeping
    /// a job's state again at another size, gives its old size back, and a
    /// budget filled exactly is still within it.
    #[test]
    fn the_cache_counts_exactly_what_it_holds() {
        let mut w = bare_state();
        let job = JobState::new(Uuid::new_v4());
        w.keep(job.clone(), 1_000);
        w.keep(job.clone(), 300);
        assert_eq!(w.cached_bytes(), 300);
        assert_eq!(w.take_state(job.job_id).map(|(_, n)| n), Some(300));
        assert_eq!(w.cached_bytes(), 0);
        assert!(w.take_state(job.job_id).is_none());

        // Two halves fill the budget to the byte, and both stay.
        let (a, b) = (JobState::new(Uuid::new_v4()), JobState::new(Uuid::new_v4()));
        w.keep(a.clone(), CACHED_BYTES / 2);
        w.keep(b.clone(), CACHED_BYTES - CACHED_BYTES / 2);
        assert_eq!(w.cached_bytes(), CACHED_BYTES);
        assert!(w.take_state(a.job_id).is_some() && w.take_state(b.job_id).is_some());
        // One state as large as the whole budget is kept alone.
        w.keep(a.clone(), CACHED_BYTES);
        assert_eq!(w.take_state(a.job_id).map(|(_, n)| n), Some(CACHED_BYTES));
    }

    /// The budget holds the state of a long job on a large resume (a few
    /// MB of insights and diffs), so its appends do not parse the stored
    /// snapshot again and again.
    #[test]
    fn a_large_jobs_state_is_cached() {
        let mut w = bare_state();
        let big = JobState::new(Uuid::new_v4());
        w.keep(big.clone(), 8 * 1024 * 1024);
        assert!(w.take_state(big.job_id).is_some());
    }

    /// Writes queued while the writer is busy are committed together, at
    /// most [`MAX_BATCH`] to a transaction. Each write reads, through a
    /// second connection, how many rows are committed: the writes of one
    /// transaction all see the same count.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn queued_writes_share_transactions_of_at_most_max_batch() {
        let (writer, dir) = writer();
        let committed = Arc::new(std::sync::Mutex::new(
            Connection::open(dir.path().join("w.db")).unwrap(),
        ));
        let (release, first) = hold_the_writer(&writer).await;
        let writes = 200i64;
        let answers: Vec<_> = (0..writes)
            .map(|i| {
                let committed = committed.clone();
                enqueue(&writer, move |w| {
                    w.conn
                        .execute("INSERT INTO log (y) VALUES (?1)", [i])
                        .map_err(|e| StoreError::Backend(e.to_string()))?;
                    let seen: i64 = committed
                        .lock()
                        .unwrap()
                        .query_row("SELECT count(*) FROM log", [], |r| r.get(0))
                        .unwrap();
                    Ok(seen)
                })
            })
            .collect();
        release.send(()).unwrap();
        first.await.unwrap().unwrap();
        let mut per_transaction = std::collections::BTreeMap::<i64, usize>::new();
        for seen in futures::future::join_all(answers).await {
            *per_transaction.entry(seen.unwrap()).or_default() += 1;
        }
        let sizes: Vec<usize> = per_transaction.values().copied().collect();
        assert_eq!(sizes.iter().sum::<usize>(), writes as usize);
        assert_eq!(sizes[0], MAX_BATCH, "transaction sizes {sizes:?}");
        assert!(sizes.iter().all(|&n| n <= MAX_BATCH), "{sizes:?}");
    }

    fn insert(w: &mut WriterState, y: i64) -> Result<(), StoreError> {
        w.conn
            .execute("INSERT INTO log (y) VALUES (?1)", [y])
            .map(|_| ())
            .map_err(|e| StoreError::Backend(e.to_string()))
    }

    /// Only a batch that asks for it (a removal: the deleted text must
    /// leave the files) checkpoints and truncates the WAL. Every other
    /// commit stays in the WAL for SQLite's own checkpoints to merge,
    /// instead of each append paying for a checkpoint of its own.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn only_a_batch_that_asks_truncates_the_wal() {
        let (writer, dir) = writer();
        let wal = || {
            std::fs::metadata(dir.path().join("w.db-wal"))
                .map(|m| m.len())
                .unwrap_or(0)
        };
        writer.run(|w| insert(w, 1)).await.unwrap();
        assert!(wal() > 0, "an ordinary commit was checkpointed");
        writer
            .run(|w| {
                insert(w, 2)?;
                w.truncate_wal_after_commit();
                Ok(())
            })
            .await
            .unwrap();
        assert_eq!(wal(), 0, "the removal's commit left the WAL in place");
        writer.run(|w| insert(w, 3)).await.unwrap();
        assert!(wal() > 0, "the request outlived the batch that made it");
    }

    /// Once a write has broken its batch's transaction, no later write of
    /// the batch runs in it (each caller hears an error), and the next
    /// batch starts clean: what it writes is committed.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn after_a_broken_batch_nothing_more_runs_in_it_and_the_next_commits() {
        let (writer, dir) = writer();
        let (release, first) = hold_the_writer(&writer).await;
        // Ends the savepoint the writer opened for it: the writer's own
        // RELEASE then fails, with the transaction still open.
        let breaker = enqueue(&writer, |w| {
            w.conn.execute_batch("RELEASE write").unwrap();
            Ok(())
        });
        let ran_after = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let after = enqueue(&writer, {
            let ran_after = ran_after.clone();
            move |w| {
                ran_after.store(true, std::sync::atomic::Ordering::SeqCst);
                insert(w, 1)
            }
        });
        release.send(()).unwrap();
        first.await.unwrap().unwrap();
        assert!(breaker.await.is_err());
        assert!(after.await.is_err());
        assert!(!ran_after.load(std::sync::atomic::Ordering::SeqCst));

        writer.run(|w| insert(w, 2)).await.unwrap();
        drop(writer);
        let conn = Connection::open(dir.path().join("w.db")).unwrap();
        let rows: Vec<i64> = conn
            .prepare("SELECT y FROM log")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(rows, vec![2]);
    }
}
