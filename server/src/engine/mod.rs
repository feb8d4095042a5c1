//! INTERIM: replaced by the real engine before this lands.
use serde::{Deserialize, Serialize};
use tailor_common::{EventBody, Importance, InsightCategory, InsightPayload, MetricPayload};

pub trait Reporter {
    fn progress(&mut self, pct: f64, detail: &str);
    fn emit(&mut self, body: EventBody);
}
pub struct ResumeInput {
    pub file_name: Option<String>,
    pub bytes: Vec<u8>,
}
pub enum JobInput {
    Text(String),
    Html { url: String, html: String },
}
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("The resume is empty.")]
    Empty,
}
impl EngineError {
    pub fn code(&self) -> &'static str {
        "empty_resume"
    }
    pub fn retryable(&self) -> bool {
        false
    }
}
#[derive(Debug, Clone)]
pub struct Analysis {
    resume: String,
    job: String,
}
#[derive(Debug, Clone)]
pub struct Plan {
    score: f64,
}
#[derive(Debug, Clone)]
pub struct Draft;
#[derive(Debug, Clone)]
pub struct Checks;
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Outcome {
    pub score: f64,
}
impl Outcome {
    pub fn summary_line(&self) -> String {
        format!("score {:.0}", self.score)
    }
}
pub fn analyze(
    resume: &ResumeInput,
    job: &JobInput,
    r: &mut dyn Reporter,
) -> Result<Analysis, EngineError> {
    let resume = String::from_utf8_lossy(&resume.bytes).to_string();
    if resume.trim().is_empty() {
        return Err(EngineError::Empty);
    }
    r.progress(50.0, "read the resume");
    let job = match job {
        JobInput::Text(t) => t.clone(),
        JobInput::Html { html, .. } => html.clone(),
    };
    r.emit(EventBody::InsightEmitted(InsightPayload {
        id: "words".into(),
        category: InsightCategory::Structure,
        importance: Importance::Low,
        message: format!(
            "Your resume has {} words",
            resume.split_whitespace().count()
        ),
        step: None,
    }));
    Ok(Analysis { resume, job })
}
pub fn plan(a: &Analysis, r: &mut dyn Reporter) -> Result<Plan, EngineError> {
    let words: std::collections::BTreeSet<String> =
        a.job.split_whitespace().map(|w| w.to_lowercase()).collect();
    let res = a.resume.to_lowercase();
    let hit = words.iter().filter(|w| res.contains(w.as_str())).count();
    let score = 100.0 * hit as f64 / words.len().max(1) as f64;
    r.emit(EventBody::MetricUpdate(MetricPayload {
        key: "match_score_before".into(),
        value: score.round(),
        unit: None,
        label: None,
    }));
    Ok(Plan { score })
}
pub fn write(_a: &Analysis, _p: &Plan, _r: &mut dyn Reporter) -> Result<Draft, EngineError> {
    Ok(Draft)
}
pub fn validate(
    _a: &Analysis,
    _p: &Plan,
    _d: &Draft,
    _r: &mut dyn Reporter,
) -> Result<Checks, EngineError> {
    Ok(Checks)
}
pub fn polish(
    _a: &Analysis,
    p: &Plan,
    _d: &Draft,
    _c: &Checks,
    _r: &mut dyn Reporter,
) -> Result<Outcome, EngineError> {
    Ok(Outcome { score: p.score })
}
