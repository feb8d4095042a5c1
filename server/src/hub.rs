//! The hub: publishes events into the store and wakes the job's readers.
//!
//! A wake-up is only a hint. Each job has one `watch` channel holding its
//! latest seq: a single slot that every reader shares, so nothing queues per
//! subscriber however slow a reader is. Beside it, each job has a bounded
//! window of its latest events, each encoded once as an SSE frame
//! (`feed.rs`): a woken reader takes what it has not sent from the window,
//! or, when it is behind the window, from the store, so a reader that fell
//! behind catches up from the log and never misses or repeats an event.

use std::{
    collections::HashMap,
    sync::{
        atomic::{AtomicBool, AtomicU64, Ordering},
        Arc, Mutex, OnceLock, RwLock,
    },
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use tailor_common::{Envelope, EventBody};
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use crate::{
    feed::{Frame, Lookup, Window, WindowLimits},
    metrics::Metrics,
    store::{JobStore, StoreError},
};

pub struct Hub {
    store: Arc<dyn JobStore>,
    feeds: Mutex<HashMap<Uuid, Arc<Feed>>>,
    limits: WindowLimits,
    shutdown: CancellationToken,
    heartbeat: Duration,
    metrics: Arc<Metrics>,
    /// The instance's one heartbeat timer, started with the first stream.
    beat: OnceLock<watch::Receiver<u64>>,
}

/// One job's wake-up channel and recent frames. The hub's map holds the
/// only `Sender`: dropping the entry ([`Hub::forget`]) closes every
/// reader's channel, and their streams end.
struct Feed {
    waker: watch::Sender<u64>,
    frames: Arc<Frames>,
    /// The latest line a model is writing (`draft_text`), never stored: a
    /// single slot like the waker, so a slow reader sees the latest text
    /// and nothing queues.
    draft: watch::Sender<Option<Envelope>>,
}

/// What a job's readers share: the window of encoded frames, and the state
/// of the one task that reads another instance's events into it.
pub struct Frames {
    window: RwLock<Window>,
    limits: WindowLimits,
    /// Whether a fill task is reading the store for this job.
    filling: AtomicBool,
    /// The highest seq another instance announced.
    announced: AtomicU64,
}

impl Frames {
    pub fn lookup(&self, after: u64) -> Lookup {
        self.read().lookup(after)
    }

    pub fn last_seq(&self) -> Option<u64> {
        self.read().last_seq()
    }

    fn push_all(&self, frames: impl IntoIterator<Item = Frame>) {
        let mut window = self.window.write().unwrap_or_else(|e| e.into_inner());
        for frame in frames {
            window.push(frame, self.limits);
        }
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Window> {
        self.window.read().unwrap_or_else(|e| e.into_inner())
    }
}

/// A reader's handle on a job: its wake-up receiver and the shared frames.
pub struct Subscription {
    pub wake: watch::Receiver<u64>,
    pub frames: Arc<Frames>,
    /// Lines in flight (see [`Hub::show_draft`]).
    pub drafts: watch::Receiver<Option<Envelope>>,
}

/// How often a reader of a shared store looks at the log unwoken: another
/// instance's `NOTIFY` can be lost (a broken listening connection), and a
/// reader must still see every event, only later. One task per instance
/// does it, for every job with readers, not one timer per stream.
pub const SHARED_POLL: Duration = Duration::from_secs(1);

/// How many stored events one read takes.
pub const PAGE: usize = 256;

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
        Self::with_window(store, heartbeat, shutdown, metrics, WindowLimits::default())
    }

    /// A hub whose per-job windows hold at most `limits`.
    pub fn with_window(
        store: Arc<dyn JobStore>,
        heartbeat: Duration,
        shutdown: CancellationToken,
        metrics: Arc<Metrics>,
        limits: WindowLimits,
    ) -> Self {
        Hub {
            store,
            feeds: Mutex::new(HashMap::new()),
            limits,
            shutdown,
            heartbeat,
            metrics,
            beat: OnceLock::new(),
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

    fn feeds(&self) -> std::sync::MutexGuard<'_, HashMap<Uuid, Arc<Feed>>> {
        self.feeds.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn feed(&self, job_id: Uuid) -> Option<Arc<Feed>> {
        self.feeds().get(&job_id).cloned()
    }

    /// Another instance appended `seq` to the job's log: read it (and what
    /// came before it since the window's end) from the store, once for all
    /// of this instance's readers, then wake them.
    pub fn wake(self: &Arc<Self>, job_id: Uuid, seq: u64) {
        let Some(feed) = self.feed(job_id) else {
            return;
        };
        feed.frames.announced.fetch_max(seq, Ordering::SeqCst);
        if feed.frames.last_seq().is_some_and(|last| last >= seq) {
            return; // this instance wrote it, or a fill already read it
        }
        self.spawn_fill(job_id, feed);
    }

    /// Wake-ups from other instances may have been missed: every job's
    /// window is refreshed from the store (once per job, not per reader).
    pub fn wake_all(self: &Arc<Self>) {
        let feeds: Vec<_> = self
            .feeds()
            .iter()
            .map(|(id, feed)| (*id, feed.clone()))
            .collect();
        for (job_id, feed) in feeds {
            self.spawn_fill(job_id, feed);
        }
    }

    fn spawn_fill(self: &Arc<Self>, job_id: Uuid, feed: Arc<Feed>) {
        if feed.frames.filling.swap(true, Ordering::SeqCst) {
            return; // the running fill looks again before it ends
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            feed.frames.filling.store(false, Ordering::SeqCst);
            return;
        };
        let hub = self.clone();
        runtime.spawn(async move { hub.fill(job_id, &feed).await });
    }

    /// Reads the job's new events into its window, then wakes its readers.
    /// A window that does not know where the log stands starts at the seq
    /// another instance announced; with none, its readers are only woken
    /// (each reads the store, as it does behind any window).
    async fn fill(&self, job_id: Uuid, feed: &Feed) {
        let frames = &feed.frames;
        loop {
            let mut progressed = false;
            loop {
                let after = match frames.last_seq() {
                    Some(last) => last,
                    None => match frames.announced.load(Ordering::SeqCst) {
                        0 => break,
                        seq => seq - 1,
                    },
                };
                self.metrics.window_filled();
                let page = match self.store.read_after(job_id, after, PAGE).await {
                    Ok(page) => page,
                    Err(e) => {
                        tracing::debug!(job = %job_id, error = %e, "filling a window failed");
                        break;
                    }
                };
                let full = page.len() == PAGE;
                if page.is_empty() {
                    break;
                }
                progressed = true;
                frames.push_all(page.iter().map(Frame::of));
                if !full {
                    break;
                }
            }
            feed.waker.send_modify(|_| {});
            frames.filling.store(false, Ordering::SeqCst);
            // A notice that came during the read found the fill running and
            // left it to this one.
            let behind = frames.announced.load(Ordering::SeqCst) > frames.last_seq().unwrap_or(0);
            if !(progressed && behind) || frames.filling.swap(true, Ordering::SeqCst) {
                return;
            }
        }
    }

    /// Fires when the server is shutting down: streams end instead of
    /// holding the shutdown open.
    pub fn shutdown(&self) -> &CancellationToken {
        &self.shutdown
    }

    /// Appends an event to the job's log; once the store has committed it,
    /// encodes it once into the job's window and wakes its readers.
    pub async fn publish(&self, job_id: Uuid, body: EventBody) -> Result<Envelope, StoreError> {
        let event = self.store.append(job_id, body, now_ms()).await?;
        self.metrics.event_published();
        if let Some(feed) = self.feed(job_id) {
            feed.frames.push_all([Frame::of(&event)]);
            feed.waker.send_replace(event.seq);
        }
        Ok(event)
    }

    /// A reader's subscription to the job. Take it *before* reading the
    /// store: an event appended after that read then still wakes the reader.
    pub fn join(&self, job_id: Uuid) -> Subscription {
        let mut feeds = self.feeds();
        let feed = feeds.entry(job_id).or_insert_with(|| {
            Arc::new(Feed {
                waker: watch::channel(0).0,
                frames: Arc::new(Frames {
                    window: RwLock::new(Window::default()),
                    limits: self.limits,
                    filling: AtomicBool::new(false),
                    announced: AtomicU64::new(0),
                }),
                draft: watch::channel(None).0,
            })
        });
        Subscription {
            wake: feed.waker.subscribe(),
            frames: feed.frames.clone(),
            drafts: feed.draft.subscribe(),
        }
    }

    /// Shows a line in flight to the job's caught-up readers. Not stored,
    /// and only for readers already watching the job: one slot per job
    /// holds the latest, for a reader that connects while it is written.
    pub fn show_draft(&self, job_id: Uuid, draft: tailor_common::DraftTextPayload) {
        if let Some(feed) = self.feed(job_id) {
            feed.draft.send_replace(Some(Envelope::new(
                job_id,
                0,
                now_ms(),
                EventBody::DraftText(draft),
            )));
        }
    }

    /// No line is in flight any more (the writing step ended).
    pub fn clear_draft(&self, job_id: Uuid) {
        if let Some(feed) = self.feed(job_id) {
            feed.draft.send_replace(None);
        }
    }

    /// A wake-up receiver for the job (see [`Hub::join`]).
    pub fn subscribe(&self, job_id: Uuid) -> watch::Receiver<u64> {
        self.join(job_id).wake
    }

    /// The instance's heartbeat: its value changes once per heartbeat
    /// interval. One timer for every stream; on a shared store the same task
    /// refreshes every job's window from the store (see [`SHARED_POLL`]).
    pub fn beat(self: &Arc<Self>) -> watch::Receiver<u64> {
        self.beat
            .get_or_init(|| {
                let (tx, rx) = watch::channel(0u64);
                let hub = Arc::downgrade(self);
                let every = self.heartbeat.max(Duration::from_millis(10));
                let poll = self.store.is_shared().then_some(SHARED_POLL);
                let shutdown = self.shutdown.clone();
                tokio::spawn(async move {
                    let mut beat = tokio::time::interval(every);
                    beat.tick().await;
                    let mut refresh =
                        tokio::time::interval(poll.unwrap_or(Duration::from_secs(3600)));
                    refresh.tick().await;
                    loop {
                        tokio::select! {
                            _ = beat.tick() => { tx.send_modify(|n| *n += 1); }
                            _ = refresh.tick(), if poll.is_some() => {
                                match hub.upgrade() {
                                    Some(hub) => hub.wake_all(),
                                    None => return,
                                }
                            }
                            _ = shutdown.cancelled() => return,
                        }
                        if hub.strong_count() == 0 {
                            return;
                        }
                    }
                });
                rx
            })
            .clone()
    }

    /// How many frames and bytes the job's window holds now (`None`: no
    /// reader is watching the job).
    pub fn window_size(&self, job_id: Uuid) -> Option<(usize, usize)> {
        let feed = self.feed(job_id)?;
        let window = feed.frames.read();
        Some((window.len(), window.bytes()))
    }

    /// Drops the wake-up channels of removed jobs; their readers see the
    /// channel close and end.
    pub fn forget(&self, job_ids: &[Uuid]) {
        let mut feeds = self.feeds();
        for id in job_ids {
            feeds.remove(id);
        }
    }

    /// Drops channels nobody listens to any more (finished streams).
    pub fn prune_idle_wakers(&self) {
        self.feeds().retain(|_, f| f.waker.receiver_count() > 0);
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

#[cfg(test)]
mod tests {
    //! The hub against the real memory store. Another instance's events are
    //! appended to the store directly, as that instance would, and announced
    //! with [`Hub::wake`], as its `NOTIFY` would be.

    use tailor_common::{DoneStatus, DraftTextPayload, JobStatus};
    use tokio::time::timeout;

    use super::*;
    use crate::store::{
        tests::{done, inputs, status},
        MemoryStore,
    };

    const PATIENCE: Duration = Duration::from_secs(5);

    fn hub_with(limits: WindowLimits) -> Arc<Hub> {
        Arc::new(Hub::with_window(
            Arc::new(MemoryStore::new()),
            Duration::from_secs(15),
            CancellationToken::new(),
            Arc::new(Metrics::default()),
            limits,
        ))
    }

    fn hub() -> Arc<Hub> {
        hub_with(WindowLimits::default())
    }

    async fn new_job(hub: &Hub) -> Uuid {
        let id = Uuid::new_v4();
        hub.store().create(id, inputs(), now_ms()).await.unwrap();
        id
    }

    /// A job watched by one reader whose window knows where the log stands:
    /// its first event was published here and the reader was woken by it.
    async fn watched_job(hub: &Hub) -> (Uuid, Subscription) {
        let job = new_job(hub).await;
        let mut sub = hub.join(job);
        hub.publish(job, status(JobStatus::Started)).await.unwrap();
        woken(&mut sub.wake).await;
        (job, sub)
    }

    /// A hub whose heartbeat ticks every 20 ms.
    fn beating_hub() -> Arc<Hub> {
        Arc::new(Hub::new(
            Arc::new(MemoryStore::new()),
            Duration::from_millis(20),
            CancellationToken::new(),
            Arc::new(Metrics::default()),
        ))
    }

    /// Waits until no fill task is reading the store for `frames`' job.
    async fn fill_ended(frames: &Frames) {
        timeout(PATIENCE, async {
            while frames.filling.load(Ordering::SeqCst) {
                tokio::task::yield_now().await;
            }
        })
        .await
        .expect("the fill ends");
    }

    /// What another instance writes: in the log, not in this hub's window.
    async fn append_elsewhere(hub: &Hub, job: Uuid, count: usize) -> u64 {
        let mut last = 0;
        for _ in 0..count {
            last = hub
                .store()
                .append(job, status(JobStatus::Running), now_ms())
                .await
                .unwrap()
                .seq;
        }
        last
    }

    fn counter(hub: &Hub, name: &str) -> u64 {
        let text = hub.metrics().render();
        text.lines()
            .find_map(|line| line.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
            .unwrap_or_else(|| panic!("no {name} in\n{text}"))
    }

    fn seqs(frames: &Frames, after: u64) -> Vec<u64> {
        let mut cursor = after;
        let mut out = Vec::new();
        while let Lookup::Hit(frame) = frames.lookup(cursor) {
            out.push(frame.seq);
            cursor = frame.seq;
        }
        out
    }

    async fn woken(wake: &mut watch::Receiver<u64>) {
        timeout(PATIENCE, wake.changed())
            .await
            .expect("readers are woken")
            .expect("the channel is open");
    }

    #[tokio::test]
    async fn a_published_event_is_encoded_into_the_window_and_wakes_readers() {
        let hub = hub();
        let job = new_job(&hub).await;
        let mut sub = hub.join(job);
        let event = hub.publish(job, status(JobStatus::Started)).await.unwrap();
        assert_eq!(event.seq, 1);
        woken(&mut sub.wake).await;
        assert_eq!(*sub.wake.borrow(), 1, "the waker holds the latest seq");
        assert_eq!(sub.frames.last_seq(), Some(1));
        let Lookup::Hit(frame) = sub.frames.lookup(0) else {
            panic!("the event is in the window");
        };
        assert_eq!(frame.bytes, crate::sse::event(&event));
        assert!(matches!(sub.frames.lookup(1), Lookup::CaughtUp));
        let (count, bytes) = hub.window_size(job).unwrap();
        assert_eq!((count, bytes), (1, frame.bytes.len()));
        assert_eq!(counter(&hub, "tailor_events_published_total"), 1);
        assert_eq!(counter(&hub, "tailor_window_fills_total"), 0);
    }

    #[tokio::test]
    async fn publishing_for_a_job_nobody_watches_keeps_no_window() {
        let hub = hub();
        let job = new_job(&hub).await;
        hub.publish(job, status(JobStatus::Started)).await.unwrap();
        assert_eq!(hub.window_size(job), None);
        let mut wake = hub.subscribe(job);
        assert_eq!(hub.window_size(job), Some((0, 0)));
        hub.publish(job, status(JobStatus::Running)).await.unwrap();
        woken(&mut wake).await;
        assert_eq!(*wake.borrow(), 2);
    }

    #[tokio::test]
    async fn another_instances_event_is_read_once_for_all_readers() {
        let hub = hub();
        let job = new_job(&hub).await;
        let mut first = hub.join(job);
        let mut second = hub.join(job);
        let last = append_elsewhere(&hub, job, 3).await;

        hub.wake(job, last);
        woken(&mut first.wake).await;
        woken(&mut second.wake).await;
        // A window that did not know where the log stood starts at the
        // announced event; readers before it read the store.
        assert_eq!(seqs(&first.frames, 2), vec![3]);
        assert!(matches!(first.frames.lookup(0), Lookup::Behind));
        assert_eq!(counter(&hub, "tailor_window_fills_total"), 1);

        let last = append_elsewhere(&hub, job, 2).await;
        hub.wake(job, last);
        woken(&mut first.wake).await;
        assert_eq!(seqs(&second.frames, 2), vec![3, 4, 5]);
        assert_eq!(counter(&hub, "tailor_window_fills_total"), 2);

        // Announcing what the window already holds reads nothing.
        hub.wake(job, last);
        hub.wake(job, last - 1);
        assert!(!first.frames.filling.load(Ordering::SeqCst));
        assert_eq!(counter(&hub, "tailor_window_fills_total"), 2);
    }

    #[tokio::test]
    async fn a_long_run_of_another_instances_events_is_read_page_by_page() {
        let hub = hub_with(WindowLimits {
            frames: 2 * PAGE + 100,
            bytes: 16 << 20,
        });
        let (job, mut sub) = watched_job(&hub).await;
        let last = append_elsewhere(&hub, job, 2 * PAGE + 10).await;

        hub.wake(job, last);
        woken(&mut sub.wake).await;
        assert_eq!(sub.frames.last_seq(), Some(last));
        assert_eq!(seqs(&sub.frames, 0), (1..=last).collect::<Vec<_>>());
        assert_eq!(hub.window_size(job).unwrap().0, last as usize);
        assert_eq!(
            counter(&hub, "tailor_window_fills_total"),
            3,
            "two full pages and a part"
        );
    }

    #[tokio::test]
    async fn a_fill_looks_again_when_a_later_event_was_announced_during_its_read() {
        let hub = hub();
        let (job, mut sub) = watched_job(&hub).await;
        let last = append_elsewhere(&hub, job, 2).await;
        // As if seq 5's notice came while the fill read 2 and 3: the fill
        // that is running reads again rather than leave 4 and 5 unread.
        hub.wake(job, last + 2);
        woken(&mut sub.wake).await;
        fill_ended(&sub.frames).await;
        assert_eq!(seqs(&sub.frames, 0), vec![1, 2, 3]);
        assert_eq!(
            counter(&hub, "tailor_window_fills_total"),
            2,
            "read, then looked again"
        );
    }

    #[tokio::test]
    async fn a_wake_for_a_job_nobody_watches_reads_nothing() {
        let hub = hub();
        let job = new_job(&hub).await;
        let last = append_elsewhere(&hub, job, 2).await;
        hub.wake(job, last);
        hub.wake_all();
        tokio::task::yield_now().await;
        assert_eq!(hub.window_size(job), None);
        assert_eq!(counter(&hub, "tailor_window_fills_total"), 0);
    }

    #[tokio::test]
    async fn a_refresh_reads_every_watched_jobs_new_events() {
        let hub = hub();
        let (a, mut sub_a) = watched_job(&hub).await;
        let (b, mut sub_b) = watched_job(&hub).await;
        // Their NOTIFYs were lost: only the periodic refresh finds them.
        append_elsewhere(&hub, a, 2).await;
        append_elsewhere(&hub, b, 1).await;
        hub.wake_all();
        woken(&mut sub_a.wake).await;
        woken(&mut sub_b.wake).await;
        assert_eq!(seqs(&sub_a.frames, 0), vec![1, 2, 3]);
        assert_eq!(seqs(&sub_b.frames, 0), vec![1, 2]);
    }

    #[tokio::test]
    async fn a_refresh_of_a_window_that_knows_nothing_only_wakes_its_readers() {
        let hub = hub();
        let job = new_job(&hub).await;
        let mut sub = hub.join(job);
        append_elsewhere(&hub, job, 2).await;
        hub.wake_all();
        woken(&mut sub.wake).await;
        assert_eq!(hub.window_size(job), Some((0, 0)), "readers read the store");
        assert_eq!(counter(&hub, "tailor_window_fills_total"), 0);
        assert!(!sub.frames.filling.load(Ordering::SeqCst));
    }

    #[tokio::test]
    async fn forgetting_a_job_ends_its_readers_and_no_other() {
        let hub = hub();
        let (gone, kept) = (new_job(&hub).await, new_job(&hub).await);
        let mut gone_sub = hub.join(gone);
        let kept_sub = hub.join(kept);
        hub.forget(&[gone]);
        let closed = timeout(PATIENCE, gone_sub.wake.changed()).await.unwrap();
        assert!(closed.is_err(), "the reader's channel closed");
        assert_eq!(hub.window_size(gone), None);
        assert!(
            kept_sub.wake.has_changed().is_ok(),
            "the other job's channel is open"
        );
        assert!(hub.window_size(kept).is_some());
    }

    #[tokio::test]
    async fn only_jobs_nobody_listens_to_lose_their_channels() {
        let hub = hub();
        let (watched, left) = (new_job(&hub).await, new_job(&hub).await);
        let _watching = hub.join(watched);
        drop(hub.join(left));
        hub.prune_idle_wakers();
        assert!(hub.window_size(watched).is_some());
        assert_eq!(hub.window_size(left), None);
    }

    #[tokio::test]
    async fn a_line_in_flight_reaches_watchers_until_cleared() {
        let hub = hub();
        let job = new_job(&hub).await;
        let draft = DraftTextPayload {
            patch_id: "p1".into(),
            section: "Experience".into(),
            original: "Wrote code".into(),
            text: "Wrote Rust".into(),
        };
        let unwatched = new_job(&hub).await;
        hub.show_draft(unwatched, draft.clone());
        assert_eq!(hub.window_size(unwatched), None, "no feed for nobody");

        let mut sub = hub.join(job);
        hub.show_draft(job, draft.clone());
        timeout(PATIENCE, sub.drafts.changed())
            .await
            .unwrap()
            .unwrap();
        let shown = sub.drafts.borrow_and_update().clone().expect("a draft");
        assert_eq!(shown.job_id, job);
        assert_eq!(shown.body, EventBody::DraftText(draft));
        assert_eq!(
            hub.window_size(job),
            Some((0, 0)),
            "drafts are not stored frames"
        );

        hub.clear_draft(job);
        timeout(PATIENCE, sub.drafts.changed())
            .await
            .unwrap()
            .unwrap();
        assert!(sub.drafts.borrow().is_none());
    }

    #[tokio::test]
    async fn the_sweeper_removes_finished_jobs_past_their_time_and_ends_their_streams() {
        let hub = hub();
        let (finished, running) = (new_job(&hub).await, new_job(&hub).await);
        let mut finished_sub = hub.join(finished);
        let running_sub = hub.join(running);
        // Finished two minutes ago, kept for one.
        let ttl = Duration::from_secs(60);
        hub.store()
            .append(finished, done(DoneStatus::Completed), now_ms() - 120_000)
            .await
            .unwrap();
        hub.publish(running, status(JobStatus::Running))
            .await
            .unwrap();

        let sweeper = tokio::spawn(hub.clone().run_sweeper(ttl, Duration::ZERO));
        let closed = timeout(PATIENCE, async {
            loop {
                if finished_sub.wake.changed().await.is_err() {
                    return;
                }
            }
        })
        .await;
        assert!(closed.is_ok(), "the finished job's stream ended");
        assert!(hub.store().snapshot(finished).await.unwrap().is_none());
        assert!(hub.store().snapshot(running).await.unwrap().is_some());
        assert!(
            hub.window_size(running).is_some(),
            "a watched job keeps its feed"
        );
        drop(running_sub);

        hub.shutdown().cancel();
        timeout(PATIENCE, sweeper)
            .await
            .expect("the sweeper stops at shutdown")
            .unwrap();
    }

    #[tokio::test]
    async fn the_heartbeat_ticks_at_its_interval_and_stops_at_shutdown() {
        let hub = beating_hub();
        assert_eq!(hub.heartbeat(), Duration::from_millis(20));
        let mut beat = hub.beat();
        let mut same = hub.beat();
        // It keeps ticking while the hub lives, not once.
        while *beat.borrow_and_update() < 3 {
            timeout(PATIENCE, beat.changed()).await.unwrap().unwrap();
        }
        timeout(PATIENCE, same.changed()).await.unwrap().unwrap();
        assert!(*same.borrow() >= 3, "one timer for every stream");

        hub.shutdown().cancel();
        let ended = timeout(PATIENCE, async { while beat.changed().await.is_ok() {} }).await;
        assert!(ended.is_ok(), "the timer's task ends at shutdown");
    }

    #[tokio::test]
    async fn the_heartbeat_ends_with_its_hub() {
        let hub = beating_hub();
        let mut beat = hub.beat();
        drop(hub);
        let ended = timeout(PATIENCE, async { while beat.changed().await.is_ok() {} }).await;
        assert!(ended.is_ok(), "no timer outlives the hub");
    }
}
