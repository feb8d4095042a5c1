//! The outcome of a finished job as `GET /api/jobs/{id}/result` reports it
//! and the Review screen shows it.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::protocol::{DiffChunkPayload, JobStatus, ValidationPayload};

/// One line of the job history (`GET /api/jobs`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobSummary {
    pub job_id: Uuid,
    /// Epoch milliseconds.
    pub created_at: i64,
    pub updated_at: Option<i64>,
    pub status: JobStatus,
    pub last_seq: u64,
    /// match_score_after, else match_score_before, once computed.
    pub match_score: Option<f64>,
    /// The posting's job title, once the job has a result.
    pub title: Option<String>,
    /// The candidate's name and the hiring company, once the job has a
    /// result: a person with several resumes or postings tells jobs apart.
    #[serde(default)]
    pub candidate: Option<String>,
    #[serde(default)]
    pub company: Option<String>,
    /// The resume file's name; `None` when the resume was pasted.
    #[serde(default)]
    pub file_name: Option<String>,
    /// Why a failed job failed: its last error's message.
    #[serde(default)]
    pub failure: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobResult {
    pub job_id: Uuid,
    pub candidate_name: Option<String>,
    pub job_title: Option<String>,
    pub company: Option<String>,
    /// The resume as Tailor read it.
    pub original_text: String,
    pub tailored_markdown: String,
    pub tailored_text: String,
    pub score_before: ScoreBreakdown,
    pub score_after: ScoreBreakdown,
    /// Beside the score: how well the resume fits the posting, in words, and
    /// the posting's years/degree/certification requirements checked.
    #[serde(default)]
    pub fit: Fit,
    /// Every job term the resume evidences, and where.
    pub evidence: Vec<Evidence>,
    /// Job terms the resume does not show: "add only if true".
    pub missing: Vec<MissingTerm>,
    pub validations: Vec<ValidationPayload>,
    pub changes: Vec<Change>,
    pub diffs: Vec<DiffChunkPayload>,
    pub word_count: usize,
    /// Share of bullets with a measurable result, 0–1.
    pub quantified_ratio: f64,
    pub downloads: Vec<Download>,
    /// What the person decided and can still decide; absent from results
    /// made before decisions existed.
    #[serde(default)]
    pub review: ReviewInfo,
}

/// The Review page's decisions: the changes with their state, what the
/// person confirmed, the lines they may edit, and every version.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ReviewInfo {
    /// The version shown (0: as Tailor wrote it).
    pub version: u32,
    pub versions: Vec<VersionInfo>,
    /// Every change Tailor proposed, kept or dropped.
    pub changes: Vec<ReviewChange>,
    /// Terms the person said they have: "added by you".
    pub confirmed: Vec<crate::review::Confirmation>,
    /// Lines the person may rewrite.
    pub lines: Vec<EditableLine>,
    /// Where a confirmed term may go besides the skills: the roles.
    pub roles: Vec<RoleChoice>,
    /// What the evidence rule flags in the person's own edits (never
    /// blocking): "number: 40%".
    pub flags: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VersionInfo {
    pub version: u32,
    /// Epoch milliseconds; `None` for version 0.
    pub ts: Option<i64>,
    pub description: String,
}

/// One change Tailor proposed, as the person may keep or drop it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewChange {
    /// What a decision names.
    pub id: String,
    /// summary, bullet_reorder, alias, skills_reorder or skill_surface.
    pub kind: String,
    pub section: String,
    pub description: String,
    pub reason: String,
    pub accepted: bool,
}

/// A line of the tailored resume the person may rewrite.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EditableLine {
    pub id: String,
    pub section: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// As Tailor wrote it.
    pub proposed: String,
    /// The person's text, if they edited it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edited: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoleChoice {
    pub role: usize,
    pub label: String,
}

/// A match score's band: below 50 weak, 50–74 fair, 75 and up strong (the
/// 75 line is where resume tools commonly call a match strong).
pub fn band(score: f64) -> &'static str {
    if score >= 75.0 {
        "strong"
    } else if score >= 50.0 {
        "fair"
    } else {
        "weak"
    }
}

/// The fit verdict, best first.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Strong,
    Fair,
    #[default]
    Stretch,
    Mismatch,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Strong => "strong",
            Verdict::Fair => "fair",
            Verdict::Stretch => "stretch",
            Verdict::Mismatch => "mismatch",
        }
    }
}

/// How well a resume fits a posting, beside the score: the verdict, its
/// reasons in plain words, and each stated requirement checked.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Fit {
    pub verdict: Verdict,
    pub reasons: Vec<String>,
    pub requirements: Vec<RequirementCheck>,
}

/// One requirement of the posting checked against the resume.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RequirementCheck {
    /// years, degree or certification.
    pub kind: String,
    /// required or preferred.
    pub importance: String,
    /// The posting's words ("5+ years of backend work").
    pub asked: String,
    /// What the resume shows ("about 3 years", "BS Mathematics", "none").
    pub found: String,
    pub met: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoreBreakdown {
    /// 0–100.
    pub total: u32,
    /// weak (below 50), fair (50–74) or strong (75 and up).
    pub band: String,
    pub components: Vec<ScoreComponent>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoreComponent {
    pub key: String,
    pub label: String,
    pub points: f64,
    pub max: f64,
    pub matched: usize,
    pub total: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    pub term: String,
    /// hard_skill, soft_skill or keyword.
    pub kind: String,
    /// How the best piece of evidence matched: exact, form (hyphen/space/case),
    /// alias, narrower (the resume shows a kind of it), stem or family.
    pub match_kind: Option<String>,
    /// How often the posting asks for it.
    pub job_count: usize,
    pub locations: Vec<EvidenceLocation>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvidenceLocation {
    pub section: String,
    pub role: Option<String>,
    pub text: String,
    pub match_kind: String,
    /// For a taxonomy match (narrower, family), the resume's term that
    /// produced it ("kubernetes" for "container orchestration").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub via: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MissingTerm {
    pub term: String,
    pub kind: String,
    /// required or preferred, as the posting says.
    pub importance: String,
    pub job_count: usize,
    pub note: String,
    /// The posting's sentence that asks for it.
    #[serde(default)]
    pub context: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    pub section: String,
    pub description: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Download {
    /// docx, pdf, md or txt.
    pub format: String,
    pub label: String,
    pub url: String,
}

impl Download {
    /// The four downloads of one version of a job's result.
    pub fn of_version(job_id: Uuid, version: u32) -> Vec<Download> {
        Download::all(job_id)
            .into_iter()
            .map(|mut d| {
                if version > 0 {
                    d.url = crate::paths::job_export_version(job_id, &d.format, version);
                    d.label = format!("{} (v{version})", d.label);
                }
                d
            })
            .collect()
    }

    /// The four downloads of a job, in the order the Review screen shows them.
    pub fn all(job_id: Uuid) -> Vec<Download> {
        [
            ("docx", "Download DOCX"),
            ("pdf", "Download PDF"),
            ("md", "Download Markdown"),
            ("txt", "Download text"),
        ]
        .into_iter()
        .map(|(format, label)| Download {
            format: format.into(),
            label: label.into(),
            url: crate::paths::job_export(job_id, format),
        })
        .collect()
    }
}
