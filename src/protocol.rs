//! The wire protocol: one JSON envelope per event, `type` naming the payload.
//!
//! ```json
//! {"type":"step_progress","seq":7,"ts":1764000000000,"job_id":"…","payload":{…}}
//! ```
//!
//! `seq` is per job, starts at 1 and has no gaps. A heartbeat is not stored and
//! carries no `seq` on the wire; in memory it has `seq == 0`, which no reducer
//! ever applies because every stored event's seq is at least 1.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The five pipeline steps, in the order they run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    Analyzing,
    Planning,
    Writing,
    Validating,
    Polishing,
}

impl Step {
    pub const ALL: [Step; 5] = [
        Step::Analyzing,
        Step::Planning,
        Step::Writing,
        Step::Validating,
        Step::Polishing,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Step::Analyzing => "analyzing",
            Step::Planning => "planning",
            Step::Writing => "writing",
            Step::Validating => "validating",
            Step::Polishing => "polishing",
        }
    }

    /// What the step does, in words a job seeker reads on the Processing screen.
    pub fn title(self) -> &'static str {
        match self {
            Step::Analyzing => "Reading your resume and the job posting",
            Step::Planning => "Matching your experience to the job",
            Step::Writing => "Writing the tailored resume",
            Step::Validating => "Checking every fact and rule",
            Step::Polishing => "Scoring and preparing downloads",
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobStatus {
    Queued,
    Started,
    Running,
    Completed,
    Failed,
    Canceled,
}

impl JobStatus {
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            JobStatus::Completed | JobStatus::Failed | JobStatus::Canceled
        )
    }

    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::Queued => "queued",
            JobStatus::Started => "started",
            JobStatus::Running => "running",
            JobStatus::Completed => "completed",
            JobStatus::Failed => "failed",
            JobStatus::Canceled => "canceled",
        }
    }
}

/// A step's status. `Pending` never travels in a `step_progress` event from
/// the pipeline; it is the state of a step that has not started yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepStatus {
    #[default]
    Pending,
    Running,
    Completed,
    Failed,
    Skipped,
}

impl StepStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            StepStatus::Pending => "pending",
            StepStatus::Running => "running",
            StepStatus::Completed => "completed",
            StepStatus::Failed => "failed",
            StepStatus::Skipped => "skipped",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InsightCategory {
    Skills,
    Requirements,
    Keywords,
    Gaps,
    Impact,
    Structure,
    Score,
}

impl InsightCategory {
    pub fn as_str(self) -> &'static str {
        match self {
            InsightCategory::Skills => "skills",
            InsightCategory::Requirements => "requirements",
            InsightCategory::Keywords => "keywords",
            InsightCategory::Gaps => "gaps",
            InsightCategory::Impact => "impact",
            InsightCategory::Structure => "structure",
            InsightCategory::Score => "score",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Importance {
    Low,
    Medium,
    High,
}

impl Importance {
    pub fn as_str(self) -> &'static str {
        match self {
            Importance::Low => "low",
            Importance::Medium => "medium",
            Importance::High => "high",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ValidationStatus {
    Pending,
    Pass,
    Warn,
    Fail,
}

impl ValidationStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ValidationStatus::Pending => "pending",
            ValidationStatus::Pass => "pass",
            ValidationStatus::Warn => "warn",
            ValidationStatus::Fail => "fail",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DiffOpKind {
    Equal,
    Insert,
    Delete,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DiffOp {
    pub op: DiffOpKind,
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DoneStatus {
    Completed,
    Failed,
    Canceled,
}

impl DoneStatus {
    pub fn job_status(self) -> JobStatus {
        match self {
            DoneStatus::Completed => JobStatus::Completed,
            DoneStatus::Failed => JobStatus::Failed,
            DoneStatus::Canceled => JobStatus::Canceled,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobStatusPayload {
    pub status: JobStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StepProgressPayload {
    pub step: Step,
    pub status: StepStatus,
    /// 0–100.
    pub pct: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eta_sec: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InsightPayload {
    pub id: String,
    pub category: InsightCategory,
    pub importance: Importance,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<Step>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricPayload {
    pub key: String,
    pub value: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValidationPayload {
    pub rule_id: String,
    pub status: ValidationStatus,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DiffChunkPayload {
    pub patch_id: String,
    pub section: String,
    pub summary: String,
    pub ops: Vec<DiffOp>,
    /// For a rewrite a model proposed: whether the gates let it in, and why.
    /// `None` for the engine's own edits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verdict: Option<RewriteVerdict>,
}

/// What the gates decided about one proposed rewrite.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RewriteVerdict {
    pub applied: bool,
    /// The model's reason when applied; the gates' when rejected.
    pub reason: String,
}

/// A line being rewritten by a model, as written so far. Never stored: it
/// travels with `seq` 0 (no SSE `id:`), only to readers that are caught up,
/// and the stored `diff_chunk` with the same `patch_id` replaces it. A
/// replay therefore never shows a half-written line as if it were final.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DraftTextPayload {
    pub patch_id: String,
    pub section: String,
    pub original: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorPayload {
    pub code: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<Step>,
    pub retryable: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HeartbeatPayload {
    /// The job's latest durable seq when the heartbeat was sent.
    pub last_seq: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DonePayload {
    pub status: DoneStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result_url: Option<String>,
}

/// A person's decision on a finished job's result (see [`crate::review`]).
pub type DecisionPayload = crate::review::Decision;

/// The eleven event types and their payloads. Serialised adjacently:
/// `"type"` names the variant and `"payload"` holds its fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "payload", rename_all = "snake_case")]
pub enum EventBody {
    JobStatus(JobStatusPayload),
    StepProgress(StepProgressPayload),
    InsightEmitted(InsightPayload),
    MetricUpdate(MetricPayload),
    ValidationUpdate(ValidationPayload),
    DiffChunk(DiffChunkPayload),
    Error(ErrorPayload),
    Heartbeat(HeartbeatPayload),
    Done(DonePayload),
    /// In-flight text (see [`DraftTextPayload`]); never stored.
    DraftText(DraftTextPayload),
    /// After `done`: one decision of the person reviewing the result.
    Decision(DecisionPayload),
}

impl EventBody {
    /// The `type` tag, which is also the SSE `event:` name.
    pub fn kind(&self) -> &'static str {
        match self {
            EventBody::JobStatus(_) => "job_status",
            EventBody::StepProgress(_) => "step_progress",
            EventBody::InsightEmitted(_) => "insight_emitted",
            EventBody::MetricUpdate(_) => "metric_update",
            EventBody::ValidationUpdate(_) => "validation_update",
            EventBody::DiffChunk(_) => "diff_chunk",
            EventBody::Error(_) => "error",
            EventBody::Heartbeat(_) => "heartbeat",
            EventBody::Done(_) => "done",
            EventBody::DraftText(_) => "draft_text",
            EventBody::Decision(_) => "decision",
        }
    }

    /// Whether the event is a view of work in flight, never stored (it
    /// carries seq 0, as a heartbeat does).
    pub fn is_ephemeral(&self) -> bool {
        matches!(self, EventBody::Heartbeat(_) | EventBody::DraftText(_))
    }

    /// Every event type, for clients that must subscribe to each SSE name.
    pub const KINDS: [&'static str; 11] = [
        "job_status",
        "step_progress",
        "insight_emitted",
        "metric_update",
        "validation_update",
        "diff_chunk",
        "error",
        "heartbeat",
        "done",
        "draft_text",
        "decision",
    ];
}

/// One event as it travels: the envelope around an [`EventBody`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Envelope {
    /// Per-job sequence number; 0 only for heartbeats and drafts, which are not stored.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub seq: u64,
    /// Epoch milliseconds.
    pub ts: i64,
    pub job_id: Uuid,
    #[serde(flatten)]
    pub body: EventBody,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

impl Envelope {
    pub fn new(job_id: Uuid, seq: u64, ts: i64, body: EventBody) -> Self {
        Envelope {
            seq,
            ts,
            job_id,
            body,
        }
    }

    pub fn heartbeat(job_id: Uuid, ts: i64, last_seq: u64) -> Self {
        Envelope::new(
            job_id,
            0,
            ts,
            EventBody::Heartbeat(HeartbeatPayload { last_seq }),
        )
    }

    pub fn is_done(&self) -> bool {
        matches!(self.body, EventBody::Done(_))
    }
}

/// The answer to `POST /api/pipeline/start`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StartResponse {
    pub job_id: Uuid,
    pub stream_url: String,
    pub snapshot_url: String,
}

/// The answer to `POST /api/resume/preview`: the text Tailor read from a
/// resume file, before any job starts, so a bad read is caught early.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PreviewResponse {
    /// `pdf`, `docx`, `markdown` or `text`.
    pub format: String,
    /// The start of the text read, at most [`PreviewResponse::MAX_CHARS`].
    pub text: String,
    /// All the characters read, of which `text` is the start.
    pub chars: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pages: Option<usize>,
}

impl PreviewResponse {
    pub const MAX_CHARS: usize = 4000;
}

/// Every 4xx/5xx body the API sends: `{"error":{"code","message"}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiErrorBody {
    pub error: ApiErrorDetail,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiErrorDetail {
    pub code: String,
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job() -> Uuid {
        Uuid::from_u128(0x1234_5678_9abc_def0_1234_5678_9abc_def0)
    }

    fn samples() -> Vec<EventBody> {
        vec![
            EventBody::JobStatus(JobStatusPayload {
                status: JobStatus::Running,
                reason: Some("step analyzing".into()),
            }),
            EventBody::StepProgress(StepProgressPayload {
                step: Step::Writing,
                status: StepStatus::Running,
                pct: 42.5,
                eta_sec: Some(1.5),
                detail: None,
            }),
            EventBody::InsightEmitted(InsightPayload {
                id: "ins-1".into(),
                category: InsightCategory::Gaps,
                importance: Importance::High,
                message: "Kubernetes is asked for 4 times".into(),
                step: Some(Step::Planning),
            }),
            EventBody::MetricUpdate(MetricPayload {
                key: "match_score_before".into(),
                value: 61.0,
                unit: Some("points".into()),
                label: None,
            }),
            EventBody::ValidationUpdate(ValidationPayload {
                rule_id: "evidence".into(),
                status: ValidationStatus::Pass,
                message: "every fact is supported".into(),
                label: Some("Evidence".into()),
            }),
            EventBody::DiffChunk(DiffChunkPayload {
                patch_id: "p-1".into(),
                section: "skills".into(),
                summary: "reordered".into(),
                ops: vec![
                    DiffOp {
                        op: DiffOpKind::Delete,
                        text: "Go".into(),
                    },
                    DiffOp {
                        op: DiffOpKind::Insert,
                        text: "Rust".into(),
                    },
                    DiffOp {
                        op: DiffOpKind::Equal,
                        text: ", SQL".into(),
                    },
                ],
                verdict: Some(RewriteVerdict {
                    applied: false,
                    reason: "it added 'Rust'".into(),
                }),
            }),
            EventBody::Error(ErrorPayload {
                code: "fetch_failed".into(),
                message: "the job URL did not answer".into(),
                step: Some(Step::Analyzing),
                retryable: true,
            }),
            EventBody::Heartbeat(HeartbeatPayload { last_seq: 9 }),
            EventBody::Done(DonePayload {
                status: DoneStatus::Completed,
                result_url: Some("/api/jobs/x/result".into()),
            }),
            EventBody::DraftText(DraftTextPayload {
                patch_id: "rewrite-1".into(),
                section: "Experience".into(),
                original: "Ran on-call".into(),
                text: "Ran the week".into(),
            }),
            EventBody::Decision(DecisionPayload::Change {
                change_id: "summary".into(),
                accepted: false,
            }),
        ]
    }

    #[test]
    fn every_event_type_round_trips_through_json() {
        let bodies = samples();
        assert_eq!(bodies.len(), EventBody::KINDS.len());
        for (i, body) in bodies.into_iter().enumerate() {
            let seq = if body.is_ephemeral() { 0 } else { i as u64 + 1 };
            let env = Envelope::new(job(), seq, 1_764_000_000_000, body);
            let json = serde_json::to_string(&env).unwrap();
            let back: Envelope = serde_json::from_str(&json).unwrap();
            assert_eq!(back, env, "{json}");
            let value: serde_json::Value = serde_json::from_str(&json).unwrap();
            assert_eq!(value["type"], env.body.kind());
            assert_eq!(EventBody::KINDS[i], env.body.kind());
            assert!(value["payload"].is_object());
        }
    }

    #[test]
    fn envelope_matches_the_documented_shape() {
        let env = Envelope::new(
            job(),
            7,
            1_764_000_000_000,
            EventBody::StepProgress(StepProgressPayload {
                step: Step::Analyzing,
                status: StepStatus::Completed,
                pct: 100.0,
                eta_sec: None,
                detail: None,
            }),
        );
        let value = serde_json::to_value(&env).unwrap();
        assert_eq!(
            value,
            serde_json::json!({
                "type": "step_progress",
                "seq": 7,
                "ts": 1_764_000_000_000i64,
                "job_id": job().to_string(),
                "payload": {"step": "analyzing", "status": "completed", "pct": 100.0}
            })
        );
    }

    #[test]
    fn heartbeat_has_no_seq_on_the_wire() {
        let hb = Envelope::heartbeat(job(), 5, 12);
        let value = serde_json::to_value(&hb).unwrap();
        assert!(value.get("seq").is_none());
        assert_eq!(value["payload"]["last_seq"], 12);
    }

    #[test]
    fn unknown_type_is_rejected() {
        let json = format!(
            r#"{{"type":"nope","seq":1,"ts":1,"job_id":"{}","payload":{{}}}}"#,
            job()
        );
        assert!(serde_json::from_str::<Envelope>(&json).is_err());
    }
}
