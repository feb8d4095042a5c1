mod changes;
mod checks;
mod connection;
mod insights;
mod metrics;
mod progress;
mod score;
mod steps;
mod timeline;

pub use changes::{diff_ops, ChangesFeed};
pub use checks::{check_row, ValidationChecklist};
pub use connection::ConnectionBadge;
pub use insights::{AllInsights, InsightsFeed};
pub use metrics::MetricsPanel;
pub use progress::OverallProgress;
pub use score::ScoreSummary;
pub use steps::StepList;
pub use timeline::JobTimeline;
