//! Connection settings and the schema's migrations.
//!
//! Migrations are plain SQL scripts applied in order at start-up; SQLite's
//! `user_version` header field records how many have run. A script is never
//! edited once released: a change to the schema is a new script at the end.

use rusqlite::{Connection, TransactionBehavior};

use super::backend;
use crate::store::StoreError;

/// Each entry moves the schema from version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[
    // 1: jobs, their inputs and their event logs.
    "
    CREATE TABLE jobs (
        id          TEXT PRIMARY KEY NOT NULL,
        created_at  INTEGER NOT NULL,
        -- ts of the latest event; NULL before any.
        updated_at  INTEGER,
        -- set while the snapshot is done, for retention; a retry clears it.
        finished_at INTEGER,
        status      TEXT NOT NULL,
        last_seq    INTEGER NOT NULL DEFAULT 0,
        match_score REAL,
        title       TEXT
    );
    CREATE INDEX jobs_by_created ON jobs (created_at DESC, id DESC);
    CREATE INDEX jobs_by_finished ON jobs (finished_at) WHERE finished_at IS NOT NULL;
    CREATE INDEX jobs_unfinished ON jobs (created_at, id) WHERE finished_at IS NULL;

    -- Large values live apart from jobs: SQLite rewrites a whole row on any
    -- update, and a jobs row is updated on every append.

    -- The reducer's state over the events up to its own last_seq; reads
    -- fold the events after it.
    CREATE TABLE job_snapshots (
        job_id   TEXT PRIMARY KEY NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
        snapshot TEXT NOT NULL
    );

    -- The engine's outcome, as JSON.
    CREATE TABLE job_results (
        job_id TEXT PRIMARY KEY NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
        result TEXT NOT NULL
    );

    CREATE TABLE job_inputs (
        job_id           TEXT PRIMARY KEY NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
        resume_file_name TEXT,
        resume_bytes     BLOB NOT NULL,
        job_text         TEXT,
        job_url          TEXT
    );

    CREATE TABLE events (
        job_id  TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
        seq     INTEGER NOT NULL,
        ts      INTEGER NOT NULL,
        type    TEXT NOT NULL,
        payload TEXT NOT NULL,
        PRIMARY KEY (job_id, seq)
    ) WITHOUT ROWID;
    ",
    // 2: what each finished step produced, for retries and resumption.
    "
    CREATE TABLE job_checkpoints (
        job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
        step   TEXT NOT NULL,
        data   TEXT NOT NULL,
        PRIMARY KEY (job_id, step)
    ) WITHOUT ROWID;
    ",
    // 3: who may see a job. Hashes, never the tokens themselves. Jobs from
    // before this script have no owner (see `--adopt-unowned`).
    "
    ALTER TABLE jobs ADD COLUMN owner_hash TEXT;
    ALTER TABLE jobs ADD COLUMN share_hash TEXT;
    CREATE INDEX jobs_by_owner ON jobs (owner_hash, created_at DESC, id DESC);
    ",
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: usize = MIGRATIONS.len();

/// Settings every connection needs; the writer also switches the file to WAL.
pub fn configure(conn: &Connection, writer: bool) -> Result<(), StoreError> {
    // A reader may wait briefly while a checkpoint or recovery holds a lock;
    // the writer is alone, so this only guards against other processes.
    conn.busy_timeout(std::time::Duration::from_secs(5))
        .map_err(backend)?;
    conn.pragma_update(None, "foreign_keys", "ON")
        .map_err(backend)?;
    if writer {
        // WAL: readers never block the writer and the writer never blocks
        // readers. The mode is stored in the file, so readers inherit it.
        let mode: String = conn
            .pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))
            .map_err(backend)?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::Backend(format!(
                "SQLite refused WAL mode (got {mode})"
            )));
        }
        // After a checkpoint, cut the WAL file back to this size (bytes), so
        // a burst of writes does not leave a huge file behind.
        conn.pragma_update(None, "journal_size_limit", 64 * 1024 * 1024)
            .map_err(backend)?;
        // Deleted jobs hold personal data (resumes, and resume text in
        // snapshots and diffs): zero freed content instead of leaving it
        // readable in free pages. FAST is not enough: it leaves freed
        // overflow pages (any value over ~4 KiB, e.g. a resume) as they were.
        // This zeroes the pages' new versions; the old ones stay in the WAL
        // until it is checkpointed, which is why a removal also truncates
        // the WAL once it has committed (see `writer::truncate_wal`).
        conn.pragma_update(None, "secure_delete", "ON")
            .map_err(backend)?;
    }
    // synchronous=NORMAL in WAL mode: every commit is written to the WAL file
    // before `COMMIT` returns, so a process crash (even kill -9) loses no
    // committed event — the operating system still holds the write and the
    // next open replays the WAL. Only a power cut or kernel crash can undo
    // the last transactions before a checkpoint; it never corrupts the file.
    // FULL would fsync on every append (one event per transaction), costing
    // most of the throughput for a risk the issue does not cover.
    conn.pragma_update(None, "synchronous", "NORMAL")
        .map_err(backend)?;
    Ok(())
}

/// Brings the schema up to [`SCHEMA_VERSION`], one transaction per script.
/// Refuses a file written by a newer build.
pub fn migrate(conn: &mut Connection) -> Result<usize, StoreError> {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(backend)?;
    let current: usize = tx
        .pragma_query_value(None, "user_version", |row| row.get::<_, i64>(0))
        .map_err(backend)?
        .try_into()
        .map_err(|_| StoreError::Backend("negative schema version".into()))?;
    if current > SCHEMA_VERSION {
        return Err(StoreError::Backend(format!(
            "the database has schema version {current}, newer than this build's {SCHEMA_VERSION}"
        )));
    }
    for (i, script) in MIGRATIONS.iter().enumerate().skip(current) {
        tx.execute_batch(script)
            .map_err(|e| StoreError::Backend(format!("migration {} failed: {e}", i + 1)))?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)
            .map_err(backend)?;
        tracing::info!(version = i + 1, "applied SQLite migration");
    }
    tx.commit().map_err(backend)?;
    Ok(SCHEMA_VERSION - current)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn version(conn: &Connection) -> i64 {
        conn.pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap()
    }

    #[test]
    fn migrates_once_and_is_idempotent() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = Connection::open(dir.path().join("t.db")).unwrap();
        configure(&conn, true).unwrap();
        assert_eq!(version(&conn), 0);
        assert_eq!(migrate(&mut conn).unwrap(), SCHEMA_VERSION);
        assert_eq!(version(&conn), SCHEMA_VERSION as i64);
        assert_eq!(migrate(&mut conn).unwrap(), 0);
        let tables: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' \
                 AND name IN ('jobs', 'job_inputs', 'job_snapshots', 'job_results', 'events')",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(tables, 5);
    }

    #[test]
    fn refuses_a_newer_schema() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = Connection::open(dir.path().join("t.db")).unwrap();
        conn.pragma_update(None, "user_version", SCHEMA_VERSION as i64 + 1)
            .unwrap();
        assert!(matches!(migrate(&mut conn), Err(StoreError::Backend(_))));
    }

    #[test]
    fn a_failed_migration_leaves_the_version_alone() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = Connection::open(dir.path().join("t.db")).unwrap();
        // A table in the way makes script 1 fail part-way.
        conn.execute_batch("CREATE TABLE events (x)").unwrap();
        assert!(migrate(&mut conn).is_err());
        assert_eq!(version(&conn), 0);
        let jobs: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE name = 'jobs'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(jobs, 0, "the whole script rolled back");
    }
}
