//! Every integration test of the server, as one test binary.
//!
//! One binary, not one per file: each linked test binary carries the whole
//! server (the router, both stores, the readers) and was some 390 MB in a
//! debug build, so thirty of them filled CI's disk and spent most of the
//! build linking. The files below are modules of this crate; run one of them
//! with a filter on its module path, e.g.
//! `cargo test -p tailor-server --test suite -- stream::`.

mod common;
mod oracle;
mod scripted_llm;

mod api;
mod api_promises;
mod checkpoints;
mod cli_run;
mod config;
mod control;
mod corpus;
mod decisions;
mod evidence_prop;
mod fanout;
mod fetch_limits;
mod first_load;
mod hostile_files;
mod instances;
mod intake;
mod kill9;
mod lifecycle;
mod limits;
mod llm;
mod outage;
mod ownership;
mod pdf_reading;
mod processing_metrics;
mod reader_eval;
mod restart;
mod results;
mod retention;
mod robustness;
mod run_again;
mod stream;
mod truth_audit;
mod truth_audit_llm;
mod upload_messages;
mod web_defences;
