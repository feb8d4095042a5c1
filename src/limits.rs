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
}
