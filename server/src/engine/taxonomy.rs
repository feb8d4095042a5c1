//! Skill relations: which skill is a kind of which (Kubernetes → container
//! orchestration, MongoDB → NoSQL) and which two name the same ability
//! ("written communication" ↔ communication). The table is ours,
//! `data/taxonomy.tsv`; matching reads it to find evidence a recruiter would
//! accept although the words differ.

use std::collections::{BTreeSet, HashMap};
use std::sync::OnceLock;

const TABLE: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/data/taxonomy.tsv"));

/// How deep "a kind of a kind of" goes (Next.js → React → front end).
const MAX_DEPTH: usize = 3;

/// A term's comparable form: lowercase, hyphens as spaces, single spaces
/// ("Open-Source" and "open source" are one term).
pub fn key(s: &str) -> String {
    s.to_lowercase()
        .replace(['-', '_'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[derive(Debug, Default)]
pub struct Taxonomy {
    /// broader → its direct narrower terms.
    narrower: HashMap<String, Vec<String>>,
    /// term → the terms in its family.
    family: HashMap<String, Vec<String>>,
}

pub fn taxonomy() -> &'static Taxonomy {
    static T: OnceLock<Taxonomy> = OnceLock::new();
    T.get_or_init(|| parse(TABLE))
}

fn parse(table: &str) -> Taxonomy {
    let mut t = Taxonomy::default();
    for l in table.lines() {
        let l = l.trim_end();
        if l.trim().is_empty() || l.starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = l.split('\t').collect();
        let [a, b, rel] = cols[..] else { continue };
        let (a, b) = (key(a), key(b));
        match rel.trim() {
            "narrower" => t.narrower.entry(b).or_default().push(a),
            "family" => {
                t.family.entry(a.clone()).or_default().push(b.clone());
                t.family.entry(b).or_default().push(a);
            }
            _ => {}
        }
    }
    t
}

/// Trailing words that make a category of a skill ("NoSQL databases",
/// "data visualization tools"): the relations of the head apply.
const CATEGORY_SUFFIX: &[&str] = &[
    "databases",
    "database",
    "tools",
    "tool",
    "platforms",
    "platform",
    "frameworks",
    "framework",
    "technologies",
    "skills",
    "libraries",
    "methodologies",
];

fn heads(term: &str) -> Vec<String> {
    let k = key(term);
    let mut out = vec![k.clone()];
    if let Some((head, last)) = k.rsplit_once(' ') {
        if CATEGORY_SUFFIX.contains(&last) {
            out.push(head.to_string());
        }
    }
    out
}

impl Taxonomy {
    /// Every term that is a kind of `term`, however deep (up to MAX_DEPTH):
    /// evidence of any of them evidences `term`.
    pub fn narrower_than(&self, term: &str) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        let mut frontier: Vec<String> = heads(term);
        // A family member's kinds count too ("SQL" ~ relational databases ← MySQL).
        for h in heads(term) {
            frontier.extend(self.family.get(&h).into_iter().flatten().cloned());
        }
        let start: BTreeSet<String> = frontier.iter().cloned().collect();
        for _ in 0..MAX_DEPTH {
            let mut next = Vec::new();
            for f in &frontier {
                for n in self.narrower.get(f).into_iter().flatten() {
                    if !start.contains(n) && out.insert(n.clone()) {
                        next.push(n.clone());
                    }
                }
            }
            if next.is_empty() {
                break;
            }
            frontier = next;
        }
        out
    }

    /// Terms that name the same ability as `term`.
    pub fn family_of(&self, term: &str) -> BTreeSet<String> {
        let hs = heads(term);
        hs.iter()
            .flat_map(|h| self.family.get(h).into_iter().flatten().cloned())
            .filter(|f| !hs.contains(f))
            .collect()
    }

    /// Number of relations in the table (for the report).
    pub fn len(&self) -> usize {
        self.narrower.values().map(Vec::len).sum::<usize>()
            + self.family.values().map(Vec::len).sum::<usize>() / 2
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_evidence_their_category_not_the_reverse() {
        let t = taxonomy();
        assert!(t
            .narrower_than("container orchestration")
            .contains("kubernetes"));
        assert!(t.narrower_than("NoSQL databases").contains("mongodb"));
        assert!(t.narrower_than("nosql").contains("redis"));
        assert!(t
            .narrower_than("infrastructure as code")
            .contains("terraform"));
        // Two levels: Next.js is a kind of React, a kind of front end.
        assert!(t.narrower_than("front-end").contains("next.js"));
        assert!(!t
            .narrower_than("kubernetes")
            .contains("container orchestration"));
    }

    #[test]
    fn families_are_symmetric() {
        let t = taxonomy();
        assert!(t
            .family_of("written communication")
            .contains("communication"));
        assert!(t
            .family_of("communication")
            .contains("written communication"));
        assert!(t.family_of("analytics").contains("data analysis"));
        assert!(t.family_of("data analysis").contains("analytics"));
    }

    #[test]
    fn every_row_has_three_columns_and_a_known_relation() {
        for (i, l) in TABLE.lines().enumerate() {
            if l.trim().is_empty() || l.starts_with('#') {
                continue;
            }
            let cols: Vec<&str> = l.split('\t').collect();
            assert_eq!(cols.len(), 3, "line {}: {l}", i + 1);
            assert!(
                matches!(cols[2], "narrower" | "family"),
                "line {}: {l}",
                i + 1
            );
            assert_ne!(key(cols[0]), key(cols[1]), "line {}: {l}", i + 1);
        }
        assert!(taxonomy().len() > 200);
        assert_eq!(key("Open-Source  Contribution"), "open source contribution");
    }
}
