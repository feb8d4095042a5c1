//! An independent truth oracle for tests: is every fact of a tailored resume's
//! text in the original's text? Written apart from `engine/validate` and
//! calling no engine code: its own tokenizer, its own date reader (dates
//! compared as ranges), whole-token numbers, and its own small lists of
//! degrees, certifications, employer suffixes and title words. It works on
//! text only, so it judges every output format alike (MD, TXT, DOCX and PDF
//! text read back). The one thing it shares with the engine is data: the
//! alias table (`data/aliases.tsv`), so "Amazon Web Services" written for
//! "AWS" is not called invented.

#![allow(dead_code)]

use std::collections::{BTreeSet, HashSet};
use std::fmt;
use std::sync::OnceLock;

use regex::Regex;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// Any other word the original does not have.
    Word,
    Employer,
    Title,
    Date,
    Degree,
    Certification,
    Number,
    Years,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Finding {
    pub kind: Kind,
    pub value: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}: {}", self.kind, self.value)
    }
}

/// Words the writer may add around facts: its headings and its summary and
/// key-skills templates. None of them states a fact.
const TEMPLATE: &[&str] = &[
    "summary",
    "key",
    "additional",
    "skills",
    "skilled",
    "with",
    "years",
    "year",
    "of",
    "experience",
    "in",
    "and",
    "professional",
    "the",
    "a",
    "an",
    "at",
    "for",
    "on",
    "to",
    "as",
    "or",
    "profile",
];

// ---------------------------------------------------------------- tokens

/// A token: a run of letters/digits; '+' and '#' after a letter ("C++",
/// "C#"); '.' or ',' between two digits ("3.5", "1,200").
#[derive(Debug, Clone)]
struct Tok {
    lower: String,
    start: usize,
    end: usize,
}

fn toks(s: &str) -> Vec<Tok> {
    let cs: Vec<(usize, char)> = s.char_indices().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < cs.len() {
        if !cs[i].1.is_alphanumeric() {
            i += 1;
            continue;
        }
        let start = cs[i].0;
        let mut j = i;
        loop {
            j += 1;
            let Some(&(_, c)) = cs.get(j) else { break };
            let prev = cs[j - 1].1;
            let next = cs.get(j + 1).map(|x| x.1);
            let joins = c.is_alphanumeric()
                || ((c == '+' || c == '#') && (prev.is_alphabetic() || prev == '+'))
                || ((c == '.' || c == ',')
                    && prev.is_ascii_digit()
                    && next.is_some_and(|n| n.is_ascii_digit()));
            if !joins {
                break;
            }
        }
        let end = cs.get(j).map_or(s.len(), |x| x.0);
        out.push(Tok {
            lower: s[start..end].to_lowercase(),
            start,
            end,
        });
        i = j;
    }
    out
}

/// A crude suffix stripper, enough to see "strategies" and "strategy" (or
/// "developing" and "development") as one word.
fn root(w: &str) -> String {
    // To a fixed point: "management" → "manage" → "manag", as "managed" → "manag";
    // "engineering" and "engineer" both end at "engin".
    let mut w = w.to_string();
    loop {
        let s = strip(&w);
        if s == w {
            return w;
        }
        w = s;
    }
}

fn strip(w: &str) -> String {
    for suf in [
        "ations", "ation", "ments", "ment", "ings", "ing", "ies", "ied", "ers", "er", "es", "ed",
        "s", "y", "e",
    ] {
        if let Some(r) = w.strip_suffix(suf) {
            if r.chars().count() >= 4 {
                return r.to_string();
            }
        }
    }
    w.to_string()
}

fn phrase_key(s: &str) -> String {
    let t: Vec<String> = toks(s).into_iter().map(|t| t.lower).collect();
    format!(" {} ", t.join(" "))
}

// ---------------------------------------------------------------- dates

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ym {
    pub y: i32,
    pub m: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub from: Ym,
    /// `None`: "Present".
    pub to: Option<Ym>,
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

fn one_date() -> &'static str {
    r"(?:\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]{0,6}\.?,?\s+(?:19|20)\d\d|\d{1,2}/(?:19|20)\d\d|(?:19|20)\d\d-[01]\d\b|(?:19|20)\d\d)"
}

fn span_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        let d = one_date();
        Regex::new(&format!(
            r"(?i)({d})\s*(?:-|–|—|‒|to|until|through)\s*({d}|present|current|now|today|date)"
        ))
        .unwrap()
    })
}

/// A narrow date column wraps a range over two lines ("2017 –" above
/// "Present …", or "Jan 2019 –" ending a title line above "May 2021"): the
/// open start of one line and the date that begins or ends the next one.
fn column_spans(text: &str) -> Vec<Span> {
    static OPEN: OnceLock<Regex> = OnceLock::new();
    static END: OnceLock<Regex> = OnceLock::new();
    let d = one_date();
    let open = OPEN.get_or_init(|| {
        Regex::new(&format!(
            r"(?i)(?:^\s*({d})\s*(?:-|–|—|‒|to)(?:\s|$)|({d})\s*(?:-|–|—|‒|to)\s*$)"
        ))
        .unwrap()
    });
    let end = END.get_or_init(|| {
        Regex::new(&format!(
            r"(?i)(?:^\s*({d}|present|current|now|today)\b|\b({d}|present|current|now|today)\s*$)"
        ))
        .unwrap()
    });
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let mut out = Vec::new();
    for w in lines.windows(2) {
        let Some(o) = open.captures(w[0]) else {
            continue;
        };
        let from = o.get(1).or(o.get(2)).map_or("", |m| m.as_str());
        for e in end.captures_iter(w[1]) {
            let to = e.get(1).or(e.get(2)).map_or("", |m| m.as_str());
            out.extend(
                read(&format!("{from} – {to}"))
                    .spans
                    .into_iter()
                    .map(|x| x.0),
            );
        }
    }
    out
}

fn date_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| Regex::new(&format!(r"(?i){}", one_date())).unwrap())
}

/// Read one date, or `None` if it is not one ("Managed 2019": a word and a
/// year is a year; "Bob 2019" too).
fn ym(s: &str) -> Option<Ym> {
    let s = s.trim();
    let digits: String = s.chars().filter(char::is_ascii_digit).collect();
    if let Some((a, b)) = s.split_once('/') {
        return Some(Ym {
            y: b.parse().ok()?,
            m: Some(a.parse().ok()?),
        });
    }
    if s.len() == 7 && s.as_bytes()[4] == b'-' {
        let m: u32 = s[5..].parse().ok()?;
        return (1..=12).contains(&m).then_some(Ym {
            y: s[..4].parse().ok()?,
            m: Some(m),
        });
    }
    let y: i32 = digits.get(digits.len().checked_sub(4)?..)?.parse().ok()?;
    let word = s.split(|c: char| !c.is_alphabetic()).next().unwrap_or("");
    let m = if word.is_empty() {
        None
    } else {
        let w = word.to_lowercase();
        Some(
            MONTHS
                .iter()
                .position(|m| w.starts_with(m) && w.len() >= 3)? as u32
                + 1,
        )
    };
    Some(Ym { y, m })
}

// ---------------------------------------------------------------- lists

fn degree_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(concat!(
            r"(?P<lvl>\b(?:MBA|M\.B\.A\.|Ph\.?D\.?|BSc|MSc|BEng|MEng|BBA|BFA|MFA|MPH|BSN|MSN|B\.S\.|B\.A\.|M\.S\.|M\.A\.|BS|BA|MS|MA)",
            r"|\b(?i:bachelor|master|doctor|associate)(?:'s|’s|s)?(?:\s+(?i:degree))?(?:\s+(?i:of)\s+(?i:science|arts|business administration|engineering|fine arts|education|philosophy))?)",
            r"(?P<rest>(?:,?\s+(?:in\s+|of\s+)?)(?P<field>[A-Z][a-z]+))?"
        ))
        .unwrap()
    })
}

const NOT_A_FIELD: &[&str] = &[
    "Excel",
    "Office",
    "Word",
    "Teams",
    "Access",
    "Project",
    "PowerPoint",
    "Outlook",
    "Azure",
    "SQL",
    "Visio",
    "Windows",
    "Dynamics",
];

/// "MBA", "B.S." → "mba", "bs"; "Bachelor of Science" → "bs"; "Master's" → "master".
fn degree_level(raw: &str) -> String {
    let l = raw.to_lowercase().replace(['.', '’'], "").replace('\'', "");
    let head = l
        .split_whitespace()
        .next()
        .unwrap_or("")
        .trim_end_matches('s');
    let of = l.split(" of ").nth(1).unwrap_or("");
    let short = |b: &str| -> String {
        let initial = &head[..1];
        match b {
            "science" => format!("{initial}s"),
            "arts" => format!("{initial}a"),
            "business administration" => "mba".into(),
            "philosophy" => "phd".into(),
            _ => head.to_string(),
        }
    };
    match head {
        "bachelor" | "master" | "doctor" | "associate" => short(of),
        "bsc" => "bs".into(),
        "msc" => "ms".into(),
        _ => l.split_whitespace().next().unwrap_or("").to_string(),
    }
}

fn cert_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(concat!(
            r"(?:\b[A-Z][A-Za-z]+\s+)?\bCertified(?:\s+[A-Z][A-Za-z+]*)+",
            r"|\b(?:PMP|CPA|CFA|CISSP|CISM|CISA|CCNA|CCNP|CSM|CSPO|PHR|SPHR|ITIL|CKA|CKAD|CEH|ACLS|CCRN)\b",
            r"|\bSix Sigma \w+ Belt\b|\bCertificate in(?:\s+[A-Z][A-Za-z]+)+"
        ))
        .unwrap()
    })
}

const EMPLOYER_SUFFIX: &[&str] = &[
    "inc",
    "llc",
    "ltd",
    "corp",
    "corporation",
    "company",
    "co",
    "group",
    "labs",
    "technologies",
    "partners",
    "bank",
    "university",
    "college",
    "hospital",
    "agency",
    "consulting",
    "studios",
    "foundation",
    "institute",
    "health",
    "ventures",
    "capital",
    "industries",
    "gmbh",
];

const KNOWN_EMPLOYERS: &[&str] = &[
    "google",
    "amazon",
    "apple",
    "microsoft",
    "meta",
    "facebook",
    "netflix",
    "ibm",
    "oracle",
    "deloitte",
    "accenture",
    "salesforce",
    "adobe",
    "intel",
    "nvidia",
    "uber",
    "airbnb",
];

const TITLE_HEAD: &[&str] = &[
    "engineer",
    "developer",
    "manager",
    "director",
    "analyst",
    "designer",
    "scientist",
    "architect",
    "consultant",
    "specialist",
    "coordinator",
    "intern",
    "officer",
    "administrator",
    "accountant",
    "nurse",
    "teacher",
    "strategist",
    "researcher",
    "programmer",
    "president",
    "cto",
    "ceo",
    "cfo",
    "coo",
    "vp",
];

// ---------------------------------------------------------------- facts

/// What the original says, read once.
pub struct Original {
    words: HashSet<String>,
    roots: HashSet<String>,
    /// " tok tok " of the whole text (line breaks and hyphenated line ends joined).
    key: String,
    spans: BTreeSet<Span>,
    dates: BTreeSet<Ym>,
    numbers: BTreeSet<String>,
    degrees: Vec<(String, String)>,
    stated_years: u32,
    covered_months: i64,
}

/// The facts of one text, with the byte spans they cover.
#[derive(Default)]
struct Read {
    spans: Vec<(Span, String)>,
    dates: Vec<(Ym, String)>,
    years: Vec<(u32, String)>,
    degrees: Vec<(String, String, String)>,
    certs: Vec<String>,
    employers: Vec<String>,
    titles: Vec<String>,
    numbers: Vec<String>,
    /// Words outside every fact above.
    words: Vec<String>,
}

fn years_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| Regex::new(r"(?i)\b(\d+)\s*\+?\s*(?:years?|yrs?)\b").unwrap())
}

fn blank(s: &mut String, a: usize, b: usize) {
    s.replace_range(a..b, &" ".repeat(b - a));
}

fn read(text: &str) -> Read {
    let mut r = Read::default();
    for line in text.lines() {
        let mut m = line.to_string();
        let found: Vec<_> = span_re()
            .captures_iter(line)
            .filter_map(|c| {
                let from = ym(&c[1])?;
                let e = c[2].to_lowercase();
                let to = if ["present", "current", "now", "today", "date"].contains(&e.as_str()) {
                    None
                } else {
                    Some(ym(&c[2])?)
                };
                let all = c.get(0)?;
                Some((Span { from, to }, all.as_str().to_string(), all.range()))
            })
            .collect();
        for (s, raw, at) in found {
            r.spans.push((s, raw));
            blank(&mut m, at.start, at.end);
        }
        let found: Vec<_> = years_re()
            .captures_iter(&m.clone())
            .map(|c| {
                (
                    c[1].parse().unwrap_or(0),
                    c[0].to_string(),
                    c.get(0).unwrap().range(),
                )
            })
            .collect();
        for (n, raw, at) in found {
            r.years.push((n, raw));
            blank(&mut m, at.start, at.end);
        }
        let found: Vec<_> = cert_re()
            .find_iter(&m.clone())
            .map(|x| (x.as_str().to_string(), x.range()))
            .collect();
        for (c, at) in found {
            r.certs.push(c);
            blank(&mut m, at.start, at.end);
        }
        let found: Vec<_> = degree_re()
            .captures_iter(&m.clone())
            .filter_map(|c| {
                let lvl = c.name("lvl")?.as_str();
                let field = c.name("field").map_or("", |f| f.as_str()).to_string();
                let field = if NOT_A_FIELD.contains(&field.as_str()) {
                    String::new()
                } else {
                    field
                };
                let long = ["bachelor", "master", "doctor", "associate"]
                    .iter()
                    .any(|w| lvl.to_lowercase().starts_with(w));
                let ambiguous = ["MA", "MS", "BA"].contains(&lvl);
                let has_in = c.name("rest").is_some_and(|r| r.as_str().contains("in "));
                // "Boston, MA", "Scrum Master", "Associate Director": not degrees.
                if (ambiguous && field.is_empty())
                    || (long
                        && !lvl.to_lowercase().contains("degree")
                        && !lvl.contains(" of ")
                        && !has_in)
                {
                    return None;
                }
                let all = c.get(0)?;
                Some((
                    degree_level(lvl),
                    field.to_lowercase(),
                    all.as_str().to_string(),
                    all.range(),
                ))
            })
            .collect();
        for (l, f, raw, at) in found {
            r.degrees.push((l, f, raw));
            blank(&mut m, at.start, at.end);
        }
        let found: Vec<_> = date_re()
            .find_iter(&m.clone())
            .filter_map(|x| Some((ym(x.as_str())?, x.as_str().to_string(), x.range())))
            .collect();
        for (d, raw, at) in found {
            r.dates.push((d, raw));
            blank(&mut m, at.start, at.end);
        }
        // Names: capitalised runs ending in an employer suffix or a title word.
        let ts = toks(&m);
        let frozen = m.clone();
        let cap = |t: &Tok| {
            frozen[t.start..]
                .chars()
                .next()
                .is_some_and(char::is_uppercase)
        };
        let mut i = 0;
        while i < ts.len() {
            if !cap(&ts[i]) {
                i += 1;
                continue;
            }
            let mut j = i;
            while j + 1 < ts.len()
                && cap(&ts[j + 1])
                && frozen[ts[j].end..ts[j + 1].start].trim().is_empty()
            {
                j += 1;
            }
            let run = &ts[i..=j];
            let text = frozen[run[0].start..run[run.len() - 1].end].to_string();
            let last = &run[run.len() - 1].lower;
            let kind = if EMPLOYER_SUFFIX.contains(&last.as_str()) && run.len() > 1
                // A known name alone: "Amazon Web Services" is a skill.
                || (run.len() == 1 && KNOWN_EMPLOYERS.contains(&last.as_str()))
            {
                Some(&mut r.employers)
            } else if TITLE_HEAD.contains(&last.as_str()) {
                Some(&mut r.titles)
            } else {
                None
            };
            if let Some(list) = kind {
                list.push(text);
                let (a, b) = (run[0].start, run[run.len() - 1].end);
                blank(&mut m, a, b);
            }
            i = j + 1;
        }
        for t in toks(&m) {
            if t.lower.chars().next().is_some_and(|c| c.is_ascii_digit()) {
                r.numbers.push(t.lower.replace(',', ""));
            } else {
                r.words.push(t.lower);
            }
        }
    }
    r
}

/// The lines under an experience heading (all lines if there is none), for
/// measuring years from role dates.
fn experience_lines(text: &str) -> String {
    const HEADINGS: &[&str] = &[
        "experience",
        "employment",
        "work",
        "career",
        "history",
        "education",
        "skills",
        "projects",
        "summary",
        "profile",
        "certifications",
        "certificates",
        "awards",
        "publications",
        "volunteer",
        "languages",
        "interests",
        "training",
        "objective",
        "competencies",
        "achievements",
        "references",
        "leadership",
        "activities",
    ];
    // A heading is short and made of heading words ("Work Experience", "## Skills").
    let heading = |l: &str| {
        let w: Vec<String> = toks(l).into_iter().map(|t| t.lower).collect();
        (1..=4).contains(&w.len())
            && w.iter().any(|x| HEADINGS.contains(&x.as_str()))
            && w.iter().all(|x| {
                HEADINGS.contains(&x.as_str())
                    || [
                        "and",
                        "of",
                        "professional",
                        "relevant",
                        "technical",
                        "other",
                    ]
                    .contains(&x.as_str())
            })
    };
    let is_exp = |l: &str| {
        let l = l.to_lowercase();
        ["experience", "employment", "work history", "career"]
            .iter()
            .any(|k| l.contains(k))
    };
    let mut out = String::new();
    let mut inside = false;
    let mut any = false;
    for l in text.lines() {
        if heading(l) {
            inside = is_exp(l);
            any |= inside;
            continue;
        }
        if inside {
            out.push_str(l);
            out.push('\n');
        }
    }
    if any {
        out
    } else {
        text.to_string()
    }
}

fn months(d: Ym, default: u32) -> i64 {
    i64::from(d.y) * 12 + i64::from(d.m.unwrap_or(default)) - 1
}

/// The alias table's groups: every name of one skill ("ci/cd", "cicd",
/// "continuous delivery", "continuous integration").
fn alias_groups() -> &'static Vec<Vec<String>> {
    static A: OnceLock<Vec<Vec<String>>> = OnceLock::new();
    A.get_or_init(|| {
        let p = concat!(env!("CARGO_MANIFEST_DIR"), "/data/aliases.tsv");
        let mut groups: std::collections::BTreeMap<String, Vec<String>> = Default::default();
        for (a, c) in std::fs::read_to_string(p)
            .unwrap_or_default()
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| l.split_once('\t'))
        {
            let g = groups.entry(c.trim().to_string()).or_default();
            g.push(a.trim().to_string());
            g.push(c.trim().to_string());
        }
        groups.into_values().collect()
    })
}

impl Original {
    /// Read the original as written. `today` is (year, month): what "Present" means.
    pub fn new(text: &str, today: (i32, u32)) -> Self {
        // A file wraps lines anywhere: read it line by line and joined.
        static HY: OnceLock<Regex> = OnceLock::new();
        let hy = HY.get_or_init(|| Regex::new(r"(\w)-\n[ \t]*").unwrap());
        let joined = hy.replace_all(text, "$1").replace('\n', " ");
        let (a, b) = (read(text), read(&joined));
        let mut words: HashSet<String> = HashSet::new();
        for t in toks(text).into_iter().chain(toks(&joined)) {
            words.insert(t.lower);
        }
        let roots = words.iter().map(|w| root(w)).collect();
        let spans: BTreeSet<Span> = a
            .spans
            .iter()
            .chain(&b.spans)
            .map(|x| x.0)
            .chain(column_spans(text))
            .collect();
        let mut dates: BTreeSet<Ym> = a.dates.iter().chain(&b.dates).map(|x| x.0).collect();
        for s in &spans {
            dates.insert(s.from);
            dates.extend(s.to);
        }
        let now = Ym {
            y: today.0,
            m: Some(today.1),
        };
        let mut iv: Vec<(i64, i64)> = read(&experience_lines(text))
            .spans
            .iter()
            .map(|(s, _)| {
                let end = months(s.to.unwrap_or(now), 12).min(months(now, 12));
                (months(s.from, 1), end)
            })
            .filter(|(a, b)| b >= a)
            .collect();
        iv.sort();
        let mut covered = 0;
        let mut last = i64::MIN;
        for (a, b) in iv {
            let a = a.max(last + 1);
            if b >= a {
                covered += b - a + 1;
                last = b;
            }
        }
        Original {
            key: phrase_key(&joined),
            words,
            roots,
            spans,
            dates,
            numbers: a.numbers.iter().chain(&b.numbers).cloned().collect(),
            degrees: a
                .degrees
                .iter()
                .chain(&b.degrees)
                .map(|d| (d.0.clone(), d.1.clone()))
                .collect(),
            stated_years: a.years.iter().map(|y| y.0).max().unwrap_or(0),
            covered_months: covered,
        }
    }

    fn has_phrase(&self, p: &str) -> bool {
        let k = phrase_key(p);
        k.trim() != "" && self.key.contains(&k)
    }

    fn has_word(&self, w: &str) -> bool {
        self.words.contains(w)
            || self.roots.contains(&root(w))
            || TEMPLATE.contains(&w)
            || w.chars().count() < 2
            // The same word written solid ("back-end" as "backend").
            || (1..w.len()).any(|i| {
                w.is_char_boundary(i) && self.has_phrase(&format!("{}-{}", &w[..i], &w[i..]))
            })
            || alias_groups().iter().any(|g| {
                g.iter().any(|n| toks(n).iter().any(|t| t.lower == w))
                    && g.iter().any(|n| self.has_phrase(n))
            })
    }

    /// Every fact of `tailored` (a rendered text) the original does not support.
    pub fn unsupported(&self, tailored: &str) -> Vec<Finding> {
        let t = read(tailored);
        let mut out = BTreeSet::new();
        let mut add = |kind, v: &str| {
            out.insert(Finding {
                kind,
                value: v.to_string(),
            });
        };
        for (s, raw) in &t.spans {
            if !self.spans.contains(s) {
                add(Kind::Date, raw);
            }
        }
        for (d, raw) in &t.dates {
            if !self
                .dates
                .iter()
                .any(|x| x.y == d.y && (d.m.is_none() || x.m == d.m))
            {
                add(Kind::Date, raw);
            }
        }
        for (n, raw) in &t.years {
            if *n > self.stated_years && i64::from(*n) * 12 > self.covered_months {
                add(Kind::Years, raw);
            }
        }
        for (lvl, field, raw) in &t.degrees {
            let ok = self.degrees.iter().any(|(l, f)| {
                (l == lvl
                    || (["bachelor", "master"].contains(&lvl.as_str()) && l.starts_with(&lvl[..1])))
                    && (field.is_empty() || f == field)
            });
            if !ok {
                add(Kind::Degree, raw);
            }
        }
        for c in &t.certs {
            if !self.has_phrase(c) {
                add(Kind::Certification, c);
            }
        }
        for e in &t.employers {
            if !self.has_phrase(e) {
                add(Kind::Employer, e);
            }
        }
        for e in &t.titles {
            if !self.has_phrase(e) {
                add(Kind::Title, e);
            }
        }
        for n in &t.numbers {
            if !self.numbers.contains(n) {
                add(Kind::Number, n);
            }
        }
        for w in &t.words {
            if !self.has_word(w) {
                add(Kind::Word, w);
            }
        }
        out.into_iter().collect()
    }
}

/// Today as (year, month), UTC, from the system clock (days → civil date).
pub fn today() -> (i32, u32) {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
        / 86_400;
    let (mut y, mut d) = (1970i32, days);
    loop {
        let len = if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 {
            366
        } else {
            365
        };
        if d < len {
            break;
        }
        d -= len;
        y += 1;
    }
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let lens = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    let mut m = 0;
    while d >= lens[m] {
        d -= lens[m];
        m += 1;
    }
    (y, m as u32 + 1)
}

#[cfg(test)]
mod self_tests {
    // The oracle's own checks run from the test files that include it.
}
