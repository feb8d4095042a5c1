mod changes;
mod checks;
mod connection;
mod insights;
mod progress;
mod score;
mod steps;

pub use changes::{diff_ops, ChangesFeed};
pub use checks::{check_row, ValidationChecklist};
pub use connection::ConnectionBadge;
pub use insights::InsightsFeed;
pub use progress::OverallProgress;
pub use score::ScoreSummary;
pub use steps::StepList;
