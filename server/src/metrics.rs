//! Prometheus metrics at `/metrics`: counters kept in atomics and rendered
//! in the text exposition format, no registry crate needed for a handful.

use crate::engine::ReaderFailure;
use std::sync::{
    atomic::{AtomicU64, Ordering::Relaxed},
    Arc,
};

#[derive(Default)]
pub struct Metrics {
    jobs_started: AtomicU64,
    jobs_finished: AtomicU64,
    jobs_running: AtomicU64,
    jobs_taken_over: AtomicU64,
    jobs_handed_over: AtomicU64,
    events_published: AtomicU64,
    streams_opened: AtomicU64,
    streams_resumed: AtomicU64,
    streams_active: AtomicU64,
    frames_from_window: AtomicU64,
    frames_from_store: AtomicU64,
    stream_store_reads: AtomicU64,
    window_fills: AtomicU64,
    delivery: Histogram,
    /// Parse workers stopped, by cause (`ReaderFailure::ALL` order).
    readers_killed: [AtomicU64; ReaderFailure::ALL.len()],
    llm: LlmCounters,
}

/// How a job's request to the model provider ended: `ok`, or an
/// `LlmError` code.
pub const LLM_OUTCOMES: [&str; 10] = [
    "ok",
    "unreachable",
    "unauthorized",
    "rate_limited",
    "server_error",
    "refused",
    "stalled",
    "bad_stream",
    "time_up",
    "token_cap",
];

#[derive(Default)]
struct LlmCounters {
    requests: [AtomicU64; LLM_OUTCOMES.len()],
    tokens_in: AtomicU64,
    tokens_out: AtomicU64,
    first_token_ms: AtomicU64,
    generation_ms: AtomicU64,
    applied: AtomicU64,
    /// By gate (`engine::rewrite::Rejection::CODES` order).
    rejected: [AtomicU64; crate::engine::rewrite::Rejection::CODES.len()],
}

/// Publish-to-deliver latency of live events, in seconds.
const DELIVERY_BUCKETS: [f64; 10] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0];

/// A fixed-bucket histogram in atomics (counts per upper bound, plus sum and
/// count), rendered as Prometheus' cumulative buckets.
#[derive(Default)]
struct Histogram {
    buckets: [AtomicU64; DELIVERY_BUCKETS.len()],
    count: AtomicU64,
    sum_micros: AtomicU64,
}

impl Histogram {
    fn observe(&self, seconds: f64) {
        let seconds = seconds.max(0.0);
        if let Some(i) = DELIVERY_BUCKETS.iter().position(|b| seconds <= *b) {
            self.buckets[i].fetch_add(1, Relaxed);
        }
        self.count.fetch_add(1, Relaxed);
        self.sum_micros.fetch_add((seconds * 1e6) as u64, Relaxed);
    }

    fn render(&self, name: &str, help: &str, out: &mut String) {
        out.push_str(&format!("# HELP {name} {help}\n# TYPE {name} histogram\n"));
        let mut cumulative = 0;
        for (bound, n) in DELIVERY_BUCKETS.iter().zip(&self.buckets) {
            cumulative += n.load(Relaxed);
            out.push_str(&format!("{name}_bucket{{le=\"{bound}\"}} {cumulative}\n"));
        }
        let count = self.count.load(Relaxed);
        out.push_str(&format!("{name}_bucket{{le=\"+Inf\"}} {count}\n"));
        out.push_str(&format!(
            "{name}_sum {}\n",
            self.sum_micros.load(Relaxed) as f64 / 1e6
        ));
        out.push_str(&format!("{name}_count {count}\n"));
    }
}

/// Counts one open stream for as long as it lives.
pub struct StreamGuard(Arc<Metrics>);

impl Drop for StreamGuard {
    fn drop(&mut self) {
        self.0.streams_active.fetch_sub(1, Relaxed);
    }
}

impl Metrics {
    /// Counts a stream for as long as it lives; `resumed` when the client
    /// came back with a cursor (a reconnect or a reload).
    pub fn stream_guard(self: &Arc<Self>, resumed: bool) -> StreamGuard {
        self.streams_opened.fetch_add(1, Relaxed);
        if resumed {
            self.streams_resumed.fetch_add(1, Relaxed);
        }
        self.streams_active.fetch_add(1, Relaxed);
        StreamGuard(self.clone())
    }

    pub fn job_started(&self) {
        self.jobs_started.fetch_add(1, Relaxed);
        self.jobs_running.fetch_add(1, Relaxed);
    }

    pub fn job_finished(&self) {
        self.jobs_finished.fetch_add(1, Relaxed);
        self.jobs_running.fetch_sub(1, Relaxed);
    }

    /// This instance took over a job whose instance died (shared store).
    pub fn job_taken_over(&self) {
        self.jobs_taken_over.fetch_add(1, Relaxed);
    }

    /// This instance stopped running a job another one took over: it
    /// runs no more here, and its ending is the other instance's to write.
    pub fn job_handed_over(&self) {
        self.jobs_handed_over.fetch_add(1, Relaxed);
        self.jobs_running.fetch_sub(1, Relaxed);
    }

    /// A live event reached a stream `seconds` after it was published.
    pub fn delivered(&self, seconds: f64) {
        self.delivery.observe(seconds);
    }

    /// A parse worker was stopped or died reading a file.
    pub fn parse_worker_killed(&self, cause: ReaderFailure) {
        if let Some(i) = ReaderFailure::ALL.iter().position(|c| *c == cause) {
            self.readers_killed[i].fetch_add(1, Relaxed);
        }
    }

    /// One job's request to the model ended (`outcome`: see [`LLM_OUTCOMES`]).
    pub fn llm_finished(
        &self,
        outcome: &str,
        tokens_in: u64,
        tokens_out: u64,
        first_token_ms: u64,
        generation_ms: u64,
    ) {
        let l = &self.llm;
        if let Some(i) = LLM_OUTCOMES.iter().position(|o| *o == outcome) {
            l.requests[i].fetch_add(1, Relaxed);
        }
        l.tokens_in.fetch_add(tokens_in, Relaxed);
        l.tokens_out.fetch_add(tokens_out, Relaxed);
        l.first_token_ms.fetch_add(first_token_ms, Relaxed);
        l.generation_ms.fetch_add(generation_ms, Relaxed);
    }

    /// One proposal decided: `None` applied, else the gate's code.
    pub fn llm_proposal(&self, rejected_by: Option<&str>) {
        match rejected_by {
            None => {
                self.llm.applied.fetch_add(1, Relaxed);
            }
            Some(code) => {
                let codes = crate::engine::rewrite::Rejection::CODES;
                if let Some(i) = codes.iter().position(|c| *c == code) {
                    self.llm.rejected[i].fetch_add(1, Relaxed);
                }
            }
        }
    }

    fn render_llm(&self, out: &mut String) {
        let l = &self.llm;
        out.push_str("# HELP tailor_llm_requests_total Jobs' requests to the model provider, by how they ended.\n# TYPE tailor_llm_requests_total counter\n");
        for (outcome, n) in LLM_OUTCOMES.iter().zip(&l.requests) {
            out.push_str(&format!(
                "tailor_llm_requests_total{{outcome=\"{outcome}\"}} {}\n",
                n.load(Relaxed)
            ));
        }
        for (name, help, value) in [
            (
                "tailor_llm_tokens_in_total",
                "Prompt tokens sent to the model.",
                &l.tokens_in,
            ),
            (
                "tailor_llm_tokens_out_total",
                "Tokens the model wrote.",
                &l.tokens_out,
            ),
            (
                "tailor_llm_first_token_milliseconds_total",
                "Time to the first token, summed over requests.",
                &l.first_token_ms,
            ),
            (
                "tailor_llm_generation_milliseconds_total",
                "Generation time (first to last token), summed over requests.",
                &l.generation_ms,
            ),
        ] {
            out.push_str(&format!(
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {}\n",
                value.load(Relaxed)
            ));
        }
        out.push_str("# HELP tailor_llm_proposals_total Rewrites the model proposed, by verdict (applied, or the gate that rejected it).\n# TYPE tailor_llm_proposals_total counter\n");
        out.push_str(&format!(
            "tailor_llm_proposals_total{{verdict=\"applied\"}} {}\n",
            l.applied.load(Relaxed)
        ));
        let codes = crate::engine::rewrite::Rejection::CODES;
        for (code, n) in codes.iter().zip(&l.rejected) {
            out.push_str(&format!(
                "tailor_llm_proposals_total{{verdict=\"{code}\"}} {}\n",
                n.load(Relaxed)
            ));
        }
    }

    /// What one stream sent, counted when it ends (not per frame: a
    /// shared counter touched by every connection for every event would be
    /// a cost of its own): frames taken from the job's window, frames read
    /// and encoded from the store, and the store reads that took them.
    pub fn stream_served(&self, from_window: u64, from_store: u64, store_reads: u64) {
        self.frames_from_window.fetch_add(from_window, Relaxed);
        self.frames_from_store.fetch_add(from_store, Relaxed);
        self.stream_store_reads.fetch_add(store_reads, Relaxed);
    }

    /// A store read that brought another instance's events into a window.
    pub fn window_filled(&self) {
        self.window_fills.fetch_add(1, Relaxed);
    }

    pub fn event_published(&self) {
        self.events_published.fetch_add(1, Relaxed);
    }

    pub fn render(&self) -> String {
        let rows = [
            (
                "tailor_jobs_started_total",
                "counter",
                "Jobs started.",
                &self.jobs_started,
            ),
            (
                "tailor_jobs_finished_total",
                "counter",
                "Jobs that sent done.",
                &self.jobs_finished,
            ),
            (
                "tailor_jobs_running",
                "gauge",
                "Jobs running now.",
                &self.jobs_running,
            ),
            (
                "tailor_jobs_taken_over_total",
                "counter",
                "Jobs this instance took over after their instance stopped renewing its lease.",
                &self.jobs_taken_over,
            ),
            (
                "tailor_jobs_handed_over_total",
                "counter",
                "Jobs this instance stopped running because another instance took them over.",
                &self.jobs_handed_over,
            ),
            (
                "tailor_events_published_total",
                "counter",
                "Events appended to job logs.",
                &self.events_published,
            ),
            (
                "tailor_streams_opened_total",
                "counter",
                "SSE connections opened (reconnects included).",
                &self.streams_opened,
            ),
            (
                "tailor_streams_resumed_total",
                "counter",
                "SSE connections that resumed from a cursor (reconnects, reloads).",
                &self.streams_resumed,
            ),
            (
                "tailor_streams_active",
                "gauge",
                "SSE connections open now.",
                &self.streams_active,
            ),
            (
                "tailor_stream_frames_from_window_total",
                "counter",
                "Events sent by ended streams from the job's shared window of encoded frames.",
                &self.frames_from_window,
            ),
            (
                "tailor_stream_frames_from_store_total",
                "counter",
                "Events sent by ended streams that read and encoded them from the store (behind the window).",
                &self.frames_from_store,
            ),
            (
                "tailor_stream_store_reads_total",
                "counter",
                "Store reads made by ended streams.",
                &self.stream_store_reads,
            ),
            (
                "tailor_window_fills_total",
                "counter",
                "Store reads that brought events another instance wrote into a window (once per instance).",
                &self.window_fills,
            ),
        ];
        let mut out = String::new();
        for (name, kind, help, value) in rows {
            out.push_str(&format!(
                "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {}\n",
                value.load(Relaxed)
            ));
        }
        out.push_str(
            "# HELP tailor_parse_workers_killed_total Resume readers stopped or dead, by cause.\n# TYPE tailor_parse_workers_killed_total counter\n",
        );
        for (cause, n) in ReaderFailure::ALL.iter().zip(&self.readers_killed) {
            out.push_str(&format!(
                "tailor_parse_workers_killed_total{{cause=\"{}\"}} {}\n",
                cause.as_str(),
                n.load(Relaxed)
            ));
        }
        self.delivery.render(
            "tailor_event_delivery_seconds",
            "Time from an event's publication to its write on a live stream.",
            &mut out,
        );
        self.render_llm(&mut out);
        out
    }
}
