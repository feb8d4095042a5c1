//! Any bytes as a PDF resume: read, then the whole engine on what was read.
//! A panic, an abort or a stack overflow here is a finding (the server runs
//! this in a worker process that contains it, but it must not happen).
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|bytes: &[u8]| common::read_and_tailor("resume.pdf", bytes));
