//! What a job gives the engine: the resume's bytes and the posting.

use serde::{Deserialize, Serialize};

use super::EngineError;

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
pub use tailor_common::limits::MAX_RESUME_BYTES;
/// Largest job posting (text or HTML) accepted.
pub const MAX_JOB_BYTES: usize = 5 * 1024 * 1024;

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
        // The content wins over the name: a Word package named `.pdf` (or
        // anything) is read as one. Its part names are stored uncompressed
        // in the zip's headers.
        let word = b
            .windows(b"word/document.xml".len())
            .any(|w| w == b"word/document.xml");
        return match ext.as_deref() {
            _ if word => Ok(Format::Docx),
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

#[cfg(test)]
mod tests {
    use super::*;

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
        // Content over name: a Word package under another name is DOCX.
        let docx = b"PK\x03\x04\x14\0\0\0word/document.xml";
        assert_eq!(f(Some("cv.pdf"), docx), Ok(Format::Docx));
        assert_eq!(f(Some("cv.txt"), docx), Ok(Format::Docx));
        assert_eq!(f(Some("cv.docx"), b"%PDF-1.4"), Ok(Format::Pdf));
    }
}
