//! Reading a resume file into text. This is the part that meets untrusted
//! bytes first: the server runs it in a disposable worker process (see
//! `crate::parse_worker`), so it takes no reporter and returns plain data.

use serde::{Deserialize, Serialize};

use super::input::{detect_format, Format, ResumeInput, MAX_RESUME_BYTES};
use super::{resume, EngineError};

/// The resume as read from its file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReadResume {
    pub format: Format,
    pub text: String,
    /// Pages, for a PDF.
    #[serde(default)]
    pub pages: Option<usize>,
}

/// Read the resume bytes into text. Pure: no reporter, no I/O but the bytes.
pub fn read_resume(input: &ResumeInput) -> Result<ReadResume, EngineError> {
    if input.bytes.len() > MAX_RESUME_BYTES {
        return Err(EngineError::FileTooLarge {
            size: input.bytes.len(),
            limit: MAX_RESUME_BYTES,
        });
    }
    let format = detect_format(input)?;
    let (text, pages) = match format {
        Format::Pdf => {
            let (text, pages) = resume::pdf::pdf_to_text_pages(&input.bytes)?;
            (text, Some(pages))
        }
        Format::Docx => (resume::docx::docx_to_text(&input.bytes)?, None),
        Format::Markdown | Format::Text => {
            let s = String::from_utf8_lossy(&input.bytes);
            (s.trim_start_matches('\u{feff}').replace("\r\n", "\n"), None)
        }
    };
    Ok(ReadResume {
        format,
        text,
        pages,
    })
}
