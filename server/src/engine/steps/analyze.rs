//! Step 1 — `analyzing`: the resume as read, then the posting, summarised.

use tailor_common::{Importance, InsightCategory, Step};

use crate::engine::job::{self, TermKind};
use crate::engine::read::ReadResume;
use crate::engine::report::{insight, metric, plural, Reporter};
use crate::engine::resume;
use crate::engine::{Analysis, EngineError, JobInput, MAX_JOB_BYTES};

/// Step 1 — `analyzing`: read the resume and the posting.
pub fn analyze(
    read: &ReadResume,
    job_in: &JobInput,
    r: &mut dyn Reporter,
) -> Result<Analysis, EngineError> {
    const S: Step = Step::Analyzing;
    let format = read.format;
    let original_text = read.text.clone();
    r.progress(
        20.0,
        &match read.pages {
            Some(pages) => format!(
                "Read the {} ({})",
                format.as_str().to_uppercase(),
                plural(pages, "page", "pages")
            ),
            None => format!("Read the {}", format.as_str().to_uppercase()),
        },
    );
    if original_text
        .chars()
        .filter(|c| c.is_alphanumeric())
        .count()
        < 20
    {
        return Err(EngineError::EmptyResume);
    }
    r.progress(30.0, "Finding sections, roles and contact details");
    let res = resume::parse(read);
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
    r.progress(100.0, "Read the resume and the posting");
    Ok(Analysis {
        format,
        original_text,
        resume: res,
        job,
    })
}
