//! Prometheus metrics at `/metrics`: counters kept in atomics and rendered
//! in the text exposition format, no registry crate needed for a handful.

use std::sync::{
    atomic::{AtomicU64, Ordering::Relaxed},
    Arc,
};

#[derive(Default)]
pub struct Metrics {
    jobs_started: AtomicU64,
    jobs_finished: AtomicU64,
    jobs_running: AtomicU64,
    events_published: AtomicU64,
    streams_opened: AtomicU64,
    streams_active: AtomicU64,
}

/// Counts one open stream for as long as it lives.
pub struct StreamGuard(Arc<Metrics>);

impl Drop for StreamGuard {
    fn drop(&mut self) {
        self.0.streams_active.fetch_sub(1, Relaxed);
    }
}

impl Metrics {
    pub fn stream_guard(self: &Arc<Self>) -> StreamGuard {
        self.streams_opened.fetch_add(1, Relaxed);
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
                "tailor_streams_active",
                "gauge",
                "SSE connections open now.",
                &self.streams_active,
            ),
        ];
        let mut out = String::new();
        for (name, kind, help, value) in rows {
            out.push_str(&format!(
                "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {}\n",
                value.load(Relaxed)
            ));
        }
        out
    }
}
