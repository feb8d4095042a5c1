//! Rules on the match with the posting: coverage and keyword stuffing.

use tailor_common::ValidationStatus::{Pass, Warn};

use super::{RuleInput, Verdict};
use crate::engine::job::TermKind;
use crate::engine::matching::norms_of;

pub fn coverage(x: &RuleInput<'_>) -> Verdict {
    let s = x.score_after.total;
    let missing: Vec<&str> = x
        .evidence_after
        .iter()
        .filter(|e| e.kind == TermKind::Hard && !e.matched())
        .take(5)
        .map(|e| e.term.as_str())
        .collect();
    if s >= 75 {
        (Pass, format!("Match score {s}, at or above the 75 target."))
    } else if missing.is_empty() {
        (Warn, format!("Match score {s}, below the 75 target."))
    } else {
        (
            Warn,
            format!(
                "Match score {s}, below the 75 target. Missing: {} — add them only if true.",
                missing.join(", ")
            ),
        )
    }
}

pub fn stuffing(x: &RuleInput<'_>) -> Verdict {
    let tn = norms_of(x.tailored_text);
    let on = norms_of(x.original_text);
    let mut worst: Option<(String, usize)> = None;
    for term in x.job.terms.iter().filter(|t| t.kind != TermKind::Keyword) {
        let needle = norms_of(&term.display);
        let a = tn.matches(needle.as_str()).count();
        let b = on.matches(needle.as_str()).count();
        if a > (b + 2).max(6) && worst.as_ref().is_none_or(|w| a > w.1) {
            worst = Some((term.display.clone(), a));
        }
    }
    match worst {
        Some((t, n)) => (
            Warn,
            format!("'{t}' appears {n} times: keep each term to where it is true and relevant."),
        ),
        None => (Pass, "No job term is repeated unnaturally.".into()),
    }
}
