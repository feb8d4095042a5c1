//! What can go wrong reading a job's documents, with stable codes.

use serde::{Deserialize, Serialize};

/// Why an isolated reader was stopped (see `crate::parse_worker`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReaderFailure {
    /// It wanted more memory than a resume needs (a decompression bomb).
    Memory,
    /// It used its CPU seconds (an endless loop, a fan-out of drawings).
    Cpu,
    /// It ran past its wall-clock limit.
    Timeout,
    /// Its stack overflowed (a drawing that draws itself).
    Stack,
    /// It died some other way.
    Crashed,
}

impl ReaderFailure {
    pub const ALL: [ReaderFailure; 5] = [
        ReaderFailure::Memory,
        ReaderFailure::Cpu,
        ReaderFailure::Timeout,
        ReaderFailure::Stack,
        ReaderFailure::Crashed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ReaderFailure::Memory => "memory",
            ReaderFailure::Cpu => "cpu",
            ReaderFailure::Timeout => "timeout",
            ReaderFailure::Stack => "stack",
            ReaderFailure::Crashed => "crashed",
        }
    }

    fn what(self) -> &'static str {
        match self {
            ReaderFailure::Memory => "needed far more memory than a resume does",
            ReaderFailure::Cpu | ReaderFailure::Timeout => "did not finish in time",
            ReaderFailure::Stack => "nests its drawings without end",
            ReaderFailure::Crashed => "made the reader crash",
        }
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error, Serialize, Deserialize)]
pub enum EngineError {
    #[error("This file is {size} bytes; the limit is {limit} bytes. Upload a smaller file or paste the text.")]
    FileTooLarge { size: usize, limit: usize },
    #[error("This file type ({0}) is not supported. Upload a PDF, DOCX, TXT or Markdown file, or paste the text.")]
    UnsupportedFormat(String),
    #[error("This PDF has no text layer (it looks scanned). Upload a text-based PDF, a DOCX, or paste the text.")]
    PdfNoText,
    #[error("This PDF could not be read. Export it again from your editor, upload a DOCX, or paste the text.")]
    PdfUnreadable,
    #[error("This PDF is password-protected. Save or print it again without a password, upload a DOCX, or paste the text.")]
    PdfEncrypted,
    #[error("This PDF has {pages} pages; the limit is {limit}. Upload your resume only.")]
    PdfTooManyPages { pages: usize, limit: usize },
    #[error("Reading this file took too long: it may be damaged or made to harm readers. Export it again from your editor, upload a DOCX, or paste the text.")]
    ParseTimeout,
    #[error("This DOCX could not be read ({0}). Save it again from Word, upload a PDF, or paste the text.")]
    DocxInvalid(String),
    #[error("This DOCX expands to more data than a resume should. Save it again without embedded media, or paste the text.")]
    DocxTooLarge,
    #[error("No resume text was found. Upload a file with your resume or paste its text.")]
    EmptyResume,
    #[error("No job posting text was found. Paste the posting's text or give its URL.")]
    EmptyJob,
    #[error("Reading this file was stopped: it {}. It may be damaged or made to harm readers. Export it again from your editor, upload a DOCX, or paste the text.", .0.what())]
    ReaderKilled(ReaderFailure),
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
            EngineError::PdfEncrypted => "pdf_encrypted",
            EngineError::PdfTooManyPages { .. } => "pdf_too_many_pages",
            EngineError::ParseTimeout => "parse_timeout",
            EngineError::DocxInvalid(_) => "docx_invalid",
            EngineError::DocxTooLarge => "docx_too_large",
            EngineError::EmptyResume => "empty_resume",
            EngineError::EmptyJob => "empty_job",
            EngineError::ReaderKilled(ReaderFailure::Memory) => "reader_out_of_memory",
            EngineError::ReaderKilled(ReaderFailure::Cpu | ReaderFailure::Timeout) => {
                "reader_timeout"
            }
            EngineError::ReaderKilled(ReaderFailure::Stack | ReaderFailure::Crashed) => {
                "reader_crashed"
            }
            EngineError::Internal(_) => "internal",
        }
    }

    /// Whether retrying the same input may succeed. A file that made the
    /// reader time out or die will do it again: no retry for those.
    pub fn retryable(&self) -> bool {
        matches!(self, EngineError::Internal(_))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_have_stable_codes_and_messages() {
        let e = EngineError::PdfNoText;
        assert_eq!(e.code(), "pdf_no_text");
        assert!(!e.retryable());
        assert!(e.to_string().starts_with("This PDF has no text layer"));
        assert!(!EngineError::ParseTimeout.retryable());
        let killed = EngineError::ReaderKilled(ReaderFailure::Stack);
        assert_eq!(killed.code(), "reader_crashed");
        assert!(!killed.retryable());
        assert!(killed.to_string().contains("nests its drawings"));
        assert_eq!(EngineError::PdfEncrypted.code(), "pdf_encrypted");
        assert!(!EngineError::PdfEncrypted.retryable());
    }
}
