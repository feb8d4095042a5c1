//! The `metric_update` keys that more than the step emitting them relies
//! on: the score panel, the history's score column and the stored summary.

/// The match score before tailoring (0–100).
pub const MATCH_SCORE_BEFORE: &str = "match_score_before";
/// The match score after tailoring (0–100).
pub const MATCH_SCORE_AFTER: &str = "match_score_after";
/// Every match score key starts so; the metrics panel leaves them to the
/// score panel.
pub const MATCH_SCORE_PREFIX: &str = "match_score_";
/// Every part of the score after tailoring starts so (`score_hard_skills`…).
pub const SCORE_PART_PREFIX: &str = "score_";

// The counts the Processing page's metrics card reads by name: each is
// emitted once, by one step, so the card never shows two numbers that
// disagree about one thing.
/// Required skills of the posting the resume shows, and how many there are.
pub const REQUIRED_MATCHED: &str = "required_matched";
pub const REQUIRED_TOTAL: &str = "required_total";
/// Edits made to the resume (what the result lists, not what was planned).
pub const EDITS_APPLIED: &str = "edits_applied";
pub const WORD_COUNT: &str = "word_count";
/// Percent (0–100) of bullets with a measurable result.
pub const QUANTIFIED_RATIO: &str = "quantified_ratio";
pub const MISSING_TERMS: &str = "missing_terms";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn score_keys_share_the_prefix() {
        assert!(MATCH_SCORE_BEFORE.starts_with(MATCH_SCORE_PREFIX));
        assert!(MATCH_SCORE_AFTER.starts_with(MATCH_SCORE_PREFIX));
    }
}
