//! Input limits the server enforces and the pages state.

/// The largest resume file or pasted resume text.
pub const MAX_RESUME_BYTES: usize = 10 * 1024 * 1024;
/// The largest pasted job posting.
pub const MAX_JOB_TEXT_BYTES: usize = 512 * 1024;
/// The largest request: a resume at its limit plus the form around it.
pub const MAX_BODY_BYTES: usize = MAX_RESUME_BYTES + 1024 * 1024;
const _: () = assert!(MAX_BODY_BYTES > MAX_RESUME_BYTES + MAX_JOB_TEXT_BYTES);

/// The most decisions (versions) one job's review keeps: each is one
/// event in the job's log, which has its own, larger cap.
pub const MAX_DECISIONS_PER_JOB: usize = 200;
/// The longest text of one decision (an edited line, a wording, a term).
pub const MAX_DECISION_TEXT_CHARS: usize = 600;

/// The resume file types Tailor reads, by file name ending.
pub const RESUME_EXTENSIONS: [&str; 5] = ["pdf", "docx", "txt", "md", "markdown"];
/// The same list for a file input's `accept`.
pub const RESUME_ACCEPT: &str = ".pdf,.docx,.txt,.md,.markdown";

/// Why a resume file is refused, as the API's error code and the sentence
/// a person reads. The upload page checks a chosen file with
/// [`check_resume_file`] before sending it and the server checks it again
/// with the same function, so the page's hint, its message and the server's
/// answer name one limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub code: &'static str,
    pub message: String,
}

/// "The resume is larger than 10 MiB." — for a file or pasted text alike.
pub fn resume_too_large() -> String {
    format!("The resume is larger than {}.", describe(MAX_RESUME_BYTES))
}

pub fn check_resume_file(name: &str, size: usize) -> Result<(), Refusal> {
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    if !RESUME_EXTENSIONS.contains(&ext.as_str()) {
        return Err(Refusal {
            code: "unsupported_format",
            message: format!("'{name}' is not a PDF, DOCX, TXT or Markdown file."),
        });
    }
    if size == 0 {
        return Err(Refusal {
            code: "empty_resume",
            message: format!("The file '{name}' is empty."),
        });
    }
    if size > MAX_RESUME_BYTES {
        return Err(Refusal {
            code: "file_too_large",
            message: resume_too_large(),
        });
    }
    Ok(())
}

/// `bytes` as people read a size limit: "10 MiB", "512 KiB".
pub fn describe(bytes: usize) -> String {
    const MIB: usize = 1024 * 1024;
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else {
        format!("{} KiB", bytes.div_ceil(1024))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_read_as_written() {
        assert_eq!(describe(MAX_RESUME_BYTES), "10 MiB");
        assert_eq!(describe(MAX_JOB_TEXT_BYTES), "512 KiB");
    }

    #[test]
    fn a_resume_file_is_checked_by_type_size_and_emptiness() {
        assert!(check_resume_file("cv.PDF", 10).is_ok());
        assert_eq!(
            check_resume_file("cv.exe", 10).unwrap_err().code,
            "unsupported_format"
        );
        assert_eq!(
            check_resume_file("cv.md", 0).unwrap_err().code,
            "empty_resume"
        );
        let big = check_resume_file("cv.docx", MAX_RESUME_BYTES + 1).unwrap_err();
        assert_eq!(big.code, "file_too_large");
        // The message names the limit the upload page's hint names.
        assert!(big.message.contains(&describe(MAX_RESUME_BYTES)));
        assert!(check_resume_file("cv.docx", MAX_RESUME_BYTES).is_ok());
        assert!(RESUME_EXTENSIONS
            .iter()
            .all(|e| RESUME_ACCEPT.split(',').any(|a| a == format!(".{e}"))));
    }
}
