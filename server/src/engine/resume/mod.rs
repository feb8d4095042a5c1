//! The structured resume and how text becomes one.

pub mod dates;
pub mod docx;
pub mod pdf;

use std::sync::OnceLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

use self::dates::{find_range, find_single, rejoin_split_range, DateRange};
use super::input::Format;
use super::read::ReadResume;
use super::text::clean_line;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Contact {
    pub name: Option<String>,
    /// Degrees and post-nominals written after the name ("MBA", "MA
    /// Education, BS Mathematics"), exactly as written: part of the name
    /// line, never a heading of their own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credentials: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub links: Vec<String>,
    pub location: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SectionKind {
    Summary,
    Experience,
    Education,
    Skills,
    Projects,
    Certifications,
    Other,
}

impl SectionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SectionKind::Summary => "summary",
            SectionKind::Experience => "experience",
            SectionKind::Education => "education",
            SectionKind::Skills => "skills",
            SectionKind::Projects => "projects",
            SectionKind::Certifications => "certifications",
            SectionKind::Other => "other",
        }
    }
}

/// A role's identity, read from its header lines. Never edited.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Role {
    pub title: Option<String>,
    pub employer: Option<String>,
    pub dates: Option<DateRange>,
}

/// A run of header lines followed by bullets: a role, a degree, a project, a paragraph.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Block {
    pub header: Vec<String>,
    pub bullets: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Section {
    pub kind: SectionKind,
    pub heading: String,
    pub blocks: Vec<Block>,
}

impl Section {
    /// The section as plain lines (headers, then "- " bullets), for diffs and search.
    pub fn lines(&self) -> Vec<String> {
        let mut out = Vec::new();
        for b in &self.blocks {
            out.extend(b.header.iter().cloned());
            out.extend(b.bullets.iter().map(|x| format!("- {x}")));
        }
        out
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Resume {
    pub contact: Contact,
    /// Lines of the top block that are not contact details ("Data Analyst").
    pub headline: Vec<String>,
    pub sections: Vec<Section>,
}

/// Where a line sits in the resume.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineRef {
    pub section: String,
    pub kind: SectionKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    pub is_bullet: bool,
    pub text: String,
}

impl Resume {
    pub fn section(&self, kind: SectionKind) -> Option<&Section> {
        self.sections.iter().find(|s| s.kind == kind)
    }

    /// Every content line with its location (headline, sections).
    pub fn line_refs(&self) -> Vec<LineRef> {
        let mut out = Vec::new();
        for h in &self.headline {
            out.push(LineRef {
                section: "Headline".into(),
                kind: SectionKind::Summary,
                role: None,
                is_bullet: false,
                text: h.clone(),
            });
        }
        for s in &self.sections {
            for b in &s.blocks {
                let role = b
                    .role
                    .as_ref()
                    .and_then(|r| r.employer.clone().or_else(|| r.title.clone()));
                for h in &b.header {
                    out.push(LineRef {
                        section: s.heading.clone(),
                        kind: s.kind,
                        role: role.clone(),
                        is_bullet: false,
                        text: h.clone(),
                    });
                }
                for x in &b.bullets {
                    out.push(LineRef {
                        section: s.heading.clone(),
                        kind: s.kind,
                        role: role.clone(),
                        is_bullet: true,
                        text: x.clone(),
                    });
                }
            }
        }
        out
    }

    /// All roles (experience section first, then projects are not roles).
    pub fn roles(&self) -> Vec<&Role> {
        self.sections
            .iter()
            .filter(|s| s.kind == SectionKind::Experience)
            .flat_map(|s| s.blocks.iter().filter_map(|b| b.role.as_ref()))
            .collect()
    }

    /// Bullets of experience and project sections.
    pub fn work_bullets(&self) -> Vec<&str> {
        self.sections
            .iter()
            .filter(|s| matches!(s.kind, SectionKind::Experience | SectionKind::Projects))
            .flat_map(|s| {
                s.blocks
                    .iter()
                    .flat_map(|b| b.bullets.iter().map(String::as_str))
            })
            .collect()
    }

    pub fn has_content(&self) -> bool {
        self.sections.iter().any(|s| {
            s.blocks
                .iter()
                .any(|b| !b.header.is_empty() || !b.bullets.is_empty())
        }) || !self.headline.is_empty()
    }
}

fn re(cell: &'static OnceLock<Regex>, pat: &str) -> &'static Regex {
    cell.get_or_init(|| Regex::new(pat).expect("valid regex"))
}

pub fn email_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    re(&R, r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
}

pub fn phone_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    re(
        &R,
        r"(?:\+?\d{1,3}[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}\b",
    )
}

/// A phone number as written anywhere in the world: the North American
/// shape ("(555) 123-4567", "1-650-999-7777"), or a number with its country
/// code ("+90 532 555 01 23", "+44 20 7946 0958", "+49 (0)30 1234567") or a
/// trunk zero ("0532 555 01 23", "020 7946 0958") in groups of any size:
/// 8 to 15 digits in all, as ITU E.164 allows.
pub fn find_phone(text: &str) -> Option<regex::Match<'_>> {
    static INTL: OnceLock<Regex> = OnceLock::new();
    let intl = re(
        &INTL,
        r"(?:\+\d{1,3}|\b0\d{1,4})(?:[\s.-]?\(\d{1,4}\)\d{0,8}|[\s.-]\d{1,8}){1,6}\b",
    );
    let digits = |m: &regex::Match| m.as_str().chars().filter(char::is_ascii_digit).count();
    let nanp = phone_re().find(text);
    let world = intl
        .find_iter(text)
        .find(|m| (8..=15).contains(&digits(m)) && m.as_str().contains([' ', '-', '.', '(']));
    match (nanp, world) {
        // The longer reading of the same spot: "+1 650 555 0100" whole.
        (Some(a), Some(b)) if b.start() <= a.start() && b.end() >= a.end() => Some(b),
        (Some(a), _) => Some(a),
        (None, b) => b,
    }
}

fn link_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    re(
        &R,
        r"(?i)(?:https?://)?(?:www\.)?(?:linkedin\.com|github\.com|gitlab\.com|behance\.net|dribbble\.com)/[^\s|,)]*|https?://[^\s|,)]+|/in/[A-Za-z0-9_-]+",
    )
}

fn location_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    re(&R, r"\b[A-Z][a-z.]+(?: [A-Z][a-z.]+)*, [A-Z]{2}\b")
}

const BULLETS: &[&str] = &[
    "- ",
    "* ",
    "• ",
    "● ",
    "◦ ",
    "▪ ",
    "– ",
    "· ",
    "⋅ ",
    "∙ ",
    "○ ",
    "■ ",
    "➢ ",
    "► ",
    "✓ ",
    "\u{f0b7} ",
];

/// If the line is a bullet, the text after its marker.
pub fn strip_bullet(line: &str) -> Option<&str> {
    for b in BULLETS {
        if let Some(rest) = line.strip_prefix(b) {
            return Some(rest.trim_start());
        }
        let bare = b.trim_end();
        if !bare.is_empty() && bare != "-" && bare != "*" {
            if let Some(rest) = line.strip_prefix(bare) {
                if !rest.is_empty() {
                    return Some(rest.trim_start());
                }
            }
        }
    }
    None
}

/// Remove Markdown emphasis, escapes and code markers from a line; links
/// become "text (url)".
fn strip_md(s: &str) -> String {
    static EMPH: OnceLock<Regex> = OnceLock::new();
    static LINK: OnceLock<Regex> = OnceLock::new();
    let t = s.replace("**", "").replace("__", "").replace('`', "");
    // *italic* and _italic_ around words (not a bullet's "* " or snake_case).
    let emph = re(
        &EMPH,
        r"(^|[\s(\[,;:])[*_]([^*_\s][^*_]*?)[*_]([\s).,;:!?]|$)",
    );
    let t = emph.replace_all(&t, "$1$2$3");
    let t = emph.replace_all(&t, "$1$2$3");
    // Backslash escapes ("\*", "\_", "\#") stand for the character itself.
    let mut out = String::with_capacity(t.len());
    let mut chars = t.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' && chars.peek().is_some_and(|n| n.is_ascii_punctuation()) {
            continue;
        }
        out.push(c);
    }
    let link = re(&LINK, r"\[([^\]]+)\]\(([^)]+)\)");
    link.replace_all(out.trim(), "$1 ($2)").trim().to_string()
}

struct HeadingCue {
    kind: SectionKind,
    words: &'static [&'static str],
}

const CUES: &[HeadingCue] = &[
    HeadingCue {
        kind: SectionKind::Summary,
        words: &["summary", "profile", "objective", "about me", "overview"],
    },
    HeadingCue {
        kind: SectionKind::Experience,
        words: &[
            "experience",
            "employment",
            "work history",
            "career history",
            "positions held",
        ],
    },
    HeadingCue {
        kind: SectionKind::Education,
        words: &["education", "academic"],
    },
    HeadingCue {
        kind: SectionKind::Skills,
        words: &[
            "skills",
            "competencies",
            "technologies",
            "proficiencies",
            "expertise",
            "tech stack",
            "toolbox",
            "tools",
        ],
    },
    HeadingCue {
        kind: SectionKind::Projects,
        words: &["projects", "portfolio"],
    },
    HeadingCue {
        kind: SectionKind::Certifications,
        words: &[
            "certifications",
            "certification",
            "certificates",
            "licenses",
            "licensure",
            "credentials",
            "professional development",
        ],
    },
    HeadingCue {
        kind: SectionKind::Other,
        words: &[
            "awards",
            "honors",
            "publications",
            "volunteer",
            "languages",
            "interests",
            "activities",
            "additional information",
            "references",
            "affiliations",
            "memberships",
            "coursework",
            "achievements",
            "accomplishments",
            "highlights",
            "leadership",
            "patents",
            "presentations",
            "military service",
            "extracurricular",
        ],
    },
];

/// Headings that may carry content on the same line ("Skills: Python, SQL").
const INLINE_HEADINGS: &[&str] = &[
    "skills",
    "technical skills",
    "core skills",
    "key skills",
    "summary",
    "professional summary",
    "objective",
    "education",
    "experience",
    "work experience",
    "certifications",
    "projects",
];

fn classify_heading(text: &str) -> Option<SectionKind> {
    let lower = text.to_lowercase();
    let mut best: Option<(usize, SectionKind)> = None;
    for cue in CUES {
        for w in cue.words {
            if let Some(pos) = lower.find(w) {
                // whole-word check
                let before_ok = pos == 0 || !lower.as_bytes()[pos - 1].is_ascii_alphabetic();
                let end = pos + w.len();
                let after_ok = end >= lower.len() || !lower.as_bytes()[end].is_ascii_alphabetic();
                if before_ok && after_ok && best.is_none_or(|(p, _)| pos < p) {
                    best = Some((pos, cue.kind));
                }
            }
        }
    }
    best.map(|(_, k)| k)
}

/// Decide whether a (Markdown-stripped) line is a section heading.
/// Returns the kind, the heading text, and any content after a colon.
fn heading(line: &str, md_level: Option<usize>) -> Option<(SectionKind, String, Option<String>)> {
    let t = line.trim();
    if let Some((head, rest)) = t.split_once(':') {
        let h = head.trim();
        let rest = rest.trim();
        if !rest.is_empty() {
            if INLINE_HEADINGS.contains(&h.to_lowercase().as_str()) {
                return classify_heading(h).map(|k| (k, h.to_string(), Some(rest.to_string())));
            }
            return None;
        }
    }
    let h = t.trim_end_matches(':').trim();
    if h.is_empty() || h.len() > 60 {
        return None;
    }
    let words = h.split_whitespace().count();
    if words > 6 {
        return None;
    }
    if !h
        .chars()
        .all(|c| c.is_alphabetic() || c == ' ' || c == '&' || c == ',' || c == '-' || c == '/')
    {
        return None;
    }
    let letters: Vec<char> = h.chars().filter(|c| c.is_alphabetic()).collect();
    let upper = !letters.is_empty() && letters.iter().all(|c| c.is_uppercase());
    let colon = t.ends_with(':');
    let title_case = h
        .split_whitespace()
        .all(|w| w.chars().next().is_some_and(|c| c.is_uppercase()) || w == "&" || w.len() <= 3);
    let kind = classify_heading(h)?;
    if md_level.is_some() || upper || colon || (title_case && words <= 4) {
        Some((kind, h.to_string(), None))
    } else {
        None
    }
}

fn name_like(s: &str) -> Option<String> {
    let s = s.split(',').next().unwrap_or(s).trim();
    let words: Vec<&str> = s.split_whitespace().collect();
    if !(2..=5).contains(&words.len()) {
        return None;
    }
    if s.chars()
        .all(|c| c.is_alphabetic() || c == ' ' || c == '.' || c == '-' || c == '\'')
        && words
            .iter()
            .all(|w| w.chars().next().is_some_and(|c| c.is_uppercase()))
    {
        Some(s.to_string())
    } else {
        None
    }
}

/// Degrees, licences and post-nominals as people write them after a name.
const CREDENTIALS: &[&str] = &[
    "mba", "ma", "ms", "msc", "mfa", "med", "meng", "mph", "mpa", "msw", "mdiv", "ba", "bs", "bsc",
    "bfa", "beng", "bba", "bsn", "msn", "phd", "dphil", "edd", "md", "do", "jd", "llm", "dds",
    "dmd", "pharmd", "dnp", "rn", "lpn", "np", "pa", "cpa", "cfa", "cma", "pmp", "pe", "shrm",
    "phr", "sphr", "cissp", "cpsm", "cscp", "csm", "aws", "ccna", "lcsw", "ot", "pt", "facs",
    "faia", "aia", "leed", "ap", "cfp", "ea", "cia",
];

/// "MBA", "MA Education, BS Mathematics", "RN, BSN": each comma-separated
/// item starts with a credential and is short.
fn is_credentials(tail: &str) -> bool {
    !tail.is_empty()
        && tail.split(',').all(|item| {
            let words: Vec<&str> = item.split_whitespace().collect();
            let first: String = words
                .first()
                .map(|w| {
                    w.chars()
                        .filter(|c| c.is_alphanumeric())
                        .collect::<String>()
                        .to_lowercase()
                })
                .unwrap_or_default();
            (1..=4).contains(&words.len()) && CREDENTIALS.contains(&first.as_str())
        })
}

/// Pull contact details out of a line; returns what is left (non-contact text).
fn take_contact(line: &str, c: &mut Contact) -> String {
    let mut rest = line.to_string();
    if let Some(m) = email_re().find(&rest) {
        if c.email.is_none() {
            c.email = Some(m.as_str().to_string());
        }
        rest = rest.replace(m.as_str(), " ");
    }
    let links: Vec<String> = link_re()
        .find_iter(&rest)
        .map(|m| m.as_str().trim_end_matches(['.', ';']).to_string())
        .collect();
    for l in links {
        rest = rest.replace(&l, " ");
        if !c.links.contains(&l) {
            c.links.push(l);
        }
    }
    if let Some(m) = find_phone(&rest) {
        if c.phone.is_none() {
            c.phone = Some(m.as_str().trim().to_string());
        }
        rest = rest.replace(m.as_str(), " ");
    }
    if let Some(m) = location_re().find(&rest) {
        if c.location.is_none() {
            c.location = Some(m.as_str().to_string());
        }
        rest = rest.replace(m.as_str(), " ");
    }
    // Drop labels, separators and icons left behind.
    let cleaned: String = rest
        .split(['|', '•', '·'])
        .map(|p| {
            let p = p
                .trim()
                .trim_start_matches(|ch: char| !ch.is_ascii_alphanumeric())
                .trim();
            // "Google HQ, Mountain View, CA, USA" less its location must not
            // read "Google HQ,  , USA".
            p.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(", ")
        })
        .filter(|p| {
            let l = p.to_lowercase();
            !p.is_empty()
                && !matches!(
                    l.trim_end_matches(':'),
                    "email"
                        | "phone"
                        | "linkedin"
                        | "github"
                        | "mobile"
                        | "tel"
                        | "e-mail"
                        | "web"
                        | "website"
                        | "location"
                        | "address"
                        | "portfolio"
                )
        })
        .collect::<Vec<_>>()
        .join(" | ");
    cleaned
}

/// A contact line the file wrapped inside its last field ("… | 📍 San" over
/// "Francisco, CA"): the next line is put back after it, when the fragment
/// and that line together make one location and the line holds nothing
/// else. Otherwise the second line alone reads as a location ("Francisco,
/// CA") and the fragment is lost.
fn rejoin_wrapped_contact(top: &mut Vec<String>) {
    let mut i = 0;
    while i + 1 < top.len() {
        let (a, b) = (&top[i], &top[i + 1]);
        let tail = a
            .rsplit(['|', '•', '·'])
            .next()
            .filter(|_| a.contains(['|', '•', '·']))
            .map(|t| {
                t.trim()
                    .trim_start_matches(|c: char| !c.is_alphanumeric())
                    .trim()
            })
            .unwrap_or("");
        let joined = format!("{tail} {}", b.trim());
        // Only a contact line (a headline "Engineer | Platform" over
        // "San Jose, CA" is no broken field), and only a short fragment.
        let contact_line = email_re().is_match(a) || find_phone(a).is_some();
        let broken = contact_line
            && !tail.is_empty()
            && tail.split_whitespace().count() <= 2
            && location_re().find(tail).is_none()
            && !b.contains(['|', '•', '·'])
            && b.split_whitespace().count() <= 4
            && location_re()
                .find(&joined)
                .is_some_and(|m| m.start() < tail.len() && m.end() == joined.len());
        if broken {
            let b = top.remove(i + 1);
            top[i] = format!("{} {}", top[i].trim_end(), b.trim());
        }
        i += 1;
    }
}

/// How the lines of a text were broken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Breaks {
    /// Visual lines (PDF, plain text): a long line may wrap onto the next.
    Wrapped,
    /// One line per paragraph (DOCX): a line never continues the one before
    /// unless it starts in lowercase (a manual line break inside a sentence).
    Paragraphs,
}

/// Parse what was read from a file, by how its format breaks lines.
pub fn parse(read: &ReadResume) -> Resume {
    let breaks = match read.format {
        Format::Docx => Breaks::Paragraphs,
        _ => Breaks::Wrapped,
    };
    parse_lines(&read.text, breaks)
}

/// Parse plain text or Markdown into a structured resume.
pub fn parse_text(text: &str) -> Resume {
    parse_lines(text, Breaks::Wrapped)
}

/// The text's lines, cleaned, without lines that are only a page number
/// ("1/2", "Page 1 of 2": a page footer pasted with the text), and with
/// date ranges that a narrow date column wrapped onto two lines rejoined.
fn prepared_lines(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = text
        .lines()
        .map(clean_line)
        .map(|l| {
            if pdf::is_page_number(&l) {
                String::new()
            } else {
                l
            }
        })
        .collect();
    for i in 0..lines.len().saturating_sub(1) {
        if lines[i].trim().is_empty() {
            continue;
        }
        // The end may sit on the next line or, past a blank, the one after.
        let j = (i + 1..lines.len().min(i + 3)).find(|&j| !lines[j].trim().is_empty());
        if let Some(j) = j {
            if let Some((a, b)) = rejoin_split_range(&lines[i], &lines[j]) {
                lines[i] = a;
                lines[j] = b;
            }
        }
    }
    lines
}

/// Words that name a degree ("Bachelor of Science", "MBA", "B.S."), for
/// telling where one education entry ends and the next begins.
fn names_degree(line: &str) -> bool {
    line.split_whitespace().any(|w| {
        let dotted = w.contains('.');
        let t: String = w
            .chars()
            .filter(|c| c.is_alphanumeric())
            .collect::<String>()
            .to_lowercase();
        t.starts_with("bachelor")
            || t.starts_with("master")
            || t.starts_with("doctor")
            || matches!(
                t.as_str(),
                "phd" | "mba" | "bsc" | "msc" | "btech" | "mtech" | "beng" | "meng" | "bba"
                    | "bsn" | "msn" | "mfa" | "bfa" | "llb" | "llm" | "diploma" | "associate"
            )
            // Two-letter degrees only with their periods: "MA" is also Massachusetts.
            || (dotted && matches!(t.as_str(), "bs" | "ba" | "ms" | "ma" | "bba"))
    })
}

fn parse_lines(text: &str, breaks: Breaks) -> Resume {
    let mut r = Resume::default();
    let mut current: Option<Section> = None;
    let mut top: Vec<String> = Vec::new();
    // (was the previous content line a bullet, its length, did a blank line follow it)
    let mut prev: Option<(bool, usize)> = None;
    let mut blank = true;
    // The Markdown level of the current section's heading, if it had one.
    let mut section_level: Option<usize> = None;
    for line in prepared_lines(text) {
        if line.trim().is_empty() {
            blank = true;
            continue;
        }
        let after_blank = std::mem::replace(&mut blank, false);
        let trimmed = line.trim();
        if trimmed
            .chars()
            .all(|c| matches!(c, '-' | '=' | '_' | '*' | '~'))
        {
            continue; // horizontal rule
        }
        let mut md_level = None;
        let mut body = trimmed;
        let hashes = body.chars().take_while(|c| *c == '#').count();
        if hashes > 0 && body[hashes..].starts_with(' ') {
            md_level = Some(hashes);
            body = body[hashes..].trim();
        }
        let (is_bullet, content) = match strip_bullet(body) {
            Some(rest) => (true, rest),
            None => (false, body),
        };
        let content = strip_md(content);
        if content.is_empty() {
            continue;
        }
        // A wrapped line (PDF/DOCX extraction): join it to the line before.
        let lower_first = content.chars().next().is_some_and(|c| c.is_lowercase());
        if !is_bullet && md_level.is_none() && (!after_blank || lower_first) {
            if let (Some((prev_bullet, prev_len)), Some(s)) = (prev, current.as_mut()) {
                let lower_start = content.chars().next().is_some_and(|c| c.is_lowercase());
                let wrapped_bullet = breaks == Breaks::Wrapped
                    && prev_bullet
                    && prev_len >= 60
                    && find_range(&content).is_none()
                    && !content.contains('|')
                    && heading(&content, None).is_none();
                let dangling = !prev_bullet
                    && s.blocks
                        .last()
                        .and_then(|b| b.header.last())
                        .is_some_and(|h| {
                            h.ends_with(['–', '—', '-', ',', '&']) || h.ends_with(" to")
                        });
                if lower_start || wrapped_bullet || dangling {
                    if let Some(b) = s.blocks.last_mut() {
                        let target = if prev_bullet {
                            b.bullets.last_mut()
                        } else {
                            b.header.last_mut()
                        };
                        if let Some(t) = target {
                            // "mod-" + "eling" is one word; "state-of-the-" +
                            // "art" is a compound that keeps its hyphens.
                            let compound = t
                                .trim_end_matches('-')
                                .rsplit(' ')
                                .next()
                                .is_some_and(|w| w.contains('-'));
                            if t.ends_with('-') && lower_start && !compound {
                                t.pop();
                            } else if t.ends_with('-') && lower_start {
                            } else {
                                t.push(' ');
                            }
                            t.push_str(&content);
                            prev = Some((prev_bullet, content.len()));
                            continue;
                        }
                    }
                }
            }
        }
        prev = Some((is_bullet, content.len()));
        if !is_bullet {
            let sub_heading_same_kind = |k: SectionKind| {
                md_level.is_some_and(|l| l >= 3) && current.as_ref().is_some_and(|c| c.kind == k)
            };
            if let Some((kind, head, inline)) =
                heading(&content, md_level).filter(|(k, _, _)| !sub_heading_same_kind(*k))
            {
                if let Some(s) = current.take() {
                    r.sections.push(s);
                }
                let mut s = Section {
                    kind,
                    heading: head,
                    blocks: Vec::new(),
                };
                if let Some(inl) = inline {
                    s.blocks.push(Block {
                        header: vec![inl],
                        ..Block::default()
                    });
                }
                current = Some(s);
                section_level = md_level;
                continue;
            }
            // A Markdown heading no cue names ("## Side Projects") is still a
            // section when it stands at the level the resume's sections use;
            // a deeper one is a block inside the current section.
            let unknown_section = md_level.is_some_and(|l| {
                let past_top = current.is_some() || !top.is_empty();
                past_top
                    && section_level.map_or(l <= 2, |sl| l <= sl)
                    && find_range(&content).is_none()
                    && content.split_whitespace().count() <= 6
                    && !content.contains('|')
            });
            if unknown_section {
                if let Some(s) = current.take() {
                    r.sections.push(s);
                }
                current = Some(Section {
                    kind: SectionKind::Other,
                    heading: content,
                    blocks: Vec::new(),
                });
                section_level = md_level;
                continue;
            }
        }
        match current.as_mut() {
            None => top.push(content),
            Some(s) => {
                let dated_section = matches!(
                    s.kind,
                    SectionKind::Experience | SectionKind::Education | SectionKind::Projects
                );
                let need_new = match s.blocks.last() {
                    None => true,
                    Some(b) => {
                        (!is_bullet && !b.bullets.is_empty())
                            // A new dated line after a dated role starts the next role
                            // (resumes that describe roles in paragraphs, not bullets).
                            || (!is_bullet
                                && dated_section
                                && find_range(&content).is_some()
                                && b.header.iter().any(|h| find_range(h).is_some()))
                    }
                };
                // A Markdown sub-heading ("### Staff Accountant | Acme") starts a block.
                let need_new = need_new
                    || (md_level.is_some()
                        && s.blocks.last().is_some_and(|b| !b.header.is_empty()));
                // The next degree starts the next education entry, even
                // where entries are not written as bullets.
                let need_new = need_new
                    || (!is_bullet
                        && s.kind == SectionKind::Education
                        && names_degree(&content)
                        && s.blocks
                            .last()
                            .is_some_and(|b| b.header.iter().any(|h| names_degree(h))));
                // A "Name | kind" line after a blank starts the next project
                // once the current one has a description.
                let need_new = need_new
                    || (!is_bullet
                        && after_blank
                        && s.kind == SectionKind::Projects
                        && content.contains(" | ")
                        && s.blocks
                            .last()
                            .is_some_and(|b| b.header.len() >= 2 || !b.bullets.is_empty()));
                if need_new {
                    // The role's title line may sit just above its dates: take it along.
                    let mut carried = None;
                    if !is_bullet && find_range(&content).is_some() {
                        if let Some(prev_b) = s.blocks.last_mut() {
                            let movable = prev_b.bullets.is_empty()
                                && prev_b.header.len() >= 2
                                && prev_b.header.last().is_some_and(|h| {
                                    find_range(h).is_none()
                                        && !h.ends_with('.')
                                        && h.split_whitespace().count() <= 10
                                        && (h.contains(" | ") || title_score(h) > 0)
                                });
                            if movable {
                                carried = prev_b.header.pop();
                            }
                        }
                    }
                    s.blocks.push(Block::default());
                    if let (Some(c), Some(b)) = (carried, s.blocks.last_mut()) {
                        b.header.push(c);
                    }
                }
                let b = s.blocks.last_mut().expect("block exists");
                if is_bullet {
                    b.bullets.push(content);
                } else {
                    b.header.push(content);
                }
            }
        }
    }
    if let Some(s) = current.take() {
        r.sections.push(s);
    }
    rejoin_wrapped_contact(&mut top);
    // Top block: name, contact, headline.
    for (i, l) in top.iter().enumerate() {
        // The name and its credentials come first, before contact details
        // are looked for: "Dana Whit, MS Statistics" is no "Whit, MS" address.
        if r.contact.name.is_none() && i <= 1 {
            let first = l.split(['|', '•', '·']).next().unwrap_or(l).trim();
            if let Some(n) = name_like(first) {
                let tail = first[n.len()..].trim_start_matches([',', ' ']).trim();
                if tail.is_empty() || is_credentials(tail) {
                    r.contact.name = Some(n);
                    r.contact.credentials = (!tail.is_empty()).then(|| tail.to_string());
                    let rest = take_contact(l[first.len()..].trim(), &mut r.contact);
                    if !rest.is_empty() {
                        r.headline.push(rest);
                    }
                    continue;
                }
            }
        }
        let rest = take_contact(l, &mut r.contact);
        if rest.is_empty() {
            continue;
        }
        if r.contact.name.is_none() && i <= 1 {
            if let Some(n) = name_like(&rest) {
                r.contact.name = Some(n.clone());
                let tail = rest[n.len()..].trim_start_matches([',', ' ']).trim();
                if is_credentials(tail) {
                    r.contact.credentials = Some(tail.to_string());
                } else if !tail.is_empty() {
                    r.headline.push(tail.to_string());
                }
                continue;
            }
        }
        // A lone lowercase word is a link label ("hdent"), not a headline.
        if !rest.contains(' ') && rest.chars().all(|c| c.is_lowercase() || c.is_ascii_digit()) {
            continue;
        }
        r.headline.push(rest);
    }
    if r.contact.name.is_none() {
        if let Some(first) = r.headline.first().cloned() {
            if first.split_whitespace().count() <= 5 && !first.contains(['.', ':']) {
                r.contact.name = Some(first);
                r.headline.remove(0);
            }
        }
    }
    // Contact details anywhere in the resume, if the top block lacked them.
    if r.contact.email.is_none() || r.contact.phone.is_none() {
        for l in text.lines() {
            if r.contact.email.is_none() {
                r.contact.email = email_re().find(l).map(|m| m.as_str().to_string());
            }
            if r.contact.phone.is_none() {
                r.contact.phone = find_phone(l).map(|m| m.as_str().trim().to_string());
            }
        }
    }
    for s in &mut r.sections {
        match s.kind {
            SectionKind::Experience => {
                for b in &mut s.blocks {
                    b.role = parse_role(&b.header);
                    paragraphs_to_bullets(b);
                }
            }
            SectionKind::Projects => s.blocks.iter_mut().for_each(project_prose_to_bullets),
            _ => {}
        }
    }
    r
}

/// A project described in sentences under its name (no bullet glyphs): the
/// sentences become its bullets, text unchanged; its name and label lines
/// ("Technologies: Python, Pandas") stay its header.
fn project_prose_to_bullets(b: &mut Block) {
    if !b.bullets.is_empty() || b.header.len() < 2 {
        return;
    }
    let label = |l: &str| {
        l.split_once(':')
            .is_some_and(|(k, _)| k.split_whitespace().count() <= 3)
    };
    let prose = |l: &str| l.split_whitespace().count() >= 5 && !label(l);
    let Some(first) = (1..b.header.len()).find(|&i| prose(&b.header[i])) else {
        return;
    };
    let rest = b.header.split_off(first);
    b.bullets = rest;
}

/// A role described in sentences under its dates (no bullet glyphs, as many
/// PDF exports are): the sentences become its bullets, text unchanged.
fn paragraphs_to_bullets(b: &mut Block) {
    let Some(role) = &b.role else { return };
    let Some(d) = &role.dates else { return };
    if !b.bullets.is_empty() {
        return;
    }
    let Some(date_idx) = b.header.iter().position(|h| h.contains(&d.raw)) else {
        return;
    };
    let rest: Vec<String> = b.header.split_off(date_idx + 1);
    for l in rest {
        if l.split_whitespace().count() >= 4 {
            b.bullets.push(l);
        } else if b.bullets.is_empty() {
            b.header.push(l);
        } else {
            b.bullets.push(l);
        }
    }
}

pub(crate) const TITLE_WORDS: &[&str] = &[
    "engineer",
    "developer",
    "manager",
    "analyst",
    "designer",
    "accountant",
    "scientist",
    "nurse",
    "specialist",
    "director",
    "consultant",
    "coordinator",
    "lead",
    "intern",
    "architect",
    "administrator",
    "assistant",
    "associate",
    "officer",
    "representative",
    "executive",
    "strategist",
    "writer",
    "editor",
    "researcher",
    "technician",
    "supervisor",
    "head",
    "president",
    "vp",
    "founder",
    "owner",
    "teacher",
    "instructor",
    "programmer",
    "freelance",
    "freelancer",
    "advisor",
    "agent",
    "clerk",
    "controller",
    "auditor",
    "planner",
    "buyer",
    "recruiter",
    "therapist",
];

fn title_score(p: &str) -> usize {
    let l = p.to_lowercase();
    TITLE_WORDS
        .iter()
        .filter(|w| {
            l.split(|c: char| !c.is_alphanumeric())
                .any(|x| x == **w || x == format!("{w}s"))
        })
        .count()
}

/// Read a role's title, employer and dates from its header lines.
pub fn parse_role(header: &[String]) -> Option<Role> {
    if header.is_empty() {
        return None;
    }
    // Only the identity lines: short, not sentences (descriptions follow them).
    let ident: Vec<&String> = header
        .iter()
        .take_while(|h| h.split_whitespace().count() <= 16 && !h.trim_end().ends_with('.'))
        .take(3)
        .collect();
    if ident.is_empty() {
        return None;
    }
    let joined = ident
        .iter()
        .map(|h| h.as_str())
        .collect::<Vec<_>>()
        .join(" | ");
    let dates = find_range(&joined).or_else(|| find_single(&joined));
    let mut text = joined.clone();
    if let Some(d) = &dates {
        text = text.replace(&d.raw, " | ");
    }
    let strong: Vec<&str> = text
        .split(['|', '—', '–', '@'])
        .filter(|p| !p.trim().is_empty())
        .collect();
    // " - " separates the parts only where nothing stronger does:
    // "Registered Nurse - ICU | Fairfax Hospital" is one title.
    let hyphen_splits = strong.len() <= 1;
    // "Product Manager, Google, Mountain View, CA": commas are the separators.
    let text = if strong.len() <= 1 && !text.contains(" at ") {
        text.replace(", ", " | ")
    } else {
        text
    };
    let parts: Vec<String> = text
        .split(['|', '—', '–', '@'])
        .flat_map(|p| {
            if hyphen_splits {
                p.split(" - ").map(str::to_string).collect::<Vec<_>>()
            } else {
                vec![p.to_string()]
            }
        })
        .flat_map(|p| {
            let p2 = p.clone();
            match p2.split_once(" at ") {
                Some((a, b)) => vec![a.to_string(), b.to_string()],
                None => vec![p],
            }
        })
        .map(|p| {
            let mut t = p.trim().trim_matches(',').trim().to_string();
            // Drop a parenthesis left unbalanced by the split, keep "(Front-End)".
            if t.starts_with('(') && !t.contains(')') {
                t.remove(0);
            }
            if t.ends_with(')') && !t.contains('(') {
                t.pop();
            }
            t.trim().to_string()
        })
        .filter(|p| !p.is_empty())
        .fold(Vec::<String>::new(), |mut acc, p| {
            // "ABC Company, Inc.": a legal-form suffix belongs to the name before it.
            let suffix = matches!(
                p.to_lowercase().trim_end_matches('.'),
                "inc" | "llc" | "ltd" | "llp" | "plc" | "gmbh" | "corp" | "co" | "ag" | "sa" | "bv"
            );
            match acc.last_mut() {
                Some(prev) if suffix => {
                    prev.push_str(", ");
                    prev.push_str(&p);
                }
                _ => acc.push(p),
            }
            acc
        })
        .into_iter()
        .filter(|p| {
            location_re().find(p).is_none_or(|m| m.len() != p.len())
                && !matches!(
                    p.to_lowercase().as_str(),
                    "remote"
                        | "hybrid"
                        | "on-site"
                        | "onsite"
                        | "usa"
                        | "us"
                        | "uk"
                        | "united states"
                )
                && !(p.len() == 2 && p.chars().all(|c| c.is_ascii_uppercase()))
                && p.chars().any(|c| c.is_alphabetic())
        })
        .collect();
    if parts.is_empty() && dates.is_none() {
        return None;
    }
    let title_idx = parts
        .iter()
        .enumerate()
        .max_by_key(|(i, p)| (title_score(p), usize::MAX - i))
        .filter(|(_, p)| title_score(p) > 0)
        .map(|(i, _)| i);
    let title = title_idx.map(|i| parts[i].clone());
    let employer = parts
        .iter()
        .enumerate()
        .find(|(i, _)| Some(*i) != title_idx)
        .map(|(_, p)| p.clone());
    if dates.is_none() && title.is_none() {
        return None;
    }
    Some(Role {
        title,
        employer,
        dates,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_contact_line_wrapped_inside_its_location_is_rejoined() {
        let r = parse_text(
            "Ana Ruiz\nana@example.org | +1 801 555 0100 | Salt Lake\nCity, UT\n\nExperience\nNurse | St. Mark's | 2019 - 2022\n- Led triage\n",
        );
        assert_eq!(r.contact.location.as_deref(), Some("Salt Lake City, UT"));
        assert!(r.headline.is_empty(), "{:?}", r.headline);
        // A whole field before the break is not a fragment of the next line.
        let r = parse_text(
            "Ana Ruiz\nana@example.org | +1 801 555 0100\nOgden, UT\n\nExperience\nNurse | St. Mark's | 2019 - 2022\n- Led triage\n",
        );
        assert_eq!(r.contact.location.as_deref(), Some("Ogden, UT"));
        assert_eq!(r.contact.phone.as_deref(), Some("+1 801 555 0100"));
        // A headline is not a contact line.
        let r = parse_text(
            "Ana Ruiz\nCharge Nurse | Cardiology\nOgden, UT\nana@example.org\n\nExperience\nNurse | St. Mark's | 2019 - 2022\n- Led triage\n",
        );
        assert_eq!(r.contact.location.as_deref(), Some("Ogden, UT"));
    }

    #[test]
    fn a_location_taken_from_an_address_line_leaves_no_empty_commas() {
        let mut c = Contact::default();
        assert_eq!(
            take_contact("Google HQ, Mountain View, CA, USA", &mut c),
            "Google HQ, USA"
        );
        assert_eq!(c.location.as_deref(), Some("Mountain View, CA"));
    }

    const SAMPLE: &str = "Jane Smith\nData Analyst\njane@x.com | (555) 123-4567 | Austin, TX\n\nSkills:\nPython, Pandas, SQL\n\nExperience:\nAnalyst | Acme Corp | Jan 2020 - Present\n- Built dashboards in Tableau for 12 teams\n- Wrote SQL\n\nEducation:\nB.S. in Statistics, 2019\n";

    #[test]
    fn parses_contact_and_sections() {
        let r = parse_text(SAMPLE);
        assert_eq!(r.contact.name.as_deref(), Some("Jane Smith"));
        assert_eq!(r.contact.email.as_deref(), Some("jane@x.com"));
        assert_eq!(r.contact.phone.as_deref(), Some("(555) 123-4567"));
        assert_eq!(r.contact.location.as_deref(), Some("Austin, TX"));
        assert_eq!(r.headline, vec!["Data Analyst"]);
        let kinds: Vec<_> = r.sections.iter().map(|s| s.kind).collect();
        assert_eq!(
            kinds,
            vec![
                SectionKind::Skills,
                SectionKind::Experience,
                SectionKind::Education
            ]
        );
        let role = r.roles()[0].clone();
        assert_eq!(role.title.as_deref(), Some("Analyst"));
        assert_eq!(role.employer.as_deref(), Some("Acme Corp"));
        assert!(role.dates.unwrap().end.is_none());
        assert_eq!(r.work_bullets().len(), 2);
    }

    #[test]
    fn markdown_headings_and_inline_skills() {
        let r = parse_text("# JOHN DOE\n## PROFESSIONAL SUMMARY\nGood at things.\n## Skills: Rust, Go\n### Engineer | **Initech** \n*2019 - 2021*\n- Shipped it\n");
        assert_eq!(r.contact.name.as_deref(), Some("JOHN DOE"));
        assert_eq!(r.sections[0].kind, SectionKind::Summary);
        assert_eq!(r.sections[1].kind, SectionKind::Skills);
        assert_eq!(r.sections[1].blocks[0].header[0], "Rust, Go");
    }

    #[test]
    fn credentials_stay_on_the_name_line() {
        let r = parse_text("PRIYA RAMAN, RN, BSN\npriya@example.org\n\nExperience\nICU Nurse | Mercy | 2019 - Present\n- Cared for 6 patients a shift\n");
        assert_eq!(r.contact.name.as_deref(), Some("PRIYA RAMAN"));
        assert_eq!(r.contact.credentials.as_deref(), Some("RN, BSN"));
        assert!(r.headline.is_empty(), "{:?}", r.headline);
        let r =
            parse_text("Dana Whit, MS Statistics, BA Economics\ndana@example.org\n\nSkills\nR\n");
        assert_eq!(
            r.contact.credentials.as_deref(),
            Some("MS Statistics, BA Economics")
        );
        // A tail that is no credential stays a headline.
        let r =
            parse_text("Ana Lima, product designer in Lisbon\nana@example.org\n\nSkills\nFigma\n");
        assert_eq!(r.contact.credentials, None);
        assert_eq!(r.headline, vec!["product designer in Lisbon"]);
    }

    #[test]
    fn markdown_sections_emphasis_and_phones() {
        let r = parse_text("# Ravi Shah\nTel: 1-650-999-7777 | ravi@example.org\n\n## Experience\n### Engineer | Acme | 2019 - 2021\n- Built *fast* pipelines with \\*care\\*\n\n## Side Projects\n### Ledger\n- A budgeting app in _Rust_\n");
        assert_eq!(r.contact.phone.as_deref(), Some("1-650-999-7777"));
        assert_eq!(r.headline, Vec::<String>::new());
        let headings: Vec<&str> = r.sections.iter().map(|s| s.heading.as_str()).collect();
        assert_eq!(headings, vec!["Experience", "Side Projects"]);
        assert_eq!(
            r.sections[0].blocks[0].bullets,
            vec!["Built fast pipelines with *care*"]
        );
        assert_eq!(r.sections[1].blocks[0].header, vec!["Ledger"]);
        assert_eq!(
            r.sections[1].blocks[0].bullets,
            vec!["A budgeting app in Rust"]
        );
        // snake_case and file names keep their underscores.
        assert_eq!(
            strip_md("ran load_test.py nightly"),
            "ran load_test.py nightly"
        );
    }

    #[test]
    fn page_footers_pasted_with_the_text_are_not_roles() {
        let r = parse_text("Noor Haddad\nnoor@example.org\n\nExperience\nBarista | Kiln Coffee | 2019 - 2021\n- Opened the shop at 6\nPage 1 of 2\nShift Lead | Kiln Coffee | 2021 - 2023\n- Ran a team of 4\n2/2\n");
        let roles = r.roles();
        assert_eq!(roles.len(), 2, "{:?}", r.sections);
        assert_eq!(roles[1].title.as_deref(), Some("Shift Lead"));
        let text: Vec<String> = r.line_refs().into_iter().map(|l| l.text).collect();
        assert!(
            !text.iter().any(|t| t.contains("Page 1") || t == "2/2"),
            "{text:?}"
        );
    }

    #[test]
    fn a_date_range_wrapped_in_a_right_hand_column_belongs_to_its_role() {
        let r = parse_text("Ines Duarte\n\nExperience\nData Engineer | Kestrel Ltd | Mar 2019 –\nLisbon, Portugal | Current\n- Moved 40 jobs to Airflow\nAnalyst | Borealis | Jan 2015 –\nOslo, Norway | Feb 2019\n- Wrote the monthly report\n");
        let roles = r.roles();
        assert_eq!(roles.len(), 2, "{:?}", r.sections);
        let d = roles[0].dates.as_ref().unwrap();
        assert_eq!((d.start.year, d.start.month, d.end), (2019, Some(3), None));
        let d = roles[1].dates.as_ref().unwrap();
        assert_eq!(d.end.unwrap().month, Some(2));
        assert_eq!(r.work_bullets().len(), 2);
        // A left-hand column: the end starts the line under the start.
        let r = parse_text("Ines Duarte\n\nExperience\nSept 2011 – Staff Nurse, St Mary's, Leeds\nAug 2016 Ran the night shift for a ward of 30 beds.\n2009 – 2011 Nurse, Mercy, York\nCared for patients on the surgical ward.\n");
        let roles = r.roles();
        assert_eq!(roles.len(), 2, "{:?}", r.sections);
        assert_eq!(roles[0].dates.as_ref().unwrap().end.unwrap().year, 2016);
        assert_eq!(roles[0].title.as_deref(), Some("Staff Nurse"));
    }

    #[test]
    fn role_lines_keep_hyphenated_titles_legal_forms_and_single_dates() {
        let r = parse_text("Tom Varga\n\nExperience\nStaff Nurse - Oncology | St Olav Hospital | 2018 - 2020\n- Cared for 8 patients\nAnalyst, Kestrel Data, Ltd., Leeds, UK, March 2015 - May 2017\n- Built the model\nVolunteer Medic | Red Cross | 2014\n- First aid at 30 events\n");
        let roles = r.roles();
        assert_eq!(roles[0].title.as_deref(), Some("Staff Nurse - Oncology"));
        assert_eq!(roles[0].employer.as_deref(), Some("St Olav Hospital"));
        assert_eq!(roles[1].employer.as_deref(), Some("Kestrel Data, Ltd."));
        let d = roles[2].dates.as_ref().unwrap();
        assert_eq!((d.start.year, d.end.map(|e| e.year)), (2014, Some(2014)));
    }

    #[test]
    fn each_degree_is_its_own_education_entry() {
        let r = parse_text("Lea Brun\n\nEducation\nMSc Physics | ETH Zurich | 2012\nThesis: cold atoms\n\nBSc Physics | University of Bern | 2010\nGPA 5.5/6\n");
        let e = r.section(SectionKind::Education).unwrap();
        assert_eq!(e.blocks.len(), 2, "{:?}", e.blocks);
        assert!(e.blocks[1].header[0].starts_with("BSc Physics"));
        // A school or a place on the next line stays with its degree.
        let r = parse_text(
            "Lea Brun\n\nEducation\nMaster of Arts in History\nUniversity of Leeds | Leeds, UK\n",
        );
        assert_eq!(r.section(SectionKind::Education).unwrap().blocks.len(), 1);
    }

    #[test]
    fn projects_written_as_prose_have_their_sentences_as_bullets() {
        let r = parse_text("Kai Moss\n\nProjects\nTide Tables | Side Project\nTechnologies: Rust, SQLite\nBuilt a tide predictor for 12 harbours from open data.\n\nTrail Map | Work Project\nDrew hiking trails from GPS tracks for the park service.\n");
        let p = r.section(SectionKind::Projects).unwrap();
        assert_eq!(p.blocks.len(), 2, "{:?}", p.blocks);
        assert_eq!(
            p.blocks[0].header,
            vec!["Tide Tables | Side Project", "Technologies: Rust, SQLite"]
        );
        assert_eq!(p.blocks[0].bullets.len(), 1);
        assert_eq!(p.blocks[1].bullets.len(), 1);
    }

    #[test]
    fn a_docx_paragraph_never_continues_the_bullet_before() {
        let text = "Kai Moss\n\nProjects\nLedger CLI\n- Wrote a double-entry bookkeeping tool in Rust with forty commands\nBudget Planner\n- Planned monthly budgets in a small web app\n";
        let read = ReadResume {
            format: Format::Docx,
            text: text.into(),
            pages: None,
        };
        let p = parse(&read);
        let blocks = &p.section(SectionKind::Projects).unwrap().blocks;
        assert_eq!(blocks.len(), 2, "{blocks:?}");
        assert_eq!(blocks[1].header, vec!["Budget Planner"]);
        // In a PDF's visual lines the same shape is a wrapped bullet.
        let wrapped = parse_text(text);
        assert_eq!(
            wrapped.section(SectionKind::Projects).unwrap().blocks.len(),
            1
        );
    }

    #[test]
    fn phones_in_international_spacings() {
        for (line, want) in [
            (
                "Deniz Kaya | +90 532 555 01 23 | deniz@example.org",
                "+90 532 555 01 23",
            ),
            ("Tel. +44 20 7946 0958", "+44 20 7946 0958"),
            ("Mobil: +49 (0)30 1234567, Berlin", "+49 (0)30 1234567"),
            ("+33 1 23 45 67 89", "+33 1 23 45 67 89"),
            ("Phone 0532 555 01 23", "0532 555 01 23"),
            ("+1 650 555 0100", "+1 650 555 0100"),
            ("(555) 123-4567", "(555) 123-4567"),
        ] {
            assert_eq!(find_phone(line).map(|m| m.as_str()), Some(want), "{line}");
        }
        // Dates, amounts and counts are not phones.
        for line in [
            "2019 - 2021",
            "Saved $2,000,000 in 2022",
            "Led 12 - 15 RNs",
            "GPA 3.7/4.0",
        ] {
            assert_eq!(find_phone(line), None, "{line}");
        }
        let r = parse_text(
            "Deniz Kaya\n+90 532 555 01 23 | deniz@example.org | Istanbul\n\nSkills\nGo\n",
        );
        assert_eq!(r.contact.phone.as_deref(), Some("+90 532 555 01 23"));
    }

    #[test]
    fn line_end_hyphens_join_words_but_not_compounds() {
        let r = parse_text("Ana Lima\n\nExperience\nLead | Orbit | 2021 - 2023\n- Rebuilt the billing and invoicing mod-\neling pipeline with state-of-the-\nart tooling for the finance team and its auditors\n");
        assert_eq!(
            r.work_bullets(),
            vec!["Rebuilt the billing and invoicing modeling pipeline with state-of-the-art tooling for the finance team and its auditors"]
        );
    }

    #[test]
    fn bullets_are_recognised() {
        assert_eq!(strip_bullet("• Led things"), Some("Led things"));
        assert_eq!(strip_bullet("- x"), Some("x"));
        assert_eq!(strip_bullet("Led things"), None);
    }
}
