//! `use_processing_job`: follows one job's event stream in the browser.
//!
//! The page is server-rendered from the job's snapshot; this hook then opens
//! an `EventSource` at `?last_event_id=<snapshot last_seq>` so the stream
//! continues exactly where the rendered state ends. Events are folded with
//! the shared reducer, so the browser's state is the server's snapshot by
//! construction. Renders are coalesced (about 8 a second) without dropping
//! any event, silence longer than 2.5 heartbeats forces a reconnect with the
//! cursor, a stream the browser gave up on is resynced from the snapshot, and
//! the stream is closed on `done` (a cleanly ended response would otherwise
//! make the browser reconnect).

use leptos::prelude::*;
use tailor_common::JobState;

use crate::api::JobView;

/// What the connection indicator shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Connection {
    Connecting,
    Connected,
    Reconnecting,
    Offline,
    /// The job is done and the stream closed on purpose.
    Finished,
}

impl Connection {
    pub fn label(self) -> &'static str {
        match self {
            Connection::Connecting => "Connecting",
            Connection::Connected => "Connected",
            Connection::Reconnecting => "Reconnecting",
            Connection::Offline => "Offline",
            // Neutral on purpose: a failed job's stream ends too, and that is
            // no good news.
            Connection::Finished => "Ended",
        }
    }

    pub fn css(self) -> &'static str {
        match self {
            Connection::Connecting | Connection::Reconnecting => "conn conn-wait",
            Connection::Connected => "conn conn-ok",
            Connection::Finished => "conn conn-done",
            Connection::Offline => "conn conn-bad",
        }
    }
}

#[derive(Clone)]
pub struct ProcessingJob {
    pub state: ReadSignal<JobState>,
    pub connection: ReadSignal<Connection>,
    set_state: WriteSignal<JobState>,
    set_connection: WriteSignal<Connection>,
    heartbeat_secs: u64,
    owner: Owner,
}

impl ProcessingJob {
    /// Follows the stream again from the current cursor: after a retry,
    /// a finished job runs again on the same log.
    pub fn follow_again(&self) {
        #[cfg(feature = "hydrate")]
        {
            let state = self.state.get_untracked();
            let (set_state, set_connection, heartbeat) =
                (self.set_state, self.set_connection, self.heartbeat_secs);
            set_connection.set(Connection::Connecting);
            self.owner
                .with(|| client::follow(state, heartbeat, set_state, set_connection));
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (
            self.set_state,
            self.set_connection,
            self.heartbeat_secs,
            &self.owner,
        );
    }
}

/// Renders of the state are batched to at most one per this many ms.
pub const RENDER_INTERVAL_MS: u64 = 125;

pub fn use_processing_job(view: JobView) -> ProcessingJob {
    let initial = if view.state.is_done() {
        Connection::Finished
    } else {
        Connection::Connecting
    };
    let (state, set_state) = signal(view.state.clone());
    let (connection, set_connection) = signal(initial);

    #[cfg(feature = "hydrate")]
    if !view.state.is_done() {
        client::follow(
            view.state.clone(),
            view.heartbeat_secs,
            set_state,
            set_connection,
        );
    }

    ProcessingJob {
        state,
        connection,
        set_state,
        set_connection,
        heartbeat_secs: view.heartbeat_secs,
        owner: Owner::current().unwrap_or_default(),
    }
}

#[cfg(feature = "hydrate")]
mod client {
    use std::{cell::RefCell, rc::Rc, time::Duration};

    use leptos::prelude::*;
    use tailor_common::{Envelope, EventBody, JobState};
    use wasm_bindgen::{closure::Closure, JsCast};
    use web_sys::{EventSource, MessageEvent};

    use super::{Connection, RENDER_INTERVAL_MS};

    type Listener = Closure<dyn FnMut(MessageEvent)>;

    struct Follower {
        stream_url: String,
        snapshot_url: String,
        source: Option<EventSource>,
        listeners: Vec<(&'static str, Listener)>,
        on_open: Option<Closure<dyn FnMut(web_sys::Event)>>,
        on_error: Option<Closure<dyn FnMut(web_sys::Event)>>,
        /// Events received but not yet rendered.
        pending: Vec<Envelope>,
        flush_scheduled: bool,
        /// The seq of the newest event received: the reconnect cursor.
        cursor: u64,
        last_frame_ms: f64,
        silence_ms: f64,
        failures: u32,
        retry_scheduled: bool,
        finished: bool,
        watchdog: Option<IntervalHandle>,
        set_state: WriteSignal<JobState>,
        set_connection: WriteSignal<Connection>,
    }

    type Shared = Rc<RefCell<Follower>>;

    fn now_ms() -> f64 {
        js_sys::Date::now()
    }

    fn online() -> bool {
        web_sys::window()
            .map(|w| w.navigator().on_line())
            .unwrap_or(true)
    }

    pub fn follow(
        state: JobState,
        heartbeat_secs: u64,
        set_state: WriteSignal<JobState>,
        set_connection: WriteSignal<Connection>,
    ) {
        let follower = Rc::new(RefCell::new(Follower {
            stream_url: tailor_common::paths::job_stream(state.job_id),
            snapshot_url: tailor_common::paths::job_snapshot(state.job_id),
            source: None,
            listeners: Vec::new(),
            on_open: None,
            on_error: None,
            pending: Vec::new(),
            flush_scheduled: false,
            cursor: state.last_seq,
            last_frame_ms: now_ms(),
            silence_ms: heartbeat_secs.max(1) as f64 * 2500.0,
            failures: 0,
            retry_scheduled: false,
            finished: false,
            watchdog: None,
            set_state,
            set_connection,
        }));
        open(&follower);

        let watched = follower.clone();
        let watchdog =
            set_interval_with_handle(move || watchdog_tick(&watched), Duration::from_secs(1)).ok();
        follower.borrow_mut().watchdog = watchdog;

        let owned = send_wrapper::SendWrapper::new(follower);
        on_cleanup(move || shut(&owned.take(), None));
    }

    /// Opens (or re-opens) the EventSource at the current cursor.
    fn open(shared: &Shared) {
        close_source(shared);
        let url = {
            let f = shared.borrow();
            format!("{}?last_event_id={}", f.stream_url, f.cursor)
        };
        let Ok(source) = EventSource::new(&url) else {
            schedule_retry(shared);
            return;
        };

        let mut listeners = Vec::new();
        for kind in EventBody::KINDS {
            let s = shared.clone();
            let listener: Listener = Closure::new(move |ev: MessageEvent| on_frame(&s, ev));
            let _ =
                source.add_event_listener_with_callback(kind, listener.as_ref().unchecked_ref());
            listeners.push((kind, listener));
        }
        let s = shared.clone();
        let on_open: Closure<dyn FnMut(web_sys::Event)> = Closure::new(move |_| {
            let mut f = s.borrow_mut();
            f.failures = 0;
            f.last_frame_ms = now_ms();
            f.set_connection.set(Connection::Connected);
        });
        source.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        let s = shared.clone();
        let on_error: Closure<dyn FnMut(web_sys::Event)> = Closure::new(move |_| on_failure(&s));
        source.set_onerror(Some(on_error.as_ref().unchecked_ref()));

        let mut f = shared.borrow_mut();
        f.source = Some(source);
        f.listeners = listeners;
        f.on_open = Some(on_open);
        f.on_error = Some(on_error);
        f.last_frame_ms = now_ms();
    }

    fn close_source(shared: &Shared) {
        let mut f = shared.borrow_mut();
        if let Some(source) = f.source.take() {
            for (kind, listener) in &f.listeners {
                let _ = source
                    .remove_event_listener_with_callback(kind, listener.as_ref().unchecked_ref());
            }
            source.set_onopen(None);
            source.set_onerror(None);
            source.close();
        }
        f.listeners.clear();
        f.on_open = None;
        f.on_error = None;
    }

    fn on_frame(shared: &Shared, ev: MessageEvent) {
        let Some(data) = ev.data().as_string() else {
            return;
        };
        let Ok(event) = serde_json::from_str::<Envelope>(&data) else {
            leptos::logging::warn!("tailor: ignored a malformed event");
            return;
        };
        let done = {
            let mut f = shared.borrow_mut();
            f.last_frame_ms = now_ms();
            f.failures = 0;
            f.set_connection.set(Connection::Connected);
            if event.seq > f.cursor {
                f.cursor = event.seq;
                let done = event.is_done();
                f.pending.push(event);
                done
            } else {
                // A draft (seq 0) moves no cursor; it is folded with the
                // rest at the next coalesced render, and only the latest
                // text of a line is kept until then.
                if matches!(event.body, EventBody::DraftText(_)) {
                    f.pending.push(event);
                }
                false
            }
        };
        if done {
            shut(shared, Some(Connection::Finished));
        } else {
            schedule_flush(shared);
        }
    }

    fn schedule_flush(shared: &Shared) {
        if std::mem::replace(&mut shared.borrow_mut().flush_scheduled, true) {
            return;
        }
        let s = shared.clone();
        set_timeout(move || flush(&s), Duration::from_millis(RENDER_INTERVAL_MS));
    }

    /// Applies every pending event in one signal update: one render.
    fn flush(shared: &Shared) {
        let (pending, set_state) = {
            let mut f = shared.borrow_mut();
            f.flush_scheduled = false;
            (std::mem::take(&mut f.pending), f.set_state)
        };
        if !pending.is_empty() {
            set_state.update(|state| {
                for event in &pending {
                    state.apply(event);
                }
            });
        }
    }

    fn on_failure(shared: &Shared) {
        let ready_state = shared.borrow().source.as_ref().map(|s| s.ready_state());
        let gave_up = ready_state == Some(EventSource::CLOSED);
        {
            let mut f = shared.borrow_mut();
            if f.finished {
                return;
            }
            f.failures += 1;
            let status = if !online() || f.failures >= 3 {
                Connection::Offline
            } else {
                Connection::Reconnecting
            };
            f.set_connection.set(status);
        }
        // While CONNECTING the browser retries by itself, sending
        // Last-Event-ID; once CLOSED it never will, so we must.
        if gave_up {
            schedule_retry(shared);
        }
    }

    fn schedule_retry(shared: &Shared) {
        let delay = {
            let mut f = shared.borrow_mut();
            if f.retry_scheduled || f.finished {
                return;
            }
            f.retry_scheduled = true;
            let exp = f.failures.min(5);
            (500u64 << exp).min(15_000)
        };
        let s = shared.clone();
        set_timeout(
            move || {
                s.borrow_mut().retry_scheduled = false;
                if !s.borrow().finished {
                    leptos::task::spawn_local(resync(s));
                }
            },
            Duration::from_millis(delay),
        );
    }

    /// The browser gave up on the stream (a non-200 answer): fetch the
    /// snapshot, take it as the state if it is ahead, and follow on from
    /// there; a job that no longer exists leaves the page offline.
    async fn resync(shared: Shared) {
        let url = shared.borrow().snapshot_url.clone();
        let fetched = match gloo_net::http::Request::get(&url).send().await {
            Ok(response) if response.ok() => response.json::<JobState>().await.ok(),
            Ok(response) if response.status() == 404 => {
                let mut f = shared.borrow_mut();
                f.finished = true;
                f.set_connection.set(Connection::Offline);
                return;
            }
            _ => None,
        };
        if let Some(snapshot) = fetched {
            flush(&shared);
            let mut f = shared.borrow_mut();
            if snapshot.last_seq >= f.cursor {
                f.cursor = snapshot.last_seq;
                let done = snapshot.is_done();
                f.set_state.set(snapshot);
                if done {
                    drop(f);
                    shut(&shared, Some(Connection::Finished));
                    return;
                }
            }
        }
        if !shared.borrow().finished {
            open(&shared);
        }
    }

    /// A connection can die without an error (a laptop sleeps, a proxy
    /// drops it silently): no frame for 2.5 heartbeats means reconnect.
    fn watchdog_tick(shared: &Shared) {
        let stale = {
            let f = shared.borrow();
            !f.finished && !f.retry_scheduled && now_ms() - f.last_frame_ms > f.silence_ms
        };
        if stale {
            {
                let mut f = shared.borrow_mut();
                f.failures += 1;
                let status = if online() {
                    Connection::Reconnecting
                } else {
                    Connection::Offline
                };
                f.set_connection.set(status);
            }
            open(shared);
        }
    }

    fn shut(shared: &Shared, status: Option<Connection>) {
        flush(shared);
        close_source(shared);
        let mut f = shared.borrow_mut();
        f.finished = true;
        if let Some(handle) = f.watchdog.take() {
            handle.clear();
        }
        if let Some(status) = status {
            f.set_connection.set(status);
        }
    }
}
