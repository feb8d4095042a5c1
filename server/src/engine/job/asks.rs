//! What a posting asks for beyond skills: years of experience, a degree, a
//! certification or licence. Read as data so the fit verdict can check each
//! against the resume.

use std::sync::OnceLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

use super::Importance;

const CERTIFICATIONS: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/data/certifications.tsv"
));

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AskKind {
    Years,
    Degree,
    Certification,
}

impl AskKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AskKind::Years => "years",
            AskKind::Degree => "degree",
            AskKind::Certification => "certification",
        }
    }
}

/// One requirement of years, a degree or a certification, as the posting
/// states it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ask {
    pub kind: AskKind,
    /// Required or preferred.
    pub importance: Importance,
    /// The posting's words ("5+ years of backend work").
    pub text: String,
    /// Years: the minimum asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_years: Option<u32>,
    /// Years: the top of a range ("0-2 years").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_years: Option<u32>,
    /// Degree: 1 bachelor, 2 master, 3 doctorate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<u8>,
    /// What the years or degree are in ("backend", "Computer Science").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<String>,
    /// Certification: its name and the other ways it is written.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub names: Vec<String>,
    /// "or equivalent experience": the requirement can be met otherwise.
    #[serde(default)]
    pub equivalent_ok: bool,
}

fn number(s: &str) -> Option<u32> {
    const WORDS: [&str; 11] = [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    ];
    let l = s.to_lowercase();
    WORDS
        .iter()
        .position(|w| *w == l)
        .map(|i| i as u32)
        .or_else(|| l.parse().ok())
}

/// Words in a years phrase that qualify the experience without naming a field.
const NOT_A_FIELD: &[&str] = &[
    "professional",
    "relevant",
    "related",
    "industry",
    "hands-on",
    "proven",
    "practical",
    "full-time",
    "paid",
    "demonstrated",
    "progressive",
    "progressively",
    "responsible",
    "specialized",
    "recent",
    "total",
    "overall",
    "work",
    "working",
    "experience",
    "of",
    "the",
    "a",
    "an",
    "in",
    "with",
    "as",
    "and",
    "or",
    "similar",
    "equivalent",
    "field",
    "role",
    "roles",
    "position",
    "capacity",
    "setting",
    "environment",
];

fn fields_of(phrase: &str) -> Vec<String> {
    let cut = phrase
        .split([',', ';', '.', '(', ')', ':'])
        .next()
        .unwrap_or("")
        .trim();
    // "data science or machine learning" names two fields.
    let mut out = Vec::new();
    for alt in cut.split(" or ").flat_map(|a| a.split(" and/or ")) {
        let words: Vec<&str> = alt
            .split_whitespace()
            .filter(|w| !NOT_A_FIELD.contains(&w.to_lowercase().as_str()))
            .collect();
        if !words.is_empty() {
            out.push(words.join(" "));
        }
    }
    out
}

fn years_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(
            r"(?i)\b(\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten)\s*(\+|plus)?\s*(?:(?:-|–|to)\s*(\d{1,2}))?\s*\+?\s*(?:years?|yrs?)(?:'|’)?\s+(?:of\s+)?((?:[\w/&+.#-]+\s+){0,5}?)(?:experience|work|background|expertise)\b(?:\s+(?:in|with|as|of|on|doing|building)\s+([^,;.()]{2,60}))?",
        )
        .expect("valid regex")
    })
}

fn years_doing_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(
            r"(?i)\b(\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten)\s*(\+|plus)?\s*(?:(?:-|–|to)\s*(\d{1,2}))?\s*\+?\s*(?:years?|yrs?)\s+(?:building|developing|working|leading|managing|designing|writing|running|doing|shipping|delivering)\s+([^,;.()]{2,60})",
        )
        .expect("valid regex")
    })
}

/// Years-of-experience requirements in a line ("4+ years of professional
/// Python experience", "3+ years of experience in data science").
pub fn years_in(line: &str, importance: Importance) -> Vec<Ask> {
    let doing = years_doing_re().captures_iter(line).filter_map(|c| {
        let min = number(&c[1])?;
        let max = c.get(3).and_then(|m| number(m.as_str()));
        (min <= 30).then(|| years_ask(&c[0], importance, min, max, fields_of(&c[4])))
    });
    let mut out: Vec<Ask> = doing.collect();
    out.extend(years_re().captures_iter(line).filter_map(|c| {
        let min = number(&c[1])?;
        let max = c.get(3).and_then(|m| number(m.as_str()));
        if min > 30 || max.is_some_and(|m| m < min || m > 40) {
            return None;
        }
        let before = c.get(4).map_or("", |m| m.as_str());
        let mut fields = fields_of(before);
        if fields.is_empty() {
            fields = c.get(5).map(|m| fields_of(m.as_str())).unwrap_or_default();
        }
        Some(years_ask(&c[0], importance, min, max, fields))
    }));
    out
}

fn years_ask(
    text: &str,
    importance: Importance,
    min: u32,
    max: Option<u32>,
    fields: Vec<String>,
) -> Ask {
    Ask {
        kind: AskKind::Years,
        importance,
        text: text.trim().to_string(),
        min_years: Some(min),
        max_years: max,
        level: None,
        fields,
        names: Vec::new(),
        equivalent_ok: false,
    }
}

fn degree_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(
            r"(?i)\b((?:associate'?s?|bachelor'?s?|bsc|master'?s?|msc|mba|doctorate|doctoral|phd)\b|b\.sc?\.|b\.a\.|m\.sc?\.|m\.a\.|ph\.d\.?|(?-i:BS|BA|MS|MA)\b)(?:\s*/\s*(?:ms|m\.s\.|ma|master'?s?|phd|ph\.d\.))?(?:\s+degree)?(?:\s+(?:in|of)\s+([^;.()]{2,80}))?",
        )
        .expect("valid regex")
    })
}

fn degree_level(word: &str) -> u8 {
    let l = word.to_lowercase();
    if l.starts_with("ph") || l.starts_with("doctor") {
        3
    } else if l.starts_with('m') {
        2
    } else if l.starts_with("associate") {
        0
    } else {
        1
    }
}

/// Degree requirements in a line ("Bachelor's degree in Computer Science or
/// related field", "BS/MS in Computer Science or equivalent experience").
pub fn degree_in(line: &str, importance: Importance) -> Option<Ask> {
    let c = degree_re().captures(line)?;
    let level = degree_level(&c[1]);
    let l = line.to_lowercase();
    let mut fields = Vec::new();
    if let Some(f) = c.get(2) {
        let f = f.as_str();
        let f = f
            .split(" or related")
            .next()
            .unwrap_or(f)
            .split(" or equivalent")
            .next()
            .unwrap_or(f)
            .split(" or a related")
            .next()
            .unwrap_or(f);
        for part in f.split([',', '/']).flat_map(|p| p.split(" or ")) {
            let p = part.trim().trim_start_matches("or ").trim();
            let p = p
                .strip_prefix("a ")
                .or_else(|| p.strip_prefix("an "))
                .unwrap_or(p);
            if p.is_empty() || p.split_whitespace().count() > 5 {
                continue;
            }
            // "a quantitative field", "related discipline": no field named.
            if p.ends_with("field") || p.ends_with("discipline") || p.ends_with("area") {
                continue;
            }
            fields.push(p.to_string());
        }
    }
    Some(Ask {
        kind: AskKind::Degree,
        importance,
        text: c[0].trim().to_string(),
        min_years: None,
        max_years: None,
        level: Some(level),
        fields,
        names: Vec::new(),
        equivalent_ok: l.contains("equivalent"),
    })
}

/// A certification or licence we know: its names, the first the canonical one.
pub struct Certification {
    pub names: Vec<String>,
}

pub fn certifications() -> &'static [Certification] {
    static C: OnceLock<Vec<Certification>> = OnceLock::new();
    C.get_or_init(|| {
        CERTIFICATIONS
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(|l| Certification {
                names: l
                    .split('\t')
                    .map(|n| n.trim().to_string())
                    .filter(|n| !n.is_empty())
                    .collect(),
            })
            .collect()
    })
}

/// Does `text` name this certification? Acronyms (all capitals) must be
/// written in capitals as a whole word; full names match in any case.
pub fn names_certification(text: &str, names: &[String]) -> bool {
    let lower = text.to_lowercase();
    names.iter().any(|n| {
        let acronym = n
            .chars()
            .all(|c| c.is_uppercase() || c.is_ascii_digit() || "+-/".contains(c));
        let (hay, needle) = if acronym {
            (text, n.clone())
        } else {
            (lower.as_str(), n.to_lowercase())
        };
        hay.match_indices(&needle).any(|(i, _)| {
            let before = hay[..i].chars().next_back();
            let after = hay[i + needle.len()..].chars().next();
            !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
        })
    })
}

/// Certification requirements in a line: a certification we know by name,
/// when the line asks for it ("PMP certification", "licensed as an RN").
pub fn certifications_in(line: &str, importance: Importance) -> Vec<Ask> {
    let l = line.to_lowercase();
    let asks_for = ["certif", "licens", "credential", "registered", "accredit"]
        .iter()
        .any(|c| l.contains(c));
    // Without a cue in the line, only a name that says it is a certification
    // ("AWS Certified Developer") is one; "a CPA firm" is not.
    certifications()
        .iter()
        .filter(|c| {
            if asks_for {
                names_certification(line, &c.names)
            } else {
                let certified: Vec<String> = c
                    .names
                    .iter()
                    .filter(|n| n.to_lowercase().contains("certified"))
                    .cloned()
                    .collect();
                names_certification(line, &certified)
            }
        })
        .map(|c| Ask {
            kind: AskKind::Certification,
            importance,
            text: line.chars().take(160).collect(),
            min_years: None,
            max_years: None,
            level: None,
            fields: Vec::new(),
            names: c.names.clone(),
            equivalent_ok: false,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_with_their_field() {
        let a = years_in(
            "You bring 5+ years of backend work and 2 years of Kotlin experience.",
            Importance::Required,
        );
        assert_eq!(a.len(), 2, "{a:?}");
        assert_eq!(a[0].min_years, Some(5));
        assert_eq!(a[0].fields, vec!["backend"]);
        assert_eq!(a[1].fields, vec!["Kotlin"]);
        let b = years_in(
            "At least three years of experience in clinical research or biostatistics",
            Importance::Required,
        );
        assert_eq!(b[0].min_years, Some(3));
        assert_eq!(b[0].fields, vec!["clinical research", "biostatistics"]);
        let r = years_in("1-3 years of relevant experience", Importance::Required);
        assert_eq!((r[0].min_years, r[0].max_years), (Some(1), Some(3)));
        assert!(r[0].fields.is_empty());
        assert!(years_in("appointments last up to 4 years", Importance::Required).is_empty());
        let d = years_in(
            "3+ years building data pipelines in Scala",
            Importance::Required,
        );
        assert_eq!(d[0].fields, vec!["data pipelines Scala"]);
        assert!(degree_in("mastery knowledge of IT", Importance::Required).is_none());
    }

    #[test]
    fn degrees_with_level_and_field() {
        let d = degree_in(
            "BA/MA in Economics, Finance or a related field",
            Importance::Required,
        )
        .unwrap();
        assert_eq!(d.level, Some(1));
        assert_eq!(d.fields, vec!["Economics", "Finance"]);
        let p = degree_in("PhD in a quantitative field", Importance::Preferred).unwrap();
        assert_eq!(p.level, Some(3));
        assert!(p.fields.is_empty());
        assert!(
            degree_in(
                "Master's degree or equivalent experience",
                Importance::Required
            )
            .unwrap()
            .equivalent_ok
        );
    }

    #[test]
    fn certifications_by_name() {
        let c = certifications_in(
            "Active PMP certification; CPA license a plus",
            Importance::Required,
        );
        let names: Vec<&str> = c.iter().map(|a| a.names[0].as_str()).collect();
        assert!(names.contains(&"PMP"), "{names:?}");
        assert!(names.contains(&"CPA"), "{names:?}");
        assert!(certifications_in("We use a CPA firm's reports", Importance::Required).is_empty());
        assert!(names_certification(
            "BLS and ACLS current",
            &["ACLS".to_string()]
        ));
        assert!(!names_certification("cpa", &["CPA".to_string()]));
    }
}
