//! The reducer against a model written separately from it. `JobState::fold`
//! is a loop over `apply`, so "snapshot + tail equals the fold" alone is true
//! by construction; here each field of the state is computed another way —
//! declaratively, from the whole log at once — and the two must agree.
//!
//! The logs are messy as real ones are seen by a client: every job status
//! (queued and canceled included), retries after `done`, gaps in seq (a
//! reader that joined late), replays of earlier events (a reconnect from an
//! older cursor) and events of other jobs on the same connection.

use proptest::prelude::*;
use tailor_common::*;
use uuid::Uuid;

fn me() -> Uuid {
    Uuid::from_u128(42)
}

fn other_job() -> Uuid {
    Uuid::from_u128(7)
}

fn body() -> impl Strategy<Value = EventBody> {
    let status = prop::sample::select(vec![
        JobStatus::Queued,
        JobStatus::Started,
        JobStatus::Running,
        JobStatus::Completed,
        JobStatus::Failed,
        JobStatus::Canceled,
    ]);
    let step = prop::sample::select(Step::ALL.to_vec());
    let step_status = prop::sample::select(vec![
        StepStatus::Pending,
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
        (status, prop::option::of("[a-z]{1,6}")).prop_map(|(status, reason)| {
            EventBody::JobStatus(JobStatusPayload { status, reason })
        }),
        (
            step,
            step_status,
            -20.0..140.0f64,
            prop::option::of(0.0..9.0f64),
            prop::option::of("[a-z]{1,6}")
        )
            .prop_map(|(step, status, pct, eta_sec, detail)| {
                EventBody::StepProgress(StepProgressPayload {
                    step,
                    status,
                    pct,
                    eta_sec,
                    detail,
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
        ("[a-c]", validation, "[a-z]{0,4}").prop_map(|(rule_id, status, message)| {
            EventBody::ValidationUpdate(ValidationPayload {
                rule_id,
                status,
                message,
                label: None,
            })
        }),
        ("[a-c]", "[a-z]{0,4}").prop_map(|(patch_id, summary)| {
            EventBody::DiffChunk(DiffChunkPayload {
                patch_id,
                section: "skills".into(),
                summary,
                ops: vec![],
                verdict: None,
            })
        }),
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
    ]
}

/// What a connection delivers, in order.
#[derive(Debug, Clone)]
enum Arrival {
    /// The job's next event, `gap` seqs after the previous one.
    Next {
        gap: u64,
        body: EventBody,
    },
    /// An earlier event again (`pick` chooses which).
    Replay {
        pick: prop::sample::Index,
    },
    /// Another job's event.
    Foreign {
        seq: u64,
        body: EventBody,
    },
    Heartbeat,
}

fn arrivals() -> impl Strategy<Value = Vec<Envelope>> {
    let arrival = prop_oneof![
        8 => (prop_oneof![6 => Just(1u64), 1 => 2u64..5], body())
            .prop_map(|(gap, body)| Arrival::Next { gap, body }),
        1 => any::<prop::sample::Index>().prop_map(|pick| Arrival::Replay { pick }),
        1 => (1u64..80, body()).prop_map(|(seq, body)| Arrival::Foreign { seq, body }),
        1 => Just(Arrival::Heartbeat),
    ];
    prop::collection::vec(arrival, 0..80).prop_map(|arrivals| {
        let (mut log, mut seq, mut ts): (Vec<Envelope>, u64, i64) = (Vec::new(), 0, 1_000);
        let mut delivered = Vec::new();
        for arrival in arrivals {
            ts += 7;
            match arrival {
                Arrival::Next { gap, body } => {
                    seq += gap;
                    let e = Envelope::new(me(), seq, ts, body);
                    log.push(e.clone());
                    delivered.push(e);
                }
                Arrival::Replay { pick } if !log.is_empty() => {
                    delivered.push(log[pick.index(log.len())].clone());
                }
                Arrival::Replay { .. } => {}
                Arrival::Foreign { seq, body } => {
                    delivered.push(Envelope::new(other_job(), seq, ts, body));
                }
                Arrival::Heartbeat => delivered.push(Envelope::heartbeat(me(), ts, seq)),
            }
        }
        delivered
    })
}

/// What counts of a delivery: this job's events, each above every seq
/// before it (heartbeats carry seq 0 and never count).
fn delivered_counted(delivered: &[Envelope]) -> Vec<&Envelope> {
    let mut counted: Vec<&Envelope> = Vec::new();
    for e in delivered.iter().filter(|e| e.job_id == me() && e.seq > 0) {
        if counted.last().is_none_or(|last| e.seq > last.seq) {
            counted.push(e);
        }
    }
    counted
}

/// Progress as the page shows it: whole once the job completed, else the
/// mean over the five steps, a finished or skipped step counting whole.
fn overall_pct(state: &JobState) -> f64 {
    if state
        .done
        .as_ref()
        .is_some_and(|d| d.status == DoneStatus::Completed)
    {
        return 100.0;
    }
    let whole = |s: &StepState| match s.status {
        StepStatus::Completed | StepStatus::Skipped => 100.0,
        _ => s.pct,
    };
    state.steps.iter().map(whole).sum::<f64>() / 5.0
}

/// The state, computed from the whole delivery at once.
fn model(delivered: &[Envelope]) -> JobState {
    let counted = delivered_counted(delivered);
    let statuses: Vec<(usize, &JobStatusPayload)> = counted
        .iter()
        .enumerate()
        .filter_map(|(i, e)| match &e.body {
            EventBody::JobStatus(p) => Some((i, p)),
            _ => None,
        })
        .collect();
    let dones: Vec<(usize, &DonePayload)> = counted
        .iter()
        .enumerate()
        .filter_map(|(i, e)| match &e.body {
            EventBody::Done(p) => Some((i, p)),
            _ => None,
        })
        .collect();
    // The status is whatever said so last: a job status, or a `done`.
    let status = match (statuses.last(), dones.last()) {
        (Some((s, p)), Some((d, done))) => {
            if s > d {
                p.status
            } else {
                done.status.job_status()
            }
        }
        (Some((_, p)), None) => p.status,
        (None, Some((_, done))) => done.status.job_status(),
        (None, None) => JobStatus::Queued,
    };
    // A `done` stands unless a job status that is not an ending came after it.
    let done = dones.last().and_then(|(d, done)| {
        let reopened = statuses
            .iter()
            .any(|(s, p)| s > d && !p.status.is_terminal());
        (!reopened).then(|| (*done).clone())
    });
    let steps = Step::ALL
        .iter()
        .map(|&step| {
            let progress: Vec<(i64, &StepProgressPayload)> = counted
                .iter()
                .filter_map(|e| match &e.body {
                    EventBody::StepProgress(p) if p.step == step => Some((e.ts, p)),
                    _ => None,
                })
                .collect();
            // When the step last began to run: a `running` after anything
            // else (or first of all), not a `running` repeated.
            let started_at = (0..progress.len())
                .rev()
                .find(|&i| {
                    progress[i].1.status == StepStatus::Running
                        && (i == 0 || progress[i - 1].1.status != StepStatus::Running)
                })
                .map(|i| progress[i].0);
            match progress.last().map(|(_, p)| *p) {
                None => StepState {
                    step,
                    status: StepStatus::Pending,
                    pct: 0.0,
                    eta_sec: None,
                    detail: None,
                    started_at,
                },
                Some(p) => StepState {
                    step,
                    status: p.status,
                    pct: if p.status == StepStatus::Completed {
                        100.0
                    } else {
                        p.pct.clamp(0.0, 100.0)
                    },
                    eta_sec: p.eta_sec,
                    detail: p.detail.clone(),
                    started_at,
                },
            }
        })
        .collect();
    JobState {
        job_id: me(),
        last_seq: counted.last().map_or(0, |e| e.seq),
        status,
        status_reason: statuses.last().and_then(|(_, p)| p.reason.clone()),
        steps,
        insights: counted
            .iter()
            .filter_map(|e| match &e.body {
                EventBody::InsightEmitted(p) => Some(p.clone()),
                _ => None,
            })
            .collect(),
        metrics: latest_by_key(&counted, |b| match b {
            EventBody::MetricUpdate(p) => Some((p.key.clone(), p.clone())),
            _ => None,
        }),
        validations: latest_by_key(&counted, |b| match b {
            EventBody::ValidationUpdate(p) => Some((p.rule_id.clone(), p.clone())),
            _ => None,
        }),
        diffs: latest_by_key(&counted, |b| match b {
            EventBody::DiffChunk(p) => Some((p.patch_id.clone(), p.clone())),
            _ => None,
        }),
        errors: counted
            .iter()
            .filter_map(|e| match &e.body {
                EventBody::Error(p) => Some(p.clone()),
                _ => None,
            })
            .collect(),
        // The generator sends no drafts (in-flight model text, never stored).
        drafts: Vec::new(),
        // Nor decisions (they come after `done`, from the Review page).
        review: Default::default(),
        done,
        started_at: counted.first().map(|e| e.ts),
        updated_at: counted.last().map(|e| e.ts),
    }
}

/// The latest value per key, in the order the keys first appeared.
fn latest_by_key<T: Clone>(
    counted: &[&Envelope],
    pick: impl Fn(&EventBody) -> Option<(String, T)>,
) -> Vec<T> {
    let picked: Vec<(String, T)> = counted.iter().filter_map(|e| pick(&e.body)).collect();
    let mut keys: Vec<&String> = Vec::new();
    for (key, _) in &picked {
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    keys.into_iter()
        .map(|key| {
            picked
                .iter()
                .rev()
                .find(|(k, _)| k == key)
                .unwrap()
                .1
                .clone()
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, ..ProptestConfig::default() })]

    /// The reducer's fold equals the model on any delivery, and so do the
    /// readings the views take from it.
    #[test]
    fn the_fold_agrees_with_the_model(delivered in arrivals()) {
        let state = JobState::fold(me(), &delivered);
        let want = model(&delivered);
        prop_assert_eq!(&state, &want);
        prop_assert_eq!(state.overall_pct(), overall_pct(&want));
        for key in ["a", "b", "c", "d"] {
            let latest = delivered_counted(&delivered).iter().rev().find_map(|e| match &e.body {
                EventBody::MetricUpdate(p) if p.key == key => Some(p.value),
                _ => None,
            });
            prop_assert_eq!(state.metric(key), latest);
        }
        let last_error = delivered_counted(&delivered).iter().rev().find_map(|e| match &e.body {
            EventBody::Error(p) => Some(p.clone()),
            _ => None,
        });
        prop_assert_eq!(state.last_error().cloned(), last_error);
        let running = want.steps.iter().find(|s| s.status == StepStatus::Running);
        prop_assert_eq!(state.current_step(), running);
    }

    /// A client that starts from a snapshot of any prefix and then applies
    /// the rest of a messy delivery ends where the model says.
    #[test]
    fn a_snapshot_then_the_rest_agrees_with_the_model(
        delivered in arrivals(),
        cut in any::<prop::sample::Index>(),
    ) {
        let k = cut.index(delivered.len() + 1);
        let snapshot = JobState::fold(me(), &delivered[..k]);
        let json = serde_json::to_string(&snapshot).unwrap();
        let mut client: JobState = serde_json::from_str(&json).unwrap();
        for e in &delivered[k..] {
            client.apply(e);
        }
        prop_assert_eq!(client, model(&delivered));
    }
}
