//! Any bytes as a DOCX resume (a zip of XML): read, then the whole engine.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|bytes: &[u8]| common::read_and_tailor("resume.docx", bytes));
