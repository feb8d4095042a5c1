//! The PostgreSQL schema and its migrations.
//!
//! Migrations are plain SQL scripts applied in order at start-up, recorded in
//! `tailor_schema`. Several instances may start at once: each migrates inside
//! one transaction holding an advisory lock, so exactly one applies a script
//! and the others see it applied. A script is never edited once released.

use deadpool_postgres::Client;

use crate::store::{codec::backend, StoreError};

/// Any 64-bit constant shared by every Tailor instance ("tailor" in ASCII).
const MIGRATION_LOCK: i64 = 0x7461_696c_6f72;

/// Each entry moves the schema from version `i` to `i + 1`. Tables carry a
/// `tailor_` prefix: the database may hold other applications' tables.
const MIGRATIONS: &[&str] = &[
    "
    CREATE TABLE tailor_jobs (
        id               uuid PRIMARY KEY,
        created_at       bigint NOT NULL,
        -- ts of the latest event; NULL before any.
        updated_at       bigint,
        -- set while the snapshot is done, for retention; a retry clears it.
        finished_at      bigint,
        status           text NOT NULL,
        last_seq         bigint NOT NULL DEFAULT 0,
        match_score      double precision,
        title            text,
        -- The instance running the job and until when its lease holds.
        owner            uuid,
        lease_until      bigint,
        cancel_requested boolean NOT NULL DEFAULT false
    );
    CREATE INDEX tailor_jobs_by_created ON tailor_jobs (created_at DESC, id DESC);
    CREATE INDEX tailor_jobs_by_finished ON tailor_jobs (finished_at)
        WHERE finished_at IS NOT NULL;
    CREATE INDEX tailor_jobs_unfinished ON tailor_jobs (created_at, id)
        WHERE finished_at IS NULL;

    -- The reducer's state over the events up to its own last_seq; reads
    -- fold the events after it.
    CREATE TABLE tailor_job_snapshots (
        job_id   uuid PRIMARY KEY REFERENCES tailor_jobs (id) ON DELETE CASCADE,
        snapshot text NOT NULL
    );

    -- The engine's outcome, as JSON.
    CREATE TABLE tailor_job_results (
        job_id uuid PRIMARY KEY REFERENCES tailor_jobs (id) ON DELETE CASCADE,
        result text NOT NULL
    );

    CREATE TABLE tailor_job_inputs (
        job_id           uuid PRIMARY KEY REFERENCES tailor_jobs (id) ON DELETE CASCADE,
        resume_file_name text,
        resume_bytes     bytea NOT NULL,
        job_text         text,
        job_url          text
    );

    CREATE TABLE tailor_events (
        job_id  uuid NOT NULL REFERENCES tailor_jobs (id) ON DELETE CASCADE,
        seq     bigint NOT NULL,
        ts      bigint NOT NULL,
        type    text NOT NULL,
        payload text NOT NULL,
        PRIMARY KEY (job_id, seq)
    );

    -- What each finished step produced, for retries and takeovers.
    CREATE TABLE tailor_job_checkpoints (
        job_id uuid NOT NULL REFERENCES tailor_jobs (id) ON DELETE CASCADE,
        step   text NOT NULL,
        data   text NOT NULL,
        PRIMARY KEY (job_id, step)
    );
    ",
    // 2: who may see a job (`owner` above is the instance running it).
    // Hashes, never the tokens themselves. Jobs from before this script have
    // no owner (see `--adopt-unowned`).
    "
    ALTER TABLE tailor_jobs ADD COLUMN owner_hash text;
    ALTER TABLE tailor_jobs ADD COLUMN share_hash text;
    CREATE INDEX tailor_jobs_by_owner ON tailor_jobs (owner_hash, created_at DESC, id DESC);
    ",
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: usize = MIGRATIONS.len();

/// Brings the schema up to [`SCHEMA_VERSION`]; refuses a database written
/// by a newer build. Returns how many scripts it applied.
pub async fn migrate(client: &mut Client) -> Result<usize, StoreError> {
    let tx = client.transaction().await.map_err(backend)?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
        .await
        .map_err(backend)?;
    tx.batch_execute("CREATE TABLE IF NOT EXISTS tailor_schema (version integer NOT NULL)")
        .await
        .map_err(backend)?;
    let current: Option<i32> = tx
        .query_opt("SELECT max(version) FROM tailor_schema", &[])
        .await
        .map_err(backend)?
        .and_then(|row| row.get(0));
    let current = usize::try_from(current.unwrap_or(0))
        .map_err(|_| StoreError::Backend("negative schema version".into()))?;
    if current > SCHEMA_VERSION {
        return Err(StoreError::Backend(format!(
            "the database has schema version {current}, newer than this build's {SCHEMA_VERSION}"
        )));
    }
    for (i, script) in MIGRATIONS.iter().enumerate().skip(current) {
        tx.batch_execute(script)
            .await
            .map_err(|e| StoreError::Backend(format!("migration {} failed: {e}", i + 1)))?;
        let version = i32::try_from(i + 1).map_err(backend)?;
        tx.execute(
            "INSERT INTO tailor_schema (version) VALUES ($1)",
            &[&version],
        )
        .await
        .map_err(backend)?;
        tracing::info!(version = i + 1, "applied PostgreSQL migration");
    }
    tx.commit().await.map_err(backend)?;
    Ok(SCHEMA_VERSION - current)
}
