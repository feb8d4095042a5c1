//! Evidence for each job term in a resume, and the match score.

use std::collections::{BTreeSet, HashSet};

use serde::{Deserialize, Serialize};

use super::job::{degree_levels, is_role_word, Importance, JobPosting, JobTerm, TermKind};
use super::resume::{LineRef, Resume};
use super::skills::find_skills;
use super::taxonomy::{key, taxonomy};
use super::text::{is_stop_word, stem, tokenize};

/// How a resume line evidences a job term, weakest first (the order is the
/// credit order: the best kind of a term's evidence is its maximum).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchKind {
    /// The taxonomy names the two as one ability ("Communication" for
    /// "written communication").
    Family,
    /// Same word stems ("visualized" for "visualization").
    Stem,
    /// The resume shows a kind of what the posting asks for (Kubernetes for
    /// "container orchestration"; the taxonomy's narrower-of relation).
    Narrower,
    /// A known alias (k8s for Kubernetes).
    Alias,
    /// The same term written with other hyphens, spaces or case
    /// ("open-source" for "Open Source").
    Form,
    /// The posting's own words.
    Exact,
}

impl MatchKind {
    pub fn credit(self) -> f64 {
        match self {
            MatchKind::Exact => 1.0,
            MatchKind::Form => 0.95,
            MatchKind::Alias => 0.9,
            MatchKind::Narrower => 0.85,
            MatchKind::Stem => 0.75,
            MatchKind::Family => 0.6,
        }
    }

    /// The relation's name on the wire and in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            MatchKind::Exact => "exact",
            MatchKind::Form => "form",
            MatchKind::Alias => "alias",
            MatchKind::Narrower => "narrower",
            MatchKind::Stem => "stem",
            MatchKind::Family => "family",
        }
    }

    /// Does this kind come from the taxonomy (no shared word)?
    pub fn is_related(self) -> bool {
        matches!(self, MatchKind::Narrower | MatchKind::Family)
    }
}

/// One indexed line of a resume.
#[derive(Debug, Clone)]
pub struct IndexedLine {
    pub at: LineRef,
    /// " tok tok tok " (padded, lowercase).
    pub norms: String,
    /// " stem stem " (padded).
    pub stems: String,
    pub skills: HashSet<String>,
    /// Lowercase surfaces of skills as written, with their canonical form.
    pub skill_surfaces: Vec<(String, String)>,
    /// " tok tok " with hyphens as spaces, for form matches and taxonomy lookups.
    pub flat: String,
    /// Taxonomy keys of the line's skills.
    pub skill_keys: HashSet<String>,
    /// Tokens and adjacent pairs written together ("front end" → "frontend").
    pub joined: HashSet<String>,
}

#[derive(Debug, Clone)]
pub struct ResumeIndex {
    pub lines: Vec<IndexedLine>,
}

fn padded(words: impl Iterator<Item = String>) -> String {
    let mut s = String::from(" ");
    for w in words {
        s.push_str(&w);
        s.push(' ');
    }
    s
}

pub fn stems_of(text: &str) -> String {
    padded(tokenize(text).into_iter().map(|t| stem(&t.norm)))
}

pub fn norms_of(text: &str) -> String {
    padded(tokenize(text).into_iter().map(|t| t.norm))
}

/// The line without the phrases that name other people by their work
/// ("with back-end developers", "alongside the data science team", "for
/// UX designers"): working with someone is no evidence of doing their job,
/// so those words evidence nothing. The line's text itself is unchanged.
pub fn without_others_roles(text: &str) -> std::borrow::Cow<'_, str> {
    use regex::Regex;
    use std::sync::OnceLock;
    static R: OnceLock<Regex> = OnceLock::new();
    let r = R.get_or_init(|| {
        let np = r"(?:(?:the|our|a|an|their|other|several|multiple|many|\d+\+?)\s+)?(?:[\w.+#/-]+,?\s+){0,3}?(?:developers?|engineers?|designers?|scientists?|analysts?|managers?|teams?|testers?|architects?|administrators?|specialists?|researchers?|consultants?|staff|colleagues|counterparts|stakeholders|departments?|groups?|squads?)\b";
        Regex::new(&format!(
            r"(?i)\b(?:with|alongside|for|among)\s+{np}(?:\s*,?\s*(?:and|or|&)\s+{np})*"
        ))
        .expect("valid regex")
    });
    r.replace_all(text, " ")
}

impl IndexedLine {
    pub fn new(at: LineRef) -> IndexedLine {
        let own = without_others_roles(&at.text);
        let hits = find_skills(&own);
        let norms = norms_of(&own);
        let flat = format!(" {} ", key(&norms));
        let words: Vec<&str> = flat.split_whitespace().collect();
        let mut joined: HashSet<String> = words.iter().map(|w| w.to_string()).collect();
        joined.extend(words.windows(2).map(|w| format!("{}{}", w[0], w[1])));
        IndexedLine {
            norms,
            stems: stems_of(&own),
            skills: hits.iter().map(|h| h.canonical.clone()).collect(),
            skill_keys: hits.iter().map(|h| key(&h.canonical)).collect(),
            skill_surfaces: hits.into_iter().map(|h| (h.norm, h.canonical)).collect(),
            flat,
            joined,
            at,
        }
    }
}

impl ResumeIndex {
    pub fn build(r: &Resume) -> Self {
        let lines = r.line_refs().into_iter().map(IndexedLine::new).collect();
        ResumeIndex { lines }
    }

    /// How (if at all) a line evidences a term.
    pub fn line_match(
        line: &IndexedLine,
        t: &JobTerm,
        display_norm: &str,
        display_stems: &str,
    ) -> Option<MatchKind> {
        if t.kind != TermKind::Keyword && line.norms.contains(display_norm) {
            return Some(MatchKind::Exact);
        }
        if t.kind == TermKind::Keyword {
            if line.norms.contains(display_norm) {
                return Some(MatchKind::Exact);
            }
            if line.stems.contains(&format!(" {} ", t.canonical)) {
                return Some(MatchKind::Stem);
            }
            return None;
        }
        if line.skills.contains(&t.canonical) {
            return Some(MatchKind::Alias);
        }
        if display_stems.trim().len() >= 2 && line.stems.contains(display_stems) {
            return Some(MatchKind::Stem);
        }
        None
    }

    /// The same term in another form: hyphens for spaces ("open-source" and
    /// "Open Source Contribution"), or written as one word ("front end" and
    /// "frontend").
    fn form_match(line: &IndexedLine, t: &JobTerm) -> bool {
        [key(&t.display), key(&t.canonical)].iter().any(|k| {
            !k.is_empty()
                && (line.flat.contains(&format!(" {k} "))
                    || line.skill_keys.contains(k)
                    || (k.len() >= 5 && line.joined.contains(&k.replace(' ', ""))))
        })
    }

    /// The first term of `set` the line shows, as a skill or in its words.
    fn shows_any<'a>(line: &IndexedLine, set: &'a BTreeSet<String>) -> Option<&'a String> {
        set.iter()
            .find(|x| line.skill_keys.contains(*x) || line.flat.contains(&format!(" {x} ")))
    }
}

/// The taxonomy's relations of one job term, looked up once per term.
struct Related {
    narrower: BTreeSet<String>,
    family: BTreeSet<String>,
}

impl Related {
    fn of(t: &JobTerm) -> Related {
        let tx = taxonomy();
        let mut narrower = tx.narrower_than(&t.canonical);
        narrower.extend(tx.narrower_than(&t.display));
        let mut family = tx.family_of(&t.canonical);
        family.extend(tx.family_of(&t.display));
        Related { narrower, family }
    }

    /// How a line evidences the term through a relation, and by which of its terms.
    fn line_match(&self, line: &IndexedLine) -> Option<(MatchKind, String)> {
        if let Some(x) = ResumeIndex::shows_any(line, &self.narrower) {
            return Some((MatchKind::Narrower, x.clone()));
        }
        ResumeIndex::shows_any(line, &self.family).map(|x| (MatchKind::Family, x.clone()))
    }
}

/// Where a job term is evidenced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvidenceRef {
    pub kind: MatchKind,
    /// For a taxonomy match, the resume's term that produced it ("kubernetes"
    /// for "container orchestration").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub via: Option<String>,
    pub section: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TermEvidence {
    pub term: String,
    pub canonical: String,
    pub kind: TermKind,
    pub importance: Importance,
    pub weight: f64,
    pub job_count: usize,
    pub best: Option<MatchKind>,
    /// Number of lines that evidence it.
    pub resume_count: usize,
    /// Distinct roles (employers) whose lines evidence it.
    pub roles: Vec<String>,
    pub locations: Vec<EvidenceRef>,
    pub job_context: String,
}

impl TermEvidence {
    pub fn matched(&self) -> bool {
        self.best.is_some()
    }
}

pub fn find_evidence(job: &JobPosting, idx: &ResumeIndex) -> Vec<TermEvidence> {
    job.terms
        .iter()
        .map(|t| {
            let dn = norms_of(&t.display);
            let ds = stems_of(&t.display);
            let mut best: Option<MatchKind> = None;
            let mut locations = Vec::new();
            let mut roles = BTreeSet::new();
            let mut count = 0;
            // Keywords are single words matched by stem; skills also match by
            // form and through the taxonomy.
            let related = (t.kind != TermKind::Keyword).then(|| Related::of(t));
            for l in &idx.lines {
                let direct = ResumeIndex::line_match(l, t, &dn, &ds).map(|k| (k, None));
                let found = match (&related, direct) {
                    (Some(_), Some((k, _))) if k >= MatchKind::Alias => Some((k, None)),
                    (Some(rel), d) => {
                        let form = ResumeIndex::form_match(l, t).then_some((MatchKind::Form, None));
                        let via = rel.line_match(l).map(|(k, v)| (k, Some(v)));
                        [d, form, via].into_iter().flatten().max_by_key(|(k, _)| *k)
                    }
                    (None, d) => d,
                };
                if let Some((k, via)) = found {
                    count += 1;
                    best = best.max(Some(k));
                    if let Some(r) = &l.at.role {
                        roles.insert(r.clone());
                    }
                    if locations.len() < 6 {
                        locations.push(EvidenceRef {
                            kind: k,
                            via,
                            section: l.at.section.clone(),
                            role: l.at.role.clone(),
                            text: l.at.text.chars().take(200).collect(),
                        });
                    }
                }
            }
            TermEvidence {
                term: t.display.clone(),
                canonical: t.canonical.clone(),
                kind: t.kind,
                importance: t.importance,
                weight: t.weight,
                job_count: t.count,
                best,
                resume_count: count,
                roles: roles.into_iter().collect(),
                locations,
                job_context: t.context.clone(),
            }
        })
        .collect()
}

/// The score and its parts are the result contract's own types: the engine
/// fills them, the API and the Review page read them as they are.
pub use tailor_common::result::{ScoreBreakdown as Score, ScoreComponent};

pub fn band(total: u32) -> &'static str {
    tailor_common::result::band(f64::from(total))
}

const SENIORITY_WORDS: &[&str] = &[
    "senior",
    "sr",
    "junior",
    "jr",
    "lead",
    "staff",
    "principal",
    "intern",
    "entry",
    "level",
    "mid",
    "ii",
    "iii",
    "iv",
    "i",
    "head",
    "chief",
];

/// Core words of a job title ("Senior Backend Engineer" -> backend, engineer).
pub fn title_core(title: &str) -> Vec<String> {
    let t = title.split('(').next().unwrap_or(title);
    tokenize(t)
        .into_iter()
        .map(|x| x.norm)
        .filter(|w| {
            !SENIORITY_WORDS.contains(&w.as_str())
                && !is_stop_word(w)
                && w.chars().any(|c| c.is_alphabetic())
                && w.len() > 1
                && !w.starts_with("gs-")
                && w != "18f"
        })
        .map(|w| stem(&w))
        .collect()
}

/// Share of the job title's core words found in the best resume title line.
pub fn title_match(job: &JobPosting, r: &Resume) -> Option<f64> {
    let core = title_core(job.title.as_deref()?);
    if core.is_empty() {
        return None;
    }
    let mut candidates: Vec<String> = r.headline.clone();
    for role in r.roles() {
        if let Some(t) = &role.title {
            candidates.push(t.clone());
        }
    }
    if let Some(s) = r.section(super::resume::SectionKind::Summary) {
        for b in &s.blocks {
            for h in &b.header {
                candidates.push(h.split('.').next().unwrap_or("").to_string());
            }
        }
    }
    // The posting's role nouns ("designer", "engineer"): a candidate title
    // counts only if it names the same kind of role, as a noun ("Visual
    // Designer" is not matched by "designing web apps").
    let job_roles: Vec<String> = tokenize(job.title.as_deref().unwrap_or(""))
        .into_iter()
        .map(|t| t.norm)
        .filter(|w| is_role_word(w))
        .map(|w| role_family(&w))
        .collect();
    let best = candidates
        .iter()
        .map(|c| {
            let words: Vec<String> = tokenize(c).into_iter().map(|t| t.norm).collect();
            let roles: Vec<String> = words
                .iter()
                .filter(|w| is_role_word(w))
                .map(|w| role_family(w))
                .collect();
            let s = stems_of(c);
            // Another kind of role with the posting's subject ("Data
            // Scientist … machine learning" for "Machine Learning Engineer"):
            // half credit for the subject words, none for the role noun.
            if !job_roles.is_empty() && !job_roles.iter().any(|r| roles.contains(r)) {
                let role_stems: Vec<String> = job_roles.iter().map(|r| stem(r)).collect();
                let subject = core
                    .iter()
                    .filter(|w| !role_stems.contains(w) && !is_role_word(w))
                    .filter(|w| s.contains(&format!(" {w} ")))
                    .count();
                return 0.5 * subject as f64 / core.len() as f64;
            }
            let fams: Vec<String> = roles.iter().map(|r| stem(r)).collect();
            core.iter()
                .filter(|w| {
                    s.contains(&format!(" {w} "))
                        || fams.contains(w)
                        || job_roles
                            .iter()
                            .any(|r| stem(r) == **w && roles.contains(r))
                })
                .count() as f64
                / core.len() as f64
        })
        .fold(0.0, f64::max);
    Some(best)
}

/// Role nouns a recruiter reads as one ("Developer" for "Engineer"), by
/// their family's first name; plurals folded.
fn role_family(w: &str) -> String {
    const FAMILIES: &[&[&str]] = &[&["engineer", "developer", "programmer"]];
    let w = w.strip_suffix('s').filter(|x| is_role_word(x)).unwrap_or(w);
    FAMILIES
        .iter()
        .find(|f| f.contains(&w))
        .map_or(w.to_string(), |f| f[0].to_string())
}

/// The resume's highest degree level (1 bachelor, 2 master, 3 doctorate).
pub fn resume_degree(r: &Resume) -> Option<u8> {
    r.line_refs()
        .iter()
        .flat_map(|l| degree_levels(&l.text))
        .max()
}

/// Points of the job-title component (of 115 before scaling to 100 when
/// every component applies).
const TITLE_POINTS: f64 = 25.0;

/// The weighted-coverage match score with its breakdown.
pub fn score(job: &JobPosting, r: &Resume, ev: &[TermEvidence]) -> Score {
    let mut comps = Vec::new();
    let mut add_terms = |key: &str, label: &str, max: f64, kind: TermKind| {
        let terms: Vec<&TermEvidence> = ev.iter().filter(|e| e.kind == kind).collect();
        if terms.is_empty() {
            return;
        }
        let total_w: f64 = terms.iter().map(|e| e.weight).sum();
        let got: f64 = terms
            .iter()
            .map(|e| e.weight * e.best.map_or(0.0, MatchKind::credit))
            .sum();
        comps.push(ScoreComponent {
            key: key.into(),
            label: label.into(),
            points: if total_w > 0.0 {
                max * got / total_w
            } else {
                0.0
            },
            max,
            matched: terms.iter().filter(|e| e.matched()).count(),
            total: terms.len(),
        });
    };
    add_terms("hard_skills", "Hard skills", 60.0, TermKind::Hard);
    add_terms("soft_skills", "Soft skills", 10.0, TermKind::Soft);
    add_terms("keywords", "Other keywords", 10.0, TermKind::Keyword);
    // The role itself weighs like a recruiter's first screen: a resume whose
    // roles are not titled like the posting's starts a quarter behind.
    if let Some(t) = title_match(job, r) {
        comps.push(ScoreComponent {
            key: "job_title".into(),
            label: "Job title".into(),
            points: TITLE_POINTS * t,
            max: TITLE_POINTS,
            matched: usize::from(t >= 0.999),
            total: 1,
        });
    }
    if let Some(level) = job.degree_level {
        let ok = resume_degree(r).is_some_and(|d| d >= level);
        comps.push(ScoreComponent {
            key: "education".into(),
            label: "Education level".into(),
            points: if ok { 5.0 } else { 0.0 },
            max: 5.0,
            matched: usize::from(ok),
            total: 1,
        });
    }
    let max: f64 = comps.iter().map(|c| c.max).sum();
    if max <= 0.0 {
        return Score {
            total: 0,
            band: band(0).into(),
            components: comps,
        };
    }
    let scale = 100.0 / max;
    for c in &mut comps {
        c.points = (c.points * scale * 10.0).round() / 10.0;
        c.max = (c.max * scale * 10.0).round() / 10.0;
    }
    let raw: f64 = comps.iter().map(|c| c.points).sum();
    let total = raw.round().clamp(0.0, 100.0) as u32;
    Score {
        total,
        band: band(total).into(),
        components: comps,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{job, resume};

    #[test]
    fn exact_alias_and_stem_evidence() {
        let r = resume::parse_text("Jo Bloggs\n\nSkills:\nPostgres, Python\n\nExperience:\nDev | Acme | 2019 - 2021\n- Visualized data for 4 teams\n");
        let j =
            job::parse_text("Engineer\n\nRequirements:\n- PostgreSQL\n- Python\n- Kubernetes\n");
        let ev = find_evidence(&j, &ResumeIndex::build(&r));
        let get = |c: &str| ev.iter().find(|e| e.canonical == c).unwrap().best;
        assert_eq!(get("postgresql"), Some(MatchKind::Alias));
        assert_eq!(get("python"), Some(MatchKind::Exact));
        assert_eq!(get("kubernetes"), None);
        let s = score(&j, &r, &ev);
        assert!(s.total > 0 && s.total < 100, "{s:?}");
        assert_eq!(s, score(&j, &r, &ev), "deterministic");
    }

    #[test]
    fn taxonomy_and_forms_find_evidence_with_their_relation() {
        let r = resume::parse_text("Ana Ortiz\n\nSkills:\nKubernetes, Redis, Terraform, Communication\n\nExperience:\nEngineer | Initech | 2019 - 2021\n- Led an open source contribution program\n- Built frontend dashboards\n");
        let j = job::parse_text("Platform Engineer\n\nRequirements:\n- Container orchestration\n- NoSQL databases\n- Infrastructure as code\n- Written communication\n- Open-source work\n- Front-end experience\n- Rust\n");
        let ev = find_evidence(&j, &ResumeIndex::build(&r));
        let get = |c: &str| {
            ev.iter()
                .find(|e| key(&e.canonical) == key(c))
                .unwrap_or_else(|| panic!("{c} not a term: {ev:#?}"))
        };
        let co = get("container orchestration");
        assert_eq!(co.best, Some(MatchKind::Narrower));
        assert_eq!(co.locations[0].via.as_deref(), Some("kubernetes"));
        assert_eq!(get("nosql").best, Some(MatchKind::Narrower));
        assert_eq!(
            get("infrastructure as code").best,
            Some(MatchKind::Narrower)
        );
        assert_eq!(get("written communication").best, Some(MatchKind::Family));
        assert_eq!(get("open source").best, Some(MatchKind::Form));
        assert_eq!(get("rust").best, None);
        // The reverse is not evidence: "container orchestration" does not show Kubernetes.
        let r2 = resume::parse_text("Bo Li\n\nSkills:\nContainer orchestration\n\nExperience:\nEngineer | Initech | 2019 - 2021\n- Ran clusters\n");
        let j2 = job::parse_text("Engineer\n\nRequirements:\n- Kubernetes\n");
        let ev2 = find_evidence(&j2, &ResumeIndex::build(&r2));
        assert_eq!(ev2[0].best, None, "{ev2:?}");
    }

    #[test]
    fn other_peoples_roles_are_no_evidence_of_ones_own() {
        let r = resume::parse_text("Mia Sol\n\nExperience:\nAnalyst | Initech | 2019 - 2021\n- Partnered with front-end developers and the data engineering team to ship SQL reports\n- Worked alongside UX designers for 12 launches\n");
        let j = job::parse_text("Engineer\n\nRequirements:\n- Frontend development\n- Data engineering\n- UX design\n- SQL\n");
        let ev = find_evidence(&j, &ResumeIndex::build(&r));
        let get = |c: &str| {
            ev.iter()
                .find(|e| key(&e.canonical).contains(c))
                .map(|e| e.best)
        };
        assert_eq!(get("sql"), Some(Some(MatchKind::Exact)), "{ev:#?}");
        for c in ["front", "data engineering", "ux"] {
            assert_eq!(get(c).flatten(), None, "{c}: {ev:#?}");
        }
        // One's own work in the same words still counts.
        let r = resume::parse_text("Mia Sol\n\nExperience:\nFront-end developer | Initech | 2019 - 2021\n- Built front-end features with React for the billing team\n");
        let ev = find_evidence(&j, &ResumeIndex::build(&r));
        assert!(
            ev.iter()
                .any(|e| key(&e.canonical).contains("front") && e.best.is_some()),
            "{ev:#?}"
        );
        assert_eq!(
            without_others_roles(
                "Collaborating with back-end developers to integrate RESTful APIs"
            ),
            "Collaborating   to integrate RESTful APIs"
        );
    }

    #[test]
    fn bands() {
        assert_eq!(band(49), "weak");
        assert_eq!(band(50), "fair");
        assert_eq!(band(75), "strong");
    }
}
