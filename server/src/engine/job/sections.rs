//! How a posting is divided: section headings and the importance they give
//! the lines under them, hiring boilerplate, and "preferred" cues in a line.

use super::Importance;

/// Words of a heading that say what the section holds. `Some(None)` means
/// "not about the job's skills" (benefits, pay, how to apply, about us).
pub(super) fn cue(line: &str) -> Option<Option<Importance>> {
    let l = line.to_lowercase();
    let l = l.trim().trim_end_matches(':').trim();
    const IGNORE: &[&str] = &[
        "benefit",
        "what we offer",
        "perks",
        "to apply",
        "how to apply",
        "apply now",
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
        "why work",
        "conditions of employment",
        "security clearance",
        "pay",
        "our values",
        "our mission",
    ];
    const PREFERRED: &[&str] = &[
        "preferred",
        "nice to have",
        "bonus",
        "desired",
        "pluses",
        "good to have",
        "nice-to-have",
        "desirable",
        "extra credit",
    ];
    const REQUIRED: &[&str] = &[
        "requirement",
        "required",
        "qualification",
        "must have",
        "must-have",
        "what you bring",
        "you have",
        "what you'll need",
        "what you need",
        "who you are",
        "looking for",
        "ideal candidate",
        "skills",
        "experience",
        "you bring",
        "minimum",
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
        "the job",
    ];
    const GENERAL: &[&str] = &["overview", "job summary", "job description", "summary"];
    // "About Acme" is about the employer; "About the role" / "About you" are not.
    if l.starts_with("about ") && !RESP.iter().chain(REQUIRED).any(|c| l.contains(c)) {
        return Some(None);
    }
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
    if GENERAL.iter().any(|c| l.contains(c)) {
        return Some(Some(Importance::General));
    }
    None
}

/// Words that make a short line a requirement rather than a heading
/// ("Experience with SQL databases", "Skills in Figma").
const CONTENT_WORDS: &[&str] = &[
    "with", "in", "using", "building", "across", "on", "for", "of", "and/or", "to",
];

/// A line that looks like a section heading in a posting, with any inline
/// content ("Requirements: 4+ years of Python"). A bulleted line is content,
/// never a heading.
pub(super) fn heading(
    line: &str,
    marked: bool,
    bullet: bool,
) -> Option<(Option<Importance>, Option<String>)> {
    if bullet {
        return None;
    }
    let t = line.trim();
    if let Some((h, rest)) = t.split_once(':') {
        if h.split_whitespace().count() <= 4 && !rest.trim().is_empty() {
            return cue(h).map(|c| (c, Some(rest.trim().to_string())));
        }
    }
    let words: Vec<&str> = t.split_whitespace().collect();
    if words.is_empty() || words.len() > 8 {
        return None;
    }
    if marked || t.ends_with(':') {
        return cue(t).map(|c| (c, None));
    }
    if t.ends_with('.') || words.len() > 5 {
        return None;
    }
    // Unmarked and without a colon: a heading only if it reads like one
    // ("Preferred Qualifications", "Nice to have"), not like a requirement.
    let lower: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
    if lower.len() > 1 && lower.iter().any(|w| CONTENT_WORDS.contains(&w.as_str())) {
        let l = lower.join(" ");
        if ![
            "nice to have",
            "good to have",
            "what you'll do",
            "what you will do",
        ]
        .iter()
        .any(|p| l.starts_with(p))
        {
            return None;
        }
    }
    cue(t).map(|c| (c, None))
}

/// Hiring boilerplate that names no skill of the job (citizenship, benefits, pay).
pub(super) fn boilerplate(l: &str) -> bool {
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
        "send your resume",
        "submit your resume",
    ]
    .iter()
    .any(|c| l.contains(c))
}

const PREFERRED_CUES: &[&str] = &[
    "a plus",
    "preferred",
    "nice to have",
    "bonus",
    "ideally",
    "desirable",
    "appreciated",
    "not required",
];

/// Byte spans of the parenthesised parts of a line.
pub(super) fn paren_spans(l: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut open = None;
    for (i, c) in l.char_indices() {
        match c {
            '(' if open.is_none() => open = Some(i),
            ')' => {
                if let Some(s) = open.take() {
                    out.push((s, i + 1));
                }
            }
            _ => {}
        }
    }
    out
}

fn has_preferred_cue(s: &str) -> bool {
    let s = s.to_lowercase();
    PREFERRED_CUES.iter().any(|c| s.contains(c))
}

/// Is the whole line preferred? A cue inside parentheses ("cloud platforms
/// (AWS preferred)") makes only the parenthesis preferred, not the line.
pub(super) fn line_preferred(l: &str) -> bool {
    let mut outside = String::with_capacity(l.len());
    let spans = paren_spans(l);
    let mut at = 0;
    for (s, e) in &spans {
        outside.push_str(&l[at..*s]);
        at = *e;
    }
    outside.push_str(&l[at..]);
    has_preferred_cue(&outside)
}

/// Spans of parentheses in a line that carry a preferred cue.
pub(super) fn preferred_parens(l: &str) -> Vec<(usize, usize)> {
    paren_spans(l)
        .into_iter()
        .filter(|(s, e)| has_preferred_cue(&l[*s..*e]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requirement_lines_are_not_headings() {
        assert!(heading("Experience with SQL databases", false, false).is_none());
        assert!(heading("Experience with Go", false, true).is_none());
        assert_eq!(
            heading("Preferred Qualifications", false, false),
            Some((Some(Importance::Preferred), None))
        );
        assert_eq!(
            heading("Experience", false, false),
            Some((Some(Importance::Required), None))
        );
        assert_eq!(
            heading("What We're Looking For:", false, false),
            Some((Some(Importance::Required), None))
        );
        assert_eq!(heading("About Initech:", false, false), Some((None, None)));
    }

    #[test]
    fn preferred_inside_parentheses_is_local() {
        let l = "Experience with cloud platforms (GCP preferred)";
        assert!(!line_preferred(l));
        let p = preferred_parens(l);
        assert_eq!(p.len(), 1);
        assert_eq!(&l[p[0].0..p[0].1], "(GCP preferred)");
        assert!(line_preferred("Rust is a plus"));
    }
}
