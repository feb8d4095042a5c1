//! Reading the model's reply into proposals as it streams: one JSON object
//! per line, each parsed (with serde_json) once its line is complete, so a
//! proposal can be judged while the model writes the next. The line being
//! written is read leniently for the live view only: its `path` and the
//! `value` so far.

use serde::Deserialize;

/// One proposed change to one line.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Proposal {
    pub path: String,
    pub original: String,
    pub value: String,
    #[serde(default)]
    pub reason: String,
}

/// A line of the reply that is not a proposal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    /// The start of the line, for the insight.
    pub excerpt: String,
}

/// What one line of the reply was.
pub type Parsed = Result<Proposal, Unreadable>;

/// Lines longer than this are not proposals (a runaway reply).
const MAX_LINE: usize = 16 * 1024;

/// Splits the streamed text into lines and parses each.
#[derive(Debug, Default)]
pub struct Splitter {
    line: String,
    /// Whether the current line overflowed [`MAX_LINE`] and is being skipped.
    overflow: bool,
    /// Everything read, for a reply that is one JSON document over many lines.
    whole: String,
    /// How many lines parsed as proposals.
    proposals: usize,
    /// The reply was one JSON document: its lines were never proposals.
    whole_document: bool,
}

impl Splitter {
    /// Feeds a piece of the reply; returns the lines it completed.
    pub fn push(&mut self, text: &str) -> Vec<Parsed> {
        let mut out = Vec::new();
        if self.whole.len() < 256 * 1024 {
            self.whole.push_str(text);
        }
        for (i, part) in text.split('\n').enumerate() {
            if i > 0 {
                let line = std::mem::take(&mut self.line);
                let skipped = std::mem::take(&mut self.overflow);
                if !skipped {
                    out.extend(self.parse_line(&line));
                }
            }
            if self.line.len() + part.len() > MAX_LINE {
                self.overflow = true;
                self.line.clear();
            } else if !self.overflow {
                self.line.push_str(part);
            }
        }
        out
    }

    /// The end of the reply: its last line, or — when no line was a
    /// proposal — the whole reply read as one JSON array or
    /// `{"proposals": [...]}` (models often pretty-print).
    pub fn finish(&mut self) -> Vec<Parsed> {
        let line = std::mem::take(&mut self.line);
        let out: Vec<Parsed> = self.parse_line(&line).into_iter().collect();
        if self.proposals == 0 {
            let whole = strip_fences(&self.whole);
            let list = serde_json::from_str::<Vec<Proposal>>(whole)
                .or_else(|_| serde_json::from_str::<Wrapped>(whole).map(|w| w.proposals));
            if let Ok(list) = list {
                self.proposals = list.len();
                self.whole_document = true;
                return list.into_iter().map(Ok).collect();
            }
        }
        out
    }

    fn parse_line(&mut self, line: &str) -> Option<Parsed> {
        let t = line
            .trim()
            .trim_start_matches(['[', ','])
            .trim_end_matches([',', ']'])
            .trim();
        if t.is_empty() || t.starts_with("```") {
            return None;
        }
        match serde_json::from_str::<Proposal>(t) {
            Ok(p) => {
                self.proposals += 1;
                Some(Ok(p))
            }
            Err(_) => Some(Err(Unreadable {
                excerpt: t.chars().take(60).collect(),
            })),
        }
    }

    /// The proposal being written: its path and its value so far, when the
    /// line has got that far.
    pub fn in_flight(&self) -> Option<(String, String)> {
        let path = string_field(&self.line, "path")?;
        let value = string_field(&self.line, "value")?;
        Some((path, value))
    }

    pub fn proposals(&self) -> usize {
        self.proposals
    }

    /// Whether [`Splitter::finish`] read the reply as one JSON document, so
    /// the lines reported unreadable before were parts of it.
    pub fn was_whole_document(&self) -> bool {
        self.whole_document
    }
}

#[derive(Deserialize)]
struct Wrapped {
    proposals: Vec<Proposal>,
}

fn strip_fences(s: &str) -> &str {
    let s = s.trim();
    let s = s
        .strip_prefix("```json")
        .or_else(|| s.strip_prefix("```"))
        .unwrap_or(s);
    s.strip_suffix("```").unwrap_or(s).trim()
}

/// The string value of `"key": "…` in a (maybe unfinished) JSON line, read
/// up to its closing quote or the end of what has arrived.
fn string_field(line: &str, key: &str) -> Option<String> {
    let at = line.find(&format!("\"{key}\""))? + key.len() + 2;
    let rest = line[at..].trim_start().strip_prefix(':')?.trim_start();
    let rest = rest.strip_prefix('"')?;
    let mut out = String::new();
    let mut chars = rest.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => break,
            '\\' => match chars.next() {
                Some('n') => out.push(' '),
                Some('t') => out.push(' '),
                Some('u') => {
                    let hex: String = chars.by_ref().take(4).collect();
                    if let Some(c) = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                        out.push(c);
                    }
                }
                Some(other) => out.push(other),
                None => break,
            },
            c => out.push(c),
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = r#"{"path": "sections[1].blocks[0].bullets[0]", "original": "Cut the backlog by 40%", "value": "Cut the support backlog by 40%", "reason": "the job's term"}"#;

    #[test]
    fn lines_split_anywhere_parse_when_complete() {
        let reply = format!("{A}\n{A}\nnot json at all\n");
        let mut s = Splitter::default();
        let mut got = Vec::new();
        for piece in reply.as_bytes().chunks(5) {
            got.extend(s.push(std::str::from_utf8(piece).unwrap()));
        }
        got.extend(s.finish());
        assert_eq!(got.len(), 3, "{got:?}");
        assert_eq!(
            got[0].as_ref().unwrap().value,
            "Cut the support backlog by 40%"
        );
        assert!(got[2].is_err());
    }

    #[test]
    fn the_line_in_flight_shows_its_value_so_far() {
        let mut s = Splitter::default();
        s.push(&A[..120]);
        let (path, value) = s.in_flight().unwrap();
        assert_eq!(path, "sections[1].blocks[0].bullets[0]");
        assert!(
            "Cut the support backlog by 40%".starts_with(&value),
            "{value}"
        );
        assert!(!value.is_empty());
    }

    #[test]
    fn a_pretty_printed_array_in_fences_is_read_at_the_end() {
        let reply = format!("```json\n[\n  {}\n]\n```", A.replace(", ", ",\n  "));
        let mut s = Splitter::default();
        let mut got = s.push(&reply);
        got = got.into_iter().filter(Result::is_ok).collect();
        assert!(got.is_empty());
        let end = s.finish();
        assert_eq!(end.len(), 1, "{end:?}");
        assert!(end[0].is_ok());
    }
}
