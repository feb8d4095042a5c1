//! Rules on how the resume is written: length, bullets, verbs, pronouns.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use regex::Regex;
use tailor_common::ValidationStatus::{Fail, Pass, Warn};

use super::{RuleInput, Verdict};
use crate::engine::resume::SectionKind;
use crate::engine::text::word_count;

const WEAK_OPENERS: &[&str] = &[
    "responsible for",
    "helped",
    "assisted",
    "worked on",
    "participated",
    "tasked with",
    "duties included",
    "involved in",
];

fn action_verb_list() -> &'static BTreeSet<&'static str> {
    static S: OnceLock<BTreeSet<&'static str>> = OnceLock::new();
    S.get_or_init(|| {
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/data/action_verbs.txt"
        ))
        .split_whitespace()
        .collect()
    })
}

fn is_quantified(b: &str) -> bool {
    b.chars().any(|c| c.is_ascii_digit())
        || ["percent", "doubled", "tripled", "halved"]
            .iter()
            .any(|w| b.to_lowercase().contains(w))
}

pub fn length(x: &RuleInput<'_>) -> Verdict {
    let n = word_count(x.tailored_text);
    if n > 1000 {
        (
            Fail,
            format!("{n} words: cut to under 800 (two pages at most)."),
        )
    } else if n > 800 {
        (
            Warn,
            format!("{n} words: aim for 475–800; trim older or less relevant bullets."),
        )
    } else if n < 300 {
        (
            Warn,
            format!("{n} words: aim for 475–800; add results and scope to your bullets."),
        )
    } else {
        (
            Pass,
            format!("{n} words, within the 300–800 range recruiters read."),
        )
    }
}

pub fn bullet_length(x: &RuleInput<'_>) -> Verdict {
    let bullets = x.tailored.work_bullets();
    let long = bullets.iter().filter(|b| word_count(b) > 35).count();
    if bullets.is_empty() {
        (
            Warn,
            "No bullets found: list each role's achievements as bullets.".into(),
        )
    } else if long == 0 {
        (Pass, "Every bullet fits in two lines.".into())
    } else {
        (
            Warn,
            format!("{long} bullet(s) run over 35 words: split or tighten them to two lines."),
        )
    }
}

pub fn quantified(x: &RuleInput<'_>) -> Verdict {
    let bullets = x.tailored.work_bullets();
    if bullets.is_empty() {
        return (
            Warn,
            "No bullets to check: add bullets with measurable results.".into(),
        );
    }
    let q = bullets.iter().filter(|b| is_quantified(b)).count();
    let pct = 100.0 * q as f64 / bullets.len() as f64;
    if pct >= 40.0 {
        (
            Pass,
            format!(
                "{q} of {} bullets ({pct:.0}%) show a measurable result.",
                bullets.len()
            ),
        )
    } else {
        (Warn, format!("Only {q} of {} bullets ({pct:.0}%) show a number: add real counts, percentages or amounts where you have them.", bullets.len()))
    }
}

pub fn action_verbs(x: &RuleInput<'_>) -> Verdict {
    let bullets = x.tailored.work_bullets();
    if bullets.is_empty() {
        return (Warn, "No bullets to check.".into());
    }
    let verbs = action_verb_list();
    let mut weak = 0;
    let mut strong = 0;
    for b in &bullets {
        let l = b.to_lowercase();
        if WEAK_OPENERS.iter().any(|w| l.starts_with(w)) {
            weak += 1;
            continue;
        }
        let first = l
            .split_whitespace()
            .next()
            .unwrap_or("")
            .trim_matches(|c: char| !c.is_alphabetic());
        if verbs.contains(first) || (first.ends_with("ed") && first.len() > 4) {
            strong += 1;
        }
    }
    let share = strong as f64 / bullets.len() as f64;
    if weak > 0 {
        (Warn, format!("{weak} bullet(s) open with a weak phrase (\"Responsible for\", \"Assisted\"…): start with what you did (Led, Built, Reduced)."))
    } else if share < 0.6 {
        (
            Warn,
            format!(
                "{strong} of {} bullets start with an action verb: start each with one.",
                bullets.len()
            ),
        )
    } else {
        (
            Pass,
            format!(
                "{strong} of {} bullets start with an action verb.",
                bullets.len()
            ),
        )
    }
}

pub fn pronouns(x: &RuleInput<'_>) -> Verdict {
    static R: OnceLock<Regex> = OnceLock::new();
    let re =
        R.get_or_init(|| Regex::new(r"\b(I|me|my|mine|myself|we|our|us)\b").expect("valid regex"));
    let mut n = 0;
    for s in &x.tailored.sections {
        if matches!(
            s.kind,
            SectionKind::Summary | SectionKind::Experience | SectionKind::Projects
        ) {
            for l in s.lines() {
                n += re.find_iter(&l).count();
            }
        }
    }
    if n == 0 {
        (Pass, "No first-person pronouns.".into())
    } else {
        (
            Warn,
            format!(
                "{n} first-person pronoun(s) (I, my, we): drop them; resumes imply the subject."
            ),
        )
    }
}
