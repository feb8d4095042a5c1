//! From the engine's outcome to what the API and the Review page show, and
//! to the downloadable renderings.

use tailor_common::{
    result::{Change, Download, Evidence, EvidenceLocation, MissingTerm},
    JobResult, ValidationPayload,
};
use uuid::Uuid;

use crate::{
    engine::{self, matching::MatchKind, Outcome},
    error::ApiError,
    store::JobStore,
};

/// The engine's outcome of a finished job: 404 for an unknown job, 409
/// while it runs or when it ended without one.
pub async fn load(store: &dyn JobStore, id: Uuid) -> Result<Outcome, ApiError> {
    let state = store.snapshot(id).await?.ok_or(ApiError::JobNotFound)?;
    if !state.is_done() {
        return Err(ApiError::JobRunning);
    }
    let stored = store.result(id).await?.ok_or(ApiError::NoResult)?;
    serde_json::from_value(stored)
        .map_err(|e| ApiError::Internal(format!("a stored result could not be read: {e}")))
}

pub fn job_result(job_id: Uuid, o: &Outcome) -> JobResult {
    JobResult {
        job_id,
        candidate_name: o.candidate_name.clone(),
        job_title: o.job_title.clone(),
        company: o.company.clone(),
        original_text: o.original_text.clone(),
        tailored_markdown: o.tailored_markdown.clone(),
        tailored_text: o.tailored_text.clone(),
        score_before: o.score_before.clone(),
        score_after: o.score_after.clone(),
        fit: o.fit.clone(),
        evidence: o
            .evidence
            .iter()
            .filter_map(|e| {
                let best = e.best?;
                Some(Evidence {
                    term: e.term.clone(),
                    kind: e.kind.as_str().to_string(),
                    match_kind: Some(match_kind(best).to_string()),
                    job_count: e.job_count,
                    locations: e
                        .locations
                        .iter()
                        .map(|l| EvidenceLocation {
                            section: l.section.clone(),
                            role: l.role.clone(),
                            text: l.text.clone(),
                            match_kind: match_kind(l.kind).to_string(),
                            via: l.via.clone(),
                        })
                        .collect(),
                })
            })
            .collect(),
        missing: o
            .missing
            .iter()
            .map(|m| MissingTerm {
                term: m.term.clone(),
                kind: m.kind.as_str().to_string(),
                importance: m.importance.as_str().to_string(),
                job_count: m.job_count,
                note: m.note.clone(),
                context: m.job_context.clone(),
            })
            .collect(),
        validations: o
            .validation
            .iter()
            .map(|r| ValidationPayload {
                rule_id: r.rule_id.clone(),
                status: r.status,
                message: r.message.clone(),
                label: Some(r.label.clone()),
            })
            .collect(),
        changes: o
            .edits
            .iter()
            .map(|e| Change {
                section: e.section.clone(),
                description: e.description.clone(),
                reason: e.reason.clone(),
            })
            .collect(),
        diffs: o.diffs.clone(),
        word_count: o.word_count,
        quantified_ratio: o.quantified_ratio,
        downloads: Download::all(job_id),
        review: Default::default(),
    }
}

fn match_kind(kind: MatchKind) -> &'static str {
    kind.as_str()
}

/// A download format of the tailored resume.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Docx,
    Pdf,
    Markdown,
    Text,
}

impl Format {
    pub fn parse(s: &str) -> Option<Format> {
        match s.to_ascii_lowercase().as_str() {
            "docx" => Some(Format::Docx),
            "pdf" => Some(Format::Pdf),
            "md" | "markdown" => Some(Format::Markdown),
            "txt" | "text" => Some(Format::Text),
            _ => None,
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Docx => "docx",
            Format::Pdf => "pdf",
            Format::Markdown => "md",
            Format::Text => "txt",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            Format::Pdf => "application/pdf",
            Format::Markdown => "text/markdown; charset=utf-8",
            Format::Text => "text/plain; charset=utf-8",
        }
    }

    pub fn render(self, o: &Outcome) -> Vec<u8> {
        match self {
            Format::Docx => engine::render_docx(o),
            Format::Pdf => engine::render_pdf(o),
            Format::Markdown => engine::render_markdown(o).into_bytes(),
            Format::Text => engine::render_text(o).into_bytes(),
        }
    }
}

/// "Jane Smith - Data Analyst - tailored.docx": who, for what, in plain
/// characters that every filesystem and browser accepts.
pub fn file_name(o: &Outcome, format: Format) -> String {
    file_name_of_version(o, format, 0)
}

/// [`file_name`] of a decided version: "… - tailored v3.pdf" (version 0
/// is the one Tailor wrote, named as before).
pub fn file_name_of_version(o: &Outcome, format: Format, version: u32) -> String {
    let mut parts = Vec::new();
    if let Some(name) = &o.candidate_name {
        parts.push(name.as_str());
    }
    if let Some(title) = &o.job_title {
        parts.push(title.as_str());
    }
    let tailored = match version {
        0 => "tailored".to_string(),
        v => format!("tailored v{v}"),
    };
    parts.push(&tailored);
    let stem: String = parts
        .join(" - ")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || " -_.".contains(c) {
                c
            } else {
                ' '
            }
        })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let stem: String = stem.chars().take(120).collect();
    format!("{stem}.{}", format.extension())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_parse_and_name_their_files() {
        assert_eq!(Format::parse("DOCX"), Some(Format::Docx));
        assert_eq!(Format::parse("markdown"), Some(Format::Markdown));
        assert_eq!(Format::parse("exe"), None);
        assert_eq!(Format::Pdf.extension(), "pdf");
    }
}
