//! The five steps' bodies, one module each, in pipeline order.

pub mod analyze;
pub mod check;
pub mod plan;
pub mod polish;
pub mod write;
