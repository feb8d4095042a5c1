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

/// Rewriting by a language model (only when a provider is configured):
/// tokens sent and written, milliseconds to the first token and of
/// generation, and proposals made, applied and rejected (all reasons, and
/// per reason under [`LLM_REJECTED_PREFIX`] + the gate's code).
pub const LLM_TOKENS_IN: &str = "llm_tokens_in";
pub const LLM_TOKENS_OUT: &str = "llm_tokens_out";
pub const LLM_FIRST_TOKEN_MS: &str = "llm_first_token_ms";
pub const LLM_GENERATION_MS: &str = "llm_generation_ms";
pub const LLM_PROPOSALS_MADE: &str = "llm_proposals_made";
pub const LLM_PROPOSALS_APPLIED: &str = "llm_proposals_applied";
pub const LLM_PROPOSALS_REJECTED: &str = "llm_proposals_rejected";
pub const LLM_REJECTED_PREFIX: &str = "llm_rejected_";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn score_keys_share_the_prefix() {
        assert!(MATCH_SCORE_BEFORE.starts_with(MATCH_SCORE_PREFIX));
        assert!(MATCH_SCORE_AFTER.starts_with(MATCH_SCORE_PREFIX));
    }
}
