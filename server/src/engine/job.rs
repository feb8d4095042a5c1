//! Reading a job posting (text or an HTML page) into weighted terms.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use regex::Regex;
use scraper::{ElementRef, Html, Node, Selector};
use serde::{Deserialize, Serialize};

use super::skills::{find_skills, SkillKind};
use super::text::{clean_line, is_stop_word, stem, tokenize};

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
            Importance::Required => 3.0,
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
    /// The posting as read (plain text).
    pub text: String,
}

fn cue(line: &str) -> Option<Option<Importance>> {
    let l = line.to_lowercase();
    let l = l.trim().trim_end_matches(':');
    const IGNORE: &[&str] = &[
        "benefit",
        "what we offer",
        "perks",
        "to apply",
        "how to apply",
        "about us",
        "about the company",
        "salary",
        "compensation",
        "equal opportunity",
        "evaluation",
        "employment requirement",
        "basic information",
        "location",
        "who we are",
        "our team",
        "why join",
        "conditions of employment",
        "security clearance",
        "pay",
    ];
    const PREFERRED: &[&str] = &[
        "preferred",
        "nice to have",
        "bonus",
        "desired",
        "pluses",
        "good to have",
        "nice-to-have",
    ];
    const REQUIRED: &[&str] = &[
        "requirement",
        "required",
        "qualification",
        "must have",
        "what you bring",
        "you have",
        "what you'll need",
        "what you need",
        "who you are",
        "skills",
        "experience",
        "you bring",
    ];
    const RESP: &[&str] = &[
        "responsibilit",
        "what you'll do",
        "what you will do",
        "objective",
        "duties",
        "the role",
        "role summary",
        "about the role",
        "day to day",
        "you will",
    ];
    if IGNORE.iter().any(|c| l.contains(c)) {
        return Some(None);
    }
    if PREFERRED.iter().any(|c| l.contains(c)) {
        return Some(Some(Importance::Preferred));
    }
    if REQUIRED.iter().any(|c| l.contains(c)) {
        return Some(Some(Importance::Required));
    }
    if RESP.iter().any(|c| l.contains(c)) {
        return Some(Some(Importance::Responsibility));
    }
    None
}

/// A line that looks like a section heading in a posting, with any inline content.
fn job_heading(line: &str, marked: bool) -> Option<(Option<Importance>, Option<String>)> {
    let t = line.trim();
    if let Some((h, rest)) = t.split_once(':') {
        if h.split_whitespace().count() <= 4 && !rest.trim().is_empty() {
            return cue(h).map(|c| (c, Some(rest.trim().to_string())));
        }
    }
    let words = t.split_whitespace().count();
    if words == 0 || words > 8 {
        return None;
    }
    if marked || t.ends_with(':') || !t.ends_with('.') {
        return cue(t).map(|c| (c, None));
    }
    None
}

/// Hiring boilerplate that names no skill of the job (citizenship, benefits, pay).
fn boilerplate(l: &str) -> bool {
    let l = l.to_lowercase();
    [
        "citizen",
        "background investigation",
        "background check",
        "selective service",
        "direct deposit",
        "equal opportunity",
        "insurance",
        "401(k)",
        "paid holidays",
        "sick leave",
        "telework",
        "relocation",
        "visa sponsorship",
        "salary",
        "benefits",
        "trial period",
        "spending accounts",
        "subsidies",
        "retirement",
    ]
    .iter()
    .any(|c| l.contains(c))
}

fn line_preferred(l: &str) -> bool {
    let l = l.to_lowercase();
    [
        "a plus",
        "preferred",
        "nice to have",
        "bonus",
        "ideally",
        "is a plus",
        "desirable",
    ]
    .iter()
    .any(|c| l.contains(c))
}

fn title_from_text(lines: &[String]) -> Option<String> {
    static R: OnceLock<Regex> = OnceLock::new();
    let r = R.get_or_init(|| {
        Regex::new(r"(?i)(?:looking for|seeking|hiring|searching for)\s+(?:an?\s+|our\s+next\s+)?(.{3,60}?)\s+(?:to|who|with|for|that)\b|^the\s+(.{3,50}?)\s+will\b|^as an?\s+(.{3,50}?),")
            .expect("valid regex")
    });
    if let Some(first) = lines.first() {
        let f = first.trim_start_matches('#').trim();
        let words = f.split_whitespace().count();
        if (1..=8).contains(&words) && !f.ends_with('.') && cue(f).is_none() && !f.contains(':') {
            return Some(f.to_string());
        }
    }
    for l in lines.iter().take(6) {
        if let Some(c) = r.captures(l) {
            let m = c.get(1).or(c.get(2)).or(c.get(3))?;
            return Some(m.as_str().trim().to_string());
        }
    }
    None
}

fn seniority(title: &str, text: &str) -> Option<String> {
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

/// Parse a posting given as plain lines.
pub fn parse_lines(lines: &[String], title: Option<String>, company: Option<String>) -> JobPosting {
    let mut section: Option<Importance> = Some(Importance::General);
    let mut hits: BTreeMap<(TermKind, String), JobTerm> = BTreeMap::new();
    let mut order: Vec<(TermKind, String)> = Vec::new();
    let mut kw_counts: BTreeMap<String, KeywordTally> = BTreeMap::new();
    let mut degree_required: Option<u8> = None;
    let mut company = company;
    let mut pos = 0usize;
    for raw in lines {
        let marked = raw.starts_with('#');
        let line = raw.trim_start_matches('#').trim();
        let line = line.strip_prefix("- ").unwrap_or(line);
        if line.is_empty() {
            continue;
        }
        if company.is_none() {
            if let Some(c) = line.strip_prefix("Company:") {
                company = Some(c.trim().to_string());
                continue;
            }
        }
        let mut content = line.to_string();
        if let Some((imp, inline)) = job_heading(line, marked) {
            section = imp;
            match inline {
                Some(i) => content = i,
                None => continue,
            }
        }
        let Some(sec) = section else { continue };
        if boilerplate(&content) {
            continue;
        }
        let imp = if line_preferred(&content) {
            Importance::Preferred
        } else {
            sec
        };
        if imp >= Importance::General {
            if let Some(min) = degree_levels(&content).into_iter().min() {
                if imp == Importance::Required {
                    degree_required = Some(degree_required.map_or(min, |d| d.min(min)));
                }
            }
        }
        let skills = find_skills(&content);
        let mut covered = vec![false; content.len() + 1];
        for h in &skills {
            for c in covered.iter_mut().take(h.end).skip(h.start) {
                *c = true;
            }
            let kind = match h.kind {
                SkillKind::Hard => TermKind::Hard,
                SkillKind::Soft => TermKind::Soft,
            };
            let key = (kind, h.canonical.clone());
            let e = hits.entry(key.clone()).or_insert_with(|| {
                order.push(key.clone());
                JobTerm {
                    display: h.surface.clone(),
                    canonical: h.canonical.clone(),
                    kind,
                    importance: imp,
                    count: 0,
                    weight: 0.0,
                    context: content.chars().take(240).collect(),
                }
            });
            e.count += 1;
            if imp > e.importance {
                e.importance = imp;
            }
        }
        for t in tokenize(&content) {
            if covered[t.start] {
                continue;
            }
            let w = &t.norm;
            if w.len() < 4 || !w.chars().all(|c| c.is_alphabetic() || c == '-') || is_stop_word(w) {
                continue;
            }
            pos += 1;
            let s = stem(w);
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
    let title = title.or_else(|| title_from_text(lines));
    // Not skills: occupations ("Data Analyst": the title is scored on its own),
    // names from the posting's own title or company ("TTS", "Excellence"),
    // and possessives ("Homeland Security's").
    let named: Vec<String> = [title.as_deref(), company.as_deref()]
        .iter()
        .flatten()
        .flat_map(|t| tokenize(t).into_iter().map(|x| x.norm))
        .collect();
    terms.retain(|t| {
        if t.kind == TermKind::Keyword {
            return true;
        }
        let words: Vec<&str> = t.canonical.split(' ').collect();
        let last = words.last().copied().unwrap_or("");
        let occupation = words.len() > 1
            && super::resume::TITLE_WORDS
                .iter()
                .any(|w| last == *w || last.strip_suffix('s') == Some(w));
        let from_title = words.len() == 1 && named.iter().any(|n| n == &t.canonical);
        !(occupation || from_title || t.display.contains("'s"))
    });
    let sen = seniority(title.as_deref().unwrap_or(""), &text);
    JobPosting {
        title,
        company,
        seniority: sen,
        degree_level: degree_required,
        terms,
        text,
    }
}

pub fn parse_text(text: &str) -> JobPosting {
    let lines: Vec<String> = text
        .lines()
        .map(clean_line)
        .filter(|l| !l.is_empty())
        .collect();
    parse_lines(&lines, None, None)
}

fn sel(s: &str) -> Selector {
    Selector::parse(s).expect("valid selector")
}

const SKIP: &[&str] = &[
    "script", "style", "nav", "header", "footer", "noscript", "svg", "form", "button", "template",
    "iframe", "select",
];
const BLOCK: &[&str] = &[
    "p",
    "div",
    "section",
    "article",
    "main",
    "br",
    "tr",
    "table",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "blockquote",
    "pre",
    "hr",
    "aside",
];

fn walk(el: ElementRef<'_>, out: &mut String) {
    for child in el.children() {
        match child.value() {
            Node::Text(t) => {
                let s = t.split_whitespace().collect::<Vec<_>>().join(" ");
                if !s.is_empty() {
                    if !out.ends_with('\n')
                        && !out.ends_with(' ')
                        && !out.is_empty()
                        && t.starts_with(char::is_whitespace)
                    {
                        out.push(' ');
                    }
                    out.push_str(&s);
                    if t.ends_with(char::is_whitespace) {
                        out.push(' ');
                    }
                }
            }
            Node::Element(e) => {
                let name = e.name();
                if SKIP.contains(&name) {
                    continue;
                }
                let Some(child_el) = ElementRef::wrap(child) else {
                    continue;
                };
                let heading = matches!(name, "h1" | "h2" | "h3" | "h4" | "h5" | "h6");
                if name == "li" {
                    out.push_str("\n- ");
                } else if heading {
                    out.push_str("\n## ");
                } else if BLOCK.contains(&name) {
                    out.push('\n');
                }
                walk(child_el, out);
                if heading || name == "li" || BLOCK.contains(&name) {
                    out.push('\n');
                }
            }
            _ => {}
        }
    }
}

/// Plain text of an HTML fragment, one block per line.
pub fn html_to_text(html: &str) -> String {
    let doc = Html::parse_fragment(html);
    let mut out = String::new();
    walk(doc.root_element(), &mut out);
    out
}

fn find_job_posting(v: &serde_json::Value) -> Option<&serde_json::Value> {
    match v {
        serde_json::Value::Array(a) => a.iter().find_map(find_job_posting),
        serde_json::Value::Object(o) => {
            let is_jp = match o.get("@type") {
                Some(serde_json::Value::String(s)) => s == "JobPosting",
                Some(serde_json::Value::Array(a)) => a.iter().any(|t| t == "JobPosting"),
                _ => false,
            };
            if is_jp {
                return Some(v);
            }
            o.get("@graph").and_then(find_job_posting)
        }
        _ => None,
    }
}

fn text_lines(s: &str) -> Vec<String> {
    s.lines()
        .map(|l| {
            clean_line(l)
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .filter(|l| !l.is_empty() && l != "-" && l != "##")
        .collect()
}

/// Parse a job page: schema.org `JobPosting` JSON-LD first, else the main content.
pub fn parse_html(url: &str, html: &str) -> JobPosting {
    let _ = url;
    let doc = Html::parse_document(html);
    for s in doc.select(&sel(r#"script[type="application/ld+json"]"#)) {
        let raw: String = s.text().collect();
        let Ok(v) = serde_json::from_str::<serde_json::Value>(&raw) else {
            continue;
        };
        let Some(jp) = find_job_posting(&v) else {
            continue;
        };
        let title = jp.get("title").and_then(|t| t.as_str()).map(clean_line);
        let company = jp
            .get("hiringOrganization")
            .and_then(|o| o.get("name").or(Some(o)))
            .and_then(|n| n.as_str())
            .map(clean_line);
        let mut body = String::new();
        for key in [
            "description",
            "responsibilities",
            "qualifications",
            "skills",
            "experienceRequirements",
            "educationRequirements",
        ] {
            if let Some(s) = jp.get(key).and_then(|d| d.as_str()) {
                if key != "description" {
                    body.push_str(&format!("\n## {key}\n"));
                }
                body.push_str(&html_to_text(s));
                body.push('\n');
            }
        }
        let lines = text_lines(&body);
        if !lines.is_empty() {
            return parse_lines(&lines, title, company);
        }
    }
    let mut out = String::new();
    let root = ["main", "article", "[role=main]", "#content", "body"]
        .iter()
        .find_map(|s| doc.select(&sel(s)).next());
    if let Some(root) = root {
        walk(root, &mut out);
    }
    let h1 = doc
        .select(&sel("h1"))
        .next()
        .map(|h| clean_line(&h.text().collect::<String>()))
        .filter(|s| !s.is_empty());
    let title = h1.or_else(|| {
        doc.select(&sel("title"))
            .next()
            .map(|t| clean_line(&t.text().collect::<String>()))
    });
    let company = doc
        .select(&sel(r#"meta[property="og:site_name"]"#))
        .next()
        .and_then(|m| m.value().attr("content"))
        .map(|c| {
            // A careers site names itself "Join X" or "X Careers": the company is X.
            let c = clean_line(c);
            let c = c
                .strip_prefix("Join the ")
                .or_else(|| c.strip_prefix("Join "))
                .unwrap_or(&c);
            let c = c.strip_prefix("Careers at ").unwrap_or(c);
            c.strip_suffix(" Careers").unwrap_or(c).to_string()
        });
    let mut lines = text_lines(&out);
    // The h1 is the title, not content.
    if let (Some(t), Some(first)) = (&title, lines.first()) {
        if first.trim_start_matches('#').trim() == t {
            lines.remove(0);
        }
    }
    parse_lines(&lines, title, company)
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
}
