//! What the targets share: a real posting and resume to tailor against.
#![allow(dead_code)]

use tailor_server::engine::{run_all, JobInput, NullReporter, ResumeInput};

pub const POSTING: &str = include_str!("../../server/tests/fixtures/corpus/jobs/gdg_jd_data_analyst.txt");
pub const RESUME: &str = include_str!("../../server/tests/fixtures/corpus/resumes/gdg_data_analyst.txt");

/// libFuzzer's harness aborts on every panic, even one that Tailor's own
/// code catches: the PDF reader runs pdf-extract under `catch_unwind` and
/// falls back (pdf-extract 0.12 asserts on malformed operators, the first
/// finding here). Only a panic that escapes Tailor's code — which
/// `fuzz_target!` still turns into an abort — is a finding; a caught one
/// is printed and the run goes on.
pub fn only_escaping_panics_are_findings() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        std::panic::set_hook(Box::new(|info| eprintln!("caught by Tailor's reader: {info}")));
    });
}

/// Reads `bytes` as a resume named `file_name` and, if it reads, runs the
/// five steps on it. Errors are answers; only a crash is a finding.
pub fn read_and_tailor(file_name: &str, bytes: &[u8]) {
    only_escaping_panics_are_findings();
    let resume = ResumeInput {
        file_name: Some(file_name.into()),
        bytes: bytes.to_vec(),
    };
    let _ = run_all(&resume, &JobInput::Text(POSTING.into()), &mut NullReporter);
}
