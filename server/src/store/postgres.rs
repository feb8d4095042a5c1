//! The shared [`JobStore`]: PostgreSQL, for several Tailor instances behind
//! one load balancer, with no other coordination service.
//!
//! - **Appends.** Each append locks its job's row (`SELECT … FOR UPDATE`),
//!   checks the seq it expects against it, inserts the event, updates the
//!   row and sends `NOTIFY tailor_events '<job>:<seq>'`, all in one
//!   statement (see [`APPEND`]): seqs stay gapless whoever writes, and the
//!   notification goes out only if the event is committed.
//! - **Runs are leased.** A job's row names the instance running it
//!   (`owner`) and until when (`lease_until`, by the database's clock, so
//!   instances' clocks need not agree). The runner renews the lease; an
//!   append from any other instance is refused ([`StoreError::NotOwner`]), so
//!   an instance that lost its lease cannot interleave events with the one
//!   that took the job over. `done` releases the lease.
//! - **Takeover.** Every instance periodically claims unfinished jobs whose
//!   lease expired, with `FOR UPDATE SKIP LOCKED`, and resumes them.
//! - **Wake-ups.** See [`listener`]: `LISTEN/NOTIFY` is a hint; readers
//!   also poll.

mod listener;
mod schema;
#[doc(hidden)]
pub mod testing;
#[cfg(test)]
mod tests;
mod tls;

use std::{collections::HashMap, sync::Mutex, time::Duration};

use async_trait::async_trait;
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Runtime};
use tailor_common::{Envelope, EventBody, JobState, Step};
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use self::listener::{HandlerSlot, CONTROL_CHANNEL, EVENTS_CHANNEL};
use super::{
    admits,
    codec::{
        backend, decode_body, decode_checkpoints, decode_state, decode_status, encode_body,
        stores_snapshot, to_i64,
    },
    match_score, result_title, JobAccess, JobInputs, JobStore, JobSummary, Lease, NoticeHandler,
    OwnerKey, PageAfter, ResumeUpload, StoreError,
};

/// The database's clock in milliseconds since the epoch: leases are judged
/// by one clock, not by each instance's own.
const DB_NOW_MS: &str = "(extract(epoch FROM clock_timestamp()) * 1000)::bigint";

/// How many times an append reloads the state after losing a race to
/// another append to the same job before it gives up. The trait asks for
/// one writer per job, so a race is rare: this only bounds a pathology.
const MAX_APPEND_ATTEMPTS: usize = 32;

/// One append, as one statement. `$2` is the seq the writer expects the log
/// to be at; the row lock taken by `FOR UPDATE` re-checks it against the
/// latest version of the row, so of two racing appends with the same
/// expectation exactly one writes. The event's (job, seq) primary key is
/// the last line of defence. `done` (`$11`) ends the run: its lease and any
/// cancel request go with it. The snapshot (`$12`) is rewritten when given.
const APPEND: &str = "
    WITH job AS (
        SELECT id FROM tailor_jobs
        WHERE id = $1 AND last_seq = $2 AND (owner IS NULL OR owner = $3)
        FOR UPDATE
    ), event AS (
        INSERT INTO tailor_events (job_id, seq, ts, type, payload)
        SELECT id, $2 + 1, $4, $5, $6 FROM job
        RETURNING job_id
    ), row_update AS (
        UPDATE tailor_jobs SET last_seq = $2 + 1, updated_at = $7, finished_at = $8,
            status = $9, match_score = $10,
            owner = CASE WHEN $11 THEN NULL ELSE owner END,
            lease_until = CASE WHEN $11 THEN NULL ELSE lease_until END,
            cancel_requested = cancel_requested AND NOT $11
        WHERE id IN (SELECT job_id FROM event)
    ), snapshot AS (
        UPDATE tailor_job_snapshots SET snapshot = $12
        WHERE job_id IN (SELECT job_id FROM event) AND $12::text IS NOT NULL
    )
    SELECT pg_notify($13, $14) FROM event";

/// States of running jobs kept between appends; past this many (jobs whose
/// runs died without `done`), the cache starts again empty.
const MAX_CACHED_STATES: usize = 1024;

#[derive(Debug, Clone)]
pub struct PgSettings {
    url: String,
    lease: Duration,
    pool_size: usize,
}

impl PgSettings {
    /// `lease`: how long a run's lease lasts unrenewed, which is how long a
    /// job whose instance died waits before another instance takes it over.
    pub fn new(url: &str, lease: Duration) -> Self {
        PgSettings {
            url: url.to_string(),
            lease,
            pool_size: 16,
        }
    }

    /// Connections in the pool; more concurrent queries wait for one.
    pub fn pool_size(mut self, size: usize) -> Self {
        self.pool_size = size.max(1);
        self
    }
}

/// The URL with its password hidden, for messages and logs.
pub fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        Ok(parsed) => parsed.to_string(),
        Err(_) => "(unparseable URL)".to_string(),
    }
}

pub struct PgStore {
    pool: Pool,
    /// This instance, as it appears in `tailor_jobs.owner`.
    instance: Uuid,
    lease_ms: i64,
    /// The folded state of jobs this instance appends to, with the seq it
    /// is at; an append uses it only if the row's `last_seq` still matches.
    states: Mutex<HashMap<Uuid, JobState>>,
    notices: HandlerSlot,
    /// Whether the wake-up connection is listening now.
    listening: tokio::sync::watch::Receiver<bool>,
    stop_listening: CancellationToken,
}

impl Drop for PgStore {
    fn drop(&mut self) {
        self.stop_listening.cancel();
    }
}

impl PgStore {
    /// Connects, runs the migrations and starts listening for other
    /// instances' notifications.
    pub async fn connect(settings: PgSettings) -> Result<PgStore, StoreError> {
        let shown = redact(&settings.url);
        let tls::Target {
            mut config,
            tls: connector,
        } = tls::parse(&settings.url, &shown)?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(Duration::from_secs(5));
        }
        if config.get_application_name().is_none() {
            config.application_name("tailor");
        }
        // The driver's default (2 hours) would leave a LISTEN connection to
        // a vanished server looking alive for that long.
        if config.get_keepalives_idle() == Duration::from_secs(2 * 60 * 60) {
            config.keepalives_idle(Duration::from_secs(30));
        }
        let manager = Manager::from_config(
            config.clone(),
            connector.clone(),
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(settings.pool_size)
            .wait_timeout(Some(Duration::from_secs(10)))
            .create_timeout(Some(Duration::from_secs(10)))
            .recycle_timeout(Some(Duration::from_secs(5)))
            .runtime(Runtime::Tokio1)
            .build()
            .map_err(backend)?;
        let mut client = pool.get().await.map_err(|e| {
            StoreError::Backend(format!(
                "cannot connect to PostgreSQL at {shown}: {}",
                super::codec::with_causes(&e)
            ))
        })?;
        schema::migrate(&mut client).await?;
        drop(client);
        let notices = HandlerSlot::default();
        let stop_listening = CancellationToken::new();
        let (listening, listening_rx) = tokio::sync::watch::channel(false);
        tokio::spawn(listener::run(
            config,
            connector,
            notices.clone(),
            listening,
            stop_listening.clone(),
        ));
        let instance = Uuid::new_v4();
        tracing::info!(%instance, url = %shown, "PostgreSQL job store ready");
        Ok(PgStore {
            pool,
            instance,
            lease_ms: i64::try_from(settings.lease.as_millis()).unwrap_or(i64::MAX / 2),
            states: Mutex::new(HashMap::new()),
            notices,
            listening: listening_rx,
            stop_listening,
        })
    }

    /// Returns once the wake-up connection listens: from then on, every
    /// other instance's append is heard (until the connection breaks).
    pub async fn until_listening(&self) {
        let mut listening = self.listening.clone();
        // The sender lives as long as the listener task, which lives as
        // long as this store.
        let _ = listening.wait_for(|l| *l).await;
    }

    /// This instance's id, as the `owner` of the jobs it runs.
    pub fn instance(&self) -> Uuid {
        self.instance
    }

    async fn client(&self) -> Result<deadpool_postgres::Object, StoreError> {
        self.pool
            .get()
            .await
            .map_err(|e| StoreError::Backend(format!("no PostgreSQL connection: {e}")))
    }

    fn states(&self) -> std::sync::MutexGuard<'_, HashMap<Uuid, JobState>> {
        self.states.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn keep_state(&self, state: JobState) {
        if state.is_done() {
            return;
        }
        let mut states = self.states();
        if states.len() >= MAX_CACHED_STATES {
            states.clear();
        }
        states.insert(state.job_id, state);
    }

    /// Writes `event` (the state after it: `next`) if the job's row is
    /// still at the seq before it and no other instance holds its lease:
    /// the row lock, the event, the row, the snapshot when due and the
    /// notification, in one statement and so one round trip and one
    /// transaction. Returns whether it was written.
    async fn try_append(
        &self,
        client: &deadpool_postgres::Client,
        next: &JobState,
        event: &Envelope,
        kind: &str,
        payload: &str,
    ) -> Result<bool, StoreError> {
        let seq = i64::try_from(event.seq).map_err(backend)?;
        let done = next.is_done();
        let snapshot = (stores_snapshot(event.seq) || done)
            .then(|| serde_json::to_string(next))
            .transpose()
            .map_err(backend)?;
        let statement = client.prepare_cached(APPEND).await.map_err(db)?;
        let row = client
            .query_opt(
                &statement,
                &[
                    &event.job_id,
                    &(seq - 1),
                    &self.instance,
                    &event.ts,
                    &kind,
                    &payload,
                    &next.updated_at,
                    &done.then_some(event.ts),
                    &next.status.as_str(),
                    &match_score(next),
                    &done,
                    &snapshot,
                    &EVENTS_CHANNEL,
                    &format!("{}:{seq}", event.job_id),
                ],
            )
            .await
            .map_err(db)?;
        Ok(row.is_some())
    }

    /// A page of the job list, of one owner's jobs or (`None`) of all.
    async fn list(
        &self,
        owner: Option<&OwnerKey>,
        limit: usize,
        after: Option<PageAfter>,
    ) -> Result<Vec<JobSummary>, StoreError> {
        // A plain bound (no `$1 IS NULL OR …`) lets a deep page start at its
        // place in the index; hence two statements.
        let after = after.unwrap_or(PageAfter::before_ms(i64::MAX));
        let client = self.client().await?;
        let limit = to_i64(limit);
        // The history's other fields come from the result, the inputs and
        // (for a failed job, whose snapshot is written when it ends) the
        // last error: read in SQL, a page at a time.
        const ROW: &str = "SELECT j.id, j.created_at, j.updated_at, j.status, j.last_seq,
                j.match_score, j.title,
                r.result::jsonb ->> 'candidate_name', r.result::jsonb ->> 'company',
                i.resume_file_name, s.snapshot::jsonb -> 'errors' -> -1 ->> 'message'
            FROM tailor_jobs j
            LEFT JOIN tailor_job_results r ON r.job_id = j.id
            LEFT JOIN tailor_job_inputs i ON i.job_id = j.id
            LEFT JOIN tailor_job_snapshots s ON s.job_id = j.id AND j.status = 'failed'";
        let rows = match owner {
            Some(owner) => {
                client
                    .query(
                        &format!(
                            "{ROW} WHERE j.owner_hash = $4 AND (j.created_at, j.id) < ($1, $2)
                             ORDER BY j.created_at DESC, j.id DESC LIMIT $3"
                        ),
                        &[&after.created_at, &after.job_id, &limit, &owner.0],
                    )
                    .await
            }
            None => {
                client
                    .query(
                        &format!(
                            "{ROW} WHERE (j.created_at, j.id) < ($1, $2)
                             ORDER BY j.created_at DESC, j.id DESC LIMIT $3"
                        ),
                        &[&after.created_at, &after.job_id, &limit],
                    )
                    .await
            }
        }
        .map_err(db)?;
        rows.iter()
            .map(|r| {
                Ok(JobSummary {
                    job_id: r.get(0),
                    created_at: r.get(1),
                    updated_at: r.get(2),
                    status: decode_status(r.get(3))?,
                    last_seq: to_seq(r.get(4))?,
                    match_score: r.get(5),
                    title: r.get(6),
                    candidate: r.get(7),
                    company: r.get(8),
                    file_name: r.get(9),
                    failure: r.get(10),
                })
            })
            .collect()
    }

    fn forget_states(&self, ids: &[Uuid]) {
        let mut states = self.states();
        for id in ids {
            states.remove(id);
        }
    }
}

fn db(e: tokio_postgres::Error) -> StoreError {
    StoreError::Backend(format!("PostgreSQL: {e}"))
}

fn to_seq(seq: i64) -> Result<u64, StoreError> {
    u64::try_from(seq).map_err(backend)
}

#[async_trait]
impl JobStore for PgStore {
    async fn create_owned(
        &self,
        job_id: Uuid,
        owner: Option<&OwnerKey>,
        inputs: JobInputs,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        let state = JobState::new(job_id);
        let snapshot = serde_json::to_string(&state).map_err(backend)?;
        let owner_hash = owner.map(|o| o.0.as_str());
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(db)?;
        // A new job is leased to the instance that creates it, which runs it.
        let inserted = tx
            .execute(
                &format!(
                    "INSERT INTO tailor_jobs
                         (id, created_at, status, last_seq, owner, lease_until, owner_hash)
                     VALUES ($1, $2, $3, 0, $4, {DB_NOW_MS} + $5, $6)
                     ON CONFLICT (id) DO NOTHING"
                ),
                &[
                    &job_id,
                    &now_ms,
                    &state.status.as_str(),
                    &self.instance,
                    &self.lease_ms,
                    &owner_hash,
                ],
            )
            .await
            .map_err(db)?;
        if inserted == 0 {
            return Err(StoreError::Exists(job_id));
        }
        tx.execute(
            "INSERT INTO tailor_job_snapshots (job_id, snapshot) VALUES ($1, $2)",
            &[&job_id, &snapshot],
        )
        .await
        .map_err(db)?;
        tx.execute(
            "INSERT INTO tailor_job_inputs (job_id, resume_file_name, resume_bytes, job_text, job_url)
             VALUES ($1, $2, $3, $4, $5)",
            &[
                &job_id,
                &inputs.resume.file_name,
                &inputs.resume.bytes,
                &inputs.job_text,
                &inputs.job_url,
            ],
        )
        .await
        .map_err(db)?;
        tx.commit().await.map_err(db)?;
        self.keep_state(state);
        Ok(())
    }

    async fn append(
        &self,
        job_id: Uuid,
        body: EventBody,
        now_ms: i64,
    ) -> Result<Envelope, StoreError> {
        let (kind, payload) = encode_body(&body)?;
        let mut body = body;
        let client = self.client().await?;
        // Optimistic: the event is written against the state this instance
        // expects (usually cached from its own last append), in one
        // statement that applies only if the row still says so. If it does
        // not, find out why; another appender moving the log on just means
        // trying again from the new state.
        for _ in 0..MAX_APPEND_ATTEMPTS {
            let cached = self.states().remove(&job_id);
            let state = match cached {
                Some(state) => state,
                None => load_state(&client, job_id)
                    .await?
                    .ok_or(StoreError::NotFound(job_id))?,
            };
            admits(&state, &body)?;
            let expected = state.last_seq;
            let mut next = state;
            let event = Envelope::new(job_id, expected + 1, now_ms, body);
            next.apply(&event);
            if self
                .try_append(&client, &next, &event, kind, &payload)
                .await?
            {
                self.keep_state(next);
                return Ok(event);
            }
            body = event.body;
            let row = client
                .query_opt(
                    "SELECT last_seq, owner FROM tailor_jobs WHERE id = $1",
                    &[&job_id],
                )
                .await
                .map_err(db)?
                .ok_or(StoreError::NotFound(job_id))?;
            let owner: Option<Uuid> = row.get(1);
            if owner.is_some_and(|o| o != self.instance) {
                return Err(StoreError::NotOwner(job_id));
            }
            tracing::debug!(job = %job_id, expected, found = row.get::<_, i64>(0), "append raced; reloading");
        }
        Err(StoreError::Backend(format!(
            "job {job_id}: {MAX_APPEND_ATTEMPTS} appends in a row lost a race for the log"
        )))
    }

    async fn read_after(
        &self,
        job_id: Uuid,
        after: u64,
        limit: usize,
    ) -> Result<Vec<Envelope>, StoreError> {
        let client = self.client().await?;
        let events = events_after(&client, job_id, after, limit).await?;
        if events.is_empty() && !job_exists(&client, job_id).await? {
            return Err(StoreError::NotFound(job_id));
        }
        Ok(events)
    }

    async fn snapshot(&self, job_id: Uuid) -> Result<Option<JobState>, StoreError> {
        let client = self.client().await?;
        load_state(&client, job_id).await
    }

    async fn inputs(&self, job_id: Uuid) -> Result<Option<JobInputs>, StoreError> {
        let client = self.client().await?;
        let row = client
            .query_opt(
                "SELECT resume_file_name, resume_bytes, job_text, job_url
                 FROM tailor_job_inputs WHERE job_id = $1",
                &[&job_id],
            )
            .await
            .map_err(db)?;
        Ok(row.map(|r| JobInputs {
            resume: ResumeUpload {
                file_name: r.get(0),
                bytes: r.get(1),
            },
            job_text: r.get(2),
            job_url: r.get(3),
        }))
    }

    async fn save_result(&self, job_id: Uuid, result: serde_json::Value) -> Result<(), StoreError> {
        let json = result.to_string();
        let title = result_title(&result);
        let client = self.client().await?;
        let saved = client
            .execute(
                "WITH job AS (UPDATE tailor_jobs SET title = $3 WHERE id = $1 RETURNING id)
                 INSERT INTO tailor_job_results (job_id, result) SELECT id, $2 FROM job
                 ON CONFLICT (job_id) DO UPDATE SET result = excluded.result",
                &[&job_id, &json, &title],
            )
            .await
            .map_err(db)?;
        if saved == 0 {
            return Err(StoreError::NotFound(job_id));
        }
        Ok(())
    }

    async fn result(&self, job_id: Uuid) -> Result<Option<serde_json::Value>, StoreError> {
        let client = self.client().await?;
        let row = client
            .query_opt(
                "SELECT result FROM tailor_job_results WHERE job_id = $1",
                &[&job_id],
            )
            .await
            .map_err(db)?;
        row.map(|r| serde_json::from_str(r.get::<_, &str>(0)).map_err(backend))
            .transpose()
    }

    async fn save_checkpoint(
        &self,
        job_id: Uuid,
        step: Step,
        data: serde_json::Value,
    ) -> Result<(), StoreError> {
        let json = data.to_string();
        let client = self.client().await?;
        // Only the run's owner writes it, like the log.
        let saved = client
            .execute(
                "INSERT INTO tailor_job_checkpoints (job_id, step, data)
                 SELECT id, $2, $3 FROM tailor_jobs
                 WHERE id = $1 AND (owner IS NULL OR owner = $4)
                 ON CONFLICT (job_id, step) DO UPDATE SET data = excluded.data",
                &[&job_id, &step.as_str(), &json, &self.instance],
            )
            .await
            .map_err(db)?;
        if saved > 0 {
            Ok(())
        } else if job_exists(&client, job_id).await? {
            Err(StoreError::NotOwner(job_id))
        } else {
            Err(StoreError::NotFound(job_id))
        }
    }

    async fn checkpoints(
        &self,
        job_id: Uuid,
    ) -> Result<Vec<(Step, serde_json::Value)>, StoreError> {
        let client = self.client().await?;
        let rows = client
            .query(
                "SELECT step, data FROM tailor_job_checkpoints WHERE job_id = $1",
                &[&job_id],
            )
            .await
            .map_err(db)?;
        decode_checkpoints(rows.iter().map(|r| (r.get(0), r.get(1))))
    }

    async fn purge_finished_before(&self, cutoff_ms: i64) -> Result<Vec<Uuid>, StoreError> {
        let client = self.client().await?;
        // Inputs and events go with their job (ON DELETE CASCADE).
        let ids: Vec<Uuid> = client
            .query(
                "DELETE FROM tailor_jobs WHERE finished_at < $1 RETURNING id",
                &[&cutoff_ms],
            )
            .await
            .map_err(db)?
            .iter()
            .map(|r| r.get(0))
            .collect();
        self.forget_states(&ids);
        Ok(ids)
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
        self.list(Some(owner), limit, after).await
    }

    async fn access(&self, job_id: Uuid) -> Result<Option<JobAccess>, StoreError> {
        let client = self.client().await?;
        let row = client
            .query_opt(
                "SELECT owner_hash, share_hash FROM tailor_jobs WHERE id = $1",
                &[&job_id],
            )
            .await
            .map_err(db)?;
        Ok(row.map(|r| JobAccess {
            owner: r.get::<_, Option<String>>(0).map(OwnerKey),
            share_hash: r.get(1),
        }))
    }

    async fn set_share(
        &self,
        job_id: Uuid,
        share_hash: Option<String>,
    ) -> Result<bool, StoreError> {
        let client = self.client().await?;
        let changed = client
            .execute(
                "UPDATE tailor_jobs SET share_hash = $2 WHERE id = $1",
                &[&job_id, &share_hash],
            )
            .await
            .map_err(db)?;
        Ok(changed > 0)
    }

    async fn adopt_unowned(&self, owner: &OwnerKey) -> Result<u64, StoreError> {
        let client = self.client().await?;
        client
            .execute(
                "UPDATE tailor_jobs SET owner_hash = $1 WHERE owner_hash IS NULL",
                &[&owner.0],
            )
            .await
            .map_err(db)
    }

    async fn delete(&self, job_id: Uuid) -> Result<bool, StoreError> {
        self.forget_states(&[job_id]);
        let client = self.client().await?;
        // The instance running it stops; other instances' streams end.
        let deleted = client
            .execute(
                "WITH gone AS (DELETE FROM tailor_jobs WHERE id = $1 RETURNING id)
                 SELECT pg_notify($2, 'delete:' || id::text) FROM gone",
                &[&job_id, &CONTROL_CHANNEL],
            )
            .await
            .map_err(db)?;
        Ok(deleted > 0)
    }

    async fn unfinished_jobs(&self) -> Result<Vec<Uuid>, StoreError> {
        let client = self.client().await?;
        Ok(client
            .query(
                "SELECT id FROM tailor_jobs WHERE finished_at IS NULL ORDER BY created_at, id",
                &[],
            )
            .await
            .map_err(db)?
            .iter()
            .map(|r| r.get(0))
            .collect())
    }

    fn is_shared(&self) -> bool {
        true
    }

    async fn claim_run(&self, job_id: Uuid) -> Result<bool, StoreError> {
        let client = self.client().await?;
        let claimed = client
            .execute(
                &format!(
                    "UPDATE tailor_jobs
                     SET owner = $2, lease_until = {DB_NOW_MS} + $3, cancel_requested = false
                     WHERE id = $1
                       AND (owner IS NULL OR owner = $2 OR lease_until < {DB_NOW_MS})"
                ),
                &[&job_id, &self.instance, &self.lease_ms],
            )
            .await
            .map_err(db)?;
        Ok(claimed > 0)
    }

    async fn renew_run(&self, job_id: Uuid) -> Result<Lease, StoreError> {
        let client = self.client().await?;
        let row = client
            .query_opt(
                &format!(
                    "UPDATE tailor_jobs SET lease_until = {DB_NOW_MS} + $3
                     WHERE id = $1 AND owner = $2
                     RETURNING cancel_requested"
                ),
                &[&job_id, &self.instance, &self.lease_ms],
            )
            .await
            .map_err(db)?;
        Ok(match row {
            Some(r) => Lease::Held { cancel: r.get(0) },
            None => Lease::Lost,
        })
    }

    async fn claim_abandoned(&self, limit: usize) -> Result<Vec<Uuid>, StoreError> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        let client = self.client().await?;
        // SKIP LOCKED: a row another instance is claiming (or appending to)
        // right now is left to it instead of waited for.
        let rows = client
            .query(
                &format!(
                    "UPDATE tailor_jobs SET owner = $1, lease_until = {DB_NOW_MS} + $2
                     WHERE id IN (
                         SELECT id FROM tailor_jobs
                         WHERE finished_at IS NULL
                           AND (owner IS NULL OR lease_until < {DB_NOW_MS})
                         ORDER BY created_at, id
                         LIMIT $3
                         FOR UPDATE SKIP LOCKED)
                     RETURNING id"
                ),
                &[&self.instance, &self.lease_ms, &to_i64(limit)],
            )
            .await
            .map_err(db)?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }

    async fn request_cancel(&self, job_id: Uuid) -> Result<bool, StoreError> {
        let client = self.client().await?;
        let asked = client
            .execute(
                "WITH asked AS (
                     UPDATE tailor_jobs SET cancel_requested = true
                     WHERE id = $1 AND finished_at IS NULL RETURNING id)
                 SELECT pg_notify($2, 'cancel:' || id::text) FROM asked",
                &[&job_id, &CONTROL_CHANNEL],
            )
            .await
            .map_err(db)?;
        Ok(asked > 0)
    }

    fn set_notice_handler(&self, handler: NoticeHandler) {
        *self.notices.write().unwrap_or_else(|e| e.into_inner()) = Some(handler);
    }
}

async fn events_after(
    client: &deadpool_postgres::Client,
    job_id: Uuid,
    after: u64,
    limit: usize,
) -> Result<Vec<Envelope>, StoreError> {
    let after = i64::try_from(after).unwrap_or(i64::MAX);
    let statement = client
        .prepare_cached(
            "SELECT seq, ts, type, payload FROM tailor_events
             WHERE job_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
        )
        .await
        .map_err(db)?;
    let rows = client
        .query(&statement, &[&job_id, &after, &to_i64(limit)])
        .await
        .map_err(db)?;
    rows.iter()
        .map(|r| {
            Ok(Envelope::new(
                job_id,
                to_seq(r.get(0))?,
                r.get(1),
                decode_body(r.get(2), r.get(3))?,
            ))
        })
        .collect()
}

/// The stored snapshot with the events after it applied; `None` for an
/// unknown job. The log only grows, so events read after the snapshot are
/// always a continuation of it, even without one transaction around both.
async fn load_state(
    client: &deadpool_postgres::Client,
    job_id: Uuid,
) -> Result<Option<JobState>, StoreError> {
    let statement = client
        .prepare_cached("SELECT snapshot FROM tailor_job_snapshots WHERE job_id = $1")
        .await
        .map_err(db)?;
    let Some(row) = client.query_opt(&statement, &[&job_id]).await.map_err(db)? else {
        return Ok(None);
    };
    let mut state = decode_state(row.get(0))?;
    for event in events_after(client, job_id, state.last_seq, usize::MAX).await? {
        state.apply(&event);
    }
    Ok(Some(state))
}

async fn job_exists(client: &deadpool_postgres::Client, job_id: Uuid) -> Result<bool, StoreError> {
    Ok(client
        .query_opt("SELECT 1 FROM tailor_jobs WHERE id = $1", &[&job_id])
        .await
        .map_err(db)?
        .is_some())
}

#[cfg(test)]
mod redaction_tests {
    use super::*;

    #[test]
    fn urls_in_messages_hide_the_password() {
        assert_eq!(
            redact("postgres://tailor:s3cret@db:5432/tailor"),
            "postgres://tailor:***@db:5432/tailor"
        );
        assert_eq!(
            redact("postgres://tailor@db/tailor"),
            "postgres://tailor@db/tailor"
        );
        assert_eq!(redact("not a url"), "(unparseable URL)");
    }
}
