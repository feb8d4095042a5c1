//! What can go wrong reading a job's documents, with stable codes.

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
    #[error("This PDF is password-protected. Save or print it again without a password, upload a DOCX, or paste the text.")]
    PdfEncrypted,
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
            EngineError::PdfEncrypted => "pdf_encrypted",
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_have_stable_codes_and_messages() {
        let e = EngineError::PdfNoText;
        assert_eq!(e.code(), "pdf_no_text");
        assert!(!e.retryable());
        assert!(e.to_string().starts_with("This PDF has no text layer"));
        assert!(EngineError::ParseTimeout.retryable());
        assert_eq!(EngineError::PdfEncrypted.code(), "pdf_encrypted");
        assert!(!EngineError::PdfEncrypted.retryable());
    }
}
