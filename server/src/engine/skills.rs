//! Skills knowledge: the vendored gazetteer, our alias table, soft skills, and
//! longest-match term finding over tokens.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use super::text::{is_stop_word, tokenize};

const SKILLS: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/data/skills.txt"));
const EXTRA: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/data/extra_skills.txt"
));
const ALIASES: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/data/aliases.tsv"));
const SOFT: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/data/soft_skills.txt"));
const LOWER_OK: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/data/lowercase_skills.txt"
));
const GENERIC: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/data/generic_terms.txt"
));
/// The attribution the gazetteer's licences require (shown on the About page).
pub const ATTRIBUTION: &str =
    include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/data/ATTRIBUTION.md"));

/// Single words that are skills only when written with a capital ("Go", "R", "React").
const CASE_SENSITIVE: &[&str] = &[
    "go", "r", "c", "rest", "sketch", "excel", "access", "word", "spark", "swift", "ruby", "rust",
    "chef", "puppet", "salt", "less", "express", "react", "node", "vue", "elastic", "ai", "ant",
    "dart", "julia", "scheme", "prolog", "pig", "hive", "storm", "jenkins", "tableau", "looker",
    "mode", "figma", "slack", "asana", "monday", "box", "glue", "lambda", "stata", "sas",
    "outlook", "teams", "pages", "numbers", "keynote", "windows", "office", "visio", "ci",
];

/// Trailing words that make a known skill into a longer gazetteer entry.
const GENERIC_SUFFIX: &[&str] = &[
    "models",
    "model",
    "skills",
    "skill",
    "experience",
    "tools",
    "tool",
    "techniques",
    "concepts",
    "principles",
    "knowledge",
    "methods",
    "methodologies",
    "practices",
    "projects",
    "solutions",
    "applications",
    "environment",
    "environments",
    "frameworks",
    "framework",
    "libraries",
    "platforms",
    "platform",
    "systems",
    "services",
    "technologies",
    "processes",
    "pipelines",
    "pipeline",
    "capabilities",
    "fundamentals",
    "basics",
    "development",
    "expertise",
    "proficiency",
    "programming",
    "algorithms",
    "workflows",
    "stack",
    "engineering",
    "analysis",
    "management",
    "implementation",
    "integration",
    "operations",
    "strategies",
    "strategy",
    "design",
    "testing",
    "databases",
    "database",
    "caching",
    "tooling",
    "api",
    "apis",
];

/// Short skills that are not acronyms ("Git", "Go").
const SHORT_MIXED_CASE: &[&str] = &[
    "git", "go", "vue", "c", "r", "c++", "c#", "jax", "dax", "ada", "lua", "php", "sql", "aws",
];

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum SkillKind {
    Hard,
    Soft,
}

pub struct Lexicon {
    phrases: HashSet<String>,
    aliases: HashMap<String, String>,
    soft: HashSet<String>,
    generic: HashSet<String>,
    /// Single words accepted whatever their case (curated).
    curated: HashSet<String>,
    case_sensitive: HashSet<&'static str>,
    max_tokens: usize,
}

fn lines(s: &str) -> impl Iterator<Item = &str> {
    s.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

pub fn lexicon() -> &'static Lexicon {
    static L: OnceLock<Lexicon> = OnceLock::new();
    L.get_or_init(|| {
        let mut phrases: HashSet<String> = HashSet::with_capacity(32_000);
        let mut max_tokens = 1;
        let mut add = |p: &str, phrases: &mut HashSet<String>| {
            let p = p.to_lowercase();
            max_tokens = max_tokens.max(p.split(' ').count());
            phrases.insert(p);
        };
        let all: HashSet<&str> = SKILLS.lines().map(str::trim).collect();
        let alias_keys: HashSet<&str> = lines(ALIASES)
            .filter_map(|l| l.split_once('\t').map(|(a, _)| a))
            .collect();
        let extra: HashSet<&str> = lines(EXTRA).collect();
        for l in SKILLS.lines().chain(lines(EXTRA)) {
            let l = l.trim();
            if l.is_empty() {
                continue;
            }
            // "aws ec2" is AWS and EC2: a two-word gazetteer entry led by an
            // acronym we alias is two skills, so "AWS" is found on both sides.
            if let Some((first, _)) = l.split_once(' ') {
                if l.matches(' ').count() == 1
                    && alias_keys.contains(first)
                    && !alias_keys.contains(l)
                    && !extra.contains(l)
                {
                    continue;
                }
            }
            // "machine learning models" is "machine learning" plus a generic word:
            // keep only the skill itself so both sides match on it.
            if let Some((head, last)) = l.rsplit_once(' ') {
                if GENERIC_SUFFIX.contains(&last) && all.contains(head) {
                    continue;
                }
                // "management skills", "python experience": never a skill of its own.
                if matches!(
                    last,
                    "skills" | "skill" | "experience" | "knowledge" | "abilities" | "ability"
                ) {
                    continue;
                }
            }
            add(l, &mut phrases);
        }
        let mut aliases = HashMap::new();
        for l in lines(ALIASES) {
            if let Some((a, c)) = l.split_once('\t') {
                add(a, &mut phrases);
                add(c, &mut phrases);
                aliases.insert(a.to_string(), c.to_string());
            }
        }
        let mut soft = HashSet::new();
        for l in lines(SOFT) {
            add(l, &mut phrases);
            soft.insert(l.to_string());
        }
        let generic = lines(GENERIC).map(str::to_string).collect();
        let mut curated: HashSet<String> = lines(LOWER_OK)
            .flat_map(|l| l.split_whitespace())
            .map(str::to_string)
            .collect();
        curated.extend(lines(EXTRA).map(str::to_string));
        curated.extend(soft.iter().cloned());
        curated.extend(aliases.keys().cloned());
        Lexicon {
            phrases,
            aliases,
            soft,
            generic,
            curated,
            case_sensitive: CASE_SENSITIVE.iter().copied().collect(),
            max_tokens: max_tokens.min(6),
        }
    })
}

/// Is this lowercase phrase a skill or alias we know (used by the tokenizer
/// to keep "ci/cd" whole)?
pub fn is_known_phrase(norm: &str) -> bool {
    let l = lexicon();
    l.phrases.contains(norm) || l.aliases.contains_key(norm)
}

/// Slash-joined terms that are one skill ("CI/CD", "A/B testing"), unlike
/// "JavaScript/TypeScript", which is two.
pub fn is_slash_term(norm: &str) -> bool {
    const KEEP: &[&str] = &[
        "ci/cd", "a/b", "tcp/ip", "pl/sql", "i/o", "ui/ux", "ux/ui", "b2b/b2c", "ar/ap", "24/7",
    ];
    KEEP.contains(&norm) || lexicon().aliases.contains_key(norm)
}

/// Is this lowercase word or phrase on the stop-list of generic and
/// organisational words ("organization", "product", "business")?
pub fn is_generic(norm: &str) -> bool {
    lexicon().generic.contains(norm)
}

/// The canonical form of a known lowercase phrase (aliases resolved).
pub fn canonical(norm: &str) -> String {
    let l = lexicon();
    match l.aliases.get(norm) {
        Some(c) => c.clone(),
        None => norm.to_string(),
    }
}

pub fn kind_of(canonical: &str) -> SkillKind {
    if lexicon().soft.contains(canonical) {
        SkillKind::Soft
    } else {
        SkillKind::Hard
    }
}

/// A skill found in a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkillHit {
    /// Canonical lowercase name (aliases resolved).
    pub canonical: String,
    /// The lowercase phrase as written.
    pub norm: String,
    /// The text as written in the line.
    pub surface: String,
    pub kind: SkillKind,
    /// Byte span in the line.
    pub start: usize,
    pub end: usize,
}

/// Find skills in one line: leftmost-longest match over tokens.
pub fn find_skills(line: &str) -> Vec<SkillHit> {
    let lex = lexicon();
    let toks = tokenize(line);
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let mut found = None;
        let max = lex.max_tokens.min(toks.len() - i);
        for n in (1..=max).rev() {
            // A phrase never spans punctuation ("AWS (ECS" is two things).
            if (i..i + n - 1).any(|k| {
                !line[toks[k].end..toks[k + 1].start]
                    .chars()
                    .all(char::is_whitespace)
            }) {
                continue;
            }
            let phrase = toks[i..i + n]
                .iter()
                .map(|t| t.norm.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            if !(lex.phrases.contains(&phrase) || lex.aliases.contains_key(&phrase)) {
                continue;
            }
            let surface = &line[toks[i].start..toks[i + n - 1].end];
            if n > 1 && lex.generic.contains(&phrase) {
                continue;
            }
            if n == 1 {
                if lex.generic.contains(&phrase) {
                    continue;
                }
                let short = phrase.len() <= 3 && phrase.chars().all(|c| c.is_ascii_alphabetic());
                if short && !SHORT_MIXED_CASE.contains(&phrase.as_str()) {
                    // Short acronyms ("SQL", "AWS") must be written in capitals.
                    if surface.chars().any(|c| c.is_lowercase()) {
                        continue;
                    }
                } else {
                    let needs_caps = lex.case_sensitive.contains(phrase.as_str())
                        || is_stop_word(&phrase)
                        || phrase.len() <= 2;
                    if needs_caps && !surface.chars().next().is_some_and(|c| c.is_uppercase()) {
                        continue;
                    }
                }
                if phrase.chars().all(|c| c.is_ascii_digit() || c == '.') {
                    continue;
                }
                // The gazetteer lists many ordinary words ("workshops", "users").
                // A single word counts when it is curated, looks like a name
                // (PostgreSQL, C++, Node.js), or is capitalised mid-sentence or in a list.
                if !lex.curated.contains(&phrase) {
                    let mut chars = surface.chars();
                    let first_upper = chars.next().is_some_and(|c| c.is_uppercase());
                    let inner = surface.chars().skip(1).any(|c| c.is_uppercase())
                        || surface.chars().any(|c| !c.is_alphabetic());
                    let sentence_start = i == 0 || {
                        let gap = &line[toks[i - 1].end..toks[i].start];
                        gap.contains(['.', ':', ';', '!', '?', '(', '•', '|'])
                            || gap.trim().starts_with('-')
                    };
                    let listed = i + 1 == toks.len() || {
                        let gap = line[toks[i].end..toks[i + 1].start].trim_start();
                        gap.starts_with([',', ')', ';', '/', '|', '('])
                    };
                    if !(inner || (first_upper && (!sentence_start || listed))) {
                        continue;
                    }
                }
            }
            found = Some((n, phrase, surface.to_string()));
            break;
        }
        match found {
            Some((n, phrase, surface)) => {
                let canonical = canonical(&phrase);
                out.push(SkillHit {
                    kind: kind_of(&canonical),
                    canonical,
                    norm: phrase,
                    surface,
                    start: toks[i].start,
                    end: toks[i + n - 1].end,
                });
                i += n;
            }
            None => i += 1,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon(s: &str) -> Vec<String> {
        find_skills(s).into_iter().map(|h| h.canonical).collect()
    }

    #[test]
    fn finds_multiword_and_punctuated_skills() {
        let c =
            canon("Built machine learning models in C++ and C#, deployed with CI/CD on Node.js");
        assert!(c.contains(&"machine learning".to_string()), "{c:?}");
        assert!(c.contains(&"c++".to_string()), "{c:?}");
        assert!(c.contains(&"c#".to_string()), "{c:?}");
        assert!(c.contains(&"continuous integration".to_string()), "{c:?}");
        assert!(c.contains(&"node.js".to_string()), "{c:?}");
    }

    #[test]
    fn an_aliased_acronym_leads_two_skills() {
        let c = canon("Deployed on AWS EC2 and ML pipelines");
        assert!(c.contains(&"amazon web services".to_string()), "{c:?}");
    }

    #[test]
    fn resolves_aliases() {
        assert_eq!(
            canon("Ran k8s and Postgres"),
            vec!["kubernetes", "postgresql"]
        );
        assert_eq!(canon("JS"), vec!["javascript"]);
    }

    #[test]
    fn ambiguous_words_need_capitals() {
        assert!(canon("we go to market").is_empty());
        assert_eq!(canon("Services in Go"), vec!["go"]);
        assert!(!canon("react to feedback").contains(&"react".to_string()));
        assert!(canon("Ran the team").is_empty());
    }

    #[test]
    fn soft_skills_are_marked() {
        let h = find_skills("Excellent communication and leadership");
        assert!(h.iter().all(|h| h.kind == SkillKind::Soft), "{h:?}");
        assert_eq!(h.len(), 2);
    }
}
