//! The steps' outputs (saved as checkpoints) and the job's outcome.

use serde::{Deserialize, Serialize};
use tailor_common::result::Fit;
use tailor_common::ValidationStatus;

use super::input::Format;
use super::job::{self, JobPosting, TermKind};
use super::matching::{Score, TermEvidence};
use super::render;
use super::resume::Resume;
use super::validate::RuleResult;
use super::writing::{Edit, EditPlan};

/// Everything read in `analyzing`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Analysis {
    pub format: Format,
    /// The resume text as read from the file.
    pub original_text: String,
    pub resume: Resume,
    pub job: JobPosting,
}

/// Evidence, score and edits decided in `planning`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub evidence: Vec<TermEvidence>,
    pub score_before: Score,
    /// The fit verdict of the original resume against the posting.
    #[serde(default)]
    pub fit: Fit,
    pub edits: EditPlan,
}

/// The tailored resume from `writing`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    pub resume: Resume,
    pub edits: Vec<Edit>,
    pub diffs: Vec<tailor_common::DiffChunkPayload>,
    pub markdown: String,
    pub text: String,
    /// The language model's rewrites that passed the gates, in the order
    /// they were applied. Kept with the draft (the writing step's
    /// checkpoint) so that the Review page offers each as a change and a
    /// decided version re-applies the kept ones.
    #[serde(default)]
    pub rewrites: Vec<Rewrite>,
}

/// One line the model rewrote and the gates let through.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rewrite {
    /// The change's id on the stream and on Review (`rewrite-<path>`).
    pub id: String,
    /// Where the line is, in words ("Acme bullet").
    pub place: String,
    /// The line as it stood in the draft, before the rewrite.
    pub original: String,
    pub value: String,
    pub reason: String,
}

/// The rules' results from `validating`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Checks {
    pub results: Vec<RuleResult>,
    pub evidence_after: Vec<TermEvidence>,
    pub score_after: Score,
}

/// A job term with no evidence: for the report, never for the resume.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MissingTerm {
    pub term: String,
    pub kind: TermKind,
    pub importance: job::Importance,
    pub job_count: usize,
    /// Where the posting asks for it.
    pub job_context: String,
    pub note: String,
}

/// Everything the result endpoint and the downloads need.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    pub candidate_name: Option<String>,
    pub job_title: Option<String>,
    pub company: Option<String>,
    pub source_format: Format,
    /// The original resume as read (text).
    pub original_text: String,
    pub original: Resume,
    /// The tailored resume, structured (the renderings are made from it).
    pub tailored: Resume,
    pub tailored_markdown: String,
    pub tailored_text: String,
    pub score_before: Score,
    pub score_after: Score,
    /// Beside the score: strong / fair / stretch / mismatch, why, and the
    /// posting's years, degree and certification requirements checked.
    #[serde(default)]
    pub fit: Fit,
    /// Job term → where the original resume evidences it (exact / alias / stem, section, role).
    pub evidence: Vec<TermEvidence>,
    pub missing: Vec<MissingTerm>,
    pub validation: Vec<RuleResult>,
    pub edits: Vec<Edit>,
    pub diffs: Vec<tailor_common::DiffChunkPayload>,
    pub word_count: usize,
    pub quantified_ratio: f64,
}

impl Outcome {
    pub fn summary_line(&self) -> String {
        let who = self.candidate_name.as_deref().unwrap_or("Resume");
        let job = match (&self.job_title, &self.company) {
            (Some(t), Some(c)) => format!("{t} at {c}"),
            (Some(t), None) => t.clone(),
            (None, Some(c)) => format!("a role at {c}"),
            (None, None) => "the posting".to_string(),
        };
        let fails = self
            .validation
            .iter()
            .filter(|v| v.status == ValidationStatus::Fail)
            .count();
        let warns = self
            .validation
            .iter()
            .filter(|v| v.status == ValidationStatus::Warn)
            .count();
        format!(
            "{who} → {job}: match {} → {} ({}), {} edits, {} missing terms, {} checks failed, {} warnings",
            self.score_before.total,
            self.score_after.total,
            self.score_after.band,
            self.edits.len(),
            self.missing.len(),
            fails,
            warns
        )
    }
}

pub fn render_markdown(o: &Outcome) -> String {
    render::markdown::to_markdown(&o.tailored)
}
pub fn render_text(o: &Outcome) -> String {
    render::markdown::to_text(&o.tailored)
}
pub fn render_docx(o: &Outcome) -> Vec<u8> {
    render::docx::render(&o.tailored)
}
pub fn render_pdf(o: &Outcome) -> Vec<u8> {
    render::pdf::render(&o.tailored)
}
