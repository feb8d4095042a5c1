//! The hub: publishes events into the store and wakes the job's readers.
//!
//! A wake-up is only a hint. Each job has one `watch` channel holding its
//! latest seq: a single slot that every reader shares, so nothing queues per
//! subscriber however slow a reader is. A woken reader reads what it has not
//! sent yet from the store, so a reader that fell behind catches up from the
//! log and never misses or repeats an event.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use tailor_common::{Envelope, EventBody};
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use crate::{
    metrics::Metrics,
    store::{JobStore, StoreError},
};

pub struct Hub {
    store: Arc<dyn JobStore>,
    wakers: Mutex<HashMap<Uuid, watch::Sender<u64>>>,
    /// Per job, the latest line in flight (`draft_text`), never stored: a
    /// single slot as for wake-ups, so a slow reader sees the latest text
    /// and nothing queues.
    drafts: Mutex<HashMap<Uuid, watch::Sender<Option<Envelope>>>>,
    shutdown: CancellationToken,
    heartbeat: Duration,
    metrics: Arc<Metrics>,
}

/// How often a reader of a shared store looks at the log unwoken: another
/// instance's `NOTIFY` can be lost (a broken listening connection), and a
/// reader must still see every event, only later.
pub const SHARED_POLL: Duration = Duration::from_secs(1);

pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

impl Hub {
    pub fn new(
        store: Arc<dyn JobStore>,
        heartbeat: Duration,
        shutdown: CancellationToken,
        metrics: Arc<Metrics>,
    ) -> Self {
        Hub {
            store,
            wakers: Mutex::new(HashMap::new()),
            drafts: Mutex::new(HashMap::new()),
            shutdown,
            heartbeat,
            metrics,
        }
    }

    pub fn metrics(&self) -> &Arc<Metrics> {
        &self.metrics
    }

    pub fn store(&self) -> &Arc<dyn JobStore> {
        &self.store
    }

    pub fn heartbeat(&self) -> Duration {
        self.heartbeat
    }

    /// How often readers look at the log without a wake-up; `None` when
    /// every append goes through this hub (a store only this process uses).
    pub fn poll_interval(&self) -> Option<Duration> {
        self.store.is_shared().then_some(SHARED_POLL)
    }

    /// Wakes the job's readers for an event another instance appended.
    pub fn wake(&self, job_id: Uuid, seq: u64) {
        let wakers = self.wakers.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(waker) = wakers.get(&job_id) {
            waker.send_if_modified(|latest| {
                let newer = seq > *latest;
                if newer {
                    *latest = seq;
                }
                newer
            });
        }
    }

    /// Wakes every reader: wake-ups from other instances may have been
    /// missed, and each reader looks at its log again.
    pub fn wake_all(&self) {
        let wakers = self.wakers.lock().unwrap_or_else(|e| e.into_inner());
        for waker in wakers.values() {
            waker.send_modify(|_| {});
        }
    }

    /// Fires when the server is shutting down: streams end instead of
    /// holding the shutdown open.
    pub fn shutdown(&self) -> &CancellationToken {
        &self.shutdown
    }

    /// Appends an event to the job's log, then wakes its readers.
    pub async fn publish(&self, job_id: Uuid, body: EventBody) -> Result<Envelope, StoreError> {
        let event = self.store.append(job_id, body, now_ms()).await?;
        self.metrics.event_published();
        let wakers = self.wakers.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(waker) = wakers.get(&job_id) {
            waker.send_replace(event.seq);
        }
        Ok(event)
    }

    /// A wake-up receiver for the job. Take it *before* reading the store:
    /// an event appended after that read then still wakes the reader.
    pub fn subscribe(&self, job_id: Uuid) -> watch::Receiver<u64> {
        let mut wakers = self.wakers.lock().unwrap_or_else(|e| e.into_inner());
        wakers
            .entry(job_id)
            .or_insert_with(|| watch::channel(0).0)
            .subscribe()
    }

    /// Shows a line in flight to the job's caught-up readers. Not stored:
    /// one slot per job holds the latest, for readers that connect while it
    /// is written (the sweeper drops slots nobody reads).
    pub fn show_draft(&self, job_id: Uuid, draft: tailor_common::DraftTextPayload) {
        let mut drafts = self.drafts.lock().unwrap_or_else(|e| e.into_inner());
        let slot = drafts
            .entry(job_id)
            .or_insert_with(|| watch::channel(None).0);
        slot.send_replace(Some(Envelope::new(
            job_id,
            0,
            now_ms(),
            EventBody::DraftText(draft),
        )));
    }

    /// No line is in flight any more (the writing step ended).
    pub fn clear_draft(&self, job_id: Uuid) {
        let drafts = self.drafts.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(slot) = drafts.get(&job_id) {
            slot.send_replace(None);
        }
    }

    /// The job's drafts, for a stream (see [`Hub::show_draft`]).
    pub fn subscribe_drafts(&self, job_id: Uuid) -> watch::Receiver<Option<Envelope>> {
        let mut drafts = self.drafts.lock().unwrap_or_else(|e| e.into_inner());
        drafts
            .entry(job_id)
            .or_insert_with(|| watch::channel(None).0)
            .subscribe()
    }

    /// Drops the wake-up channels of removed jobs; their readers see the
    /// channel close and end.
    pub fn forget(&self, job_ids: &[Uuid]) {
        let mut wakers = self.wakers.lock().unwrap_or_else(|e| e.into_inner());
        let mut drafts = self.drafts.lock().unwrap_or_else(|e| e.into_inner());
        for id in job_ids {
            wakers.remove(id);
            drafts.remove(id);
        }
    }

    /// Drops channels nobody listens to any more (finished streams).
    pub fn prune_idle_wakers(&self) {
        let mut wakers = self.wakers.lock().unwrap_or_else(|e| e.into_inner());
        wakers.retain(|_, w| w.receiver_count() > 0);
        let mut drafts = self.drafts.lock().unwrap_or_else(|e| e.into_inner());
        drafts.retain(|_, w| w.receiver_count() > 0);
    }

    /// Periodically removes finished jobs older than `ttl` from the store.
    /// `every` is at least a second (`interval` refuses zero).
    pub async fn run_sweeper(self: Arc<Self>, ttl: Duration, every: Duration) {
        let mut tick = tokio::time::interval(every.max(Duration::from_secs(1)));
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                _ = self.shutdown.cancelled() => return,
            }
            let cutoff =
                now_ms().saturating_sub(i64::try_from(ttl.as_millis()).unwrap_or(i64::MAX));
            match self.store.purge_finished_before(cutoff).await {
                Ok(removed) if !removed.is_empty() => {
                    tracing::info!(count = removed.len(), "removed finished jobs from memory");
                    self.forget(&removed);
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "sweeping finished jobs failed"),
            }
            self.prune_idle_wakers();
        }
    }
}
