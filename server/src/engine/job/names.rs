//! What a posting names that is not a skill of the job: its employer and
//! other organisations ("Technology Transformation Services (TTS)"), and the
//! roles a team hires for ("UX, full stack and site reliability engineers").

use std::collections::HashSet;
use std::sync::OnceLock;

use regex::Regex;

use super::title::is_role_word;
use crate::engine::skills::{is_generic, is_known_phrase, SkillHit};

/// Nouns that end an organisation's name.
const ORG_NOUNS: &str = "Administration|Service|Services|Agency|Department|Office|Bureau|Institute|Corporation|Corp|Inc|LLC|Ltd|GmbH|Foundation|Association|Council|Commission|University|College|Centers?|Centres?|Ministry|Board|Committee|Group|Labs?|Partners|Hospital|Authority";

fn org_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(&format!(
            r"\b((?:[A-Z][\w&'.-]*\s+(?:(?:of|and|for|the|on)\s+)*){{1,5}}(?:{ORG_NOUNS}))\b\.?(?:\s*\(([A-Z][A-Z0-9&]{{1,7}})\))?"
        ))
        .expect("valid regex")
    })
}

/// Initials of a name's capitalised words ("Technology Transformation Services" → "TTS").
fn acronym(name: &str) -> Option<String> {
    let a: String = name
        .split_whitespace()
        .filter_map(|w| w.chars().next())
        .filter(|c| c.is_uppercase())
        .collect();
    (a.len() >= 2).then_some(a)
}

/// Names in a posting that are organisations, not skills.
#[derive(Debug, Default, Clone)]
pub struct Names {
    /// Phrases to blank out before finding skills (longest first).
    phrases: Vec<String>,
    /// Acronyms of those names, never a skill ("TTS", "GSA").
    acronyms: HashSet<String>,
}

impl Names {
    /// Organisations named in the posting's lines, and its company.
    pub fn collect(lines: &[String], company: Option<&str>) -> Names {
        let mut n = Names::default();
        if let Some(c) = company {
            let c = c.trim();
            if !c.is_empty() {
                n.phrases.push(c.to_string());
                n.acronyms.extend(acronym(c));
            }
        }
        for l in lines {
            for c in org_re().captures_iter(l) {
                let name = c[1].trim();
                let words = name.split_whitespace().count();
                let acr = c.get(2).map(|m| m.as_str().to_string());
                // "Customer Service" and "Amazon Web Services" are skills: a
                // known skill phrase is not masked. Without an acronym to show
                // it is a name, it needs three words and no skill at its end
                // ("Strong Customer Service and Amazon Web Services").
                let lower = name.to_lowercase();
                let ws: Vec<&str> = lower.split_whitespace().collect();
                let skill_at_end = (0..ws.len().saturating_sub(1)).any(|k| {
                    let tail = ws[k..].join(" ");
                    is_known_phrase(&tail) && !is_generic(&tail)
                });
                if is_known_phrase(&lower) || (acr.is_none() && (words < 3 || skill_at_end)) {
                    continue;
                }
                n.phrases.push(name.to_string());
                n.acronyms.extend(acr);
                n.acronyms.extend(acronym(name).filter(|a| a.len() >= 3));
            }
        }
        n.phrases.sort_by_key(|p| std::cmp::Reverse(p.len()));
        n.phrases.dedup();
        n
    }

    /// The line with every organisation name blanked (same byte length, so
    /// spans still point into the original).
    pub fn mask(&self, line: &str) -> String {
        let mut out = line.to_string();
        for p in &self.phrases {
            let mut from = 0;
            while let Some(i) = out[from..].find(p.as_str()) {
                let at = from + i;
                let blank = " ".repeat(p.len());
                out.replace_range(at..at + p.len(), &blank);
                from = at + p.len();
            }
        }
        out
    }

    pub fn is_acronym(&self, surface: &str) -> bool {
        self.acronyms.contains(surface)
    }
}

/// Skills a line names only as the roles a team hires ("UX, full stack and
/// site reliability engineers", "front end developers"): hits followed by a
/// plural occupation, directly or through a list of them.
pub fn role_names(line: &str, hits: &[SkillHit]) -> Vec<bool> {
    let mut out = vec![false; hits.len()];
    let plural_role_after = |end: usize| -> bool {
        let rest = line[end..].trim_start();
        let w: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '-')
            .collect();
        w.len() > 3
            && w.ends_with('s')
            && (is_role_word(&w) || ROLE_PLURALS.contains(&w.to_lowercase().as_str()))
    };
    // Walk back from each hit that a plural role follows, through the list
    // of hits joined only by commas, "and", "or".
    for i in (0..hits.len()).rev() {
        if !plural_role_after(hits[i].end) {
            continue;
        }
        out[i] = true;
        let mut j = i;
        while j > 0 {
            let gap = line[hits[j - 1].end..hits[j].start].trim().to_lowercase();
            let joined = matches!(
                gap.as_str(),
                "," | "and" | "or" | ", and" | ", or" | "/" | "&"
            );
            if !joined {
                break;
            }
            out[j - 1] = true;
            j -= 1;
        }
    }
    out
}

/// Plural nouns for roles that the title-word list does not hold.
const ROLE_PLURALS: &[&str] = &[
    "roles",
    "positions",
    "practitioners",
    "experts",
    "professionals",
    "hires",
    "openings",
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::skills::find_skills;

    #[test]
    fn organisations_and_their_acronyms_are_masked() {
        let lines = vec![
            "You will join the Office of Digital Delivery Services (ODDS) at the Pacific Trade Commission."
                .to_string(),
            "Strong Customer Service and Amazon Web Services skills.".to_string(),
        ];
        let n = Names::collect(&lines, Some("Globex Health Partners"));
        let m = n.mask(&lines[0]);
        assert!(!m.contains("Digital Delivery"), "{m}");
        assert!(!m.contains("Pacific Trade"), "{m}");
        assert_eq!(m.len(), lines[0].len());
        assert!(n.is_acronym("ODDS"));
        assert!(n.is_acronym("GHP"));
        assert_eq!(n.mask(&lines[1]), lines[1], "skills are not organisations");
    }

    #[test]
    fn hired_roles_are_not_skills() {
        let line = "We hire UX, full stack, and site reliability engineers and use Python daily.";
        let hits = find_skills(line);
        let roles = role_names(line, &hits);
        let named: Vec<&str> = hits
            .iter()
            .zip(&roles)
            .filter(|(_, r)| !**r)
            .map(|(h, _)| h.canonical.as_str())
            .collect();
        assert!(named.contains(&"python"), "{named:?}");
        assert!(
            !named
                .iter()
                .any(|n| n.contains("reliability") || n.contains("full stack")),
            "{named:?}"
        );
    }
}
