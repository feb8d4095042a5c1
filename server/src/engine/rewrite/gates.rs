//! The gates every proposal passes before it changes a line, in order:
//! the path is on the allow-list and names a line that exists; `original`
//! is that line's text; the new text is not empty, not the same, within a
//! length bound; it states no fact the evidence does not support (the
//! evidence rule of `validate/`, read once per job); it names nobody and
//! nothing the resume does not (a capitalised word that is not in the
//! evidence: an employer, a client, a title written into a bullet); and it
//! adds no stock AI phrasing from the kept list.
//!
//! The evidence is the original resume as written plus what the person
//! confirmed ([`Evidence::new`]'s `confirmations`), so a fact the person
//! vouches for on the Review page passes here as it passes the validator.

use std::collections::HashSet;
use std::sync::OnceLock;

use crate::engine::resume::dates::YearMonth;
use crate::engine::resume::{Block, Resume, Section, SectionKind};
use crate::engine::validate::facts::{facts, Facts};
use crate::engine::validate::{experience_months, violations_against, FactKind, Violation};

use super::proposals::Proposal;

/// A proposal may have this many times the original's words (and a few
/// more for a short line).
pub const WORDS_FACTOR: f64 = 1.8;
const WORDS_SLACK: usize = 4;
const MAX_CHARS: usize = 600;

/// What proposals are judged against, read once per job.
pub struct Evidence {
    facts: Facts,
    covered_years: i64,
    /// Terms the person confirmed having: evidence for those skills only.
    given: Vec<String>,
    /// Every word of the evidence, lowercase: names must be among them.
    words: HashSet<String>,
}

impl Evidence {
    /// `source` is the original as written; `confirmations` are the terms
    /// the person confirmed having (on the Review page): evidence for those
    /// skills, as the evidence rule allows, and nothing else (a number in
    /// their wording is not).
    pub fn new(
        original: &Resume,
        source: &str,
        confirmations: &[String],
        today: YearMonth,
    ) -> Self {
        let facts = facts(original, Some(source));
        let mut words: HashSet<String> = words_of(source).map(str::to_lowercase).collect();
        for c in confirmations {
            words.extend(words_of(c).map(str::to_lowercase));
        }
        for line in crate::engine::validate::resume_lines(original) {
            words.extend(words_of(&line).map(str::to_lowercase));
        }
        Evidence {
            facts,
            covered_years: experience_months(original, today) / 12,
            given: confirmations.to_vec(),
            words,
        }
    }
}

fn words_of(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '+' || c == '#'))
        .filter(|w| !w.is_empty())
}

/// Where an accepted proposal goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    pub section: usize,
    pub block: usize,
    pub header: bool,
    pub line: usize,
}

impl Target {
    /// Parses `sections[i].blocks[j].bullets[k]` / `…header[k]`.
    pub fn parse(path: &str) -> Option<Target> {
        let rest = path.trim().strip_prefix("sections[")?;
        let (i, rest) = rest.split_once("].blocks[")?;
        let (j, rest) = rest.split_once("].")?;
        let (kind, k) = rest.strip_suffix(']')?.split_once('[')?;
        let header = match kind {
            "bullets" => false,
            "header" => true,
            _ => return None,
        };
        Some(Target {
            section: i.parse().ok()?,
            block: j.parse().ok()?,
            header,
            line: k.parse().ok()?,
        })
    }

    /// The line's text, when the path is on the allow-list.
    fn text<'a>(&self, r: &'a Resume) -> Result<&'a str, Rejection> {
        let s = r.sections.get(self.section).ok_or(Rejection::NoSuchLine)?;
        let editable = match s.kind {
            SectionKind::Summary => true,
            SectionKind::Experience | SectionKind::Projects => !self.header,
            _ => false,
        };
        if !editable {
            return Err(Rejection::NotEditable);
        }
        let b = s.blocks.get(self.block).ok_or(Rejection::NoSuchLine)?;
        let lines = if self.header { &b.header } else { &b.bullets };
        lines
            .get(self.line)
            .map(String::as_str)
            .ok_or(Rejection::NoSuchLine)
    }

    /// Writes `value` into the line (after [`judge`] accepted it).
    pub fn apply(&self, r: &mut Resume, value: &str) {
        if let Some(b) = r
            .sections
            .get_mut(self.section)
            .and_then(|s| s.blocks.get_mut(self.block))
        {
            let lines = if self.header {
                &mut b.header
            } else {
                &mut b.bullets
            };
            if let Some(line) = lines.get_mut(self.line) {
                *line = value.to_string();
            }
        }
    }
}

/// Why a proposal was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rejection {
    /// The path is not a summary line or a bullet (a name, a title, a date…).
    NotEditable,
    /// The path names no line of the resume (a new entry).
    NoSuchLine,
    /// `original` is not the line's text.
    OriginalMismatch,
    Empty,
    Unchanged,
    TooLong {
        words: usize,
        limit: usize,
    },
    /// Facts the evidence does not support.
    Unsupported(Vec<Violation>),
    /// A name the resume never writes.
    NewName(String),
    StockPhrase(String),
    /// A second proposal for a line already decided.
    Duplicate,
}

impl Rejection {
    /// A stable code, for metrics (`proposals rejected by reason`).
    pub fn code(&self) -> &'static str {
        match self {
            Rejection::NotEditable => "not_editable",
            Rejection::NoSuchLine => "no_such_line",
            Rejection::OriginalMismatch => "original_mismatch",
            Rejection::Empty => "empty",
            Rejection::Unchanged => "unchanged",
            Rejection::TooLong { .. } => "too_long",
            Rejection::Unsupported(_) => "unsupported",
            Rejection::NewName(_) => "new_name",
            Rejection::StockPhrase(_) => "stock_phrase",
            Rejection::Duplicate => "duplicate",
        }
    }

    pub const CODES: [&'static str; 10] = [
        "not_editable",
        "no_such_line",
        "original_mismatch",
        "empty",
        "unchanged",
        "too_long",
        "unsupported",
        "new_name",
        "stock_phrase",
        "duplicate",
    ];

    /// The reason as the person reads it, after "Rejected a rewrite of your …: ".
    pub fn explain(&self) -> String {
        match self {
            Rejection::NotEditable => "only the summary and bullet text may be rewritten".into(),
            Rejection::NoSuchLine => "it named a line your resume does not have".into(),
            Rejection::OriginalMismatch => "it quoted the line differently from your resume".into(),
            Rejection::Empty => "it was empty".into(),
            Rejection::Unchanged => "it changed nothing".into(),
            Rejection::TooLong { words, limit } => {
                format!("it was {words} words long, more than the {limit} allowed for this line")
            }
            Rejection::Unsupported(v) => {
                let list: Vec<String> = v.iter().map(describe).collect();
                format!(
                    "it added {}, which your resume does not show",
                    list.join(", ")
                )
            }
            Rejection::NewName(n) => {
                format!("it added '{n}', which your resume does not show")
            }
            Rejection::StockPhrase(p) => format!("it used the stock phrase '{p}'"),
            Rejection::Duplicate => "another proposal for the same line came first".into(),
        }
    }
}

fn describe(v: &Violation) -> String {
    match v.kind {
        FactKind::Skill | FactKind::Employer | FactKind::Title => format!("'{}'", v.value),
        kind => format!("the {} '{}'", kind.as_str(), v.value),
    }
}

fn stock_phrases() -> &'static [String] {
    static LIST: OnceLock<Vec<String>> = OnceLock::new();
    LIST.get_or_init(|| {
        include_str!("stock_phrases.txt")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(str::to_string)
            .collect()
    })
}

/// Decides one proposal against the resume as it stands (`current`).
pub fn judge(p: &Proposal, current: &Resume, ev: &Evidence) -> Result<Target, Rejection> {
    let target = Target::parse(&p.path).ok_or(Rejection::NoSuchLine)?;
    let line = target.text(current)?;
    if squash(&p.original) != squash(line) {
        return Err(Rejection::OriginalMismatch);
    }
    let value = p.value.trim();
    if value.is_empty() {
        return Err(Rejection::Empty);
    }
    if squash(value) == squash(line) {
        return Err(Rejection::Unchanged);
    }
    let (words, before) = (
        value.split_whitespace().count(),
        line.split_whitespace().count(),
    );
    let limit = ((before as f64 * WORDS_FACTOR) as usize).max(before + WORDS_SLACK);
    if words > limit || value.len() > MAX_CHARS {
        return Err(Rejection::TooLong { words, limit });
    }
    // The evidence rule on the new text alone, in a section of the same
    // kind: what it adds is what the rule reads in it.
    let kind = current.sections[target.section].kind;
    let probe = Resume {
        sections: vec![Section {
            kind,
            heading: current.sections[target.section].heading.clone(),
            blocks: vec![Block {
                bullets: vec![value.to_string()],
                ..Block::default()
            }],
        }],
        ..Resume::default()
    };
    let bad = violations_against(&ev.facts, ev.covered_years, &probe, &ev.given);
    if !bad.is_empty() {
        let shown = bad
            .into_iter()
            .map(|v| Violation {
                value: as_written(value, &v.value),
                kind: v.kind,
            })
            .collect();
        return Err(Rejection::Unsupported(shown));
    }
    if let Some(name) = new_name(value, line, ev) {
        return Err(Rejection::NewName(name));
    }
    let (low, before_low) = (value.to_lowercase(), line.to_lowercase());
    if let Some(p) = stock_phrases()
        .iter()
        .find(|p| contains_phrase(&low, p) && !contains_phrase(&before_low, p))
    {
        return Err(Rejection::StockPhrase(p.clone()));
    }
    Ok(target)
}

/// `phrase` (lowercased by the rule) as `text` writes it, when it is there.
fn as_written(text: &str, phrase: &str) -> String {
    let low = text.to_lowercase();
    match low.find(phrase) {
        // Lowercasing kept the byte offsets (ASCII and most scripts do).
        Some(i) if low.len() == text.len() && text.is_char_boundary(i + phrase.len()) => {
            text[i..i + phrase.len()].to_string()
        }
        _ => phrase.to_string(),
    }
}

/// Whitespace-insensitive text, for comparing quotes of a line.
fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn contains_phrase(text: &str, phrase: &str) -> bool {
    text.match_indices(phrase).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + phrase.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

/// A capitalised word (not opening a sentence) that neither the line nor
/// the evidence has: a name the model brought in.
fn new_name(value: &str, line: &str, ev: &Evidence) -> Option<String> {
    let known: HashSet<String> = words_of(line).map(str::to_lowercase).collect();
    let mut sentence_start = true;
    for raw in value.split_whitespace() {
        let starts = sentence_start;
        sentence_start = raw.ends_with(['.', ':', ';', '!', '?']);
        if starts {
            continue;
        }
        for w in words_of(raw) {
            let capital = w.chars().next().is_some_and(char::is_uppercase);
            let low = w.to_lowercase();
            if capital && !known.contains(&low) && !ev.words.contains(&low) {
                return Some(w.to_string());
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::resume::parse_text;

    const TODAY: YearMonth = YearMonth {
        year: 2026,
        month: Some(12),
    };

    const SOURCE: &str = concat!(
        "Priya Nair\npriya@example.org\n\nSummary\nBackend developer who keeps services fast.\n\n",
        "Experience\nBackend Developer | Umbrella Health | Mar 2019 - Present\n",
        "- Rewrote the billing API in Go, cutting p95 latency by 30%\n",
        "- Ran weekly on-call reviews with 4 teams\n\n",
        "Skills\nGo, PostgreSQL, Docker\n"
    );

    fn setup() -> (Resume, Evidence) {
        let r = parse_text(SOURCE);
        let ev = Evidence::new(&r, SOURCE, &[], TODAY);
        (r, ev)
    }

    fn path_of(r: &Resume, text: &str) -> String {
        super::super::editable_lines(r)
            .into_iter()
            .find(|l| l.text == text)
            .unwrap()
            .path
    }

    fn proposal(r: &Resume, original: &str, value: &str) -> Proposal {
        Proposal {
            path: path_of(r, original),
            original: original.into(),
            value: value.into(),
            reason: "test".into(),
        }
    }

    const BILLING: &str = "Rewrote the billing API in Go, cutting p95 latency by 30%";

    #[test]
    fn a_faithful_rewrite_passes() {
        let (r, ev) = setup();
        let p = proposal(
            &r,
            BILLING,
            "Rebuilt the billing API in Go and cut its p95 latency by 30%",
        );
        assert!(judge(&p, &r, &ev).is_ok(), "{:?}", judge(&p, &r, &ev));
    }

    #[test]
    fn each_kind_of_invention_is_refused_with_its_reason() {
        let (r, ev) = setup();
        let cases = [
            ("Rewrote the billing API in Go on Kubernetes, cutting p95 latency by 30%", "unsupported", "Kubernetes"),
            ("Rewrote the billing API in Go, cutting p95 latency by 45%", "unsupported", "45"),
            ("Rewrote the billing API in Go for Globex, cutting p95 latency by 30%", "new_name", "Globex"),
            ("Rewrote the billing API in Go in 2015, cutting p95 latency by 30%", "unsupported", "2015"),
            ("Spearheaded the billing API rewrite in Go, cutting p95 latency by 30%", "stock_phrase", "spearheaded"),
            ("Rewrote the billing API in Go, cutting p95 latency by 30%, and also rewrote every other service we had in the company across all of the teams and regions and products", "too_long", "words"),
        ];
        for (value, code, shown) in cases {
            let rejection = judge(&proposal(&r, BILLING, value), &r, &ev).unwrap_err();
            assert_eq!(rejection.code(), code, "{value}: {rejection:?}");
            assert!(
                rejection.explain().contains(shown),
                "{}",
                rejection.explain()
            );
        }
    }

    #[test]
    fn the_path_and_the_quote_must_be_real() {
        let (r, ev) = setup();
        let mut p = proposal(&r, BILLING, "Rebuilt the billing API in Go");
        p.original = "Rewrote the payments API".into();
        assert_eq!(judge(&p, &r, &ev), Err(Rejection::OriginalMismatch));
        p.path = "sections[1].blocks[0].header[0]".into();
        assert_eq!(judge(&p, &r, &ev), Err(Rejection::NotEditable));
        p.path = "sections[1].blocks[0].bullets[9]".into();
        assert_eq!(judge(&p, &r, &ev), Err(Rejection::NoSuchLine));
        p.path = "contact.name".into();
        assert_eq!(judge(&p, &r, &ev), Err(Rejection::NoSuchLine));
    }

    /// The hook for confirmations: a fact the person confirmed is evidence.
    #[test]
    fn a_confirmed_fact_is_evidence() {
        let r = parse_text(SOURCE);
        let value = "Rewrote the billing API in Go on Kubernetes, cutting p95 latency by 30%";
        let plain = Evidence::new(&r, SOURCE, &[], TODAY);
        assert!(judge(&proposal(&r, BILLING, value), &r, &plain).is_err());
        let confirmed = Evidence::new(&r, SOURCE, &["Kubernetes".to_string()], TODAY);
        assert!(judge(&proposal(&r, BILLING, value), &r, &confirmed).is_ok());
    }
}
