//! `GET /api/jobs/{id}/stream`: a job's events as Server-Sent Events.
//!
//! Framing (ARCHITECTURE.md): `id:` = seq, `event:` = type, `data:` = the JSON
//! envelope. A heartbeat has `event: heartbeat` and a `data:` line but no
//! `id:`, so it never moves the browser's cursor. `retry:` goes once, first.
//! The response ends after `done`; the client must close its EventSource
//! then, or the browser would reconnect. A cursor past the end of a running
//! job's log is refused with 400 `cursor_ahead` (a finished job's answers
//! 204, as for any cursor at its end).

use std::{collections::VecDeque, convert::Infallible, sync::Arc, time::Duration};

use axum::{
    body::Body,
    extract::{Path, Query, State},
    http::{
        header::{self, HeaderName},
        HeaderMap, HeaderValue, StatusCode,
    },
    response::{IntoResponse, Response},
};
use bytes::Bytes;
use serde::Deserialize;
use tailor_common::Envelope;
use tokio::sync::watch;
use uuid::Uuid;

use super::{job_state, parse_job_id};
use crate::{
    access::{authorize, Need, Viewer},
    error::ApiError,
    feed::{Frame, Lookup},
    hub::{now_ms, Frames, Hub, Subscription, PAGE},
    sse,
    state::AppState,
};

/// The reconnection delay the browser is told to use.
const RETRY: Duration = Duration::from_millis(1500);

#[derive(Debug, Deserialize)]
pub struct StreamQuery {
    last_event_id: Option<String>,
}

pub async fn stream_job(
    State(app): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Query(query): Query<StreamQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let job_id = parse_job_id(&id)?;
    authorize(&app, &viewer, job_id, Need::Read).await?;
    let cursor = cursor(&headers, query.last_event_id.as_deref())?;
    let hub = app.hub.clone();
    // Subscribe before the first read, so nothing appended after it is missed.
    let subscription = hub.join(job_id);
    let snapshot = job_state(&app, job_id).await?;
    if snapshot.is_done() && cursor >= snapshot.last_seq {
        // The job is over and the client has all of it: 204 stops EventSource.
        return Ok(StatusCode::NO_CONTENT.into_response());
    }
    if cursor > snapshot.last_seq {
        // No client can have seen an event the log does not hold (each is
        // stored before it is sent): waiting for the log to reach it could
        // wait forever, so say so now.
        return Err(ApiError::bad_request(
            "cursor_ahead",
            format!(
                "Last-Event-ID {cursor} is past the end of this job's log (seq {}); reconnect without it, or with the last seq you received.",
                snapshot.last_seq
            ),
        ));
    }
    let mut response = events(
        hub,
        job_id,
        cursor,
        subscription,
        app.metrics.stream_guard(cursor > 0),
    );
    response.headers_mut().insert(
        HeaderName::from_static("x-accel-buffering"),
        HeaderValue::from_static("no"),
    );
    Ok(response)
}

/// The cursor: `Last-Event-ID` (what a reconnecting browser sends) wins over
/// `?last_event_id=` (what a page sets on its first connection), else 0.
fn cursor(headers: &HeaderMap, query: Option<&str>) -> Result<u64, ApiError> {
    let raw = match headers.get("last-event-id") {
        Some(value) => Some(value.to_str().map_err(|_| bad_cursor())?),
        None => query,
    };
    match raw.map(str::trim) {
        None | Some("") => Ok(0),
        Some(s) => s.parse().map_err(|_| bad_cursor()),
    }
}

fn bad_cursor() -> ApiError {
    ApiError::bad_request(
        "invalid_last_event_id",
        "Last-Event-ID must be the seq of an event of this job (a whole number).",
    )
}

struct Reader {
    hub: Arc<Hub>,
    job_id: Uuid,
    cursor: u64,
    wake: watch::Receiver<u64>,
    frames: Arc<Frames>,
    beat: watch::Receiver<u64>,
    /// Lines in flight (never stored); `None` once the hub dropped them.
    drafts: Option<watch::Receiver<Option<Envelope>>>,
    /// Frames read from the store while behind the window: at most a page.
    page: VecDeque<Frame>,
    sent_retry: bool,
    finished: bool,
    /// Whether the reader has caught up with the log; only then does an
    /// event's age measure delivery latency rather than replay.
    live: bool,
    /// Nothing was sent since the last beat: the next one sends a heartbeat.
    idle: bool,
    /// Counted here and added to the metrics when the stream ends.
    from_window: u64,
    from_store: u64,
    store_reads: u64,
    _guard: crate::metrics::StreamGuard,
}

impl Drop for Reader {
    fn drop(&mut self) {
        self.hub
            .metrics()
            .stream_served(self.from_window, self.from_store, self.store_reads);
    }
}

/// The response: SSE frames as they are, mostly shared `Bytes` from the
/// job's window, so hyper writes the same buffer to every connection.
fn events(
    hub: Arc<Hub>,
    job_id: Uuid,
    cursor: u64,
    subscription: Subscription,
    guard: crate::metrics::StreamGuard,
) -> Response {
    let Subscription {
        mut wake,
        frames,
        mut drafts,
    } = subscription;
    wake.borrow_and_update();
    // The line in flight now, if any, is sent once the reader has caught
    // up with the log (the reducer drops it if its verdict came first).
    drafts.mark_changed();
    let mut beat = hub.beat();
    beat.borrow_and_update();
    let reader = Reader {
        hub,
        job_id,
        cursor,
        wake,
        frames,
        beat,
        drafts: Some(drafts),
        page: VecDeque::new(),
        sent_retry: false,
        finished: false,
        live: false,
        idle: false,
        from_window: 0,
        from_store: 0,
        store_reads: 0,
        _guard: guard,
    };
    let body = Body::from_stream(futures::stream::unfold(reader, |mut r| async move {
        let frame = r.next_frame().await?;
        Some((Ok::<_, Infallible>(frame), r))
    }));
    let mut response = Response::new(body);
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/event-stream"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

/// How long ago an event stamped `ts` (ms since the epoch) was, at `now`.
fn age_seconds(now: i64, ts: i64) -> f64 {
    (now - ts) as f64 / 1000.0
}

impl Reader {
    /// The next frame to send, or `None` to end the response.
    async fn next_frame(&mut self) -> Option<Bytes> {
        if !self.sent_retry {
            self.sent_retry = true;
            return Some(sse::retry(RETRY));
        }
        loop {
            if self.finished {
                return None;
            }
            if let Some(frame) = self.next_event().await? {
                if self.live {
                    self.hub
                        .metrics()
                        .delivered(age_seconds(now_ms(), frame.ts));
                }
                self.cursor = frame.seq;
                self.finished = frame.done;
                self.idle = false;
                return Some(frame.bytes);
            }
            // Caught up: what arrives from now on is live.
            self.live = true;
            tokio::select! {
                biased;
                _ = self.hub.shutdown().cancelled() => return None,
                changed = self.wake.changed() => {
                    if changed.is_err() {
                        return None; // the job was forgotten
                    }
                }
                changed = self.beat.changed() => {
                    if changed.is_err() {
                        return None; // the instance is going away
                    }
                    if self.idle {
                        let hb = Envelope::heartbeat(self.job_id, now_ms(), self.cursor);
                        return Some(sse::event(&hb));
                    }
                    self.idle = true;
                }
                draft = next_draft(&mut self.drafts) => {
                    // Sent only here, caught up with the log; a draft of a
                    // line decided meanwhile is dropped by the reducer.
                    self.idle = false;
                    return Some(sse::event(&draft));
                }
            }
        }
    }

    /// The event after the cursor: from the window when it holds it, else
    /// from the store (a page at a time, encoded here). `Some(None)` when
    /// the reader has all there is; `None` when the stream must end.
    async fn next_event(&mut self) -> Option<Option<Frame>> {
        if let Some(frame) = self.page.pop_front() {
            self.from_store += 1;
            return Some(Some(frame));
        }
        match self.frames.lookup(self.cursor) {
            Lookup::Hit(frame) => {
                self.from_window += 1;
                return Some(Some(frame));
            }
            Lookup::CaughtUp => return Some(None),
            Lookup::Behind => {}
        }
        self.store_reads += 1;
        match self
            .hub
            .store()
            .read_after(self.job_id, self.cursor, PAGE)
            .await
        {
            Ok(page) => {
                self.page.extend(page.iter().map(Frame::of));
                let first = self.page.pop_front();
                self.from_store += u64::from(first.is_some());
                Some(first)
            }
            Err(e) => {
                // The job was removed under us (or the store failed): end
                // the response; the client's reconnect gets a clear answer
                // from the handler.
                tracing::debug!(job = %self.job_id, error = %e, "stream ends: read failed");
                None
            }
        }
    }
}

/// The next line in flight to show; pends while there is none (a cleared
/// slot wakes nothing here, so a reader with nothing to send does not go
/// back to its window or the store), and forever once the hub dropped the
/// job's drafts.
async fn next_draft(drafts: &mut Option<watch::Receiver<Option<Envelope>>>) -> Envelope {
    loop {
        let Some(rx) = drafts else {
            return std::future::pending().await;
        };
        if rx.changed().await.is_err() {
            *drafts = None;
            continue;
        }
        if let Some(draft) = rx.borrow_and_update().clone() {
            return draft;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_events_age_is_now_less_its_stamp_in_seconds() {
        assert_eq!(age_seconds(1_700_000_010_500, 1_700_000_010_000), 0.5);
        assert_eq!(age_seconds(1_700_000_000_000, 1_700_000_000_000), 0.0);
    }

    #[test]
    fn header_cursor_wins_over_query() {
        let mut headers = HeaderMap::new();
        assert_eq!(cursor(&headers, None).unwrap(), 0);
        assert_eq!(cursor(&headers, Some("4")).unwrap(), 4);
        headers.insert("last-event-id", HeaderValue::from_static("9"));
        assert_eq!(cursor(&headers, Some("4")).unwrap(), 9);
        headers.insert("last-event-id", HeaderValue::from_static("x"));
        assert!(cursor(&headers, None).is_err());
        assert!(cursor(&HeaderMap::new(), Some("-1")).is_err());
    }
}
