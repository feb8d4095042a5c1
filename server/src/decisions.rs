//! The person's decisions on a finished job: taking one (checked, then
//! appended to the job's log as a `decision` event) and reading the result
//! as decided, at the latest version or an earlier one.
//!
//! The log is the only record: the reducer folds the decisions into
//! `JobState::review`, so every store keeps them, they survive a restart,
//! and two decisions sent at once are two events, both applied, in the
//! order the store wrote them. The engine re-renders the result from the
//! original, the plan (both kept as the job's checkpoints) and the
//! decisions.

use tailor_common::{
    result::{Download, ReviewInfo, VersionInfo},
    review::Decision,
    EventBody, JobResult, JobState, JobStatus, Step,
};
use uuid::Uuid;

use crate::{
    engine::{self, review, Analysis, Draft, Outcome, Plan, Rewrite},
    error::ApiError,
    hub::Hub,
    outcome,
    store::JobStore,
};

/// A result as decided: what the downloads render and the page shows.
pub struct Decided {
    pub outcome: Outcome,
    pub info: ReviewInfo,
    /// This version's checks and scores as stream events (empty for the
    /// pipeline's own result, whose events are in the log already).
    updates: Vec<EventBody>,
}

impl Decided {
    pub fn job_result(&self, job_id: Uuid) -> JobResult {
        let mut r = outcome::job_result(job_id, &self.outcome);
        r.downloads = Download::of_version(job_id, self.info.version);
        r.review = self.info.clone();
        r
    }
}

/// What a result is decided from: the original, the plan and the model's
/// kept rewrites.
type Basis = (Analysis, Plan, Vec<Rewrite>);

/// The original, the plan and the model's rewrites a finished job kept;
/// `None` for a job whose checkpoints are gone or unreadable (then nothing
/// can be decided). A draft without rewrites (no model, or a job from
/// before they were kept) has none.
async fn inputs(store: &dyn JobStore, id: Uuid) -> Result<Option<Basis>, ApiError> {
    let saved = store.checkpoints(id).await?;
    let get = |step: Step| saved.iter().find(|(s, _)| *s == step).map(|(_, v)| v);
    let (Some(a), Some(p)) = (get(Step::Analyzing), get(Step::Planning)) else {
        return Ok(None);
    };
    let rewrites = get(Step::Writing)
        .and_then(|d| serde_json::from_value::<Draft>(d.clone()).ok())
        .map(|d| d.rewrites)
        .unwrap_or_default();
    match (
        serde_json::from_value::<Analysis>(a.clone()),
        serde_json::from_value::<Plan>(p.clone()),
    ) {
        (Ok(a), Ok(p)) => Ok(Some((a, p, rewrites))),
        _ => Ok(None),
    }
}

/// The job's result with its decisions taken, at `version` (the latest
/// when `None`): 404 for an unknown job, 409 while it runs, 400 for a
/// version it does not have.
pub async fn load(
    store: &dyn JobStore,
    id: Uuid,
    version: Option<u32>,
) -> Result<Decided, ApiError> {
    let state = store.snapshot(id).await?.ok_or(ApiError::JobNotFound)?;
    let stored = outcome::load(store, id).await?;
    decided(store, id, &state, stored, version, Updates::Skip).await
}

/// Whether [`decided`] also works out the version's stream updates.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Updates {
    /// Reading: the pipeline's own result (no decisions) is served as
    /// stored, without re-running anything.
    Skip,
    /// Deciding: even a restore of version 0 re-runs the checks, so that
    /// the stream gets that version's results back.
    Want,
}

async fn decided(
    store: &dyn JobStore,
    id: Uuid,
    state: &JobState,
    stored: Outcome,
    version: Option<u32>,
    updates: Updates,
) -> Result<Decided, ApiError> {
    let review = &state.review;
    let version = version.unwrap_or(review.version());
    let decisions = review.at(version).ok_or_else(|| {
        ApiError::bad_request(
            "unknown_version",
            format!(
                "This result has no version {version}; the latest is {}.",
                review.version()
            ),
        )
    })?;
    let mut versions = vec![VersionInfo {
        version: 0,
        ts: None,
        description: "As Tailor wrote it".into(),
    }];
    versions.extend(review.rounds.iter().map(|r| VersionInfo {
        version: r.version,
        ts: Some(r.ts),
        description: r.decision.describe(),
    }));
    let Some((a, p, rw)) = inputs(store, id).await? else {
        // Nothing to decide from: the stored result as it is.
        return Ok(Decided {
            outcome: stored,
            info: ReviewInfo {
                version,
                versions,
                ..ReviewInfo::default()
            },
            updates: Vec::new(),
        });
    };
    // Re-running the last three steps is CPU work: off the async workers.
    let reviewed = tokio::task::spawn_blocking(move || -> Result<_, engine::EngineError> {
        if decisions.is_empty() && updates == Updates::Skip {
            // The pipeline's own result; only what may be decided is new.
            Ok(review::Reviewed {
                changes: review::proposed_changes(&a, &p, &rw),
                lines: review::editable_lines(&a, &p, &rw, &decisions),
                roles: review::roles(&a.resume),
                confirmed: Vec::new(),
                flags: Vec::new(),
                updates: Vec::new(),
                outcome: stored,
            })
        } else {
            review::redo(&a, &p, &rw, &decisions)
        }
    })
    .await
    .map_err(|e| ApiError::Internal(format!("re-rendering failed: {e}")))?
    .map_err(|e| ApiError::Internal(format!("re-rendering failed: {e}")))?;
    // Versions in the person's words: a change by its description, a line
    // by its text, not by their ids.
    for (v, round) in versions.iter_mut().skip(1).zip(&review.rounds) {
        v.description = describe(&round.decision, &reviewed);
    }
    Ok(Decided {
        updates: reviewed.updates,
        outcome: reviewed.outcome,
        info: ReviewInfo {
            version,
            versions,
            changes: reviewed.changes,
            confirmed: reviewed.confirmed,
            lines: reviewed.lines,
            roles: reviewed.roles,
            flags: reviewed.flags,
        },
    })
}

/// Takes one decision on a completed job and answers with the result as
/// decided now. Refused: a job that is running or ended without a result
/// (409), a decision naming a change, line or role the result does not
/// have or a text over the limit (400), a job at its decision limit (409).
pub async fn take(hub: &Hub, id: Uuid, decision: Decision) -> Result<Decided, ApiError> {
    if let Some(message) = decision.too_long() {
        return Err(ApiError::bad_request("text_too_long", message));
    }
    let store = hub.store().as_ref();
    let state = store.snapshot(id).await?.ok_or(ApiError::JobNotFound)?;
    if !state.is_done() {
        return Err(ApiError::JobRunning);
    }
    if state.status != JobStatus::Completed {
        return Err(ApiError::NoResult);
    }
    if !state.review.has_room() {
        return Err(ApiError::TooManyDecisions);
    }
    if let Decision::Restore { version } = decision {
        if version > state.review.version() {
            return Err(ApiError::bad_request(
                "unknown_version",
                format!(
                    "This result has no version {version}; the latest is {}.",
                    state.review.version()
                ),
            ));
        }
    }
    let Some((a, p, rw)) = inputs(store, id).await? else {
        return Err(ApiError::NoResult);
    };
    let check = decision.clone();
    tokio::task::spawn_blocking(move || review::check_decision(&a, &p, &rw, &check))
        .await
        .map_err(|e| ApiError::Internal(format!("checking a decision failed: {e}")))?
        .map_err(|e| {
            let code = match e {
                review::DecisionError::UnknownChange(_) => "unknown_change",
                review::DecisionError::UnknownLine(_) => "unknown_line",
                review::DecisionError::UnknownRole(_) => "unknown_role",
                review::DecisionError::EmptyTerm => "empty_text",
            };
            ApiError::bad_request(code, e.to_string())
        })?;
    // One event; the store gives it its place in the log. Two decisions at
    // once are both kept: each is its own event and the reducer applies
    // both, in the log's order.
    let event = hub.publish(id, EventBody::Decision(decision)).await?;
    // The answer is the version this decision made, not whatever a
    // decision sent at the same moment made after it.
    let state = state_through(store, id, event.seq).await?;
    let stored = outcome::load(store, id).await?;
    let decided = decided(store, id, &state, stored, None, Updates::Want).await?;
    stream_back(hub, id, &state, &decided).await;
    Ok(decided)
}

/// The version's checks and scores go on the job's log as the pipeline's
/// own updates did, so the Processing page, a replay and the Review page
/// tell one story. Only what changed is appended (a decision adds a few
/// events, and at most [`MAX_DECISIONS_PER_JOB`] decisions are taken); a
/// log too full to take them keeps the decision itself, which is what
/// the result is rendered from.
///
/// [`MAX_DECISIONS_PER_JOB`]: tailor_common::limits::MAX_DECISIONS_PER_JOB
async fn stream_back(hub: &Hub, id: Uuid, before: &JobState, decided: &Decided) {
    // The steps report a check as pending, then as decided: only each
    // check's and each figure's last word counts.
    let mut last: Vec<&EventBody> = Vec::new();
    for update in decided.updates.iter().rev() {
        let key = |e: &EventBody| match e {
            EventBody::ValidationUpdate(v) => Some(("v", v.rule_id.clone())),
            EventBody::MetricUpdate(m) => Some(("m", m.key.clone())),
            _ => None,
        };
        if key(update).is_some() && !last.iter().any(|l| key(l) == key(update)) {
            last.push(update);
        }
    }
    last.reverse();
    for update in last.into_iter().cloned() {
        let changed = match &update {
            EventBody::ValidationUpdate(v) => {
                before.validations.iter().find(|x| x.rule_id == v.rule_id) != Some(v)
            }
            EventBody::MetricUpdate(m) => before.metrics.iter().find(|x| x.key == m.key) != Some(m),
            _ => false,
        };
        if changed {
            if let Err(e) = hub.publish(id, update).await {
                tracing::warn!(job = %id, error = %e, "a decided version's checks were not streamed");
                return;
            }
        }
    }
}

/// The job's state folded over its log up to and including `seq`.
async fn state_through(store: &dyn JobStore, id: Uuid, seq: u64) -> Result<JobState, ApiError> {
    const PAGE: usize = 512;
    let mut state = JobState::new(id);
    while state.last_seq < seq {
        let page = store.read_after(id, state.last_seq, PAGE).await?;
        if page.is_empty() {
            break;
        }
        for event in page.iter().take_while(|e| e.seq <= seq) {
            state.apply(event);
        }
        if page.last().is_some_and(|e| e.seq >= seq) {
            break;
        }
    }
    Ok(state)
}

fn describe(d: &Decision, r: &review::Reviewed) -> String {
    let short = |t: &str| -> String {
        let mut s: String = t.chars().take(60).collect();
        if t.chars().count() > 60 {
            s.push('…');
        }
        s
    };
    match d {
        Decision::Change {
            change_id,
            accepted,
        } => match r.changes.iter().find(|c| &c.id == change_id) {
            Some(c) => format!(
                "{}: {}",
                if *accepted { "Kept" } else { "Dropped" },
                short(&c.description)
            ),
            None => d.describe(),
        },
        Decision::Edit { line_id, text } => match r.lines.iter().find(|l| &l.id == line_id) {
            Some(l) => match text {
                Some(t) => format!("Rewrote \"{}\" as \"{}\"", short(&l.proposed), short(t)),
                None => format!("Put back \"{}\"", short(&l.proposed)),
            },
            None => d.describe(),
        },
        _ => d.describe(),
    }
}
