//! The posting's job title and seniority.

use std::sync::OnceLock;

use regex::Regex;

use super::sections::cue;
use crate::engine::resume::TITLE_WORDS;

/// Does a word name an occupation ("engineer", "Designers")?
pub(crate) fn is_role_word(w: &str) -> bool {
    let w = w.to_lowercase();
    let w = w.trim_matches(|c: char| !c.is_alphanumeric());
    TITLE_WORDS
        .iter()
        .any(|t| w == *t || w.strip_suffix('s') == Some(t))
}

fn has_role_word(s: &str) -> bool {
    s.split(|c: char| !c.is_alphanumeric()).any(is_role_word)
}

/// Could this line be a job title? A title names a role or is a short
/// capitalised phrase; a sentence, a list of adjectives ("self-motivated,
/// quick-learning team player") or a heading ("Requirements") is not.
pub(super) fn looks_like_title(s: &str) -> bool {
    let s = s.trim();
    let words: Vec<&str> = s.split_whitespace().collect();
    if words.is_empty() || words.len() > 10 || s.ends_with(['.', '!', '?']) {
        return false;
    }
    if s.starts_with('<') || s.contains(['{', '}', '<', '>', '@']) {
        return false;
    }
    // A heading ("Requirements") is not a title; "Payroll Specialist" is,
    // though "pay" is a heading cue.
    if cue(s).is_some() && !has_role_word(s) {
        return false;
    }
    if s.contains(',') && !has_role_word(s) {
        return false;
    }
    if has_role_word(s) {
        return true;
    }
    // No role word: only a short phrase whose words are all capitalised.
    words.len() <= 5
        && words.iter().all(|w| {
            w.chars()
                .next()
                .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit() || "&-/(".contains(c))
                || matches!(*w, "of" | "and" | "the" | "for" | "&" | "-")
        })
}

/// Tidy a title as a page or a posting writes it: drop the organisation
/// ("18F - Product Manager", "Data Engineer | Acme Careers"), grade codes
/// ("- GS-15") and a parenthesised aside, keeping the part that names the role.
pub(super) fn clean_title(raw: &str, company: Option<&str>) -> Option<String> {
    static SEP: OnceLock<Regex> = OnceLock::new();
    let sep = SEP.get_or_init(|| Regex::new(r"\s+[-–—|·]\s+|\s*\|\s*").expect("valid regex"));
    let raw = raw.trim().trim_start_matches('#').trim();
    let parts: Vec<&str> = sep
        .split(raw)
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    let company_l = company.map(str::to_lowercase);
    let is_org = |p: &str| {
        let l = p.to_lowercase();
        company_l
            .as_deref()
            .is_some_and(|c| l == c || c.contains(&l))
            || l.contains("careers")
            || l.contains("jobs")
            || l.starts_with("join ")
    };
    let is_code = |p: &str| {
        !has_role_word(p)
            && p.split_whitespace()
                .all(|w| w.chars().any(|c| c.is_ascii_digit()) || w.len() <= 3)
    };
    let mut keep: Vec<&str> = parts
        .iter()
        .copied()
        .filter(|p| !is_org(p) && !is_code(p))
        .collect();
    // Leading parts without a role word are the organisation or team when a
    // later part names the role ("Centers of Excellence - Data Specialist").
    while keep.len() > 1 && !has_role_word(keep[0]) && keep[1..].iter().any(|p| has_role_word(p)) {
        keep.remove(0);
    }
    let mut t = keep.join(" - ");
    if let Some(i) = t.find(" (") {
        if has_role_word(&t[..i]) {
            t.truncate(i);
        }
    }
    let t = t.trim().to_string();
    looks_like_title(&t).then_some(t)
}

/// The title from a posting's first lines: the first line that reads like a
/// title, else a sentence that names the role ("We are looking for a Senior
/// Backend Engineer to join us").
pub(super) fn from_lines(lines: &[String], company: Option<&str>) -> Option<String> {
    static R: OnceLock<Regex> = OnceLock::new();
    let r = R.get_or_init(|| {
        Regex::new(r"(?i)(?:looking for|seeking|hiring|searching for)\s+(?:an?\s+|our\s+next\s+|for\s+an?\s+)?(.{3,60}?)\s+(?:to|who|with|for|that|in|at)\b|^the\s+(.{3,50}?)\s+will\b|^as an?\s+(.{3,50}?),")
            .expect("valid regex")
    });
    for l in lines.iter().take(3) {
        if l.contains(':') && !l.starts_with('#') {
            continue;
        }
        if let Some(t) = clean_title(l, company) {
            return Some(t);
        }
        // Only a heading-like first line is a title candidate; a paragraph
        // ends the search here.
        if l.split_whitespace().count() > 10 {
            break;
        }
    }
    for l in lines.iter().take(8) {
        if let Some(c) = r.captures(l) {
            let m = c.get(1).or(c.get(2)).or(c.get(3))?;
            let t = m.as_str().trim();
            if has_role_word(t) {
                return clean_title(t, company);
            }
        }
    }
    None
}

pub(super) fn seniority(title: &str, text: &str) -> Option<String> {
    let t = format!(" {} ", title.to_lowercase());
    let table: &[(&str, &[&str])] = &[
        ("intern", &[" intern ", " internship "]),
        (
            "director",
            &[" director ", " head of ", " vp ", " vice president "],
        ),
        ("lead", &[" lead ", " staff ", " principal "]),
        (
            "senior",
            &[" senior ", " sr ", " sr. ", "gs-14", "gs-15", " iii "],
        ),
        (
            "junior",
            &[
                " junior ",
                " jr ",
                " jr. ",
                " entry ",
                " graduate ",
                " associate ",
            ],
        ),
    ];
    for (name, cues) in table {
        if cues.iter().any(|c| t.contains(c)) {
            return Some((*name).to_string());
        }
    }
    let lt = text.to_lowercase();
    if lt.contains("gs-15") || lt.contains("gs-14") {
        return Some("senior".into());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_drop_the_organisation_and_codes() {
        assert_eq!(
            clean_title("USDS - Design Researcher (Digital Service Expert)", None).as_deref(),
            Some("Design Researcher")
        );
        assert_eq!(
            clean_title("Platform Engineer | Initech Careers", Some("Initech")).as_deref(),
            Some("Platform Engineer")
        );
        assert_eq!(
            clean_title("Data Steward - GS-13", None).as_deref(),
            Some("Data Steward")
        );
        assert_eq!(
            clean_title("Office of Innovation - Research Analyst", None).as_deref(),
            Some("Research Analyst")
        );
    }

    #[test]
    fn a_sentence_of_adjectives_is_not_a_title() {
        assert!(!looks_like_title(
            "self-motivated, quick-learning team player"
        ));
        assert!(!looks_like_title("Requirements"));
        assert!(!looks_like_title("<!DOCTYPE html>"));
        assert!(looks_like_title("Backend Python Developer"));
        let lines: Vec<String> = [
            "Curious, detail-oriented, self-starting collaborator",
            "We are seeking a Payroll Specialist to run our monthly close.",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(
            from_lines(&lines, None).as_deref(),
            Some("Payroll Specialist")
        );
    }
}
