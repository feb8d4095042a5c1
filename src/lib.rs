//! Tailor's common crate: the wire protocol every job event follows and the
//! reducer that folds those events into a job's state.
//!
//! The server's snapshot and the browser's live view are both `fold(events)`
//! through [`JobState::apply`], so the two can never drift apart. This crate
//! does no IO and builds for native targets and `wasm32-unknown-unknown`.
//!
//! It also holds what server, app and tests must agree on, written once:
//! the API's [`paths`], the shared [`metric_keys`], the input [`limits`] and
//! the browser [`bundle`]'s file names.

pub mod bundle;
pub mod limits;
pub mod metric_keys;
pub mod paths;
pub mod protocol;
pub mod result;
pub mod review;
pub mod state;

pub use protocol::*;
pub use result::{JobResult, JobSummary};
pub use state::{JobState, StepState};
