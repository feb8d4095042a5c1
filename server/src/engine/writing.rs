//! Planning and applying evidenced edits, and the word-level diffs they make.

use std::sync::OnceLock;

use regex::Regex;
use serde::{Deserialize, Serialize};
use similar::{ChangeTag, TextDiff};
use tailor_common::{DiffChunkPayload, DiffOp, DiffOpKind};

use super::job::{JobPosting, TermKind};
use super::matching::{norms_of, stems_of, IndexedLine, MatchKind, ResumeIndex, TermEvidence};
use super::resume::dates::all_dates;
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
/// one, else computed from role dates ("Present" = the resume's latest date).
pub fn years_of_experience(r: &Resume) -> Option<(u32, bool)> {
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
    let roles = r.roles();
    let ranges: Vec<_> = roles.iter().filter_map(|x| x.dates.as_ref()).collect();
    let start = ranges.iter().map(|d| d.start.months(1)).min()?;
    let latest_written = r
        .line_refs()
        .iter()
        .flat_map(|l| all_dates(&l.text))
        .map(|d| d.months(12))
        .max()?;
    let end = ranges
        .iter()
        .map(|d| d.end.map_or(latest_written, |e| e.months(12)))
        .max()?;
    let years = ((end - start + 1) / 12) as u32;
    (years >= 1).then_some((years, false))
}

fn most_recent_title(r: &Resume) -> Option<String> {
    let roles = r.roles();
    let mut best: Option<(i64, usize, String)> = None;
    for (i, role) in roles.iter().enumerate() {
        let Some(t) = &role.title else { continue };
        let end = role.dates.as_ref().map_or(i64::MIN / 2, |d| {
            d.end.map_or(i64::MAX / 2, |e| e.months(12))
        });
        // Earlier position wins ties: resumes list the latest role first.
        if best.as_ref().is_none_or(|(e, _, _)| end > *e) {
            best = Some((end, i, t.clone()));
        }
    }
    best.map(|b| b.2).or_else(|| {
        r.headline
            .first()
            .filter(|h| h.split_whitespace().count() <= 6 && !h.contains(['.', '@']))
            .cloned()
    })
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
    // A summary says something only with years or skills behind the title.
    let summary = if years.is_some() || !top.is_empty() {
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

    // Skills: key skills first, then each line with matched skills first.
    if !p.key_skills.is_empty() {
        let key_line = format!("Key skills: {}", p.key_skills.join(", "));
        match t
            .sections
            .iter_mut()
            .find(|s| s.kind == SectionKind::Skills)
        {
            Some(s) => {
                for b in &mut s.blocks {
                    for h in &mut b.header {
                        *h = reorder_skill_line(h, &p.skills_matched);
                    }
                    for x in &mut b.bullets {
                        *x = reorder_skill_line(x, &p.skills_matched);
                    }
                }
                s.blocks.insert(
                    0,
                    Block {
                        header: vec![key_line],
                        ..Block::default()
                    },
                );
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
                            header: vec![key_line],
                            ..Block::default()
                        }],
                    },
                );
            }
        }
        edits.push(Edit {
            id: "skills-key".into(),
            kind: "skills_reorder".into(),
            section: "Skills".into(),
            description: format!(
                "Listed your {} first, in the posting's words",
                if p.key_skills.len() == 1 {
                    "matched skill".to_string()
                } else {
                    format!("{} matched skills", p.key_skills.len())
                }
            ),
            reason: "each is evidenced in your resume".into(),
        });
        if !p.surfaced.is_empty() {
            edits.push(Edit {
                id: "skills-surfaced".into(),
                kind: "skills_surface".into(),
                section: "Skills".into(),
                description: format!(
                    "Surfaced {} into your skills: {}",
                    p.surfaced.len(),
                    p.surfaced.join(", ")
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

fn diff_ops(old: &str, new: &str) -> Vec<DiffOp> {
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
