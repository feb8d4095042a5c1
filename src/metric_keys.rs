//! The `metric_update` keys that more than the step emitting them relies
//! on: the score panel, the history's score column and the stored summary.

/// The match score before tailoring (0–100).
pub const MATCH_SCORE_BEFORE: &str = "match_score_before";
/// The match score after tailoring (0–100).
pub const MATCH_SCORE_AFTER: &str = "match_score_after";
/// Every match score key starts so; the metrics panel leaves them to the
/// score panel.
pub const MATCH_SCORE_PREFIX: &str = "match_score_";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn score_keys_share_the_prefix() {
        assert!(MATCH_SCORE_BEFORE.starts_with(MATCH_SCORE_PREFIX));
        assert!(MATCH_SCORE_AFTER.starts_with(MATCH_SCORE_PREFIX));
    }
}
