//! How steps report: the [`Reporter`] trait the server turns into events,
//! and the small builders every step uses for insights and metrics.

use tailor_common::{EventBody, Importance, InsightCategory, InsightPayload, MetricPayload, Step};

/// What a step reports while it works; the server turns each call into an event on the job's SSE stream.
pub trait Reporter {
    /// Progress within the current step, 0–100, with a short human detail ("Reading PDF, page 2 of 3").
    fn progress(&mut self, pct: f64, detail: &str);
    /// An insight_emitted / metric_update / validation_update / diff_chunk event body.
    fn emit(&mut self, body: EventBody);
}

/// A reporter that drops everything (tests, benchmarks, the CLI's quiet mode).
#[derive(Debug, Default, Clone, Copy)]
pub struct NullReporter;

impl Reporter for NullReporter {
    fn progress(&mut self, _pct: f64, _detail: &str) {}
    fn emit(&mut self, _body: EventBody) {}
}

/// A reporter that records everything (tests, the CLI's report).
#[derive(Debug, Default, Clone)]
pub struct RecordingReporter {
    pub progress: Vec<(f64, String)>,
    pub events: Vec<EventBody>,
}

impl Reporter for RecordingReporter {
    fn progress(&mut self, pct: f64, detail: &str) {
        self.progress.push((pct, detail.to_string()));
    }
    fn emit(&mut self, body: EventBody) {
        self.events.push(body);
    }
}

/// Insight ids already used in a step: a colliding slug gets "-2", "-3"…
#[derive(Default)]
pub(crate) struct Ids(std::collections::BTreeSet<String>);

impl Ids {
    pub(crate) fn take(&mut self, id: String) -> String {
        let mut out = id.clone();
        let mut n = 2;
        while self.0.contains(&out) {
            out = format!("{id}-{n}");
            n += 1;
        }
        self.0.insert(out.clone());
        out
    }
}

pub(crate) fn insight(
    r: &mut dyn Reporter,
    step: Step,
    id: String,
    category: InsightCategory,
    importance: Importance,
    message: String,
) {
    r.emit(EventBody::InsightEmitted(InsightPayload {
        id,
        category,
        importance,
        message,
        step: Some(step),
    }));
}

pub(crate) fn metric(r: &mut dyn Reporter, key: &str, value: f64, unit: Option<&str>, label: &str) {
    r.emit(EventBody::MetricUpdate(MetricPayload {
        key: key.into(),
        value,
        unit: unit.map(str::to_string),
        label: Some(label.into()),
    }));
}

pub(crate) fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_never_repeat() {
        let mut ids = Ids::default();
        assert_eq!(ids.take("gap-x".into()), "gap-x");
        assert_eq!(ids.take("gap-x".into()), "gap-x-2");
        assert_eq!(ids.take("gap-x".into()), "gap-x-3");
    }
}
