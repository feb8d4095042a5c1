//! Any bytes as a fetched job page (HTML) and as pasted posting text,
//! against a fixed resume, through the whole engine.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tailor_server::engine::{run_all, JobInput, NullReporter, ResumeInput};

#[path = "common.rs"]
mod common;

fuzz_target!(|bytes: &[u8]| {
    common::only_escaping_panics_are_findings();
    let page = String::from_utf8_lossy(bytes).into_owned();
    let resume = ResumeInput {
        file_name: Some("resume.txt".into()),
        bytes: common::RESUME.as_bytes().to_vec(),
    };
    for job in [
        JobInput::Html {
            url: "https://jobs.example.com/posting/1".into(),
            html: page.clone(),
        },
        JobInput::Text(page),
    ] {
        let _ = run_all(&resume, &job, &mut NullReporter);
    }
});
