//! Tokenising, normalising and stemming text. Shared by every stage.

use std::collections::HashSet;
use std::sync::OnceLock;

use rust_stemmers::{Algorithm, Stemmer};

/// One token of a line: its lowercase form and its byte span in the line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub norm: String,
    pub start: usize,
    pub end: usize,
}

fn is_token_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '+' | '#' | '.' | '/' | '-' | '&' | '\'' | '’')
}

/// Split a line into tokens. Keeps `c++`, `c#`, `node.js`, `ci/cd` and
/// `scikit-learn` whole; trims sentence punctuation from the ends.
pub fn tokenize(line: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let push = |out: &mut Vec<Token>, s: usize, e: usize| {
        let raw = &line[s..e];
        // Trim leading/trailing joiners, but keep a leading '.' before letters (".net")
        // and trailing '+'/'#' (c++, c#).
        let mut a = s;
        let mut b = e;
        let bytes = line.as_bytes();
        while a < b {
            let c = line[a..b].chars().next().unwrap();
            let keep_dot = c == '.'
                && line[a + 1..b]
                    .chars()
                    .next()
                    .is_some_and(|n| n.is_alphabetic())
                && (a == 0 || !bytes[a - 1].is_ascii_alphanumeric());
            if matches!(c, '.' | '/' | '-' | '&' | '\'' | '’' | '+' | '#') && !keep_dot {
                a += c.len_utf8();
            } else {
                break;
            }
        }
        while b > a {
            let c = line[a..b].chars().next_back().unwrap();
            if matches!(c, '.' | '/' | '-' | '&' | '\'' | '’') {
                b -= c.len_utf8();
            } else {
                break;
            }
        }
        let _ = raw;
        if a < b {
            let mut norm = line[a..b].to_lowercase().replace('’', "'");
            if norm.ends_with("'s") && norm.len() > 3 {
                norm.truncate(norm.len() - 2);
            }
            out.push(Token {
                norm,
                start: a,
                end: b,
            });
        }
    };
    for (i, c) in line.char_indices() {
        if is_token_char(c) {
            if start.is_none() {
                start = Some(i);
            }
        } else if let Some(s) = start.take() {
            push(&mut out, s, i);
        }
    }
    if let Some(s) = start {
        push(&mut out, s, line.len());
    }
    // Split slash-joined tokens ("JavaScript/HTML/CSS") unless the whole is a known term.
    let mut split = Vec::with_capacity(out.len());
    for t in out {
        if t.norm.contains('/') && !super::skills::is_slash_term(&t.norm) {
            let mut off = t.start;
            for part in line[t.start..t.end].split('/') {
                if !part.is_empty() {
                    split.push(Token {
                        norm: part.to_lowercase(),
                        start: off,
                        end: off + part.len(),
                    });
                }
                off += part.len() + 1;
            }
        } else {
            split.push(t);
        }
    }
    split
}

fn stemmer() -> &'static Stemmer {
    static S: OnceLock<Stemmer> = OnceLock::new();
    S.get_or_init(|| Stemmer::create(Algorithm::English))
}

/// The Snowball (Porter2) stem of one lowercase word.
pub fn stem(word: &str) -> String {
    let w: String = word
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, '+' | '#'))
        .collect();
    if w.is_empty() {
        return word.to_string();
    }
    stemmer().stem(&w).into_owned()
}

/// English stop words (from the `stop-words` crate) plus job-posting filler.
pub fn is_stop_word(w: &str) -> bool {
    static S: OnceLock<HashSet<String>> = OnceLock::new();
    let set = S.get_or_init(|| {
        let mut s: HashSet<String> = stop_words::get("en")
            .iter()
            .map(|w| w.to_string())
            .collect();
        for w in FILLER {
            s.insert((*w).to_string());
        }
        s
    });
    set.contains(w)
}

/// Words that appear in most postings and say nothing about the job.
const FILLER: &[&str] = &[
    "experience",
    "experienced",
    "team",
    "teams",
    "ability",
    "able",
    "strong",
    "excellent",
    "required",
    "requirements",
    "preferred",
    "plus",
    "skills",
    "skill",
    "work",
    "working",
    "years",
    "year",
    "role",
    "job",
    "candidate",
    "candidates",
    "including",
    "knowledge",
    "understanding",
    "familiarity",
    "proficiency",
    "proficient",
    "good",
    "great",
    "new",
    "join",
    "looking",
    "responsible",
    "responsibilities",
    "qualifications",
    "etc",
    "well",
    "using",
    "use",
    "must",
    "will",
    "may",
    "within",
    "across",
    "help",
    "make",
    "part",
    "highly",
    "deep",
    "solid",
    "related",
    "field",
    "equivalent",
    "degree",
    "opportunity",
    "company",
    "environment",
    "day",
    "based",
    "level",
    "position",
    "apply",
    "applicants",
    "ideal",
    "successful",
    "key",
    "also",
    "like",
    "want",
    "need",
    "needs",
    "you'll",
    "we're",
    "you're",
    "us",
    "our",
    "your",
    "they",
    "them",
    "their",
    "one",
    "two",
    "three",
    "four",
    "five",
    "least",
    "demonstrated",
    "proven",
    "hands-on",
    "ensure",
    "support",
    "other",
    "various",
    "multiple",
    "ideally",
    "bonus",
    "nice",
    "etc.",
    "e.g",
    "i.e",
    "gs",
    "per",
    "time",
    "full",
    "agency",
    "agencies",
    "federal",
    "government",
    "applicant",
    "salary",
    "benefits",
    "position",
    "positions",
    "people",
    "person",
    "things",
    "way",
    "ways",
    "wide",
    "range",
    "area",
    "areas",
    "high",
    "low",
    "best",
    "fast-paced",
    "dynamic",
    "passionate",
    "seeking",
    "currently",
    "self",
    "take",
    "taking",
    "part",
    "provide",
    "providing",
    "include",
    "includes",
    "specialized",
    "specialist",
    "qualify",
    "qualified",
];

/// Count words the way a reader would.
pub fn word_count(text: &str) -> usize {
    text.split_whitespace()
        .filter(|w| w.chars().any(|c| c.is_alphanumeric()))
        .count()
}

/// Turn a term into a short id slug ("Node.js" -> "node-js").
pub fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.to_lowercase().chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if c == '+' {
            out.push_str("plus");
        } else if c == '#' {
            out.push_str("sharp");
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    if out.is_empty() {
        out.push_str("term");
    }
    out
}

/// Replace typographic characters with ASCII ones; drop control characters.
pub fn clean_line(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\u{2018}' | '\u{2019}' => out.push('\''),
            '\u{201C}' | '\u{201D}' => out.push('"'),
            '\u{00A0}' | '\t' => out.push(' '),
            '\u{FEFF}' | '\u{200B}' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norms(s: &str) -> Vec<String> {
        tokenize(s).into_iter().map(|t| t.norm).collect()
    }

    #[test]
    fn keeps_punctuated_skills_whole() {
        assert_eq!(
            norms("C++, C#, Node.js and CI/CD."),
            vec!["c++", "c#", "node.js", "and", "ci/cd"]
        );
        assert_eq!(norms("using .NET daily"), vec!["using", ".net", "daily"]);
        assert_eq!(
            norms("JavaScript/HTML/CSS"),
            vec!["javascript", "html", "css"]
        );
        assert_eq!(norms("(Python)"), vec!["python"]);
    }

    #[test]
    fn spans_point_into_the_line() {
        let line = "Led Postgres work.";
        for t in tokenize(line) {
            assert_eq!(line[t.start..t.end].to_lowercase(), t.norm);
        }
    }

    #[test]
    fn stems_and_slugs() {
        assert_eq!(stem("communication"), stem("communicate"));
        assert_eq!(slug("Node.js"), "node-js");
        assert_eq!(slug("C++"), "cplusplus");
        assert!(is_stop_word("experience"));
        assert!(is_stop_word("the"));
    }
}
