//! What the targets share: a real posting and resume to tailor against.
#![allow(dead_code)]

use tailor_server::engine::{run_all, JobInput, NullReporter, ResumeInput};

pub const POSTING: &str = include_str!("../../server/tests/fixtures/corpus/jobs/gdg_jd_data_analyst.txt");
pub const RESUME: &str = include_str!("../../server/tests/fixtures/corpus/resumes/gdg_data_analyst.txt");

/// Reads `bytes` as a resume named `file_name` and, if it reads, runs the
/// five steps on it. Errors are answers; only a crash is a finding.
pub fn read_and_tailor(file_name: &str, bytes: &[u8]) {
    let resume = ResumeInput {
        file_name: Some(file_name.into()),
        bytes: bytes.to_vec(),
    };
    let _ = run_all(&resume, &JobInput::Text(POSTING.into()), &mut NullReporter);
}
