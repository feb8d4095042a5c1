//! Any bytes as a text or Markdown resume, through the whole engine.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|bytes: &[u8]| {
    common::read_and_tailor("resume.md", bytes);
    common::read_and_tailor("resume.txt", bytes);
});
