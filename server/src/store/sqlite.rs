//! The durable [`JobStore`]: one SQLite file (`tailor.db`) in the data
//! directory, in WAL mode, with exactly one writer connection on its own
//! thread and a few read-only connections used from tokio's blocking pool.
//!
//! Each append runs in a `BEGIN IMMEDIATE` transaction (shared with other
//! writes queued at the same moment: see `writer`) that assigns the next seq,
//! inserts the event and updates the job's row (status, last seq, times,
//! score). The folded snapshot is stored beside the job at `done` and every
//! so many events (see [`stores_snapshot`]); reading it folds the events
//! after it. Storing it on every append rewrote a state that grows with the
//! log (insights, diffs) once per event: quadratic in the log's length.

mod reader;
mod schema;
mod writer;

use std::path::{Path, PathBuf};

use async_trait::async_trait;
use rusqlite::{params, Connection, OpenFlags, OptionalExtension};
use tailor_common::{Envelope, EventBody, JobState, Step};
use uuid::Uuid;

use self::{reader::Readers, writer::Writer};
use super::{
    admits,
    codec::{
        backend, decode_body, decode_checkpoints, decode_state, decode_status, encode_body,
        parse_id, stores_snapshot, to_i64,
    },
    match_score, result_title, JobAccess, JobInputs, JobStore, JobSummary, OwnerKey, PageAfter,
    ResumeUpload, StoreError,
};

/// The database file's name inside the data directory.
pub const FILE_NAME: &str = "tailor.db";

/// Read-only connections: enough for a few streams replaying at once on a
/// small machine; more readers wait for a free one.
const READERS: usize = 4;

pub struct SqliteStore {
    path: PathBuf,
    // Declared before `writer` so the readers close first and the writer's
    // connection, the last one, checkpoints the WAL.
    readers: Readers,
    writer: Writer,
}

impl SqliteStore {
    /// Opens (creating if needed) `dir/tailor.db` and runs the migrations.
    /// Blocking: call it at start-up, before serving.
    pub fn open(dir: &Path) -> Result<SqliteStore, StoreError> {
        std::fs::create_dir_all(dir)
            .map_err(|e| StoreError::Backend(format!("cannot create {}: {e}", dir.display())))?;
        let path = dir.join(FILE_NAME);
        let mut conn = Connection::open_with_flags(
            &path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| StoreError::Backend(format!("cannot open {}: {e}", path.display())))?;
        schema::configure(&conn, true)?;
        schema::migrate(&mut conn)?;
        let readers = (0..READERS)
            .map(|_| {
                let conn = Connection::open_with_flags(
                    &path,
                    OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )
                .map_err(backend)?;
                schema::configure(&conn, false)?;
                Ok(conn)
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(SqliteStore {
            path,
            readers: Readers::new(readers),
            writer: Writer::spawn(conn)?,
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A page of the job list, of one owner's jobs or (`None`) of all.
    async fn list(
        &self,
        owner: Option<OwnerKey>,
        limit: usize,
        after: Option<PageAfter>,
    ) -> Result<Vec<JobSummary>, StoreError> {
        let after = after.unwrap_or(PageAfter::before_ms(i64::MAX));
        self.readers
            .run(move |conn| {
                // A plain bound (no `?1 IS NULL OR …`) lets a deep page
                // start at its place in the index; hence two statements.
                // The history's other fields come from the result, the
                // inputs and (for a failed job, whose snapshot is written
                // when it ends) the last error: read in SQL, a page at a time.
                const ROW: &str = "SELECT j.id, j.created_at, j.updated_at, j.status, j.last_seq,
                        j.match_score, j.title,
                        json_extract(r.result, '$.candidate_name'), json_extract(r.result, '$.company'),
                        i.resume_file_name, json_extract(s.snapshot, '$.errors[#-1].message')
                    FROM jobs j
                    LEFT JOIN job_results r ON r.job_id = j.id
                    LEFT JOIN job_inputs i ON i.job_id = j.id
                    LEFT JOIN job_snapshots s ON s.job_id = j.id AND j.status = 'failed'";
                let (sql, owner) = match owner {
                    Some(owner) => (
                        format!("{ROW} WHERE j.owner_hash = ?4 AND (j.created_at, j.id) < (?1, ?2)
                         ORDER BY j.created_at DESC, j.id DESC LIMIT ?3"),
                        Some(owner.0),
                    ),
                    None => (
                        format!("{ROW} WHERE (j.created_at, j.id) < (?1, ?2) AND ?4 IS NULL
                         ORDER BY j.created_at DESC, j.id DESC LIMIT ?3"),
                        None,
                    ),
                };
                let mut stmt = conn.prepare_cached(&sql).map_err(backend)?;
                let rows = stmt
                    .query_map(
                        params![
                            after.created_at,
                            after.job_id.to_string(),
                            to_i64(limit),
                            owner
                        ],
                        |r| {
                            Ok((
                                (
                                    r.get::<_, String>(0)?,
                                    r.get::<_, i64>(1)?,
                                    r.get::<_, Option<i64>>(2)?,
                                    r.get::<_, String>(3)?,
                                    r.get::<_, i64>(4)?,
                                    r.get::<_, Option<f64>>(5)?,
                                    r.get::<_, Option<String>>(6)?,
                                ),
                                (
                                    r.get::<_, Option<String>>(7)?,
                                    r.get::<_, Option<String>>(8)?,
                                    r.get::<_, Option<String>>(9)?,
                                    r.get::<_, Option<String>>(10)?,
                                ),
                            ))
                        },
                    )
                    .map_err(backend)?;
                let mut jobs = Vec::new();
                for row in rows {
                    let (
                        (id, created_at, updated_at, status, last_seq, match_score, title),
                        (candidate, company, file_name, failure),
                    ) = row.map_err(backend)?;
                    jobs.push(JobSummary {
                        job_id: parse_id(&id)?,
                        created_at,
                        updated_at,
                        status: decode_status(&status)?,
                        last_seq: u64::try_from(last_seq).map_err(backend)?,
                        match_score,
                        title,
                        candidate,
                        company,
                        file_name,
                        failure,
                    });
                }
                Ok(jobs)
            })
            .await
    }
}

#[async_trait]
impl JobStore for SqliteStore {
    async fn create_owned(
        &self,
        job_id: Uuid,
        owner: Option<&OwnerKey>,
        inputs: JobInputs,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        let state = JobState::new(job_id);
        let snapshot = serde_json::to_string(&state).map_err(backend)?;
        let owner = owner.map(|o| o.0.clone());
        let snapshot_len = snapshot.len();
        self.writer
            .run(move |w| {
                let conn = &w.conn;
                let id = job_id.to_string();
                let inserted = conn
                    .prepare_cached(
                        "INSERT INTO jobs (id, created_at, status, last_seq, owner_hash)
                         VALUES (?1, ?2, ?3, 0, ?4) ON CONFLICT (id) DO NOTHING",
                    )
                    .and_then(|mut s| {
                        s.execute(params![id, now_ms, state.status.as_str(), owner])
                    })
                    .map_err(backend)?;
                if inserted == 0 {
                    return Err(StoreError::Exists(job_id));
                }
                conn.prepare_cached("INSERT INTO job_snapshots (job_id, snapshot) VALUES (?1, ?2)")
                    .and_then(|mut s| s.execute(params![id, snapshot]))
                    .map_err(backend)?;
                conn.prepare_cached(
                    "INSERT INTO job_inputs (job_id, resume_file_name, resume_bytes, job_text, job_url)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                )
                .and_then(|mut s| {
                    s.execute(params![
                        id,
                        inputs.resume.file_name,
                        inputs.resume.bytes,
                        inputs.job_text,
                        inputs.job_url
                    ])
                })
                .map_err(backend)?;
                w.keep(state, snapshot_len);
                Ok(())
            })
            .await
    }

    async fn append(
        &self,
        job_id: Uuid,
        body: EventBody,
        now_ms: i64,
    ) -> Result<Envelope, StoreError> {
        // Encoded here, on the caller's task, to keep the writer's turn short.
        let (kind, payload) = encode_body(&body)?;
        self.writer
            .run(move |w| {
                let cached = w.take_state(job_id);
                let conn = &w.conn;
                let id = job_id.to_string();
                let (mut state, mut bytes) = match cached {
                    Some(cached) => cached,
                    None => {
                        let state = load_state(conn, job_id)?.ok_or(StoreError::NotFound(job_id))?;
                        // A guess until the snapshot is next stored.
                        let bytes = usize::try_from(state.last_seq).unwrap_or(usize::MAX).saturating_mul(256);
                        (state, bytes)
                    }
                };
                if let Err(full) = admits(&state, &body) {
                    w.keep(state, bytes);
                    return Err(full);
                }
                bytes = bytes.saturating_add(payload.len());
                let event = Envelope::new(job_id, state.last_seq + 1, now_ms, body);
                state.apply(&event);
                let seq = i64::try_from(event.seq).map_err(backend)?;
                conn.prepare_cached("INSERT INTO events (job_id, seq, ts, type, payload) VALUES (?1, ?2, ?3, ?4, ?5)")
                    .and_then(|mut s| s.execute(params![id, seq, now_ms, kind, payload]))
                    .map_err(backend)?;
                if stores_snapshot(event.seq) || state.is_done() {
                    let snapshot = serde_json::to_string(&state).map_err(backend)?;
                    bytes = snapshot.len();
                    conn.prepare_cached("UPDATE job_snapshots SET snapshot = ?2 WHERE job_id = ?1")
                        .and_then(|mut s| s.execute(params![id, snapshot]))
                        .map_err(backend)?;
                }
                let finished_at = state.is_done().then_some(now_ms);
                conn.prepare_cached(
                    "UPDATE jobs SET last_seq = ?2, updated_at = ?3, finished_at = ?4, status = ?5,
                         match_score = ?6
                     WHERE id = ?1",
                )
                .and_then(|mut s| {
                    s.execute(params![
                        id,
                        seq,
                        state.updated_at,
                        finished_at,
                        state.status.as_str(),
                        match_score(&state)
                    ])
                })
                .map_err(backend)?;
                w.keep(state, bytes);
                Ok(event)
            })
            .await
    }

    async fn read_after(
        &self,
        job_id: Uuid,
        after: u64,
        limit: usize,
    ) -> Result<Vec<Envelope>, StoreError> {
        self.readers
            .run(move |conn| {
                // One statement reads one consistent version of the log.
                let events = events_after(conn, job_id, after, limit)?;
                if events.is_empty() && !job_exists(conn, &job_id.to_string())? {
                    return Err(StoreError::NotFound(job_id));
                }
                Ok(events)
            })
            .await
    }

    async fn snapshot(&self, job_id: Uuid) -> Result<Option<JobState>, StoreError> {
        self.readers
            .run(move |conn| {
                // The stored snapshot and the events after it, read in one
                // transaction so both come from the same version of the file.
                let tx = conn.unchecked_transaction().map_err(backend)?;
                let state = load_state(&tx, job_id)?;
                tx.finish().map_err(backend)?;
                Ok(state)
            })
            .await
    }

    async fn inputs(&self, job_id: Uuid) -> Result<Option<JobInputs>, StoreError> {
        self.readers
            .run(move |conn| {
                conn.prepare_cached(
                    "SELECT resume_file_name, resume_bytes, job_text, job_url
                     FROM job_inputs WHERE job_id = ?1",
                )
                .and_then(|mut s| {
                    s.query_row([job_id.to_string()], |r| {
                        Ok(JobInputs {
                            resume: ResumeUpload {
                                file_name: r.get(0)?,
                                bytes: r.get(1)?,
                            },
                            job_text: r.get(2)?,
                            job_url: r.get(3)?,
                        })
                    })
                    .optional()
                })
                .map_err(backend)
            })
            .await
    }

    async fn save_result(&self, job_id: Uuid, result: serde_json::Value) -> Result<(), StoreError> {
        let json = result.to_string();
        let title = result_title(&result);
        self.writer
            .run(move |w| {
                let id = job_id.to_string();
                if !job_exists(&w.conn, &id)? {
                    return Err(StoreError::NotFound(job_id));
                }
                w.conn
                    .prepare_cached(
                        "INSERT INTO job_results (job_id, result) VALUES (?1, ?2)
                         ON CONFLICT (job_id) DO UPDATE SET result = excluded.result",
                    )
                    .and_then(|mut s| s.execute(params![id, json]))
                    .map_err(backend)?;
                w.conn
                    .prepare_cached("UPDATE jobs SET title = ?2 WHERE id = ?1")
                    .and_then(|mut s| s.execute(params![id, title]))
                    .map_err(backend)?;
                Ok(())
            })
            .await
    }

    async fn result(&self, job_id: Uuid) -> Result<Option<serde_json::Value>, StoreError> {
        self.readers
            .run(move |conn| {
                let json: Option<String> = conn
                    .prepare_cached("SELECT result FROM job_results WHERE job_id = ?1")
                    .and_then(|mut s| s.query_row([job_id.to_string()], |r| r.get(0)).optional())
                    .map_err(backend)?;
                json.map(|j| serde_json::from_str(&j).map_err(backend))
                    .transpose()
            })
            .await
    }

    async fn save_checkpoint(
        &self,
        job_id: Uuid,
        step: Step,
        data: serde_json::Value,
    ) -> Result<(), StoreError> {
        let json = data.to_string();
        self.writer
            .run(move |w| {
                let id = job_id.to_string();
                if !job_exists(&w.conn, &id)? {
                    return Err(StoreError::NotFound(job_id));
                }
                w.conn
                    .prepare_cached(
                        "INSERT INTO job_checkpoints (job_id, step, data) VALUES (?1, ?2, ?3)
                         ON CONFLICT (job_id, step) DO UPDATE SET data = excluded.data",
                    )
                    .and_then(|mut s| s.execute(params![id, step.as_str(), json]))
                    .map_err(backend)?;
                Ok(())
            })
            .await
    }

    async fn checkpoints(
        &self,
        job_id: Uuid,
    ) -> Result<Vec<(Step, serde_json::Value)>, StoreError> {
        self.readers
            .run(move |conn| {
                let rows = conn
                    .prepare_cached("SELECT step, data FROM job_checkpoints WHERE job_id = ?1")
                    .and_then(|mut s| {
                        s.query_map([job_id.to_string()], |r| {
                            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
                        })?
                        .collect::<Result<Vec<_>, _>>()
                    })
                    .map_err(backend)?;
                decode_checkpoints(rows.iter().map(|(s, d)| (s.as_str(), d.as_str())))
            })
            .await
    }

    async fn purge_finished_before(&self, cutoff_ms: i64) -> Result<Vec<Uuid>, StoreError> {
        self.writer
            .run(move |w| {
                // Inputs and events go with their job (ON DELETE CASCADE).
                let ids = w
                    .conn
                    .prepare_cached("DELETE FROM jobs WHERE finished_at < ?1 RETURNING id")
                    .and_then(|mut s| {
                        s.query_map([cutoff_ms], |r| r.get::<_, String>(0))?
                            .collect::<Result<Vec<_>, _>>()
                    })
                    .map_err(backend)?
                    .iter()
                    .map(|id| parse_id(id))
                    .collect::<Result<Vec<_>, _>>()?;
                for id in &ids {
                    w.forget(*id);
                }
                if !ids.is_empty() {
                    w.truncate_wal_after_commit();
                }
                Ok(ids)
            })
            .await
    }

    async fn list_jobs(
        &self,
        limit: usize,
        after: Option<PageAfter>,
    ) -> Result<Vec<JobSummary>, StoreError> {
        self.list(None, limit, after).await
    }

    async fn list_owned(
        &self,
        owner: &OwnerKey,
        limit: usize,
        after: Option<PageAfter>,
    ) -> Result<Vec<JobSummary>, StoreError> {
        self.list(Some(owner.clone()), limit, after).await
    }

    async fn access(&self, job_id: Uuid) -> Result<Option<JobAccess>, StoreError> {
        self.readers
            .run(move |conn| {
                conn.prepare_cached("SELECT owner_hash, share_hash FROM jobs WHERE id = ?1")
                    .and_then(|mut s| {
                        s.query_row([job_id.to_string()], |r| {
                            Ok(JobAccess {
                                owner: r.get::<_, Option<String>>(0)?.map(OwnerKey),
                                share_hash: r.get(1)?,
                            })
                        })
                        .optional()
                    })
                    .map_err(backend)
            })
            .await
    }

    async fn set_share(
        &self,
        job_id: Uuid,
        share_hash: Option<String>,
    ) -> Result<bool, StoreError> {
        self.writer
            .run(move |w| {
                let changed = w
                    .conn
                    .prepare_cached("UPDATE jobs SET share_hash = ?2 WHERE id = ?1")
                    .and_then(|mut s| s.execute(params![job_id.to_string(), share_hash]))
                    .map_err(backend)?;
                Ok(changed > 0)
            })
            .await
    }

    async fn adopt_unowned(&self, owner: &OwnerKey) -> Result<u64, StoreError> {
        let owner = owner.0.clone();
        self.writer
            .run(move |w| {
                let adopted = w
                    .conn
                    .prepare_cached("UPDATE jobs SET owner_hash = ?1 WHERE owner_hash IS NULL")
                    .and_then(|mut s| s.execute([owner]))
                    .map_err(backend)?;
                Ok(adopted as u64)
            })
            .await
    }

    async fn delete(&self, job_id: Uuid) -> Result<bool, StoreError> {
        self.writer
            .run(move |w| {
                w.forget(job_id);
                // Inputs and events go with their job (ON DELETE CASCADE).
                let deleted = w
                    .conn
                    .prepare_cached("DELETE FROM jobs WHERE id = ?1")
                    .and_then(|mut s| s.execute([job_id.to_string()]))
                    .map_err(backend)?;
                if deleted > 0 {
                    w.truncate_wal_after_commit();
                }
                Ok(deleted > 0)
            })
            .await
    }

    async fn unfinished_jobs(&self) -> Result<Vec<Uuid>, StoreError> {
        self.readers
            .run(|conn| {
                conn.prepare_cached(
                    "SELECT id FROM jobs WHERE finished_at IS NULL ORDER BY created_at, id",
                )
                .and_then(|mut s| {
                    s.query_map([], |r| r.get::<_, String>(0))?
                        .collect::<Result<Vec<_>, _>>()
                })
                .map_err(backend)?
                .iter()
                .map(|id| parse_id(id))
                .collect()
            })
            .await
    }
}

/// Up to `limit` events of a job with `seq > after`, in order.
fn events_after(
    conn: &Connection,
    job_id: Uuid,
    after: u64,
    limit: usize,
) -> Result<Vec<Envelope>, StoreError> {
    let after = i64::try_from(after).unwrap_or(i64::MAX);
    let mut stmt = conn
        .prepare_cached(
            "SELECT seq, ts, type, payload FROM events
             WHERE job_id = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3",
        )
        .map_err(backend)?;
    let mut rows = stmt
        .query(params![job_id.to_string(), after, to_i64(limit)])
        .map_err(backend)?;
    let mut events = Vec::new();
    while let Some(row) = rows.next().map_err(backend)? {
        let seq: i64 = row.get(0).map_err(backend)?;
        let ts: i64 = row.get(1).map_err(backend)?;
        let kind: String = row.get(2).map_err(backend)?;
        let payload: String = row.get(3).map_err(backend)?;
        let seq = u64::try_from(seq).map_err(backend)?;
        events.push(Envelope::new(
            job_id,
            seq,
            ts,
            decode_body(&kind, &payload)?,
        ));
    }
    Ok(events)
}

/// A job's current state: the stored snapshot with the events after it
/// applied. Call it inside a transaction. `None` for an unknown job.
fn load_state(conn: &Connection, job_id: Uuid) -> Result<Option<JobState>, StoreError> {
    let json: Option<String> = conn
        .prepare_cached("SELECT snapshot FROM job_snapshots WHERE job_id = ?1")
        .and_then(|mut s| s.query_row([job_id.to_string()], |r| r.get(0)).optional())
        .map_err(backend)?;
    let Some(json) = json else {
        return Ok(None);
    };
    let mut state = decode_state(&json)?;
    // At most `last_seq / 8` events (see `stores_snapshot`).
    for event in events_after(conn, job_id, state.last_seq, usize::MAX)? {
        state.apply(&event);
    }
    Ok(Some(state))
}

fn job_exists(conn: &Connection, id: &str) -> Result<bool, StoreError> {
    conn.prepare_cached("SELECT 1 FROM jobs WHERE id = ?1")
        .and_then(|mut s| s.exists([id]))
        .map_err(backend)
}
