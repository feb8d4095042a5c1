//! The tailoring engine: five synchronous, deterministic steps that read a
//! resume and a job posting, score the match, write a truthful tailored
//! resume, check it, and render it. Every step reports through a [`Reporter`].
//!
//! Reading the resume's file ([`read::read_resume`]) is kept apart from the
//! steps: it meets untrusted bytes, so the server runs it in a disposable
//! worker process and hands its [`ReadResume`] to [`analyze`].

mod error;
pub mod fit;
mod input;
pub mod job;
pub mod matching;
mod outcome;
pub mod read;
pub mod render;
mod report;
pub mod resume;
pub mod review;
pub mod rewrite;
pub mod skills;
mod steps;
pub mod taxonomy;
pub mod text;
pub mod validate;
pub mod writing;

pub use error::{EngineError, ReaderFailure};
pub use input::{detect_format, Format, JobInput, ResumeInput, MAX_JOB_BYTES, MAX_RESUME_BYTES};
pub use outcome::{
    render_docx, render_markdown, render_pdf, render_text, Analysis, Checks, Draft, MissingTerm,
    Outcome, Plan, Rewrite,
};
pub use read::{read_resume, ReadResume};
pub use report::{NullReporter, RecordingReporter, Reporter};
pub use steps::analyze::analyze;
pub use steps::check::validate;
pub use steps::plan::plan;
pub use steps::polish::polish;
pub use steps::write::write;

/// Convenience: reading and all five steps in order, in this process (used by
/// the CLI `tailor run`, tests and the benchmark).
pub fn run_all(
    resume: &ResumeInput,
    job: &JobInput,
    r: &mut dyn Reporter,
) -> Result<Outcome, EngineError> {
    let read = read_resume(resume)?;
    let a = analyze(&read, job, r)?;
    let p = plan(&a, r)?;
    let d = write(&a, &p, r)?;
    let c = validate(&a, &p, &d, r)?;
    polish(&a, &p, &d, &c, r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcome_is_send_and_static() {
        fn check<T: Send + Clone + std::fmt::Debug + 'static>() {}
        check::<ReadResume>();
        check::<Analysis>();
        check::<Plan>();
        check::<Draft>();
        check::<Checks>();
        check::<Outcome>();
    }
}
