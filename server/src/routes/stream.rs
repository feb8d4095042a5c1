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
    extract::{Path, Query, State},
    http::{header::HeaderName, HeaderMap, HeaderValue, StatusCode},
    response::{
        sse::{Event, Sse},
        IntoResponse, Response,
    },
};
use futures::Stream;
use serde::Deserialize;
use tailor_common::Envelope;
use tokio::{sync::watch, time::Instant};
use uuid::Uuid;

use super::{job_state, parse_job_id};
use crate::{
    access::{authorize, Need, Viewer},
    error::ApiError,
    hub::{now_ms, Hub},
    state::AppState,
};

/// How many stored events one read takes; a reader catching up on a long
/// log does it in pages of this size, holding no more than one page.
const PAGE: usize = 256;

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
    let wake = hub.subscribe(job_id);
    let drafts = hub.subscribe_drafts(job_id);
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
        wake,
        drafts,
        app.metrics.stream_guard(cursor > 0),
    )
    .into_response();
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
    /// Lines in flight (never stored); `None` once the hub dropped them.
    drafts: Option<watch::Receiver<Option<Envelope>>>,
    page: VecDeque<Envelope>,
    sent_retry: bool,
    finished: bool,
    /// Whether the reader has caught up with the log; only then does an
    /// event's age measure delivery latency rather than replay.
    live: bool,
    next_heartbeat: Instant,
    _guard: crate::metrics::StreamGuard,
}

fn events(
    hub: Arc<Hub>,
    job_id: Uuid,
    cursor: u64,
    mut wake: watch::Receiver<u64>,
    mut drafts: watch::Receiver<Option<Envelope>>,
    guard: crate::metrics::StreamGuard,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    wake.borrow_and_update();
    // The line in flight now, if any, is sent once the reader has caught
    // up with the log (the reducer drops it if its verdict came first).
    drafts.mark_changed();
    let heartbeat = hub.heartbeat();
    let reader = Reader {
        hub,
        job_id,
        cursor,
        wake,
        drafts: Some(drafts),
        page: VecDeque::new(),
        sent_retry: false,
        finished: false,
        live: false,
        next_heartbeat: Instant::now() + heartbeat,
        _guard: guard,
    };
    Sse::new(futures::stream::unfold(reader, |mut r| async move {
        let frame = r.next_frame().await?;
        r.next_heartbeat = Instant::now() + r.hub.heartbeat();
        Some((Ok(frame), r))
    }))
}

impl Reader {
    /// The next frame to send, or `None` to end the response.
    async fn next_frame(&mut self) -> Option<Event> {
        if !self.sent_retry {
            self.sent_retry = true;
            return Some(Event::default().retry(RETRY));
        }
        loop {
            if self.finished {
                return None;
            }
            if let Some(event) = self.page.pop_front() {
                if self.live {
                    let age_ms = now_ms() - event.ts;
                    self.hub.metrics().delivered(age_ms as f64 / 1000.0);
                }
                self.cursor = event.seq;
                self.finished = event.is_done();
                return Some(frame(&event));
            }
            match self
                .hub
                .store()
                .read_after(self.job_id, self.cursor, PAGE)
                .await
            {
                Ok(page) if !page.is_empty() => {
                    self.page.extend(page);
                    continue;
                }
                Ok(_) => {}
                Err(e) => {
                    // The job was removed under us (or the store failed):
                    // end the response; the client's reconnect gets a clear
                    // answer from the handler.
                    tracing::debug!(job = %self.job_id, error = %e, "stream ends: read failed");
                    return None;
                }
            }
            // Caught up: what arrives from now on is live.
            self.live = true;
            tokio::select! {
                changed = self.wake.changed() => {
                    if changed.is_err() {
                        return None; // the job was forgotten
                    }
                }
                _ = tokio::time::sleep_until(self.next_heartbeat) => {
                    let hb = Envelope::heartbeat(self.job_id, now_ms(), self.cursor);
                    return Some(frame(&hb));
                }
                draft = next_draft(&mut self.drafts) => {
                    // Sent only here, caught up with the log; a draft of a
                    // line decided meanwhile is dropped by the reducer.
                    if let Some(draft) = draft {
                        return Some(frame(&draft));
                    }
                }
                _ = self.hub.shutdown().cancelled() => return None,
                _ = poll(self.hub.poll_interval()) => {}
            }
        }
    }
}

/// The next draft shown; pends forever once the hub dropped the job's drafts.
async fn next_draft(drafts: &mut Option<watch::Receiver<Option<Envelope>>>) -> Option<Envelope> {
    let Some(rx) = drafts else {
        return std::future::pending().await;
    };
    if rx.changed().await.is_err() {
        *drafts = None;
        return None;
    }
    rx.borrow_and_update().clone()
}

/// Sleeps for the interval, or forever when there is none.
async fn poll(interval: Option<std::time::Duration>) {
    match interval {
        Some(every) => tokio::time::sleep(every).await,
        None => std::future::pending().await,
    }
}

/// A stored event carries its seq as the SSE id; a heartbeat (seq 0) has
/// none, so it never moves the browser's cursor.
fn frame(event: &Envelope) -> Event {
    let frame = Event::default()
        .event(event.body.kind())
        .data(serde_json::to_string(event).unwrap_or_default());
    if event.seq > 0 {
        frame.id(event.seq.to_string())
    } else {
        frame
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
