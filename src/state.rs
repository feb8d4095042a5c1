//! The job-state reducer. A job's state is the fold of its events:
//! `events.iter().fold(JobState::new(id), apply)`. The server's snapshot
//! endpoint and the browser's live view both use it.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::protocol::*;
use crate::review::ReviewState;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StepState {
    pub step: Step,
    pub status: StepStatus,
    pub pct: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eta_sec: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// `ts` (epoch ms) of the event that set this step running, while it
    /// runs and after: the live view counts elapsed seconds from it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_at: Option<i64>,
}

impl StepState {
    fn pending(step: Step) -> Self {
        StepState {
            step,
            status: StepStatus::Pending,
            pct: 0.0,
            eta_sec: None,
            detail: None,
            started_at: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobState {
    pub job_id: Uuid,
    /// The seq of the last applied event; 0 before any.
    pub last_seq: u64,
    pub status: JobStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_reason: Option<String>,
    /// The five steps, always in pipeline order.
    pub steps: Vec<StepState>,
    /// In arrival order; views show the newest first.
    pub insights: Vec<InsightPayload>,
    /// Latest value per key, in the order keys first appeared.
    pub metrics: Vec<MetricPayload>,
    /// Latest status per rule, in the order rules first appeared.
    pub validations: Vec<ValidationPayload>,
    /// Latest chunk per patch id, in the order patches first appeared.
    pub diffs: Vec<DiffChunkPayload>,
    pub errors: Vec<ErrorPayload>,
    /// Lines a model is rewriting now, by patch id: a live view only. Never
    /// serialised (a snapshot holds only what is stored), and each is gone
    /// when its `diff_chunk` arrives or the writing step ends.
    #[serde(skip)]
    pub drafts: Vec<DraftTextPayload>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub done: Option<DonePayload>,
    /// `ts` of the first and the latest applied event (epoch ms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_at: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<i64>,
    /// The person's decisions on the result, every version of them.
    #[serde(default, skip_serializing_if = "ReviewState::is_empty")]
    pub review: ReviewState,
}

impl JobState {
    pub fn new(job_id: Uuid) -> Self {
        JobState {
            job_id,
            last_seq: 0,
            status: JobStatus::Queued,
            status_reason: None,
            steps: Step::ALL.iter().copied().map(StepState::pending).collect(),
            insights: Vec::new(),
            metrics: Vec::new(),
            validations: Vec::new(),
            diffs: Vec::new(),
            errors: Vec::new(),
            drafts: Vec::new(),
            done: None,
            started_at: None,
            updated_at: None,
            review: ReviewState::default(),
        }
    }

    /// Folds a sequence of events into a fresh state.
    pub fn fold<'a>(job_id: Uuid, events: impl IntoIterator<Item = &'a Envelope>) -> Self {
        let mut state = JobState::new(job_id);
        for event in events {
            state.apply(event);
        }
        state
    }

    /// Applies one event. An event of another job, or whose seq is not above
    /// the last applied one (a replay, a duplicate, a heartbeat), changes
    /// nothing. Returns whether the state changed.
    ///
    /// A `draft_text` (seq 0, never stored) is the exception: it updates
    /// [`JobState::drafts`] unless its line is already decided, the
    /// writing step is over or the job is done.
    pub fn apply(&mut self, event: &Envelope) -> bool {
        if let EventBody::DraftText(p) = &event.body {
            let writing = self.steps[Step::Writing.index()].status == StepStatus::Running;
            let decided = self.diffs.iter().any(|d| d.patch_id == p.patch_id);
            if event.job_id != self.job_id || !writing || decided || self.is_done() {
                return false;
            }
            upsert(&mut self.drafts, p, |d| &d.patch_id);
            return true;
        }
        if event.job_id != self.job_id || event.seq <= self.last_seq {
            return false;
        }
        self.last_seq = event.seq;
        self.started_at.get_or_insert(event.ts);
        self.updated_at = Some(event.ts);
        match &event.body {
            EventBody::JobStatus(p) => {
                self.status = p.status;
                self.status_reason = p.reason.clone();
                if !p.status.is_terminal() {
                    // A job that runs again (a retry) is no longer done.
                    self.done = None;
                }
            }
            EventBody::StepProgress(p) => {
                let step = &mut self.steps[p.step.index()];
                if p.status == StepStatus::Running && step.status != StepStatus::Running {
                    step.started_at = Some(event.ts);
                }
                step.status = p.status;
                step.pct = if p.status == StepStatus::Completed {
                    100.0
                } else {
                    p.pct.clamp(0.0, 100.0)
                };
                step.eta_sec = p.eta_sec;
                step.detail = p.detail.clone();
                if p.step == Step::Writing && p.status != StepStatus::Running {
                    self.drafts.clear();
                }
            }
            EventBody::InsightEmitted(p) => self.insights.push(p.clone()),
            EventBody::MetricUpdate(p) => upsert(&mut self.metrics, p, |m| &m.key),
            EventBody::ValidationUpdate(p) => upsert(&mut self.validations, p, |v| &v.rule_id),
            EventBody::DiffChunk(p) => {
                self.drafts.retain(|d| d.patch_id != p.patch_id);
                upsert(&mut self.diffs, p, |d| &d.patch_id)
            }
            EventBody::Error(p) => self.errors.push(p.clone()),
            EventBody::Heartbeat(_) | EventBody::DraftText(_) => {}
            EventBody::Done(p) => {
                self.status = p.status.job_status();
                self.done = Some(p.clone());
                self.drafts.clear();
            }
            // Decisions are taken on a completed result only; one that
            // arrives otherwise (or past the limit) is kept in the log but
            // decides nothing.
            EventBody::Decision(d) => {
                if self.status == JobStatus::Completed && self.is_done() {
                    self.review.apply(d, event.ts);
                }
            }
        }
        true
    }

    pub fn is_done(&self) -> bool {
        self.done.is_some()
    }

    /// Overall progress 0–100: the mean of the steps' progress, where a
    /// finished or skipped step counts as whole.
    pub fn overall_pct(&self) -> f64 {
        if matches!(
            self.done,
            Some(DonePayload {
                status: DoneStatus::Completed,
                ..
            })
        ) {
            return 100.0;
        }
        let sum: f64 = self
            .steps
            .iter()
            .map(|s| match s.status {
                StepStatus::Completed | StepStatus::Skipped => 100.0,
                _ => s.pct,
            })
            .sum();
        sum / self.steps.len() as f64
    }

    /// The step running now, if any.
    pub fn current_step(&self) -> Option<&StepState> {
        self.steps.iter().find(|s| s.status == StepStatus::Running)
    }

    pub fn metric(&self, key: &str) -> Option<f64> {
        self.metrics.iter().find(|m| m.key == key).map(|m| m.value)
    }

    pub fn last_error(&self) -> Option<&ErrorPayload> {
        self.errors.last()
    }
}

fn upsert<T: Clone>(items: &mut Vec<T>, item: &T, key: impl Fn(&T) -> &String) {
    match items.iter_mut().find(|x| key(x) == key(item)) {
        Some(slot) => *slot = item.clone(),
        None => items.push(item.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn id() -> Uuid {
        Uuid::from_u128(42)
    }

    fn step_strategy() -> impl Strategy<Value = Step> {
        prop::sample::select(Step::ALL.to_vec())
    }

    fn body_strategy() -> impl Strategy<Value = EventBody> {
        let status = prop::sample::select(vec![
            JobStatus::Started,
            JobStatus::Running,
            JobStatus::Completed,
            JobStatus::Failed,
        ]);
        let step_status = prop::sample::select(vec![
            StepStatus::Running,
            StepStatus::Completed,
            StepStatus::Failed,
            StepStatus::Skipped,
        ]);
        let validation = prop::sample::select(vec![
            ValidationStatus::Pending,
            ValidationStatus::Pass,
            ValidationStatus::Warn,
            ValidationStatus::Fail,
        ]);
        let done = prop::sample::select(vec![
            DoneStatus::Completed,
            DoneStatus::Failed,
            DoneStatus::Canceled,
        ]);
        prop_oneof![
            status.prop_map(|status| EventBody::JobStatus(JobStatusPayload {
                status,
                reason: None
            })),
            (step_strategy(), step_status, 0.0..100.0f64).prop_map(|(step, status, pct)| {
                EventBody::StepProgress(StepProgressPayload {
                    step,
                    status,
                    pct,
                    eta_sec: None,
                    detail: None,
                })
            }),
            "[a-z]{1,8}".prop_map(|m| EventBody::InsightEmitted(InsightPayload {
                id: format!("ins-{m}"),
                category: InsightCategory::Skills,
                importance: Importance::Medium,
                message: m,
                step: None,
            })),
            ("[a-c]", 0.0..100.0f64).prop_map(|(key, value)| {
                EventBody::MetricUpdate(MetricPayload {
                    key,
                    value,
                    unit: None,
                    label: None,
                })
            }),
            ("[a-c]", validation).prop_map(|(rule_id, status)| {
                EventBody::ValidationUpdate(ValidationPayload {
                    rule_id,
                    status,
                    message: String::new(),
                    label: None,
                })
            }),
            "[a-c]".prop_map(|patch_id| EventBody::DiffChunk(DiffChunkPayload {
                patch_id,
                section: "skills".into(),
                summary: String::new(),
                ops: vec![],
                verdict: None,
            })),
            any::<bool>().prop_map(|retryable| EventBody::Error(ErrorPayload {
                code: "x".into(),
                message: "y".into(),
                step: None,
                retryable,
            })),
            done.prop_map(|status| EventBody::Done(DonePayload {
                status,
                result_url: None,
            })),
            ("[a-c]", any::<bool>()).prop_map(|(change_id, accepted)| {
                EventBody::Decision(DecisionPayload::Change {
                    change_id,
                    accepted,
                })
            }),
            (0u32..4).prop_map(|version| EventBody::Decision(DecisionPayload::Restore { version })),
        ]
    }

    fn job_strategy() -> impl Strategy<Value = Vec<Envelope>> {
        prop::collection::vec(body_strategy(), 0..60).prop_map(|bodies| {
            bodies
                .into_iter()
                .enumerate()
                .map(|(i, body)| Envelope::new(id(), i as u64 + 1, 1000 + i as i64, body))
                .collect()
        })
    }

    proptest! {
        /// A client that renders the snapshot at any prefix and then applies
        /// the rest of the log ends in the same state as the server's fold.
        #[test]
        fn snapshot_then_tail_equals_full_fold(events in job_strategy(), cut in any::<prop::sample::Index>()) {
            let k = if events.is_empty() { 0 } else { cut.index(events.len() + 1) };
            let mut client = JobState::fold(id(), &events[..k]);
            prop_assert_eq!(client.last_seq, k as u64);
            for e in &events[k..] {
                client.apply(e);
            }
            prop_assert_eq!(client, JobState::fold(id(), &events));
        }

        /// A reconnect that replays from an older cursor repeats events; the
        /// repeats change nothing.
        #[test]
        fn replayed_events_change_nothing(events in job_strategy(), a in any::<prop::sample::Index>(), b in any::<prop::sample::Index>()) {
            let n = events.len();
            let (k, j) = if n == 0 { (0, 0) } else {
                let k = a.index(n + 1);
                (k, b.index(k + 1))
            };
            let mut client = JobState::new(id());
            for e in events[..k].iter().chain(&events[j..]) {
                client.apply(e);
            }
            prop_assert_eq!(client, JobState::fold(id(), &events));
        }

        #[test]
        fn state_survives_json(events in job_strategy()) {
            let state = JobState::fold(id(), &events);
            let json = serde_json::to_string(&state).unwrap();
            let back: JobState = serde_json::from_str(&json).unwrap();
            prop_assert_eq!(back.last_seq, state.last_seq);
            prop_assert_eq!(back.steps.len(), 5);
            prop_assert_eq!(serde_json::to_string(&back).unwrap(), json);
        }
    }

    /// A line in flight shows while writing runs, gives way to its stored
    /// verdict, never comes back after it, and is in no snapshot.
    #[test]
    fn a_draft_is_a_live_view_that_its_verdict_replaces() {
        let mut s = JobState::new(id());
        let at = |seq, body| Envelope::new(id(), seq, seq as i64, body);
        let draft = |text: &str| {
            at(
                0,
                EventBody::DraftText(DraftTextPayload {
                    patch_id: "rewrite-a".into(),
                    section: "Experience".into(),
                    original: "Ran on-call".into(),
                    text: text.into(),
                }),
            )
        };
        assert!(!s.apply(&draft("Ran")), "no draft before writing runs");
        s.apply(&at(
            1,
            EventBody::StepProgress(StepProgressPayload {
                step: Step::Writing,
                status: StepStatus::Running,
                pct: 10.0,
                eta_sec: None,
                detail: None,
            }),
        ));
        assert!(s.apply(&draft("Ran")));
        assert!(s.apply(&draft("Ran the weekly")));
        assert_eq!(s.drafts.len(), 1);
        assert_eq!(s.drafts[0].text, "Ran the weekly");
        assert_eq!(s.last_seq, 1, "a draft moves no cursor");
        let json: JobState = serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
        assert!(json.drafts.is_empty(), "a snapshot never holds a draft");
        s.apply(&at(
            2,
            EventBody::DiffChunk(DiffChunkPayload {
                patch_id: "rewrite-a".into(),
                section: "Experience".into(),
                summary: "Rewrote".into(),
                ops: vec![],
                verdict: Some(RewriteVerdict {
                    applied: true,
                    reason: "clearer".into(),
                }),
            }),
        ));
        assert!(s.drafts.is_empty());
        assert!(
            !s.apply(&draft("Ran the weekly on")),
            "a late draft of a decided line"
        );
        assert!(s.drafts.is_empty());
    }

    #[test]
    fn a_stale_or_foreign_event_changes_nothing() {
        let mut state = JobState::new(id());
        let first = Envelope::new(
            id(),
            1,
            10,
            EventBody::JobStatus(JobStatusPayload {
                status: JobStatus::Started,
                reason: None,
            }),
        );
        assert!(state.apply(&first));
        let before = state.clone();
        assert!(!state.apply(&first));
        assert!(!state.apply(&Envelope::heartbeat(id(), 11, 1)));
        let foreign = Envelope::new(Uuid::from_u128(7), 2, 12, first.body.clone());
        assert!(!state.apply(&foreign));
        assert_eq!(state, before);
    }

    #[test]
    fn steps_progress_and_finish() {
        let mut state = JobState::new(id());
        assert_eq!(state.steps.len(), 5);
        assert_eq!(state.overall_pct(), 0.0);
        let mut seq = 0;
        let mut push = |state: &mut JobState, body| {
            seq += 1;
            state.apply(&Envelope::new(id(), seq, seq as i64, body));
        };
        push(
            &mut state,
            EventBody::StepProgress(StepProgressPayload {
                step: Step::Analyzing,
                status: StepStatus::Running,
                pct: 50.0,
                eta_sec: Some(0.2),
                detail: None,
            }),
        );
        assert_eq!(state.current_step().unwrap().step, Step::Analyzing);
        assert_eq!(state.overall_pct(), 10.0);
        push(
            &mut state,
            EventBody::StepProgress(StepProgressPayload {
                step: Step::Analyzing,
                status: StepStatus::Completed,
                pct: 90.0,
                eta_sec: None,
                detail: None,
            }),
        );
        assert_eq!(state.steps[0].pct, 100.0);
        assert_eq!(state.overall_pct(), 20.0);
        push(
            &mut state,
            EventBody::Done(DonePayload {
                status: DoneStatus::Completed,
                result_url: None,
            }),
        );
        assert!(state.is_done());
        assert_eq!(state.status, JobStatus::Completed);
        assert_eq!(state.overall_pct(), 100.0);
        // A retry re-opens the job.
        push(
            &mut state,
            EventBody::JobStatus(JobStatusPayload {
                status: JobStatus::Running,
                reason: Some("retry".into()),
            }),
        );
        assert!(!state.is_done());
    }

    #[test]
    fn a_step_remembers_when_it_started_running() {
        let running = |pct: f64| {
            EventBody::StepProgress(StepProgressPayload {
                step: Step::Analyzing,
                status: StepStatus::Running,
                pct,
                eta_sec: None,
                detail: None,
            })
        };
        let mut state = JobState::new(id());
        state.apply(&Envelope::new(id(), 1, 1_000, running(10.0)));
        // Later progress of the same run keeps the start.
        state.apply(&Envelope::new(id(), 2, 4_000, running(60.0)));
        assert_eq!(state.steps[0].started_at, Some(1_000));
        // A run after a failure (a retry) starts the clock again.
        state.apply(&Envelope::new(
            id(),
            3,
            5_000,
            EventBody::StepProgress(StepProgressPayload {
                step: Step::Analyzing,
                status: StepStatus::Failed,
                pct: 0.0,
                eta_sec: None,
                detail: None,
            }),
        ));
        state.apply(&Envelope::new(id(), 4, 9_000, running(5.0)));
        assert_eq!(state.steps[0].started_at, Some(9_000));
    }
}
