//! How much one step may write to a job's log. A step's engine work reports
//! as it goes, and some reports scale with the input (an insight per edit, a
//! progress line per section): a resume with ten thousand roles would write
//! ten thousand events and fill the log. The budget lets the first few of
//! each kind through, keeps the last value of what the stream folds by key
//! (metrics, checks, section changes), and says once, at the step's end, how
//! many it left out. So a step writes a bounded number of events whatever
//! its input; the full detail stays in the result.

use std::collections::{BTreeMap, HashMap, HashSet};

use tailor_common::{EventBody, Importance, InsightCategory, InsightPayload, Step};

/// Insights of one category a step sends as they come.
pub const INSIGHTS_PER_CATEGORY: usize = 12;

/// Metrics, validation updates or diff chunks a step sends as they come;
/// beyond, only the last value of a key already sent is kept, and sent at
/// the step's end.
pub const UPDATES_PER_KIND: usize = 200;

/// Progress reports a step sends unthrottled; after these, only those that
/// move the percentage on by a whole point (so at most about 100 more).
const PROGRESS_UNTHROTTLED: usize = 16;

/// The most events a step writes besides its own start and end: the
/// bound the budget keeps.
pub const MAX_EVENTS_PER_STEP: usize =
    PROGRESS_UNTHROTTLED + 101 + 7 * (INSIGHTS_PER_CATEGORY + 1) + 3 * (2 * UPDATES_PER_KIND + 1);

pub struct Budget {
    step: Step,
    progress_sent: usize,
    last_pct: f64,
    insights: HashMap<InsightCategory, usize>,
    /// Per keyed kind: the keys sent so far (at most `UPDATES_PER_KIND`).
    sent: HashMap<&'static str, HashSet<String>>,
    /// The latest held-back update per key already sent, sent at the end.
    latest: BTreeMap<(&'static str, String), EventBody>,
    /// How many reports were left out, by what the person reads them as.
    left_out: BTreeMap<&'static str, (InsightCategory, usize)>,
}

impl Budget {
    pub fn new(step: Step) -> Self {
        Budget {
            step,
            progress_sent: 0,
            last_pct: f64::NEG_INFINITY,
            insights: HashMap::new(),
            sent: HashMap::new(),
            latest: BTreeMap::new(),
            left_out: BTreeMap::new(),
        }
    }

    /// Whether a progress report at `pct` is sent.
    pub fn progress(&mut self, pct: f64) -> bool {
        let send = self.progress_sent < PROGRESS_UNTHROTTLED || pct >= self.last_pct + 1.0;
        if send {
            self.progress_sent += 1;
            self.last_pct = pct;
        }
        send
    }

    /// The event to send now, if any (else it is held back or counted).
    pub fn event(&mut self, body: EventBody) -> Option<EventBody> {
        let (kind, key) = match &body {
            EventBody::InsightEmitted(p) => {
                let n = self.insights.entry(p.category).or_default();
                if *n < INSIGHTS_PER_CATEGORY {
                    *n += 1;
                    return Some(body);
                }
                self.leave_out(p.category.as_str(), p.category);
                return None;
            }
            EventBody::MetricUpdate(p) => ("metric", p.key.clone()),
            EventBody::ValidationUpdate(p) => ("check", p.rule_id.clone()),
            EventBody::DiffChunk(p) => ("section change", p.patch_id.clone()),
            // Anything else a step reports passes: the engine reports only
            // the kinds above.
            _ => return Some(body),
        };
        let sent = self.sent.entry(kind).or_default();
        if sent.contains(&key) && sent.len() >= UPDATES_PER_KIND {
            // Its last value still reaches the stream, at the step's end.
            self.latest.insert((kind, key), body);
            return None;
        }
        if sent.len() < UPDATES_PER_KIND {
            sent.insert(key);
            return Some(body);
        }
        self.leave_out(kind, InsightCategory::Structure);
        None
    }

    fn leave_out(&mut self, what: &'static str, category: InsightCategory) {
        self.left_out.entry(what).or_insert((category, 0)).1 += 1;
    }

    /// What the step sends at its end: the held-back last values, and one
    /// insight per kind of report it left out.
    pub fn finish(self) -> Vec<EventBody> {
        let step = self.step;
        let mut out: Vec<EventBody> = self.latest.into_values().collect();
        out.extend(self.left_out.into_iter().map(|(what, (category, n))| {
            EventBody::InsightEmitted(InsightPayload {
                id: format!("{}-more-{}", step.as_str(), what.replace(' ', "-")),
                category,
                importance: Importance::Low,
                message: format!(
                    "{n} more {what} {} from this step are not listed here, to keep the updates short; the result has them all.",
                    if n == 1 { "update" } else { "updates" }
                ),
                step: Some(step),
            })
        }));
        out
    }
}

#[cfg(test)]
mod tests {
    use tailor_common::{MetricPayload, ValidationPayload};

    use super::*;

    fn insight(i: usize, category: InsightCategory) -> EventBody {
        EventBody::InsightEmitted(InsightPayload {
            id: format!("i{i}"),
            category,
            importance: Importance::Low,
            message: String::new(),
            step: None,
        })
    }

    fn metric(key: &str, value: f64) -> EventBody {
        EventBody::MetricUpdate(MetricPayload {
            key: key.into(),
            value,
            unit: None,
            label: None,
        })
    }

    /// Whatever a step reports, what it writes is bounded, and the folded
    /// values of what was sent end as the step left them.
    #[test]
    fn a_flood_of_reports_writes_a_bounded_log_with_the_last_values() {
        let mut budget = Budget::new(Step::Writing);
        let (mut sent, mut progress) = (Vec::new(), 0);
        for i in 0..100_000 {
            progress += usize::from(budget.progress(i as f64 / 1000.0));
            let category = [InsightCategory::Impact, InsightCategory::Keywords][i % 2];
            sent.extend(budget.event(insight(i, category)));
            sent.extend(budget.event(metric(&format!("k{}", i % 300), i as f64)));
            sent.extend(budget.event(EventBody::ValidationUpdate(ValidationPayload {
                rule_id: format!("r{i}"),
                status: tailor_common::ValidationStatus::Pass,
                message: String::new(),
                label: None,
            })));
        }
        sent.extend(budget.finish());
        assert!(progress <= 16 + 101, "{progress}");
        assert!(
            sent.len() + progress <= MAX_EVENTS_PER_STEP,
            "{}",
            sent.len()
        );
        let insights = sent
            .iter()
            .filter(|e| matches!(e, EventBody::InsightEmitted(_)))
            .count();
        // 12 of each category, and one "more" for each plus one per keyed kind.
        assert_eq!(insights, 2 * INSIGHTS_PER_CATEGORY + 4);
        // The metrics sent end at their last values.
        let mut last = HashMap::new();
        for e in &sent {
            if let EventBody::MetricUpdate(m) = e {
                last.insert(m.key.clone(), m.value);
            }
        }
        assert_eq!(last.len(), UPDATES_PER_KIND);
        assert_eq!(last["k0"], 99_900.0);
        assert_eq!(last["k199"], 99_799.0);
    }

    #[test]
    fn an_ordinary_step_passes_untouched() {
        let mut budget = Budget::new(Step::Planning);
        for i in 0..10 {
            assert!(budget.progress(i as f64 * 10.0));
            assert!(budget.event(insight(i, InsightCategory::Gaps)).is_some());
            assert!(budget.event(metric(&format!("m{i}"), 1.0)).is_some());
        }
        assert!(budget.finish().is_empty());
    }
}
