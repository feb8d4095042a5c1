//! The validation rules, one function each, in one table: a rule that is not
//! in [`RULES`] cannot be asked for.

mod evidence;
pub mod facts;
mod matching;
mod structure;
mod style;

use serde::{Deserialize, Serialize};
use tailor_common::ValidationStatus;

use super::job::JobPosting;
use super::matching::{Score, TermEvidence};
use super::resume::dates::YearMonth;
use super::resume::Resume;

pub use evidence::{
    evidence_violations, evidence_violations_given, violations_against, FactKind, Violation,
};
pub use facts::{experience_months, resume_lines};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleResult {
    pub rule_id: String,
    pub label: String,
    pub status: ValidationStatus,
    pub message: String,
}

/// What one rule decided; [`Rule::run`] adds the rule's id and label.
pub type Verdict = (ValidationStatus, String);

pub struct RuleInput<'a> {
    pub original: &'a Resume,
    pub tailored: &'a Resume,
    pub tailored_text: &'a str,
    pub original_text: &'a str,
    /// The original as the user wrote it (the file's text, before parsing).
    pub source_text: &'a str,
    pub job: &'a JobPosting,
    pub score_after: &'a Score,
    pub evidence_after: &'a [TermEvidence],
    /// What "Present" means for years of experience.
    pub today: YearMonth,
    /// Terms the person confirmed having: evidence they gave.
    pub given: &'a [String],
}

pub struct Rule {
    pub id: &'static str,
    pub label: &'static str,
    pub check: fn(&RuleInput<'_>) -> Verdict,
}

impl Rule {
    pub fn run(&self, x: &RuleInput<'_>) -> RuleResult {
        let (status, message) = (self.check)(x);
        RuleResult {
            rule_id: self.id.into(),
            label: self.label.into(),
            status,
            message,
        }
    }
}

/// Every rule, in the order it is reported.
pub const RULES: &[Rule] = &[
    Rule {
        id: "evidence",
        label: "Every fact is backed by your resume",
        check: evidence,
    },
    Rule {
        id: "contact",
        label: "Contact details",
        check: structure::contact,
    },
    Rule {
        id: "length",
        label: "Length",
        check: style::length,
    },
    Rule {
        id: "bullet_length",
        label: "Bullet length",
        check: style::bullet_length,
    },
    Rule {
        id: "quantified",
        label: "Measurable results",
        check: style::quantified,
    },
    Rule {
        id: "action_verbs",
        label: "Action verbs",
        check: style::action_verbs,
    },
    Rule {
        id: "pronouns",
        label: "No personal pronouns",
        check: style::pronouns,
    },
    Rule {
        id: "dates",
        label: "Dates",
        check: structure::dates,
    },
    Rule {
        id: "headings",
        label: "Standard headings",
        check: structure::headings,
    },
    Rule {
        id: "coverage",
        label: "Match score",
        check: matching::coverage,
    },
    Rule {
        id: "stuffing",
        label: "No keyword stuffing",
        check: matching::stuffing,
    },
];

use ValidationStatus::{Fail, Pass};

fn evidence(x: &RuleInput<'_>) -> Verdict {
    let v = evidence_violations_given(x.original, x.source_text, x.tailored, x.today, x.given);
    if v.is_empty() {
        (Pass, "Every skill, employer, title, date, degree, certification, number and years claim in the tailored resume is in your original.".into())
    } else {
        let list: Vec<String> = v.iter().map(Violation::to_string).collect();
        (Fail, format!("Not supported by your original resume: {}. Remove these or add them to your original only if true.", list.join(", ")))
    }
}

/// Today's year and month (UTC), from the system clock.
pub fn today() -> YearMonth {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
    let z = (secs / 86_400) as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    YearMonth {
        year: year as i32,
        month: Some(month as u8),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_ids_are_unique() {
        let mut ids: Vec<&str> = RULES.iter().map(|r| r.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), RULES.len());
    }

    #[test]
    fn today_is_a_real_month() {
        let t = today();
        assert!(
            t.year >= 2024 && (1..=12).contains(&t.month.unwrap()),
            "{t:?}"
        );
    }
}
