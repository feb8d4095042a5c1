//! The tailoring engine: five synchronous, deterministic steps that read a
//! resume and a job posting, score the match, write a truthful tailored
//! resume, check it, and render it. Every step reports through a [`Reporter`].

pub mod job;
pub mod matching;
pub mod render;
pub mod resume;
pub mod skills;
pub mod text;
pub mod validate;
pub mod writing;

use serde::{Deserialize, Serialize};
use tailor_common::{
    EventBody, Importance, InsightCategory, InsightPayload, MetricPayload, Step, ValidationPayload,
    ValidationStatus,
};

use self::job::{JobPosting, TermKind};
use self::matching::{find_evidence, score, ResumeIndex, Score, TermEvidence};
use self::resume::Resume;
use self::validate::{RuleInput, RuleResult, RULES};
use self::writing::{Edit, EditPlan};

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

/// Pasted text arrives as bytes with `file_name` None (treated as plain text/Markdown).
#[derive(Debug, Clone)]
pub struct ResumeInput {
    pub file_name: Option<String>,
    pub bytes: Vec<u8>,
}

/// The server fetches URLs; the engine parses the HTML.
#[derive(Debug, Clone)]
pub enum JobInput {
    Text(String),
    Html { url: String, html: String },
}

/// Largest resume file accepted.
pub const MAX_RESUME_BYTES: usize = 10 * 1024 * 1024;
/// Largest job posting (text or HTML) accepted.
pub const MAX_JOB_BYTES: usize = 5 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EngineError {
    #[error("This file is {size} bytes; the limit is {limit} bytes. Upload a smaller file or paste the text.")]
    FileTooLarge { size: usize, limit: usize },
    #[error("This file type ({0}) is not supported. Upload a PDF, DOCX, TXT or Markdown file, or paste the text.")]
    UnsupportedFormat(String),
    #[error("This PDF has no text layer (it looks scanned). Upload a text-based PDF, a DOCX, or paste the text.")]
    PdfNoText,
    #[error("This PDF could not be read. Export it again from your editor, upload a DOCX, or paste the text.")]
    PdfUnreadable,
    #[error("This PDF has {pages} pages; the limit is {limit}. Upload your resume only.")]
    PdfTooManyPages { pages: usize, limit: usize },
    #[error("Reading this file took too long. Try again, upload a DOCX, or paste the text.")]
    ParseTimeout,
    #[error("This DOCX could not be read ({0}). Save it again from Word, upload a PDF, or paste the text.")]
    DocxInvalid(String),
    #[error("This DOCX expands to more data than a resume should. Save it again without embedded media, or paste the text.")]
    DocxTooLarge,
    #[error("No resume text was found. Upload a file with your resume or paste its text.")]
    EmptyResume,
    #[error("No job posting text was found. Paste the posting's text or give its URL.")]
    EmptyJob,
    #[error("Something went wrong inside the engine ({0}). Try again.")]
    Internal(String),
}

impl EngineError {
    /// A stable snake_case code for the API and the event stream.
    pub fn code(&self) -> &'static str {
        match self {
            EngineError::FileTooLarge { .. } => "file_too_large",
            EngineError::UnsupportedFormat(_) => "unsupported_format",
            EngineError::PdfNoText => "pdf_no_text",
            EngineError::PdfUnreadable => "pdf_unreadable",
            EngineError::PdfTooManyPages { .. } => "pdf_too_many_pages",
            EngineError::ParseTimeout => "parse_timeout",
            EngineError::DocxInvalid(_) => "docx_invalid",
            EngineError::DocxTooLarge => "docx_too_large",
            EngineError::EmptyResume => "empty_resume",
            EngineError::EmptyJob => "empty_job",
            EngineError::Internal(_) => "internal",
        }
    }

    /// Whether retrying the same input may succeed.
    pub fn retryable(&self) -> bool {
        matches!(self, EngineError::ParseTimeout | EngineError::Internal(_))
    }
}

/// The source format of a resume.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    Pdf,
    Docx,
    Markdown,
    Text,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Pdf => "pdf",
            Format::Docx => "docx",
            Format::Markdown => "markdown",
            Format::Text => "text",
        }
    }
}

/// Decide the format from the file name and the first bytes.
pub fn detect_format(input: &ResumeInput) -> Result<Format, EngineError> {
    let b = &input.bytes;
    if b.starts_with(b"%PDF") {
        return Ok(Format::Pdf);
    }
    let ext = input
        .file_name
        .as_deref()
        .and_then(|n| n.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()));
    if b.starts_with(b"PK\x03\x04") {
        return match ext.as_deref() {
            None | Some("docx") => Ok(Format::Docx),
            Some(e) => Err(EngineError::UnsupportedFormat(e.to_string())),
        };
    }
    match ext.as_deref() {
        None | Some("txt") | Some("text") => Ok(Format::Text),
        Some("md") | Some("markdown") => Ok(Format::Markdown),
        Some("pdf") => Err(EngineError::PdfUnreadable),
        Some("docx") => Err(EngineError::DocxInvalid("it is not a zip package".into())),
        Some(e) => Err(EngineError::UnsupportedFormat(e.to_string())),
    }
}

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

/// Insight ids already used in a step: a colliding slug gets "-2", "-3"…
#[derive(Default)]
struct Ids(std::collections::BTreeSet<String>);

impl Ids {
    fn take(&mut self, id: String) -> String {
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

fn insight(
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

fn metric(r: &mut dyn Reporter, key: &str, value: f64, unit: Option<&str>, label: &str) {
    r.emit(EventBody::MetricUpdate(MetricPayload {
        key: key.into(),
        value,
        unit: unit.map(str::to_string),
        label: Some(label.into()),
    }));
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Read the resume bytes into text.
pub fn read_resume_text(
    input: &ResumeInput,
    r: &mut dyn Reporter,
) -> Result<(Format, String), EngineError> {
    if input.bytes.len() > MAX_RESUME_BYTES {
        return Err(EngineError::FileTooLarge {
            size: input.bytes.len(),
            limit: MAX_RESUME_BYTES,
        });
    }
    let format = detect_format(input)?;
    let text = match format {
        Format::Pdf => {
            r.progress(5.0, "Reading PDF");
            let (text, pages) = resume::pdf::pdf_to_text_pages(&input.bytes)?;
            r.progress(
                20.0,
                &format!(
                    "Read the PDF's text layer ({})",
                    plural(pages, "page", "pages")
                ),
            );
            text
        }
        Format::Docx => {
            r.progress(5.0, "Reading DOCX");
            resume::docx::docx_to_text(&input.bytes)?
        }
        Format::Markdown | Format::Text => {
            r.progress(5.0, "Reading text");
            let s = String::from_utf8_lossy(&input.bytes);
            s.trim_start_matches('\u{feff}').replace("\r\n", "\n")
        }
    };
    Ok((format, text))
}

/// Step 1 — `analyzing`: read the resume and the posting.
pub fn analyze(
    resume_in: &ResumeInput,
    job_in: &JobInput,
    r: &mut dyn Reporter,
) -> Result<Analysis, EngineError> {
    const S: Step = Step::Analyzing;
    let (format, original_text) = read_resume_text(resume_in, r)?;
    if original_text
        .chars()
        .filter(|c| c.is_alphanumeric())
        .count()
        < 20
    {
        return Err(EngineError::EmptyResume);
    }
    r.progress(30.0, "Finding sections, roles and contact details");
    let res = resume::parse_text(&original_text);
    if !res.has_content() {
        return Err(EngineError::EmptyResume);
    }
    r.progress(55.0, "Reading the job posting");
    let job = match job_in {
        JobInput::Text(t) => {
            if t.len() > MAX_JOB_BYTES {
                return Err(EngineError::FileTooLarge {
                    size: t.len(),
                    limit: MAX_JOB_BYTES,
                });
            }
            job::parse_text(t)
        }
        JobInput::Html { url, html } => {
            if html.len() > MAX_JOB_BYTES {
                return Err(EngineError::FileTooLarge {
                    size: html.len(),
                    limit: MAX_JOB_BYTES,
                });
            }
            job::parse_html(url, html)
        }
    };
    if job.text.chars().filter(|c| c.is_alphanumeric()).count() < 20 {
        return Err(EngineError::EmptyJob);
    }
    r.progress(90.0, "Summarising what was read");
    let roles = res.roles().len();
    let bullets = res.work_bullets().len();
    let sections: Vec<&str> = res.sections.iter().map(|s| s.heading.as_str()).collect();
    insight(
        r,
        S,
        "resume-structure".into(),
        InsightCategory::Structure,
        if roles == 0 {
            Importance::High
        } else {
            Importance::Low
        },
        format!(
            "Read your {} resume: {}, {} and {} ({}).",
            format.as_str().to_uppercase(),
            plural(res.sections.len(), "section", "sections"),
            plural(roles, "role", "roles"),
            plural(bullets, "bullet", "bullets"),
            sections.join(", ")
        ),
    );
    let hard = job
        .terms
        .iter()
        .filter(|t| t.kind == TermKind::Hard)
        .count();
    let req = job
        .terms
        .iter()
        .filter(|t| t.kind == TermKind::Hard && t.importance == job::Importance::Required)
        .count();
    let soft = job
        .terms
        .iter()
        .filter(|t| t.kind == TermKind::Soft)
        .count();
    insight(
        r,
        S,
        "job-terms".into(),
        InsightCategory::Requirements,
        Importance::Medium,
        format!(
            "The posting{} asks for {} ({} required) and {}.",
            job.title
                .as_deref()
                .map(|t| format!(" for {t}"))
                .unwrap_or_default(),
            plural(hard, "hard skill", "hard skills"),
            req,
            plural(soft, "soft skill", "soft skills")
        ),
    );
    metric(r, "resume_roles", roles as f64, None, "Roles found");
    metric(r, "resume_bullets", bullets as f64, None, "Bullets found");
    metric(
        r,
        "job_hard_skills",
        hard as f64,
        None,
        "Hard skills in the posting",
    );
    r.progress(100.0, "Read the resume and the posting");
    Ok(Analysis {
        format,
        original_text,
        resume: res,
        job,
    })
}

/// Step 2 — `planning`: evidence for each term, the score, the edits.
pub fn plan(a: &Analysis, r: &mut dyn Reporter) -> Result<Plan, EngineError> {
    const S: Step = Step::Planning;
    r.progress(10.0, "Indexing your resume");
    let idx = ResumeIndex::build(&a.resume);
    r.progress(
        35.0,
        &format!("Looking for evidence of {} job terms", a.job.terms.len()),
    );
    let evidence = find_evidence(&a.job, &idx);
    r.progress(65.0, "Scoring the match");
    let score_before = score(&a.job, &a.resume, &evidence);
    let edits = writing::plan_edits(&a.job, &a.resume, &evidence);
    let mut ids = Ids::default();

    let req: Vec<&TermEvidence> = evidence
        .iter()
        .filter(|e| e.kind == TermKind::Hard && e.importance == job::Importance::Required)
        .collect();
    let req_m = req.iter().filter(|e| e.matched()).count();
    let hard: Vec<&TermEvidence> = evidence
        .iter()
        .filter(|e| e.kind == TermKind::Hard)
        .collect();
    let hard_m = hard.iter().filter(|e| e.matched()).count();
    if !req.is_empty() {
        insight(
            r,
            S,
            "skills-matched".into(),
            InsightCategory::Skills,
            if req_m * 2 < req.len() {
                Importance::High
            } else {
                Importance::Medium
            },
            format!("{req_m} of {} required skills matched.", req.len()),
        );
    } else if !hard.is_empty() {
        insight(
            r,
            S,
            "skills-matched".into(),
            InsightCategory::Skills,
            Importance::Medium,
            format!("{hard_m} of {} skills in the posting matched.", hard.len()),
        );
    }
    // The posting's most repeated skills and where the resume shows them.
    let mut freq: Vec<&TermEvidence> = evidence
        .iter()
        .filter(|e| e.kind == TermKind::Hard && e.job_count >= 2)
        .collect();
    freq.sort_by_key(|x| std::cmp::Reverse(x.job_count));
    for e in freq.iter().take(3) {
        let where_ = if !e.matched() {
            "your resume does not show it".to_string()
        } else if e.roles.is_empty() {
            format!(
                "your resume shows it in {}",
                plural(e.resume_count, "place", "places")
            )
        } else {
            format!(
                "your resume shows it in {}",
                plural(e.roles.len(), "role", "roles")
            )
        };
        insight(
            r,
            S,
            ids.take(format!("term-{}", text::slug(&e.canonical))),
            InsightCategory::Keywords,
            if e.matched() {
                Importance::Low
            } else {
                Importance::High
            },
            format!(
                "The posting asks for {} {} times; {where_}.",
                e.term, e.job_count
            ),
        );
    }
    let mut gaps: Vec<&TermEvidence> = evidence
        .iter()
        .filter(|e| e.kind == TermKind::Hard && !e.matched())
        .collect();
    gaps.sort_by(|x, y| {
        y.importance
            .cmp(&x.importance)
            .then(y.weight.total_cmp(&x.weight))
    });
    for e in gaps.iter().take(5) {
        insight(
            r,
            S,
            ids.take(format!("gap-{}", text::slug(&e.canonical))),
            InsightCategory::Gaps,
            if e.importance == job::Importance::Required {
                Importance::High
            } else {
                Importance::Medium
            },
            format!(
                "No evidence of {} ({}) — add it only if it is true.",
                e.term,
                e.importance.as_str()
            ),
        );
    }
    insight(
        r,
        S,
        "score-before".into(),
        InsightCategory::Score,
        if score_before.total < 50 {
            Importance::High
        } else {
            Importance::Medium
        },
        format!(
            "Match score before tailoring: {} ({}). {}",
            score_before.total,
            score_before.band,
            score_before
                .components
                .iter()
                .map(|c| format!("{} {:.0}/{:.0}", c.label, c.points, c.max))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    );
    metric(
        r,
        "match_score_before",
        score_before.total as f64,
        Some("points"),
        "Match score before",
    );
    metric(
        r,
        "hard_skills_matched",
        hard_m as f64,
        None,
        "Hard skills matched",
    );
    metric(
        r,
        "hard_skills_total",
        hard.len() as f64,
        None,
        "Hard skills asked for",
    );
    metric(
        r,
        "required_matched",
        req_m as f64,
        None,
        "Required skills matched",
    );
    metric(
        r,
        "required_total",
        req.len() as f64,
        None,
        "Required skills asked for",
    );
    let planned = usize::from(edits.summary.is_some())
        + usize::from(!edits.key_skills.is_empty())
        + edits.aliases.len()
        + edits.bullet_orders.len();
    metric(r, "edits_planned", planned as f64, None, "Edits planned");
    r.progress(100.0, "Planned the edits");
    Ok(Plan {
        evidence,
        score_before,
        edits,
    })
}

/// Step 3 — `writing`: apply the evidenced edits; one diff chunk per changed section.
pub fn write(a: &Analysis, p: &Plan, r: &mut dyn Reporter) -> Result<Draft, EngineError> {
    const S: Step = Step::Writing;
    r.progress(10.0, "Applying evidenced edits");
    let w = writing::apply(&a.resume, &p.edits);
    let n = w.diffs.len().max(1);
    for (i, d) in w.diffs.iter().enumerate() {
        r.progress(
            20.0 + 60.0 * (i as f64 + 1.0) / n as f64,
            &format!("Rewrote {}", d.section),
        );
        r.emit(EventBody::DiffChunk(d.clone()));
    }
    let mut ids = Ids::default();
    for e in &w.edits {
        let (cat, imp) = match e.kind.as_str() {
            "bullet_reorder" => (InsightCategory::Impact, Importance::Low),
            "alias" => (InsightCategory::Keywords, Importance::Low),
            "summary" => (InsightCategory::Structure, Importance::Medium),
            _ => (InsightCategory::Skills, Importance::Medium),
        };
        insight(
            r,
            S,
            ids.take(format!("edit-{}", e.id)),
            cat,
            imp,
            format!("{} ({}).", e.description, e.reason),
        );
    }
    metric(
        r,
        "edits_applied",
        w.edits.len() as f64,
        None,
        "Edits applied",
    );
    r.progress(90.0, "Rendering Markdown and text");
    let markdown = render::markdown::to_markdown(&w.resume);
    let text = render::markdown::to_text(&w.resume);
    r.progress(100.0, "Wrote the tailored resume");
    Ok(Draft {
        resume: w.resume,
        edits: w.edits,
        diffs: w.diffs,
        markdown,
        text,
    })
}

/// Step 4 — `validating`: every rule, `pending` first, then as each settles.
pub fn validate(
    a: &Analysis,
    p: &Plan,
    d: &Draft,
    r: &mut dyn Reporter,
) -> Result<Checks, EngineError> {
    for (id, label) in RULES {
        r.emit(EventBody::ValidationUpdate(ValidationPayload {
            rule_id: id.into(),
            status: ValidationStatus::Pending,
            message: "Waiting to be checked.".into(),
            label: Some(label.into()),
        }));
    }
    let idx = ResumeIndex::build(&d.resume);
    let evidence_after = find_evidence(&a.job, &idx);
    let score_after = score(&a.job, &d.resume, &evidence_after);
    let original_md = render::markdown::to_text(&a.resume);
    let input = RuleInput {
        original: &a.resume,
        tailored: &d.resume,
        tailored_text: &d.text,
        original_text: &original_md,
        derived_years: p.edits.years,
        job: &a.job,
        score_after: &score_after,
        evidence_after: &evidence_after,
    };
    let mut results = Vec::new();
    for (i, (id, label)) in RULES.iter().enumerate() {
        r.progress(
            100.0 * i as f64 / RULES.len() as f64,
            &format!("Checking: {label}"),
        );
        let res = validate::check(id, &input);
        r.emit(EventBody::ValidationUpdate(ValidationPayload {
            rule_id: res.rule_id.clone(),
            status: res.status,
            message: res.message.clone(),
            label: Some(res.label.clone()),
        }));
        results.push(res);
    }
    let failed = results
        .iter()
        .filter(|x| x.status == ValidationStatus::Fail)
        .count();
    let warned = results
        .iter()
        .filter(|x| x.status == ValidationStatus::Warn)
        .count();
    insight(
        r,
        Step::Validating,
        "checks-summary".into(),
        InsightCategory::Structure,
        if failed > 0 {
            Importance::High
        } else if warned > 0 {
            Importance::Medium
        } else {
            Importance::Low
        },
        format!(
            "{} of {} checks passed, {} to improve, {} failed.",
            results.len() - failed - warned,
            results.len(),
            warned,
            failed
        ),
    );
    r.progress(100.0, "Checked every rule");
    Ok(Checks {
        results,
        evidence_after,
        score_after,
    })
}

/// Step 5 — `polishing`: final scores and the outcome.
pub fn polish(
    a: &Analysis,
    p: &Plan,
    d: &Draft,
    c: &Checks,
    r: &mut dyn Reporter,
) -> Result<Outcome, EngineError> {
    const S: Step = Step::Polishing;
    r.progress(20.0, "Final scores");
    let before = &p.score_before;
    let after = &c.score_after;
    metric(
        r,
        "match_score_before",
        before.total as f64,
        Some("points"),
        "Match score before",
    );
    metric(
        r,
        "match_score_after",
        after.total as f64,
        Some("points"),
        "Match score after",
    );
    for comp in &after.components {
        metric(
            r,
            &format!("score_{}", comp.key),
            comp.points,
            Some("points"),
            &format!(
                "{} ({} of {} matched)",
                comp.label, comp.matched, comp.total
            ),
        );
    }
    let bullets = d.resume.work_bullets();
    let q = bullets
        .iter()
        .filter(|b| b.chars().any(|c| c.is_ascii_digit()))
        .count();
    let ratio = if bullets.is_empty() {
        0.0
    } else {
        q as f64 / bullets.len() as f64
    };
    let words = text::word_count(&d.text);
    metric(r, "word_count", words as f64, Some("words"), "Word count");
    metric(
        r,
        "quantified_ratio",
        (ratio * 1000.0).round() / 10.0,
        Some("%"),
        "Bullets with a measurable result",
    );
    let missing: Vec<MissingTerm> = c
        .evidence_after
        .iter()
        .filter(|e| !e.matched() && e.kind != TermKind::Keyword)
        .map(|e| MissingTerm {
            term: e.term.clone(),
            kind: e.kind,
            importance: e.importance,
            job_count: e.job_count,
            job_context: e.job_context.clone(),
            note: "missing — add only if true".into(),
        })
        .collect();
    metric(
        r,
        "missing_terms",
        missing.len() as f64,
        None,
        "Missing terms",
    );
    let delta = after.total as i64 - before.total as i64;
    insight(
        r,
        S,
        "score-after".into(),
        InsightCategory::Score,
        if after.total >= 75 {
            Importance::Medium
        } else {
            Importance::High
        },
        if delta > 0 {
            format!(
                "Match score {} → {} ({}), with no fact added that your resume does not support.",
                before.total, after.total, after.band
            )
        } else {
            format!(
                "Match score stays at {} ({}): your resume already uses the posting's words for what it shows. {} asked-for terms have no evidence.",
                after.total,
                after.band,
                missing.len()
            )
        },
    );
    if !bullets.is_empty() {
        insight(
            r,
            S,
            "impact-quantified".into(),
            InsightCategory::Impact,
            if ratio < 0.4 {
                Importance::Medium
            } else {
                Importance::Low
            },
            format!("{q} of {} bullets show a measurable result.", bullets.len()),
        );
    }
    r.progress(100.0, "Prepared the downloads");
    Ok(Outcome {
        candidate_name: a.resume.contact.name.clone(),
        job_title: a.job.title.clone(),
        company: a.job.company.clone(),
        source_format: a.format,
        original_text: a.original_text.clone(),
        original: a.resume.clone(),
        tailored: d.resume.clone(),
        tailored_markdown: d.markdown.clone(),
        tailored_text: d.text.clone(),
        score_before: before.clone(),
        score_after: after.clone(),
        evidence: p.evidence.clone(),
        missing,
        validation: c.results.clone(),
        edits: d.edits.clone(),
        diffs: d.diffs.clone(),
        word_count: words,
        quantified_ratio: ratio,
    })
}

/// Convenience: all five in order (used by the CLI `tailor run`, tests and the benchmark).
pub fn run_all(
    resume: &ResumeInput,
    job: &JobInput,
    r: &mut dyn Reporter,
) -> Result<Outcome, EngineError> {
    let a = analyze(resume, job, r)?;
    let p = plan(&a, r)?;
    let d = write(&a, &p, r)?;
    let c = validate(&a, &p, &d, r)?;
    polish(&a, &p, &d, &c, r)
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

    #[test]
    fn formats_are_detected_by_content_then_name() {
        let f = |n: Option<&str>, b: &[u8]| {
            detect_format(&ResumeInput {
                file_name: n.map(str::to_string),
                bytes: b.to_vec(),
            })
        };
        assert_eq!(f(None, b"%PDF-1.7"), Ok(Format::Pdf));
        assert_eq!(f(Some("cv.docx"), b"PK\x03\x04"), Ok(Format::Docx));
        assert_eq!(f(Some("cv.md"), b"# Me"), Ok(Format::Markdown));
        assert_eq!(f(None, b"Me"), Ok(Format::Text));
        assert_eq!(
            f(Some("cv.png"), b"\x89PNG").unwrap_err().code(),
            "unsupported_format"
        );
        assert_eq!(
            f(Some("cv.zip"), b"PK\x03\x04").unwrap_err().code(),
            "unsupported_format"
        );
    }

    #[test]
    fn errors_have_stable_codes_and_messages() {
        let e = EngineError::PdfNoText;
        assert_eq!(e.code(), "pdf_no_text");
        assert!(!e.retryable());
        assert!(e.to_string().starts_with("This PDF has no text layer"));
        assert!(EngineError::ParseTimeout.retryable());
    }

    #[test]
    fn outcome_is_send_and_static() {
        fn check<T: Send + Clone + std::fmt::Debug + 'static>() {}
        check::<Analysis>();
        check::<Plan>();
        check::<Draft>();
        check::<Checks>();
        check::<Outcome>();
    }
}
