//! Reading a job posting (text or an HTML page) into weighted terms and the
//! requirements of years, degree and certification it states.

mod asks;
mod html;
mod names;
mod sections;
mod title;

use std::collections::BTreeMap;
use std::sync::OnceLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

pub use asks::{certifications, names_certification, Ask, AskKind};
pub use html::{html_to_text, looks_like_html, parse_html};
pub(crate) use title::is_role_word;

use super::skills::{find_skills, is_generic, SkillKind};
use super::text::{clean_line, is_stop_word, stem, tokenize};
use names::{role_names, Names};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Importance {
    Preferred,
    General,
    Responsibility,
    Required,
}

impl Importance {
    pub fn weight(self) -> f64 {
        match self {
            Importance::Required => 4.0,
            Importance::Responsibility => 2.0,
            Importance::General => 1.5,
            Importance::Preferred => 1.0,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Importance::Required => "required",
            Importance::Responsibility => "responsibility",
            Importance::General => "general",
            Importance::Preferred => "preferred",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TermKind {
    Hard,
    Soft,
    Keyword,
}

impl TermKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TermKind::Hard => "hard_skill",
            TermKind::Soft => "soft_skill",
            TermKind::Keyword => "keyword",
        }
    }
}

/// One thing the posting asks for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobTerm {
    /// How the posting writes it (first occurrence).
    pub display: String,
    /// Canonical lowercase key (alias-resolved skill, or a keyword's stem).
    pub canonical: String,
    pub kind: TermKind,
    pub importance: Importance,
    /// Times the posting mentions it.
    pub count: usize,
    pub weight: f64,
    /// The posting's sentence where it first appears.
    pub context: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobPosting {
    pub title: Option<String>,
    pub company: Option<String>,
    pub seniority: Option<String>,
    /// Minimum degree asked for as required: 1 bachelor, 2 master, 3 doctorate.
    pub degree_level: Option<u8>,
    pub terms: Vec<JobTerm>,
    /// Years of experience, degrees and certifications the posting asks for.
    #[serde(default)]
    pub asks: Vec<Ask>,
    /// The posting as read (plain text).
    pub text: String,
}

/// Highest degree level named in a text: 1 bachelor, 2 master, 3 doctorate.
pub fn degree_levels(text: &str) -> Vec<u8> {
    static R: OnceLock<Regex> = OnceLock::new();
    let r = R.get_or_init(|| {
        Regex::new(r"(?i)\b(bachelor'?s?|b\.s\.|b\.a\.|bsc|b\.sc\.?|master'?s?|m\.s\.|m\.a\.|msc|mba|ph\.?d\.?|doctorate|doctoral)\b|\b(BS|BA|MS|MA)\b").expect("valid regex")
    });
    r.find_iter(text)
        .map(|m| {
            let l = m.as_str().to_lowercase();
            if l.starts_with("ph") || l.starts_with("doctor") {
                3
            } else if l.starts_with('m') {
                2
            } else {
                1
            }
        })
        .collect()
}

/// (count, first surface, highest importance, context, first position)
type KeywordTally = (usize, String, Importance, String, usize);

fn bullet_of(line: &str) -> Option<&str> {
    ["- ", "* ", "• ", "· "]
        .iter()
        .find_map(|b| line.strip_prefix(b))
        .map(str::trim_start)
}

/// Parse a posting given as plain lines (`## ` marks a heading).
pub fn parse_lines(lines: &[String], title: Option<String>, company: Option<String>) -> JobPosting {
    let company = company.or_else(|| {
        lines.iter().find_map(|l| {
            l.trim_start_matches('#')
                .trim()
                .strip_prefix("Company:")
                .map(|c| c.trim().to_string())
                .filter(|c| !c.is_empty())
        })
    });
    let title = title.or_else(|| title::from_lines(lines, company.as_deref()));
    let names = Names::collect(lines, company.as_deref());
    let mut section: Option<Importance> = Some(Importance::General);
    let mut hits: BTreeMap<(TermKind, String), JobTerm> = BTreeMap::new();
    let mut order: Vec<(TermKind, String)> = Vec::new();
    let mut kw_counts: BTreeMap<String, KeywordTally> = BTreeMap::new();
    let mut asks: Vec<Ask> = Vec::new();
    let mut pos = 0usize;
    // Words of the title and company are scored on their own (job title) or
    // are not the job's skills: never "other keywords".
    let named: Vec<String> = [title.as_deref(), company.as_deref()]
        .iter()
        .flatten()
        .flat_map(|t| tokenize(t).into_iter().map(|x| stem(&x.norm)))
        .collect();
    let mut add_hit = |kind: TermKind,
                       canonical: &str,
                       surface: &str,
                       imp: Importance,
                       context: &str,
                       hits: &mut BTreeMap<(TermKind, String), JobTerm>| {
        let key = (kind, canonical.to_string());
        let e = hits.entry(key.clone()).or_insert_with(|| {
            order.push(key.clone());
            JobTerm {
                display: surface.to_string(),
                canonical: canonical.to_string(),
                kind,
                importance: imp,
                count: 0,
                weight: 0.0,
                context: context.chars().take(240).collect(),
            }
        });
        e.count += 1;
        if imp > e.importance {
            e.importance = imp;
        }
    };
    // Skills in the title are the job's first requirements ("Backend Python Developer").
    if let Some(t) = &title {
        for h in find_skills(&names.mask(t)) {
            if names.is_acronym(&h.surface) {
                continue;
            }
            let kind = term_kind(h.kind);
            add_hit(
                kind,
                &h.canonical,
                &h.surface,
                Importance::Required,
                t,
                &mut hits,
            );
        }
    }
    for raw in lines {
        let marked = raw.starts_with('#');
        let line = raw.trim_start_matches('#').trim();
        let bullet = bullet_of(line);
        let line = bullet.unwrap_or(line);
        if line.is_empty() || line.starts_with("Company:") {
            continue;
        }
        let mut content = line.to_string();
        if let Some((imp, inline)) = sections::heading(line, marked, bullet.is_some()) {
            section = imp;
            match inline {
                Some(i) => content = i,
                None => continue,
            }
        }
        let Some(sec) = section else { continue };
        if sections::boilerplate(&content) {
            continue;
        }
        let imp = if sections::line_preferred(&content) {
            Importance::Preferred
        } else {
            sec
        };
        let ask_imp = if imp == Importance::Preferred {
            Importance::Preferred
        } else {
            Importance::Required
        };
        asks.extend(asks::years_in(&content, ask_imp));
        let degree = asks::degree_in(&content, ask_imp);
        asks.extend(asks::certifications_in(&content, ask_imp));
        let mut masked = names.mask(&content);
        // A degree's field ("Bachelor's in Computer Science") is a
        // requirement of education, not a skill.
        if let Some(d) = &degree {
            if let Some(i) = masked.find(&d.text) {
                masked.replace_range(i..i + d.text.len(), &" ".repeat(d.text.len()));
            }
        }
        asks.extend(degree);
        let found = find_skills(&masked);
        let hired = role_names(&masked, &found);
        let pref_parens = sections::preferred_parens(&content);
        let mut covered = vec![false; content.len() + 1];
        for (h, hired) in found.iter().zip(hired) {
            for c in covered.iter_mut().take(h.end).skip(h.start) {
                *c = true;
            }
            // Possessives ("Homeland Security's") and organisations' acronyms
            // are names; the roles a team hires are not the candidate's skills.
            if hired || names.is_acronym(&h.surface) || content[h.end..].starts_with("'s") {
                continue;
            }
            let imp = if pref_parens
                .iter()
                .any(|(s, e)| h.start >= *s && h.end <= *e)
            {
                Importance::Preferred
            } else {
                imp
            };
            add_hit(
                term_kind(h.kind),
                &h.canonical,
                &h.surface,
                imp,
                &content,
                &mut hits,
            );
        }
        for t in tokenize(&masked) {
            if covered[t.start] {
                continue;
            }
            let w = &t.norm;
            if w.len() < 4
                || !w.chars().all(|c| c.is_alphabetic() || c == '-')
                || is_stop_word(w)
                || is_generic(w)
                || is_role_word(w)
            {
                continue;
            }
            let s = stem(w);
            if named.contains(&s) {
                continue;
            }
            pos += 1;
            let e = kw_counts.entry(s).or_insert((
                0,
                content[t.start..t.end].to_lowercase(),
                imp,
                content.chars().take(240).collect(),
                pos,
            ));
            e.0 += 1;
            if imp > e.2 {
                e.2 = imp;
            }
        }
    }
    let mut terms: Vec<JobTerm> = order.into_iter().filter_map(|k| hits.remove(&k)).collect();
    // Other keywords: repeated content words not already part of a skill.
    let mut kws: Vec<(String, KeywordTally)> =
        kw_counts.into_iter().filter(|(_, v)| v.0 >= 2).collect();
    kws.sort_by(|a, b| b.1 .0.cmp(&a.1 .0).then(a.1 .4.cmp(&b.1 .4)));
    for (stem_key, (count, display, imp, context, _)) in kws.into_iter().take(12) {
        terms.push(JobTerm {
            display,
            canonical: stem_key,
            kind: TermKind::Keyword,
            importance: imp,
            count,
            weight: 0.0,
            context,
        });
    }
    for t in &mut terms {
        t.weight = t.importance.weight() * (1.0 + 0.25 * (t.count.saturating_sub(1).min(2)) as f64);
    }
    let text = lines.join("\n");
    // Not skills: occupations ("Data Analyst": the title is scored on its
    // own) and single words of the company's name.
    let company_words: Vec<String> = company
        .iter()
        .flat_map(|t| tokenize(t).into_iter().map(|x| x.norm))
        .collect();
    terms.retain(|t| {
        if t.kind == TermKind::Keyword {
            return true;
        }
        let words: Vec<&str> = t.canonical.split(' ').collect();
        let last = words.last().copied().unwrap_or("");
        let occupation = words.len() > 1 && is_role_word(last);
        let from_company = words.len() == 1 && company_words.iter().any(|n| n == &t.canonical);
        !(occupation || from_company)
    });
    dedup_asks(&mut asks);
    let degree_level = asks
        .iter()
        .filter(|a| a.kind == AskKind::Degree && a.importance == Importance::Required)
        .filter_map(|a| a.level)
        .filter(|l| *l >= 1)
        .min();
    let sen = title::seniority(title.as_deref().unwrap_or(""), &text);
    JobPosting {
        title,
        company,
        seniority: sen,
        degree_level,
        terms,
        asks,
        text,
    }
}

/// One ask per kind and wording: a posting that repeats "5+ years" in its
/// summary and its requirements asks it once.
fn dedup_asks(asks: &mut Vec<Ask>) {
    // "0-2 years of experience" beside "0-2 years of software development
    // experience" is the same ask, said with and without its field.
    let with_field: Vec<Option<u32>> = asks
        .iter()
        .filter(|a| a.kind == AskKind::Years && !a.fields.is_empty())
        .map(|a| a.min_years)
        .collect();
    asks.retain(|a| {
        a.kind != AskKind::Years || !a.fields.is_empty() || !with_field.contains(&a.min_years)
    });
    type AskKey = (AskKind, Option<u32>, Option<u8>, Vec<String>);
    let mut seen: Vec<AskKey> = Vec::new();
    asks.retain(|a| {
        let key = (
            a.kind,
            a.min_years,
            a.level,
            if a.kind == AskKind::Certification {
                a.names.clone()
            } else {
                a.fields.iter().map(|f| f.to_lowercase()).collect()
            },
        );
        if seen.contains(&key) {
            false
        } else {
            seen.push(key);
            true
        }
    });
}

fn term_kind(k: SkillKind) -> TermKind {
    match k {
        SkillKind::Hard => TermKind::Hard,
        SkillKind::Soft => TermKind::Soft,
    }
}

/// Parse a pasted posting. Pasted HTML ("<!DOCTYPE html>…") is read as a page.
pub fn parse_text(text: &str) -> JobPosting {
    if looks_like_html(text) {
        return parse_html("", text);
    }
    let lines: Vec<String> = text
        .lines()
        .map(clean_line)
        .filter(|l| !l.is_empty())
        .collect();
    parse_lines(&lines, None, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_and_preferred_by_section() {
        let j = parse_text("Senior Data Engineer\n\nRequirements:\n- Python and SQL\n- Kubernetes\n\nNice to have:\n- Rust\n\nBenefits:\n- Free Java lessons\n");
        assert_eq!(j.title.as_deref(), Some("Senior Data Engineer"));
        assert_eq!(j.seniority.as_deref(), Some("senior"));
        let imp = |c: &str| {
            j.terms
                .iter()
                .find(|t| t.canonical == c)
                .map(|t| t.importance)
        };
        assert_eq!(imp("python"), Some(Importance::Required));
        assert_eq!(imp("kubernetes"), Some(Importance::Required));
        assert_eq!(imp("rust"), Some(Importance::Preferred));
        assert_eq!(imp("java"), None, "benefits are ignored");
    }

    #[test]
    fn inline_requirements_and_title_sentence() {
        let j = parse_text("We are looking for a Senior Backend Engineer to join us. We use Go.\n\nRequirements: 4+ years of Python; Docker.");
        assert_eq!(j.title.as_deref(), Some("Senior Backend Engineer"));
        let py = j.terms.iter().find(|t| t.canonical == "python").unwrap();
        assert_eq!(py.importance, Importance::Required);
    }

    #[test]
    fn json_ld_first() {
        let html = r#"<html><head><script type="application/ld+json">{"@context":"https://schema.org","@type":"JobPosting","title":"ML Engineer","hiringOrganization":{"@type":"Organization","name":"Acme"},"description":"<p>Requirements:</p><ul><li>PyTorch</li><li>Python</li></ul>"}</script></head><body><main><h1>Other</h1><p>Java</p></main></body></html>"#;
        let j = parse_html("https://x", html);
        assert_eq!(j.title.as_deref(), Some("ML Engineer"));
        assert_eq!(j.company.as_deref(), Some("Acme"));
        assert!(j.terms.iter().any(|t| t.canonical == "pytorch"));
        assert!(!j.terms.iter().any(|t| t.canonical == "java"));
    }

    #[test]
    fn main_content_without_json_ld() {
        let html = "<html><body><nav>Python jobs menu</nav><main><h1>Designer</h1><h2>Key Requirements</h2><ul><li>Figma and Sketch</li></ul></main></body></html>";
        let j = parse_html("https://x", html);
        assert_eq!(j.title.as_deref(), Some("Designer"));
        assert!(j.terms.iter().any(|t| t.canonical == "figma"));
        assert!(!j.terms.iter().any(|t| t.canonical == "python"));
    }

    fn imp_of(j: &JobPosting, c: &str) -> Option<Importance> {
        j.terms
            .iter()
            .find(|t| t.canonical == c)
            .map(|t| t.importance)
    }

    #[test]
    fn experience_lines_are_requirements_not_headings() {
        // Written for this rule: requirement lines that start with
        // "Experience with" keep their skills and do not change the section.
        let j = parse_text("Site Reliability Engineer\n\nWhat you need:\nExperience with SQL databases and Terraform\nExperience in Go\nFamiliarity with Grafana\n\nNice to have:\nExperience with Rust\n");
        assert_eq!(
            imp_of(&j, "sql"),
            Some(Importance::Required),
            "{:?}",
            j.terms
        );
        assert_eq!(
            imp_of(&j, "sql databases"),
            None,
            "the skill, not the phrase"
        );
        assert_eq!(imp_of(&j, "terraform"), Some(Importance::Required));
        assert_eq!(imp_of(&j, "go"), Some(Importance::Required));
        assert_eq!(imp_of(&j, "rust"), Some(Importance::Preferred));
    }

    #[test]
    fn skills_in_the_title_count() {
        let j = parse_text("Backend Python Developer\n\nRequirements:\n- Django and PostgreSQL\n");
        assert_eq!(j.title.as_deref(), Some("Backend Python Developer"));
        assert_eq!(imp_of(&j, "python"), Some(Importance::Required));
        let k = parse_text("Senior Kotlin Engineer\n\nYou will build Android apps.\n");
        assert_eq!(
            imp_of(&k, "kotlin"),
            Some(Importance::Required),
            "{:?}",
            k.terms
        );
    }

    #[test]
    fn a_sentence_is_never_the_title() {
        let j = parse_text("self-motivated, quick-learning team player\n\nWe are hiring a Support Engineer to help customers.\nRequirements: Linux, Bash.\n");
        assert_eq!(j.title.as_deref(), Some("Support Engineer"));
    }

    #[test]
    fn years_degree_and_certification_are_read() {
        let j = parse_text("Payroll Accountant\n\nRequirements:\n- 5+ years of payroll accounting experience\n- Bachelor's degree in Accounting or Finance\n- CPA certification preferred\n");
        let years: Vec<&Ask> = j.asks.iter().filter(|a| a.kind == AskKind::Years).collect();
        assert_eq!(years.len(), 1, "{:?}", j.asks);
        assert_eq!(years[0].min_years, Some(5));
        assert_eq!(years[0].fields, vec!["payroll accounting"]);
        let deg = j.asks.iter().find(|a| a.kind == AskKind::Degree).unwrap();
        assert_eq!((deg.level, deg.importance), (Some(1), Importance::Required));
        assert_eq!(deg.fields, vec!["Accounting", "Finance"]);
        assert_eq!(j.degree_level, Some(1));
        assert!(
            imp_of(&j, "accounting").is_none()
                || j.terms.iter().all(|t| !t.context.starts_with("Bachelor")),
            "a degree field is not a skill"
        );
        let cert = j
            .asks
            .iter()
            .find(|a| a.kind == AskKind::Certification)
            .unwrap();
        assert_eq!(cert.names[0], "CPA");
        assert_eq!(cert.importance, Importance::Preferred);
    }

    #[test]
    fn generic_and_organisation_words_are_not_skills() {
        let j = parse_text("Data Engineer\n\nAbout the role: You will support the Office of Regional Planning Services (ORPS) and its partner organization.\nRequirements:\n- Spark and Airflow for ORPS business product reporting\n- Alignment with the Authority's goals\n");
        let c: Vec<&str> = j
            .terms
            .iter()
            .filter(|t| t.kind != TermKind::Keyword)
            .map(|t| t.canonical.as_str())
            .collect();
        assert!(c.contains(&"apache spark") || c.contains(&"spark"), "{c:?}");
        for bad in [
            "orps",
            "organization",
            "business",
            "product",
            "alignment",
            "authority",
            "planning services",
        ] {
            assert!(!c.contains(&bad), "{bad} in {c:?}");
        }
    }

    #[test]
    fn pasted_html_is_read_as_a_page() {
        let html = "<!DOCTYPE html>\n<html><head><title>Mobile Engineer | Hooli Careers</title></head><body><main><h1>Mobile Engineer</h1><h2>Requirements</h2><ul><li>Swift and Kotlin</li></ul></main></body></html>";
        let j = parse_text(html);
        assert_eq!(j.title.as_deref(), Some("Mobile Engineer"));
        assert!(j.terms.iter().any(|t| t.canonical == "kotlin"));
        assert!(!j.text.contains("<!DOCTYPE"));
        assert!(looks_like_html(
            "<div><p>a</p><p>b</p><p>c</p><ul><li>x</li><li>y</li></ul></div>"
        ));
        assert!(!looks_like_html(
            "Engineer\nUse <br> tags sparingly in emails."
        ));
    }
}
