//! Planning and applying evidenced edits, and the word-level diffs they make.

use std::sync::OnceLock;

use regex::Regex;
use serde::{Deserialize, Serialize};
use similar::{ChangeTag, TextDiff};
use tailor_common::{DiffChunkPayload, DiffOp, DiffOpKind};

use super::job::{JobPosting, TermKind};
use super::matching::{norms_of, stems_of, IndexedLine, MatchKind, ResumeIndex, TermEvidence};
use super::resume::dates::{all_dates, YearMonth};
use super::resume::{Block, Resume, Section, SectionKind};
use super::skills::find_skills;

/// One edit on the allow-list, planned from evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Edit {
    pub id: String,
    /// "summary", "skills_surface", "skills_reorder", "bullet_reorder", "alias".
    pub kind: String,
    pub section: String,
    pub description: String,
    pub reason: String,
}

/// Everything `write` needs, decided in `plan`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EditPlan {
    pub summary: Option<String>,
    pub years: Option<u32>,
    pub key_skills: Vec<String>,
    /// Skills evidenced outside the skills section, surfaced into it.
    pub surfaced: Vec<String>,
    /// (canonical, the job's wording)
    pub aliases: Vec<(String, String)>,
    /// (section index, block index, new order of bullet indices)
    pub bullet_orders: Vec<(usize, usize, Vec<usize>)>,
    pub skills_matched: Vec<String>,
}

/// Years of experience: the resume's own statement ("6+ years") if it makes
/// one, else the union of its roles' date intervals with "Present" = today,
/// rounded down. Gaps between roles do not count and overlapping roles count
/// once; `None` when the dates support no whole year.
pub fn years_of_experience(r: &Resume) -> Option<(u32, bool)> {
    years_of_experience_at(r, YearMonth::today())
}

/// [`years_of_experience`] as of `today`.
pub fn years_of_experience_at(r: &Resume, today: YearMonth) -> Option<(u32, bool)> {
    static R: OnceLock<Regex> = OnceLock::new();
    let re = R.get_or_init(|| Regex::new(r"(?i)\b(\d{1,2})\+?\s*years").expect("valid regex"));
    let mut intro: Vec<&str> = r.headline.iter().map(String::as_str).collect();
    if let Some(s) = r.section(SectionKind::Summary) {
        for b in &s.blocks {
            intro.extend(b.header.iter().map(String::as_str));
        }
    }
    for l in intro {
        if let Some(c) = re.captures(l) {
            if let Ok(n) = c[1].parse::<u32>() {
                if (1..=50).contains(&n) {
                    return Some((n, true));
                }
            }
        }
    }
    let months = months_worked(r, today);
    let years = (months / 12) as u32;
    (years >= 1).then_some((years, false))
}

/// Months covered by at least one role, from the union of the roles'
/// intervals. A month-less date counts from January of its year, so
/// "2014 – 2017" is three years; "Present" is `today`.
pub fn months_worked(r: &Resume, today: YearMonth) -> i64 {
    let now = today.months(1);
    let mut spans: Vec<(i64, i64)> = r
        .roles()
        .iter()
        .filter_map(|role| role.dates.as_ref())
        .filter_map(|d| {
            let start = d.start.months(1);
            // A month-given end counts its own month; a bare year ends as it starts.
            // "Present" counts through last month: the current one is not over.
            let end = match d.end {
                None => now,
                Some(e) if e.month.is_some() => e.months(1) + 1,
                Some(e) => e.months(1),
            };
            let end = end.min(now);
            (end > start).then_some((start, end))
        })
        .collect();
    spans.sort_unstable();
    let mut total = 0;
    let mut open: Option<(i64, i64)> = None;
    for (s, e) in spans {
        match open {
            Some((os, oe)) if s <= oe => open = Some((os, oe.max(e))),
            Some((os, oe)) => {
                total += oe - os;
                open = Some((s, e));
            }
            None => open = Some((s, e)),
        }
    }
    if let Some((os, oe)) = open {
        total += oe - os;
    }
    total
}

/// The title of the latest role by its dates (a current role first, then
/// the latest end, then the latest start), cleaned of anything that is not
/// the title; else a short headline.
fn most_recent_title(r: &Resume) -> Option<String> {
    let roles = r.roles();
    let mut best: Option<((i64, i64), String)> = None;
    for role in roles.iter() {
        let Some(t) = role.title.as_deref().and_then(clean_title) else {
            continue;
        };
        let key = role.dates.as_ref().map_or((i64::MIN, i64::MIN), |d| {
            (d.end.map_or(i64::MAX, |e| e.months(12)), d.start.months(1))
        });
        // Strictly later wins: on a tie the earlier-listed role stays.
        if best.as_ref().is_none_or(|(k, _)| key > *k) {
            best = Some((key, t));
        }
    }
    best.map(|b| b.1)
        .or_else(|| r.headline.first().and_then(|h| clean_title(h)))
}

/// A title fit to stand in a sentence: no links, dates, emphasis or
/// separators, and short.
fn clean_title(t: &str) -> Option<String> {
    let t = t.replace(['*', '_', '`'], "");
    let cut = t.find(['(', '|', '[', '@']).unwrap_or(t.len());
    let t = t[..cut]
        .trim()
        .trim_end_matches([',', ';', ':', '-', '–'])
        .trim();
    let words = t.split_whitespace().count();
    let clean = (1..=7).contains(&words)
        && !t.contains("://")
        && !t.contains('.')
        && all_dates(t).is_empty()
        && t.chars().any(|c| c.is_alphabetic());
    clean.then(|| t.to_string())
}

fn join_and(items: &[String]) -> String {
    match items.len() {
        0 => String::new(),
        1 => items[0].clone(),
        n => format!("{} and {}", items[..n - 1].join(", "), items[n - 1]),
    }
}

/// Decide the edits: every one is backed by evidence in the original resume.
pub fn plan_edits(job: &JobPosting, r: &Resume, ev: &[TermEvidence]) -> EditPlan {
    // Surfaced skills need strong evidence: the same word or a known alias, or a
    // multi-word stem match ("data visualizations"); one shared stem is not enough
    // ("go-to-market" does not make "Marketing" a skill).
    let mut matched_hard: Vec<&TermEvidence> = ev
        .iter()
        .filter(|e| {
            e.kind == TermKind::Hard
                && match e.best {
                    Some(MatchKind::Exact | MatchKind::Alias) => true,
                    Some(MatchKind::Stem) => e.term.contains(' '),
                    // A form, a kind or a family member is evidence, not the
                    // posting's own term: never surfaced as a skill.
                    _ => false,
                }
        })
        .collect();
    matched_hard.sort_by(|a, b| {
        b.importance.cmp(&a.importance).then(
            b.weight
                .partial_cmp(&a.weight)
                .unwrap_or(std::cmp::Ordering::Equal),
        )
    });
    // One entry per skill: "design system" and "design systems" are the same.
    let mut seen = Vec::new();
    matched_hard.retain(|e| {
        let k = stems_of(&e.term);
        if seen.contains(&k) {
            false
        } else {
            seen.push(k);
            true
        }
    });
    let key_skills: Vec<String> = matched_hard
        .iter()
        .take(12)
        .map(|e| e.term.clone())
        .collect();
    let surfaced: Vec<String> = matched_hard
        .iter()
        .filter(|e| !e.locations.iter().any(|l| is_skills_heading(&l.section, r)))
        .map(|e| e.term.clone())
        .collect();
    let aliases: Vec<(String, String)> = ev
        .iter()
        .filter(|e| e.kind != TermKind::Keyword && e.best == Some(MatchKind::Alias))
        .map(|e| (e.canonical.clone(), e.term.clone()))
        .collect();

    let years = years_of_experience(r);
    let title = most_recent_title(r);
    let top: Vec<String> = key_skills.iter().take(4).cloned().collect();
    // A summary says something only with years or skills behind the title,
    // and never stands beside the person's own summary.
    let has_summary = r.section(SectionKind::Summary).is_some_and(|s| {
        s.blocks
            .iter()
            .any(|b| !b.header.is_empty() || !b.bullets.is_empty())
    });
    let summary = if !has_summary && (years.is_some() || !top.is_empty()) {
        let mut s = title.clone().unwrap_or_else(|| "Professional".to_string());
        if let Some((n, _)) = years {
            s.push_str(&format!(" with {n}+ years of experience"));
        }
        if !top.is_empty() {
            s.push_str(if years.is_some() {
                ", skilled in "
            } else {
                " skilled in "
            });
            s.push_str(&join_and(&top));
        }
        s.push('.');
        Some(s)
    } else {
        None
    };

    // Bullet order by relevance to the job.
    let relevant: Vec<&TermEvidence> = ev.iter().filter(|e| e.matched()).collect();
    let idx_terms: Vec<(String, String, f64, &TermEvidence)> = relevant
        .iter()
        .map(|e| (norms_of(&e.term), stems_of(&e.term), e.weight, *e))
        .collect();
    let mut bullet_orders = Vec::new();
    for (si, s) in r.sections.iter().enumerate() {
        if !matches!(s.kind, SectionKind::Experience | SectionKind::Projects) {
            continue;
        }
        for (bi, b) in s.blocks.iter().enumerate() {
            if b.bullets.len() < 2 {
                continue;
            }
            let scores: Vec<f64> = b
                .bullets
                .iter()
                .map(|x| relevance(x, &idx_terms, job))
                .collect();
            let mut order: Vec<usize> = (0..b.bullets.len()).collect();
            order.sort_by(|&a, &c| {
                scores[c]
                    .partial_cmp(&scores[a])
                    .unwrap_or(std::cmp::Ordering::Equal)
                    .then(a.cmp(&c))
            });
            if order.iter().enumerate().any(|(i, &o)| i != o) {
                bullet_orders.push((si, bi, order));
            }
        }
    }
    EditPlan {
        summary,
        years: years.map(|y| y.0),
        key_skills,
        surfaced,
        aliases,
        bullet_orders,
        skills_matched: matched_hard.iter().map(|e| e.canonical.clone()).collect(),
    }
}

fn is_skills_heading(section: &str, r: &Resume) -> bool {
    r.sections
        .iter()
        .any(|s| s.kind == SectionKind::Skills && s.heading == section)
}

fn relevance(
    bullet: &str,
    terms: &[(String, String, f64, &TermEvidence)],
    _job: &JobPosting,
) -> f64 {
    let line = IndexedLine::new(super::resume::LineRef {
        section: String::new(),
        kind: SectionKind::Experience,
        role: None,
        is_bullet: true,
        text: bullet.to_string(),
    });
    let mut s = 0.0;
    for (dn, ds, w, e) in terms {
        let t = super::job::JobTerm {
            display: e.term.clone(),
            canonical: e.canonical.clone(),
            kind: e.kind,
            importance: e.importance,
            count: e.job_count,
            weight: e.weight,
            context: String::new(),
        };
        if ResumeIndex::line_match(&line, &t, dn, ds).is_some() {
            s += match e.kind {
                TermKind::Hard => w * 1.0,
                TermKind::Soft => w * 0.4,
                TermKind::Keyword => w * 0.3,
            };
        }
    }
    if bullet.chars().any(|c| c.is_ascii_digit()) {
        s += 0.25;
    }
    s
}

/// Split "Category: a, b (c, d), e" into its prefix and items.
fn split_items(line: &str) -> (String, Vec<String>) {
    let (prefix, rest) = match line.split_once(": ") {
        Some((p, r)) if p.split_whitespace().count() <= 5 => (format!("{p}: "), r),
        _ => (String::new(), line),
    };
    let mut items = Vec::new();
    let mut depth = 0i32;
    let mut cur = String::new();
    let chars: Vec<char> = rest.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth -= 1,
            _ => {}
        }
        // "50,000" is a number, not two items.
        let in_number = i > 0
            && chars[i - 1].is_ascii_digit()
            && chars.get(i + 1).is_some_and(|n| n.is_ascii_digit());
        if c == ',' && depth == 0 && !in_number {
            items.push(cur.trim().to_string());
            cur.clear();
        } else {
            cur.push(c);
        }
    }
    if !cur.trim().is_empty() {
        items.push(cur.trim().to_string());
    }
    (prefix, items)
}

fn reorder_skill_line(line: &str, matched: &[String]) -> String {
    let (prefix, items) = split_items(line);
    // Only reorder lists of short items, never prose.
    if items.len() < 2 || items.iter().any(|i| i.split_whitespace().count() > 6) {
        return line.to_string();
    }
    let rank = |it: &String| -> usize {
        let hits = find_skills(it);
        usize::from(!hits.iter().any(|h| matched.contains(&h.canonical)))
    };
    let mut ranked: Vec<(usize, usize, String)> = items
        .into_iter()
        .enumerate()
        .map(|(i, it)| (rank(&it), i, it))
        .collect();
    ranked.sort();
    let out = ranked
        .into_iter()
        .map(|x| x.2)
        .collect::<Vec<_>>()
        .join(", ");
    format!("{prefix}{out}")
}

fn apply_aliases(line: &str, aliases: &[(String, String)]) -> (String, Vec<(String, String)>) {
    let hits = find_skills(line);
    let mut out = String::new();
    let mut last = 0;
    let mut done = Vec::new();
    for h in hits {
        if let Some((_, display)) = aliases.iter().find(|(c, _)| *c == h.canonical) {
            // Only true aliases (Postgres → PostgreSQL), not inflections (tests → testing).
            if h.norm != display.to_lowercase() && stems_of(&h.norm) != stems_of(display) {
                out.push_str(&line[last..h.start]);
                out.push_str(display);
                last = h.end;
                done.push((h.surface.clone(), display.clone()));
            }
        }
    }
    out.push_str(&line[last..]);
    (out, done)
}

pub struct Written {
    pub resume: Resume,
    pub edits: Vec<Edit>,
    pub diffs: Vec<DiffChunkPayload>,
}

/// Apply the plan to a copy of the resume.
pub fn apply(r: &Resume, p: &EditPlan) -> Written {
    let mut t = r.clone();
    let mut edits = Vec::new();

    // Aliases, written the job's way, in editable lines only (never role headers or education).
    let mut alias_done: Vec<(String, String)> = Vec::new();
    if !p.aliases.is_empty() {
        for s in &mut t.sections {
            let editable_headers = matches!(s.kind, SectionKind::Summary | SectionKind::Skills);
            let editable_bullets =
                !matches!(s.kind, SectionKind::Education | SectionKind::Certifications);
            for b in &mut s.blocks {
                if editable_headers {
                    for h in &mut b.header {
                        let (n, d) = apply_aliases(h, &p.aliases);
                        *h = n;
                        alias_done.extend(d);
                    }
                }
                if editable_bullets {
                    for x in &mut b.bullets {
                        let (n, d) = apply_aliases(x, &p.aliases);
                        *x = n;
                        alias_done.extend(d);
                    }
                }
            }
        }
    }
    alias_done.sort();
    alias_done.dedup();
    let mut alias_ids: Vec<String> = Vec::new();
    for (from, to) in &alias_done {
        let mut id = format!("alias-{}", super::text::slug(from));
        if alias_ids.contains(&id) {
            id = format!("{id}-{}", alias_ids.len() + 1);
        }
        alias_ids.push(id.clone());
        edits.push(Edit {
            id,
            kind: "alias".into(),
            section: "resume".into(),
            description: format!("Wrote '{from}' as '{to}'"),
            reason: format!("the posting writes it '{to}'; same skill"),
        });
    }

    // Bullets by relevance.
    for (si, bi, order) in &p.bullet_orders {
        let Some(heading) = t.sections.get(*si).map(|s| s.heading.clone()) else {
            continue;
        };
        let Some(block) = t.sections.get_mut(*si).and_then(|s| s.blocks.get_mut(*bi)) else {
            continue;
        };
        let old = block.bullets.clone();
        block.bullets = order.iter().filter_map(|&i| old.get(i).cloned()).collect();
        let place = match block
            .role
            .as_ref()
            .and_then(|r| r.employer.clone().or_else(|| r.title.clone()))
        {
            Some(r) => format!("your {} role", short(&r, 40)),
            None => match block.header.first() {
                Some(h) => format!("'{}'", short(h, 40)),
                None => format!("your {} section", heading.to_lowercase()),
            },
        };
        let moved = &block.bullets[0];
        edits.push(Edit {
            id: format!("bullets-{si}-{bi}"),
            kind: "bullet_reorder".into(),
            section: heading,
            description: format!("Moved '{}' to the top of {place}", short(moved, 70)),
            reason: "it evidences the most of what the posting asks for".into(),
        });
    }

    // Skills: with a skills section, each line's matched skills first, plus
    // one line of the skills the rest of the resume shows but the section
    // lacks (never a line repeating what already leads it); without one, a
    // section of the matched skills.
    if !p.key_skills.is_empty() {
        let mut reordered = false;
        // The skills written in a new line, if one was added.
        let mut listed: &[String] = &[];
        match t
            .sections
            .iter_mut()
            .find(|s| s.kind == SectionKind::Skills)
        {
            Some(s) => {
                for b in &mut s.blocks {
                    for line in b.header.iter_mut().chain(b.bullets.iter_mut()) {
                        let new = reorder_skill_line(line, &p.skills_matched);
                        reordered |= new != *line;
                        *line = new;
                    }
                }
                if !p.surfaced.is_empty() {
                    s.blocks.insert(
                        0,
                        Block {
                            header: vec![format!("Additional skills: {}", p.surfaced.join(", "))],
                            ..Block::default()
                        },
                    );
                    listed = &p.surfaced;
                }
            }
            None => {
                let at = t
                    .sections
                    .iter()
                    .position(|s| s.kind != SectionKind::Summary)
                    .unwrap_or(t.sections.len());
                t.sections.insert(
                    at,
                    Section {
                        kind: SectionKind::Skills,
                        heading: "Skills".into(),
                        blocks: vec![Block {
                            header: vec![format!("Key skills: {}", p.key_skills.join(", "))],
                            ..Block::default()
                        }],
                    },
                );
                listed = &p.key_skills;
            }
        }
        if reordered {
            edits.push(Edit {
                id: "skills-key".into(),
                kind: "skills_reorder".into(),
                section: "Skills".into(),
                description: "Put the skills the posting asks for first in each skills line".into(),
                reason: "each is evidenced in your resume".into(),
            });
        }
        if !listed.is_empty() {
            edits.push(Edit {
                id: "skills-surfaced".into(),
                kind: "skills_surface".into(),
                section: "Skills".into(),
                description: format!(
                    "Listed {} in your skills: {}",
                    if listed.len() == 1 {
                        "1 skill".to_string()
                    } else {
                        format!("{} skills", listed.len())
                    },
                    listed.join(", ")
                ),
                reason: "your experience already shows them".into(),
            });
        }
    }

    // Summary from facts, above the original summary (kept as written).
    if let Some(sum) = &p.summary {
        match t
            .sections
            .iter_mut()
            .find(|s| s.kind == SectionKind::Summary)
        {
            Some(s) => s.blocks.insert(
                0,
                Block {
                    header: vec![sum.clone()],
                    ..Block::default()
                },
            ),
            None => t.sections.insert(
                0,
                Section {
                    kind: SectionKind::Summary,
                    heading: "Summary".into(),
                    blocks: vec![Block {
                        header: vec![sum.clone()],
                        ..Block::default()
                    }],
                },
            ),
        }
        edits.push(Edit {
            id: "summary".into(),
            kind: "summary".into(),
            section: "Summary".into(),
            description: format!("Added a summary built from your resume: \"{sum}\""),
            reason: "most recent title, years from your dates, top matched skills".into(),
        });
    }
    let diffs = section_diffs(r, &t, &edits);
    Written {
        resume: t,
        edits,
        diffs,
    }
}

fn short(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let cut: String = s.chars().take(n).collect();
        format!("{}…", cut.trim_end())
    }
}

pub fn diff_ops(old: &str, new: &str) -> Vec<DiffOp> {
    // A pure reorder reads best line by line; anything else word by word.
    let mut a: Vec<&str> = old.lines().collect();
    let mut b: Vec<&str> = new.lines().collect();
    a.sort_unstable();
    b.sort_unstable();
    let d = if a == b {
        TextDiff::from_lines(old, new)
    } else {
        TextDiff::from_words(old, new)
    };
    let mut ops: Vec<DiffOp> = Vec::new();
    for c in d.iter_all_changes() {
        let kind = match c.tag() {
            ChangeTag::Equal => DiffOpKind::Equal,
            ChangeTag::Delete => DiffOpKind::Delete,
            ChangeTag::Insert => DiffOpKind::Insert,
        };
        let v = c.value();
        match ops.last_mut() {
            Some(last) if last.op == kind => last.text.push_str(v),
            _ => ops.push(DiffOp {
                op: kind,
                text: v.to_string(),
            }),
        }
    }
    ops
}

/// One diff chunk per changed section, matched by heading (new sections diff against "").
pub fn section_diffs(before: &Resume, after: &Resume, edits: &[Edit]) -> Vec<DiffChunkPayload> {
    let mut out = Vec::new();
    for (i, s) in after.sections.iter().enumerate() {
        let new = s.lines().join("\n");
        let old = before
            .sections
            .iter()
            .find(|o| o.heading == s.heading && o.kind == s.kind)
            .map(|o| o.lines().join("\n"))
            .unwrap_or_default();
        if old == new {
            continue;
        }
        let mut notes: Vec<&str> = edits
            .iter()
            .filter(|e| {
                e.section == s.heading
                    || (e.kind == "summary" && s.kind == SectionKind::Summary)
                    || (e.kind.starts_with("skills") && s.kind == SectionKind::Skills)
            })
            .map(|e| e.description.as_str())
            .collect();
        notes.dedup();
        let summary = if notes.is_empty() {
            format!("Updated {}", s.heading)
        } else {
            notes.join("; ")
        };
        out.push(DiffChunkPayload {
            patch_id: format!("patch-{i}-{}", s.kind.as_str()),
            section: s.heading.clone(),
            summary: short(&summary, 300),
            ops: diff_ops(&old, &new),
            verdict: None,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{job, matching, resume};

    #[test]
    fn writes_summary_skills_and_reorders() {
        let r = resume::parse_text("Jo Bloggs\n\nSkills:\nExcel, Postgres, Python\n\nExperience:\nData Analyst | Acme | Jan 2019 - Dec 2021\n- Ran the office party\n- Built Kubernetes jobs in Python\n");
        let j = job::parse_text(
            "Data Engineer\n\nRequirements:\n- PostgreSQL\n- Python\n- Kubernetes\n",
        );
        let ev = matching::find_evidence(&j, &ResumeIndex::build(&r));
        let p = plan_edits(&j, &r, &ev);
        assert_eq!(p.years, Some(3));
        let w = apply(&r, &p);
        let md = w.resume.sections[0].lines().join("\n");
        assert!(
            md.starts_with("Data Analyst with 3+ years of experience, skilled in"),
            "{md}"
        );
        let exp = w.resume.section(SectionKind::Experience).unwrap();
        assert_eq!(exp.blocks[0].bullets[0], "Built Kubernetes jobs in Python");
        let skills = w
            .resume
            .section(SectionKind::Skills)
            .unwrap()
            .lines()
            .join("\n");
        assert!(skills.contains("PostgreSQL, Python, Excel"), "{skills}");
        assert!(!w.diffs.is_empty());
        assert!(w.diffs.iter().all(|d| !d.ops.is_empty()));
    }

    const DEC_2026: YearMonth = YearMonth {
        year: 2026,
        month: Some(12),
    };

    #[test]
    fn years_are_the_union_of_role_intervals_never_rounded_up() {
        // A gap of two years and an overlap: 15 + 24 months, the overlap once.
        let r = resume::parse_text("Sam Ortiz\n\nExperience\nData Intern | Lab | Mar 2015 – May 2016\n- Cleaned data\nAnalyst | Shop | Jan 2019 – Dec 2020\n- Built reports\nConsultant | Firm | Jun 2020 – Dec 2020\n- Advised\n");
        assert_eq!(months_worked(&r, DEC_2026), 15 + 24);
        assert_eq!(years_of_experience_at(&r, DEC_2026), Some((3, false)));
        // "Present" is today, not the latest year the resume writes.
        let r = resume::parse_text("Sam Ortiz\n\nExperience\nEngineer | Acme | Jan 2020 – Present\n- Shipped\nIntern | Acme | Jun 2018 – Aug 2018\n- Tested\n");
        assert_eq!(months_worked(&r, DEC_2026), 83 + 3);
        assert_eq!(years_of_experience_at(&r, DEC_2026), Some((7, false)));
        // Eleven months is no year.
        let r = resume::parse_text(
            "Sam Ortiz\n\nExperience\nEngineer | Acme | Jan 2026 – Present\n- Shipped\n",
        );
        assert_eq!(years_of_experience_at(&r, DEC_2026), None);
    }

    #[test]
    fn the_summary_names_the_latest_role_by_its_dates_in_clean_words() {
        let r = resume::parse_text("Lee Park\n\nExperience\nResearch Intern | Vision Lab | 2012 – 2013\n- Labelled images with Python\n*Chief Technology Officer*, Nimbus (https://nimbus.example) | 2015 – Present\n- Led 12 engineers building Python services\n");
        let j = job::parse_text("Engineering Lead\n\nRequirements:\n- Python\n- Leadership\n");
        let ev = matching::find_evidence(&j, &ResumeIndex::build(&r));
        let p = plan_edits(&j, &r, &ev);
        let summary = p.summary.expect("a summary");
        assert!(
            summary.starts_with("Chief Technology Officer with "),
            "{summary}"
        );
        assert!(
            !summary.contains("http") && !summary.contains('*') && !summary.contains("2015"),
            "{summary}"
        );
    }

    #[test]
    fn no_summary_beside_the_persons_own() {
        let r = resume::parse_text("Lee Park\n\nSummary\nBackend engineer who likes boring technology.\n\nExperience\nEngineer | Acme | 2018 – 2022\n- Wrote Python services\n");
        let j = job::parse_text("Backend Engineer\n\nRequirements:\n- Python\n");
        let ev = matching::find_evidence(&j, &ResumeIndex::build(&r));
        assert_eq!(plan_edits(&j, &r, &ev).summary, None);
    }

    #[test]
    fn no_key_skills_line_repeating_the_skills_section() {
        let r = resume::parse_text("Lee Park\n\nSkills\nPython, SQL, Excel\n\nExperience\nAnalyst | Acme | 2018 – 2022\n- Built Tableau dashboards\n");
        let j = job::parse_text("Data Analyst\n\nRequirements:\n- Python\n- SQL\n- Tableau\n");
        let ev = matching::find_evidence(&j, &ResumeIndex::build(&r));
        let w = apply(&r, &plan_edits(&j, &r, &ev));
        let skills = w.resume.section(SectionKind::Skills).unwrap().lines();
        assert!(
            skills.iter().all(|l| !l.starts_with("Key skills")),
            "{skills:?}"
        );
        // Only what the section lacked is added; the section keeps its own.
        assert_eq!(skills[0], "Additional skills: Tableau", "{skills:?}");
        assert_eq!(skills[1], "Python, SQL, Excel");
    }

    #[test]
    fn splits_items_with_parentheses() {
        assert_eq!(
            split_items("served 50,000 users").1,
            vec!["served 50,000 users"]
        );
        let (p, items) = split_items("Tools: Python (Pandas, NumPy), SQL");
        assert_eq!(p, "Tools: ");
        assert_eq!(items, vec!["Python (Pandas, NumPy)", "SQL"]);
    }
}
