//! The named validation rules, each settling to pass / warn / fail.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use regex::Regex;
use serde::{Deserialize, Serialize};
use tailor_common::ValidationStatus;

use super::job::{JobPosting, TermKind};
use super::matching::{norms_of, stems_of, Score, TermEvidence};
use super::resume::dates::date_strings;
use super::resume::{Resume, SectionKind};
use super::skills::{find_skills, SkillKind};
use super::text::word_count;

/// The rule ids, in the order they are reported.
pub const RULES: [(&str, &str); 11] = [
    ("evidence", "Every fact is backed by your resume"),
    ("contact", "Contact details"),
    ("length", "Length"),
    ("bullet_length", "Bullet length"),
    ("quantified", "Measurable results"),
    ("action_verbs", "Action verbs"),
    ("pronouns", "No personal pronouns"),
    ("dates", "Dates"),
    ("headings", "Standard headings"),
    ("coverage", "Match score"),
    ("stuffing", "No keyword stuffing"),
];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleResult {
    pub rule_id: String,
    pub label: String,
    pub status: ValidationStatus,
    pub message: String,
}

/// Facts the evidence rule checks.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Facts {
    pub skills: BTreeSet<String>,
    pub numbers: BTreeSet<String>,
    pub dates: BTreeSet<String>,
    pub employers: BTreeSet<String>,
    pub titles: BTreeSet<String>,
    pub degrees: BTreeSet<String>,
}

fn number_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| Regex::new(r"\d+(?:[.,]\d+)*").expect("valid regex"))
}

fn degree_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(r"(?i)\b(?:bachelor|master|doctor|associate)(?:'s)?\s+(?:of|in)\s+[A-Za-z &]+|\b(?:B\.?S\.?|B\.?A\.?|M\.?S\.?|M\.?A\.?|MBA|Ph\.?D\.?|BSc|MSc)\b(?:\s+in\s+[A-Za-z &]+)?").expect("valid regex")
    })
}

fn norm_num(s: &str) -> String {
    s.replace(',', "")
}

/// All lines of a resume as text (contact included).
pub fn resume_lines(r: &Resume) -> Vec<String> {
    let mut v = Vec::new();
    let c = &r.contact;
    v.extend(c.name.iter().cloned());
    v.extend(c.email.iter().cloned());
    v.extend(c.phone.iter().cloned());
    v.extend(c.location.iter().cloned());
    v.extend(c.links.iter().cloned());
    v.extend(r.line_refs().into_iter().map(|l| l.text));
    v
}

pub fn facts(r: &Resume) -> Facts {
    let mut f = Facts::default();
    for l in resume_lines(r) {
        for h in find_skills(&l) {
            if h.kind == SkillKind::Hard {
                f.skills.insert(h.canonical);
            }
        }
        for m in number_re().find_iter(&l) {
            f.numbers.insert(norm_num(m.as_str()));
        }
        for d in date_strings(&l) {
            f.dates.insert(d);
        }
        for m in degree_re().find_iter(&l) {
            f.degrees.insert(m.as_str().trim().to_lowercase());
        }
    }
    for role in r.roles() {
        f.employers.extend(role.employer.clone());
        f.titles.extend(role.title.clone());
    }
    f
}

/// Check the tailored resume's facts against the original's. Returns the
/// unsupported facts as "kind: value"; empty means the rule passes.
pub fn evidence_violations(
    original: &Resume,
    tailored: &Resume,
    derived_years: Option<u32>,
) -> Vec<String> {
    let o = facts(original);
    let t = facts(tailored);
    let original_text = resume_lines(original).join("\n");
    let o_stems = stems_of(&original_text);
    let o_norms = norms_of(&original_text);
    let mut bad = Vec::new();
    for s in t.skills.difference(&o.skills) {
        // A skill written the job's way is supported if the original has it by stem.
        if !o_stems.contains(&stems_of(s)) && !o_norms.contains(&norms_of(s)) {
            bad.push(format!("skill: {s}"));
        }
    }
    let allowed_years = super::writing::years_of_experience(original).map(|y| y.0);
    for n in t.numbers.difference(&o.numbers) {
        let ok = derived_years.is_some()
            && derived_years == allowed_years
            && Some(n.as_str()) == derived_years.map(|y| y.to_string()).as_deref();
        if !ok {
            bad.push(format!("number: {n}"));
        }
    }
    for d in t.dates.difference(&o.dates) {
        bad.push(format!("date: {d}"));
    }
    for e in t.employers.difference(&o.employers) {
        bad.push(format!("employer: {e}"));
    }
    for e in t.titles.difference(&o.titles) {
        bad.push(format!("title: {e}"));
    }
    for e in t.degrees.difference(&o.degrees) {
        bad.push(format!("degree: {e}"));
    }
    bad
}

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

fn action_verbs() -> &'static BTreeSet<&'static str> {
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

fn quantified(b: &str) -> bool {
    b.chars().any(|c| c.is_ascii_digit())
        || ["percent", "doubled", "tripled", "halved"]
            .iter()
            .any(|w| b.to_lowercase().contains(w))
}

fn rr(id: &str, status: ValidationStatus, message: String) -> RuleResult {
    let label = RULES
        .iter()
        .find(|(r, _)| *r == id)
        .map_or(id, |(_, l)| *l)
        .to_string();
    RuleResult {
        rule_id: id.into(),
        label,
        status,
        message,
    }
}

use ValidationStatus::{Fail, Pass, Warn};

pub struct RuleInput<'a> {
    pub original: &'a Resume,
    pub tailored: &'a Resume,
    pub tailored_text: &'a str,
    pub original_text: &'a str,
    pub derived_years: Option<u32>,
    pub job: &'a JobPosting,
    pub score_after: &'a Score,
    pub evidence_after: &'a [TermEvidence],
}

/// Evaluate one rule.
pub fn check(id: &str, x: &RuleInput<'_>) -> RuleResult {
    let t = x.tailored;
    let bullets: Vec<&str> = t.work_bullets();
    match id {
        "evidence" => {
            let v = evidence_violations(x.original, t, x.derived_years);
            if v.is_empty() {
                rr(id, Pass, "Every skill, employer, title, date, degree and number in the tailored resume is in your original.".into())
            } else {
                rr(id, Fail, format!("Not supported by your original resume: {}. Remove these or add them to your original only if true.", v.join(", ")))
            }
        }
        "contact" => {
            let c = &t.contact;
            let mut missing = Vec::new();
            if c.name.is_none() {
                missing.push("name");
            }
            if c.email.is_none() {
                missing.push("email");
            }
            if c.phone.is_none() {
                missing.push("phone");
            }
            match missing.len() {
                0 => rr(
                    id,
                    Pass,
                    "Name, email and phone are in the body of the resume.".into(),
                ),
                1 if c.email.is_some() || c.phone.is_some() => rr(
                    id,
                    Warn,
                    format!(
                        "Add your {} at the top, in the body (not a header).",
                        missing[0]
                    ),
                ),
                _ => rr(
                    id,
                    Fail,
                    format!(
                        "Add your {} at the top so a recruiter can reach you.",
                        missing.join(", ")
                    ),
                ),
            }
        }
        "length" => {
            let n = word_count(x.tailored_text);
            if n > 1000 {
                rr(
                    id,
                    Fail,
                    format!("{n} words: cut to under 800 (two pages at most)."),
                )
            } else if n > 800 {
                rr(
                    id,
                    Warn,
                    format!("{n} words: aim for 475–800; trim older or less relevant bullets."),
                )
            } else if n < 300 {
                rr(
                    id,
                    Warn,
                    format!("{n} words: aim for 475–800; add results and scope to your bullets."),
                )
            } else {
                rr(
                    id,
                    Pass,
                    format!("{n} words, within the 300–800 range recruiters read."),
                )
            }
        }
        "bullet_length" => {
            let long = bullets.iter().filter(|b| word_count(b) > 35).count();
            if bullets.is_empty() {
                rr(
                    id,
                    Warn,
                    "No bullets found: list each role's achievements as bullets.".into(),
                )
            } else if long == 0 {
                rr(id, Pass, "Every bullet fits in two lines.".into())
            } else {
                rr(
                    id,
                    Warn,
                    format!(
                        "{long} bullet(s) run over 35 words: split or tighten them to two lines."
                    ),
                )
            }
        }
        "quantified" => {
            if bullets.is_empty() {
                return rr(
                    id,
                    Warn,
                    "No bullets to check: add bullets with measurable results.".into(),
                );
            }
            let q = bullets.iter().filter(|b| quantified(b)).count();
            let pct = 100.0 * q as f64 / bullets.len() as f64;
            if pct >= 40.0 {
                rr(
                    id,
                    Pass,
                    format!(
                        "{q} of {} bullets ({pct:.0}%) show a measurable result.",
                        bullets.len()
                    ),
                )
            } else {
                rr(id, Warn, format!("Only {q} of {} bullets ({pct:.0}%) show a number: add real counts, percentages or amounts where you have them.", bullets.len()))
            }
        }
        "action_verbs" => {
            if bullets.is_empty() {
                return rr(id, Warn, "No bullets to check.".into());
            }
            let verbs = action_verbs();
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
                rr(id, Warn, format!("{weak} bullet(s) open with a weak phrase (\"Responsible for\", \"Assisted\"…): start with what you did (Led, Built, Reduced)."))
            } else if share < 0.6 {
                rr(
                    id,
                    Warn,
                    format!(
                        "{strong} of {} bullets start with an action verb: start each with one.",
                        bullets.len()
                    ),
                )
            } else {
                rr(
                    id,
                    Pass,
                    format!(
                        "{strong} of {} bullets start with an action verb.",
                        bullets.len()
                    ),
                )
            }
        }
        "pronouns" => {
            static R: OnceLock<Regex> = OnceLock::new();
            let re = R.get_or_init(|| {
                Regex::new(r"\b(I|me|my|mine|myself|we|our|us)\b").expect("valid regex")
            });
            let mut n = 0;
            for s in &t.sections {
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
                rr(id, Pass, "No first-person pronouns.".into())
            } else {
                rr(id, Warn, format!("{n} first-person pronoun(s) (I, my, we): drop them; resumes imply the subject."))
            }
        }
        "dates" => {
            let roles = t.roles();
            let ranges: Vec<_> = roles.iter().filter_map(|r| r.dates.as_ref()).collect();
            if ranges.is_empty() {
                return rr(
                    id,
                    Warn,
                    "No date ranges found on your roles: add Month YYYY – Month YYYY (or Present)."
                        .into(),
                );
            }
            let bad = ranges
                .iter()
                .filter(|d| {
                    d.end.is_some_and(|e| e.months(12) < d.start.months(1))
                        || d.start.month.is_some_and(|m| !(1..=12).contains(&m))
                        || d.end
                            .and_then(|e| e.month)
                            .is_some_and(|m| !(1..=12).contains(&m))
                })
                .count();
            let with_month = ranges.iter().filter(|d| d.start.month.is_some()).count();
            let missing = roles.len() - ranges.len();
            if bad > 0 {
                rr(id, Fail, format!("{bad} date range(s) end before they start or have an invalid month: fix them."))
            } else if with_month != 0 && with_month != ranges.len() {
                rr(id, Warn, "Date formats are mixed: write every range the same way (Month YYYY – Month YYYY).".into())
            } else if missing > 0 {
                rr(
                    id,
                    Warn,
                    format!("{missing} role(s) have no dates: add them."),
                )
            } else {
                rr(
                    id,
                    Pass,
                    format!("{} date ranges, valid and consistent.", ranges.len()),
                )
            }
        }
        "headings" => {
            let kinds: Vec<SectionKind> = t.sections.iter().map(|s| s.kind).collect();
            let mut missing = Vec::new();
            if !kinds.contains(&SectionKind::Experience) {
                missing.push("Experience");
            }
            if !kinds.contains(&SectionKind::Education) {
                missing.push("Education");
            }
            if !kinds.contains(&SectionKind::Skills) {
                missing.push("Skills");
            }
            let other: Vec<&str> = t
                .sections
                .iter()
                .filter(|s| s.kind == SectionKind::Other)
                .map(|s| s.heading.as_str())
                .collect();
            if !missing.is_empty() {
                rr(
                    id,
                    Warn,
                    format!(
                        "No {} section found: add it under a standard heading.",
                        missing.join(" / ")
                    ),
                )
            } else if !other.is_empty() {
                rr(
                    id,
                    Pass,
                    format!(
                        "Standard sections found; ATS may skip non-standard ones ({}).",
                        other.join(", ")
                    ),
                )
            } else {
                rr(
                    id,
                    Pass,
                    "Standard section headings (Summary, Experience, Education, Skills).".into(),
                )
            }
        }
        "coverage" => {
            let s = x.score_after.total;
            let missing: Vec<&str> = x
                .evidence_after
                .iter()
                .filter(|e| e.kind == TermKind::Hard && !e.matched())
                .take(5)
                .map(|e| e.term.as_str())
                .collect();
            if s >= 75 {
                rr(
                    id,
                    Pass,
                    format!("Match score {s}, at or above the 75 target."),
                )
            } else if missing.is_empty() {
                rr(id, Warn, format!("Match score {s}, below the 75 target."))
            } else {
                rr(id, Warn, format!("Match score {s}, below the 75 target. Missing: {} — add them only if true.", missing.join(", ")))
            }
        }
        "stuffing" => {
            let tn = norms_of(x.tailored_text);
            let on = norms_of(x.original_text);
            let mut worst: Option<(String, usize)> = None;
            let mut counts = BTreeMap::new();
            for term in x.job.terms.iter().filter(|t| t.kind != TermKind::Keyword) {
                let needle = norms_of(&term.display);
                let a = tn.matches(needle.as_str()).count();
                let b = on.matches(needle.as_str()).count();
                counts.insert(term.display.clone(), a);
                if a > (b + 2).max(6) && worst.as_ref().is_none_or(|w| a > w.1) {
                    worst = Some((term.display.clone(), a));
                }
            }
            match worst {
                Some((t, n)) => rr(
                    id,
                    Warn,
                    format!(
                        "'{t}' appears {n} times: keep each term to where it is true and relevant."
                    ),
                ),
                None => rr(id, Pass, "No job term is repeated unnaturally.".into()),
            }
        }
        _ => rr(id, Warn, "Unknown rule.".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::resume::parse_text;

    #[test]
    fn evidence_catches_invented_facts() {
        let o = parse_text(
            "Jo Bloggs\n\nExperience:\nAnalyst | Acme | 2019 - 2021\n- Wrote SQL for 3 teams\n",
        );
        let mut t = o.clone();
        assert!(evidence_violations(&o, &t, None).is_empty());
        t.sections[0].blocks[0]
            .bullets
            .push("Ran Kubernetes for 40 teams".into());
        let v = evidence_violations(&o, &t, None);
        assert!(v.contains(&"skill: kubernetes".to_string()), "{v:?}");
        assert!(v.contains(&"number: 40".to_string()), "{v:?}");
    }

    #[test]
    fn derived_years_are_allowed_only_when_recomputed() {
        let o = parse_text("Jo Bloggs\n\nExperience:\nAnalyst | Acme | 2019 - 2021\n- Wrote SQL\n");
        let mut t = o.clone();
        t.headline
            .push("Analyst with 2+ years of experience".into());
        assert!(evidence_violations(&o, &t, Some(2)).is_empty());
        t.headline
            .push("Analyst with 9+ years of experience".into());
        assert!(!evidence_violations(&o, &t, Some(9)).is_empty());
    }
}
