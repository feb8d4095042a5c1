//! The checkable facts of a resume, read with the engine's own readers
//! (date ranges from `resume::dates`, skills from the lexicon, roles from
//! `resume::parse_role`), for the evidence rule.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::OnceLock;

use regex::Regex;

use crate::engine::matching::stems_of;
use crate::engine::resume::dates::{all_dates, find_range, YearMonth};
use crate::engine::resume::{parse_role, Resume, SectionKind};
use crate::engine::skills::{canonical, find_skills, SkillKind};
use crate::engine::text::tokenize;

/// A degree: its level ("bs", "ma", "bachelor" when unspecified) and field.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Degree {
    pub level: String,
    pub field: String,
    pub raw: String,
}

/// Every fact the evidence rule compares, by kind.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    /// canonical skill → the lowercase phrase as written.
    pub skills: BTreeMap<String, String>,
    /// (start, end; `None` = Present) → the range as written.
    pub ranges: BTreeMap<(YearMonth, Option<YearMonth>), String>,
    /// Dates written outside ranges.
    pub dates: BTreeSet<YearMonth>,
    /// "6+ years": (6, "6+ years").
    pub years: Vec<(u32, String)>,
    pub degrees: Vec<Degree>,
    /// lowercase certification → as written.
    pub certifications: BTreeMap<String, String>,
    pub numbers: BTreeSet<String>,
    pub employers: BTreeSet<String>,
    pub titles: BTreeSet<String>,
    /// " tok tok " over every line: lowercase alphanumeric runs, for phrase lookups.
    pub fine: String,
    /// " stem stem " over every line (Snowball stems), for inflected phrases.
    pub stems: String,
    /// Each line's stems as a set: a multi-word skill whose words all occur in
    /// one line ("Developing product strategies" → "product development").
    pub line_stems: Vec<HashSet<String>>,
    /// The canonical form of every 1–4 token run of the text, so a skill the
    /// lexicon reads only in context ("AWS" inside "AWS Lambda", "LLM" inside
    /// "LLM-powered") still counts as written.
    pub grams: HashSet<String>,
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

/// Lowercase alphanumeric runs ('+' and '#' kept: "c++", "c#"), padded with spaces.
pub fn fine(text: &str) -> String {
    let mut s = String::from(" ");
    for w in text
        .split(|c: char| !(c.is_alphanumeric() || c == '+' || c == '#'))
        .filter(|w| !w.is_empty())
    {
        s.push_str(&w.to_lowercase());
        s.push(' ');
    }
    s
}

fn years_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| Regex::new(r"(?i)\b(\d{1,2})\s*\+?\s*(?:years?|yrs?)\b").expect("valid regex"))
}

fn degree_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        // Abbreviations are matched in capitals only ("MA", not "ma"); the long
        // forms in any case. The field is the capitalised words that follow.
        Regex::new(concat!(
            r"(?:\b(?P<long>(?i:bachelor|master|doctor|associate)(?i:'s|’s)?(?i:\s+degree)?",
            r"(?i:\s+of\s+(?:science|arts|business\s+administration|engineering|fine\s+arts|education|philosophy|laws))?)",
            r"|\b(?P<abbr>B\.S\.|B\.A\.|M\.S\.|M\.A\.|Ph\.D\.|M\.B\.A\.|(?:Ph\.D|BSc|MSc|BEng|MEng|BBA|MBA|BFA|MFA|MPH|PhD|BSN|MSN|BS|BA|MS|MA)\b))",
            r"(?:\s*(?P<prep>in|of)?\s+(?P<field>[A-Z][A-Za-z&]+(?:\s+(?:[A-Z][A-Za-z&]+|and|&))*))?"
        ))
        .expect("valid regex")
    })
}

fn cert_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(concat!(
            r"\b(?:[A-Z][\w+-]*\s+){0,3}Certified(?:\s+[A-Z][\w+-]*){1,5}",
            r"|\b(?:PMP|CPA|CFA|CISSP|CISA|CISM|CCNA|CCNP|CSM|CSPO|PMI-ACP|PHR|SPHR|SHRM-CP|SHRM-SCP|CNA|CCRN|ACLS|PALS|ITIL|CEH|OSCP|CKA|CKAD|CPHQ|CMA|CFP|Security\+|Network\+)\b",
            r"|\bSix Sigma (?:Green|Black|Yellow) Belt\b"
        ))
        .expect("valid regex")
    })
}

fn number_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| Regex::new(r"\d(?:[\d.,/-]*\d)?").expect("valid regex"))
}

/// Ambiguous abbreviations that are also US states or products ("Boston, MA",
/// "MS Excel"): a degree only when a field follows that is not a product.
const NEEDS_FIELD: &[&str] = &["MA", "MS", "BA"];
const NOT_FIELDS: &[&str] = &[
    "Excel",
    "Office",
    "Word",
    "PowerPoint",
    "Project",
    "Teams",
    "Access",
    "Outlook",
    "Visio",
    "Dynamics",
    "Azure",
    "SQL",
    "Windows",
    "Paint",
];

fn degree_level(long: Option<&str>, abbr: Option<&str>) -> String {
    if let Some(a) = abbr {
        let a: String = a.chars().filter(|c| c.is_alphanumeric()).collect();
        return match a.to_lowercase().as_str() {
            "bsc" => "bs".into(),
            "msc" => "ms".into(),
            x => x.to_string(),
        };
    }
    let l = long.unwrap_or("").to_lowercase().replace('’', "'");
    let words: Vec<&str> = l.split_whitespace().collect();
    let head = words[0].trim_end_matches("'s");
    let of = l.split(" of ").nth(1).unwrap_or("");
    match (head, of) {
        ("bachelor", "science") => "bs".into(),
        ("bachelor", "arts") => "ba".into(),
        ("bachelor", "engineering") => "beng".into(),
        ("bachelor", "fine arts") => "bfa".into(),
        ("master", "science") => "ms".into(),
        ("master", "arts") => "ma".into(),
        ("master", "engineering") => "meng".into(),
        ("master", "business administration") => "mba".into(),
        ("master", "fine arts") => "mfa".into(),
        ("doctor", "philosophy") => "phd".into(),
        (h, _) => h.to_string(),
    }
}

/// A level's family: 'b'achelor, 'm'aster, 'd'octor, 'a'ssociate.
pub fn degree_family(level: &str) -> char {
    match level {
        "phd" | "doctor" => 'd',
        "associate" => 'a',
        l if l.starts_with('b') => 'b',
        _ => 'm',
    }
}

fn mask(line: &mut String, start: usize, end: usize) {
    line.replace_range(start..end, &" ".repeat(end - start));
}

/// "2019-2021", "06/2018", "2013-09", "2020": a date, judged as one by the date checks.
fn date_shaped(tok: &str) -> bool {
    let parts: Vec<&str> = tok.split(['-', '/']).collect();
    let is_year = |p: &str| p.len() == 4 && (p.starts_with("19") || p.starts_with("20"));
    parts.iter().any(|p| is_year(p))
        && parts.iter().all(|p| {
            is_year(p) || (p.len() <= 2 && p.parse::<u8>().is_ok_and(|m| (1..=12).contains(&m)))
        })
}

fn norm_name(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// How a text is read for words.
#[derive(Clone, Copy, PartialEq)]
enum Words {
    /// A line of the file: skills, phrases, and its stems as one line.
    Line,
    /// A line as the reader rebuilt it: phrases and stems only (its skills
    /// are the file's, already read).
    Rebuilt,
    /// The whole file joined: phrases across line breaks only; never one
    /// "line" of stems, which would put every word in one line.
    Whole,
}

/// Read the words of a line: its skills and the phrases it writes.
fn read_words(f: &mut Facts, line: &str, masked: &str, how: Words) {
    // Skills are read with degrees, certifications and dates masked: "MBA" is a degree here.
    if how == Words::Line {
        for h in find_skills(masked) {
            if h.kind == SkillKind::Hard {
                f.skills.entry(h.canonical).or_insert(h.norm);
            }
        }
    }
    f.fine.push_str(&fine(line));
    let st = stems_of(line);
    if how != Words::Whole {
        f.line_stems
            .push(st.split_whitespace().map(str::to_string).collect());
    }
    f.stems.push_str(&st);
    let toks: Vec<String> = tokenize(line).into_iter().map(|t| t.norm).collect();
    for t in &toks {
        for part in t.split('-').filter(|p| !p.is_empty()) {
            f.grams.insert(canonical(part));
        }
    }
    for n in 1..=4 {
        for w in toks.windows(n) {
            f.grams.insert(canonical(&w.join(" ")));
        }
    }
}

fn read_line(f: &mut Facts, line: &str, how: Words) {
    let mut m = line.to_string();
    // Ranges first, so their years are not read again as single dates.
    while let Some(r) = find_range(&m) {
        let Some(at) = m.find(&r.raw) else { break };
        f.ranges
            .entry((r.start, r.end))
            .or_insert_with(|| r.raw.clone());
        mask(&mut m, at, at + r.raw.len());
    }
    let spans: Vec<_> = years_re()
        .captures_iter(&m)
        .filter_map(|c| {
            let all = c.get(0)?;
            Some((
                c[1].parse::<u32>().ok()?,
                all.as_str().to_string(),
                all.range(),
            ))
        })
        .collect();
    for (n, raw, r) in spans {
        f.years.push((n, raw));
        mask(&mut m, r.start, r.end);
    }
    let spans: Vec<_> = degree_re()
        .captures_iter(&m)
        .filter_map(|c| {
            let abbr = c.name("abbr").map(|x| x.as_str());
            let field = c.name("field").map_or("", |x| x.as_str());
            let first = field.split_whitespace().next().unwrap_or("");
            let field = if NOT_FIELDS.contains(&first) {
                ""
            } else {
                field
            };
            if abbr.is_some_and(|a| NEEDS_FIELD.contains(&a)) && field.is_empty() {
                return None;
            }
            // "Scrum Master", "Associate Product Manager": a long form is a
            // degree only with "degree", "of …" or "in …" after it.
            if let Some(l) = c.name("long") {
                let l = l.as_str().to_lowercase();
                if c.name("prep").is_none() && !l.contains(" of ") && !l.contains("degree") {
                    return None;
                }
            }
            let level = degree_level(c.name("long").map(|x| x.as_str()), abbr);
            let raw = c.get(0)?.as_str().trim().to_string();
            Some((
                Degree {
                    level,
                    field: field.to_lowercase(),
                    raw,
                },
                c.get(0)?.range(),
            ))
        })
        .collect();
    for (d, r) in spans {
        f.degrees.push(d);
        mask(&mut m, r.start, r.end);
    }
    let spans: Vec<_> = cert_re()
        .find_iter(&m)
        .map(|x| (x.as_str().to_string(), x.range()))
        .collect();
    for (c, r) in spans {
        f.certifications.insert(norm_name(&c), c);
        mask(&mut m, r.start, r.end);
    }
    f.dates.extend(all_dates(&m));
    for n in number_re().find_iter(&m) {
        let s = n.as_str().trim_end_matches(['.', ',']);
        if !date_shaped(s) {
            f.numbers.insert(s.replace(',', ""));
        }
    }
    read_words(f, line, &m, how);
}

/// Read every fact of a resume; `source`, when given, is the text the user
/// wrote, read instead of the parsed lines (so a fact the reader garbled is
/// judged against what was written, not against the garbling).
pub fn facts(r: &Resume, source: Option<&str>) -> Facts {
    let mut f = Facts {
        fine: String::from(" "),
        stems: String::from(" "),
        ..Facts::default()
    };
    let lines = resume_lines(r);
    match source {
        Some(s) => {
            s.lines().for_each(|l| read_line(&mut f, l, Words::Line));
            // A file wraps lines anywhere ("B.S. in Computer / Science",
            // "Jan 2017 – / Present", "mod- / eling"): read it joined too.
            let joined = s.replace("-\n", "").replace('\n', " ");
            read_line(&mut f, &joined, Words::Whole);
            // The reader's lines add words only (hyphenation joined, footers gone),
            // and the date ranges it rejoined where a date column wrapped
            // ("2020 –" above "Present"): both ends are in the file.
            for l in &lines {
                read_words(&mut f, l, l, Words::Rebuilt);
                let mut m = l.clone();
                while let Some(r) = find_range(&m) {
                    let Some(at) = m.find(&r.raw) else { break };
                    f.ranges
                        .entry((r.start, r.end))
                        .or_insert_with(|| r.raw.clone());
                    mask(&mut m, at, at + r.raw.len());
                }
            }
        }
        None => lines.iter().for_each(|l| read_line(&mut f, l, Words::Line)),
    }
    for s in r
        .sections
        .iter()
        .filter(|s| s.kind == SectionKind::Experience)
    {
        for b in &s.blocks {
            // The role as stored and as its header reads now: an edit that
            // rewrote the header shows up even if the stored role did not change.
            for role in b.role.iter().cloned().chain(parse_role(&b.header)) {
                if let Some(d) = &role.dates {
                    f.ranges
                        .entry((d.start, d.end))
                        .or_insert_with(|| d.raw.clone());
                }
                f.employers.extend(role.employer.as_deref().map(norm_name));
                f.titles.extend(role.title.as_deref().map(norm_name));
            }
        }
    }
    f
}

/// Months covered by the union of the roles' intervals, "Present" = `today`.
/// A missing start month counts from January, a missing end month to December.
pub fn experience_months(r: &Resume, today: YearMonth) -> i64 {
    let now = today.months(12);
    let mut spans: Vec<(i64, i64)> = r
        .roles()
        .iter()
        .filter_map(|x| x.dates.as_ref())
        .map(|d| {
            let end = d.end.map_or(now, |e| e.months(12)).min(now);
            (d.start.months(1), end)
        })
        .filter(|(a, b)| b >= a)
        .collect();
    spans.sort();
    let mut total = 0;
    let mut cur: Option<(i64, i64)> = None;
    for (a, b) in spans {
        match cur {
            Some((ca, cb)) if a <= cb + 1 => cur = Some((ca, cb.max(b))),
            Some((ca, cb)) => {
                total += cb - ca + 1;
                cur = Some((a, b));
            }
            None => cur = Some((a, b)),
        }
    }
    if let Some((a, b)) = cur {
        total += b - a + 1;
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::resume::parse_text;

    fn of_line(l: &str) -> Facts {
        let mut f = Facts::default();
        read_line(&mut f, l, Words::Line);
        f
    }

    #[test]
    fn roles_that_share_a_month_count_it_once() {
        let today = YearMonth {
            year: 2026,
            month: Some(12),
        };
        let months = |roles: &str| {
            let text = format!("Ann Lee\nann@example.org\n\nExperience\n{roles}");
            experience_months(&parse_text(&text), today)
        };
        let one = months("Analyst | Acme | Jan 2018 - Nov 2019\n- Did things\n");
        assert_eq!(
            months("Analyst | Acme | Jan 2018 - Jun 2019\n- Did things\n\nLead | Acme | Jun 2019 - Nov 2019\n- Did things\n"),
            one
        );
        // Back to back, and one inside another: still the one span.
        assert_eq!(
            months("Analyst | Acme | Jan 2018 - Jun 2019\n- Did things\n\nLead | Acme | Jul 2019 - Nov 2019\n- Did things\n"),
            one
        );
        assert_eq!(
            months("Analyst | Acme | Jan 2018 - Nov 2019\n- Did things\n\nLead | Acme | Mar 2018 - May 2019\n- Did things\n"),
            one
        );
    }

    #[test]
    fn date_shaped_tokens_hold_a_year_and_only_months_beside_it() {
        for t in ["2019-2021", "06/2018", "2013-09", "2020", "1/2020"] {
            assert!(date_shaped(t), "{t}");
        }
        for t in ["12-11", "2019-13", "2019-123", "1820", "404", "2019-0"] {
            assert!(!date_shaped(t), "{t}");
        }
    }

    #[test]
    fn fine_text_is_lowercase_words_keeping_plus_and_hash() {
        assert_eq!(
            fine("C++ and C#, Node.js/TypeScript"),
            " c++ and c# node js typescript "
        );
    }

    #[test]
    fn degrees_carry_their_field() {
        let f = of_line("MICHAEL CHEN, MA Education, BS Mathematics");
        let d: Vec<_> = f
            .degrees
            .iter()
            .map(|d| (d.level.as_str(), d.field.as_str()))
            .collect();
        assert_eq!(d, vec![("ma", "education"), ("bs", "mathematics")]);
        assert!(of_line("Boston, MA 02110").degrees.is_empty());
        assert!(of_line("Reports in MS Excel").degrees.is_empty());
        let f = of_line("Bachelor of Science in Computer Science, 2014");
        assert_eq!(f.degrees[0].level, "bs");
        assert_eq!(f.degrees[0].field, "computer science");
    }

    #[test]
    fn numbers_are_whole_tokens_and_dates_are_not_numbers() {
        let f = of_line("Grew revenue 1,200 in 2020; 3.5x ARR; 2013-09 — Present; (555) 010-0199");
        assert!(f.numbers.contains("1200"), "{:?}", f.numbers);
        assert!(f.numbers.contains("3.5"));
        assert!(!f.numbers.contains("20"));
        assert!(!f.numbers.contains("2020"), "a year is a date");
        assert_eq!(f.ranges.len(), 1);
        assert!(f.dates.iter().any(|d| d.year == 2020));
    }

    #[test]
    fn years_claims_and_certifications() {
        let f =
            of_line("Engineer with 6+ years of experience, AWS Certified Solutions Architect, PMP");
        assert_eq!(f.years[0].0, 6);
        assert!(f.numbers.is_empty(), "{:?}", f.numbers);
        assert!(f
            .certifications
            .contains_key("aws certified solutions architect"));
        assert!(f.certifications.contains_key("pmp"));
    }

    #[test]
    fn experience_is_the_union_of_role_intervals() {
        let r = parse_text(concat!(
            "Jo Bloggs\n\nExperience\n",
            "Engineer | Acme | Jan 2020 - Present\n- Built things\n\n",
            "Intern | Beta | Jun 2015 - Aug 2015\n- Helped\n\n",
            "Analyst | Gamma | Mar 2020 - Dec 2020\n- Overlaps the first role\n"
        ));
        let today = YearMonth {
            year: 2024,
            month: Some(6),
        };
        // Jan 2020–Jun 2024 is 54 months, the internship 3; the overlap adds none.
        assert_eq!(experience_months(&r, today), 57);
    }
}
