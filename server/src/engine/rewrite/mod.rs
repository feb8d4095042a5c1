//! Rewrites proposed by a language model, held to the evidence rule.
//!
//! Pure and synchronous like the rest of the engine: [`request`] builds what
//! the model is asked (the structured resume's editable lines, the job's
//! requirements, the evidence map; instructions apart from data),
//! [`proposals`] reads its streamed reply into `{path, original, value,
//! reason}` proposals, and [`gates`] decides each one. The HTTP side is
//! `crate::llm`; the pipeline joins the two.
//!
//! The model never writes a resume: it proposes diffs to single lines on an
//! allow-list (the summary, bullet text), and a line changes only when its
//! proposal passes every gate.

pub mod gates;
pub mod proposals;
pub mod request;

pub use gates::{Evidence, Rejection, Target};
pub use proposals::{Proposal, Splitter};
pub use request::{editable_lines, Editable, RewriteRequest};
