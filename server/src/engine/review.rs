//! The tailored resume as the person decided it: the original, the plan and
//! the person's [`Decisions`] in, the outcome out — synchronously and with
//! no IO, like the five steps (which it reuses: writing, validating and
//! polishing run again on the decided plan, with a reporter that drops
//! their reports).
//!
//! Changes are named by the ids `writing::apply` gives its edits, except
//! that the surfaced skills, one edit there, are one change per skill
//! (`skill-<slug>`) so each can be kept or dropped. Lines are named by
//! their place in the original (`b-<section>-<block>-<bullet>`,
//! `h-<section>-<block>-<line>` for a summary paragraph, `summary` for the
//! summary Tailor wrote), which no decision moves. A rewrite the language
//! model made (and the gates let through) is a change too, named by its
//! stream id (`rewrite-<path>`): kept, it goes back to the line that still
//! reads as the model saw it.

use tailor_common::result::{EditableLine, ReviewChange, RoleChoice};
use tailor_common::review::{Confirmation, Decisions, Placement};

use super::matching::stems_of;
use super::resume::{Block, Resume, Section, SectionKind};
use super::skills::find_skills;
use super::validate::{self, evidence_violations_given, FactKind};
use super::writing::{self, Edit, EditPlan};
use super::{
    render, text, Analysis, Draft, EngineError, Outcome, Plan, RecordingReporter, Rewrite,
};

/// The decided outcome and what the Review page offers to decide.
#[derive(Debug, Clone)]
pub struct Reviewed {
    pub outcome: Outcome,
    pub changes: Vec<ReviewChange>,
    pub lines: Vec<EditableLine>,
    pub roles: Vec<RoleChoice>,
    pub confirmed: Vec<Confirmation>,
    /// Facts in the person's own words (edits, wordings) that the
    /// original does not support: shown, never blocking.
    pub flags: Vec<String>,
    /// The checks' and the score's updates for this version, as the
    /// validating and polishing steps report them on a job's stream
    /// (`validation_update`, `metric_update`): what a decision streams back.
    pub updates: Vec<tailor_common::EventBody>,
}

/// Why a decision cannot be taken on this result.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecisionError {
    #[error("There is no change '{0}' in this result.")]
    UnknownChange(String),
    #[error("There is no line '{0}' to edit in this result.")]
    UnknownLine(String),
    #[error("There is no role {0} in this resume.")]
    UnknownRole(usize),
    #[error("The term is empty.")]
    EmptyTerm,
}

/// Whether `decision` names things this result has.
pub fn check_decision(
    a: &Analysis,
    p: &Plan,
    rw: &[Rewrite],
    decision: &tailor_common::review::Decision,
) -> Result<(), DecisionError> {
    use tailor_common::review::Decision as D;
    match decision {
        D::Change { change_id, .. } => proposed_changes(a, p, rw)
            .iter()
            .any(|c| &c.id == change_id)
            .then_some(())
            .ok_or_else(|| DecisionError::UnknownChange(change_id.clone())),
        D::Edit { line_id, text } => {
            if text.as_deref().is_some_and(|t| t.trim().is_empty()) {
                return Err(DecisionError::EmptyTerm);
            }
            editable_lines(a, p, rw, &Decisions::default())
                .iter()
                .any(|l| &l.id == line_id)
                .then_some(())
                .ok_or_else(|| DecisionError::UnknownLine(line_id.clone()))
        }
        D::Confirm { term, place, .. } => {
            if term.trim().is_empty() {
                return Err(DecisionError::EmptyTerm);
            }
            match place {
                Placement::Role { role } if *role >= role_blocks(&a.resume).len() => {
                    Err(DecisionError::UnknownRole(*role))
                }
                _ => Ok(()),
            }
        }
        D::Unconfirm { term } if term.trim().is_empty() => Err(DecisionError::EmptyTerm),
        D::Unconfirm { .. } | D::Restore { .. } => Ok(()),
    }
}

/// Every change Tailor proposes for this resume, all kept: the engine's,
/// then the model's rewrites.
pub fn proposed_changes(a: &Analysis, p: &Plan, rw: &[Rewrite]) -> Vec<ReviewChange> {
    let w = writing::apply(&a.resume, &p.edits);
    let listed = listed_skills(&a.resume, &p.edits);
    let mut out = Vec::new();
    for e in &w.edits {
        if e.kind == "skills_surface" {
            for skill in &listed {
                out.push(ReviewChange {
                    id: skill_id(skill),
                    kind: "skill_surface".into(),
                    section: e.section.clone(),
                    description: format!("Listed {skill} in your skills"),
                    reason: e.reason.clone(),
                    accepted: true,
                });
            }
        } else {
            out.push(ReviewChange {
                id: e.id.clone(),
                kind: e.kind.clone(),
                section: e.section.clone(),
                description: e.description.clone(),
                reason: e.reason.clone(),
                accepted: true,
            });
        }
    }
    out.extend(rw.iter().map(|r| ReviewChange {
        id: r.id.clone(),
        kind: "rewrite".into(),
        section: r.place.clone(),
        description: format!(
            "The language model rewrote your {}: \u{201c}{}\u{201d}",
            r.place, r.value
        ),
        reason: r.reason.clone(),
        accepted: true,
    }));
    out
}

/// The model's kept rewrites, written into `r`: each into the line that
/// still reads as the model saw it. A line the person rewrote, or one that
/// a dropped change left different, keeps its own words.
fn apply_rewrites(r: &mut Resume, rw: &[Rewrite], d: &Decisions) -> Vec<Edit> {
    let mut edits = Vec::new();
    for kept in kept_rewrites(rw, d) {
        if let Some(line) = rewritable_lines(r).find(|l| l.as_str() == kept.original) {
            *line = kept.value.clone();
            edits.push(Edit {
                id: kept.id.clone(),
                kind: "rewrite".into(),
                section: kept.place.clone(),
                description: format!("Rewrote your {}", kept.place),
                reason: kept.reason.clone(),
            });
        }
    }
    edits
}

/// The model's rewrites the person did not drop.
fn kept_rewrites<'r>(rw: &'r [Rewrite], d: &'r Decisions) -> impl Iterator<Item = &'r Rewrite> {
    rw.iter().filter(|x| !d.rejected.contains(&x.id))
}

/// The lines a model may rewrite: summary paragraphs and the bullets of
/// roles and projects (the gates' allow-list).
fn rewritable_lines(r: &mut Resume) -> impl Iterator<Item = &mut String> {
    r.sections.iter_mut().flat_map(|s| {
        let kind = s.kind;
        s.blocks.iter_mut().flat_map(move |b| match kind {
            SectionKind::Summary => b.header.iter_mut().collect::<Vec<_>>(),
            SectionKind::Experience | SectionKind::Projects => b.bullets.iter_mut().collect(),
            _ => Vec::new(),
        })
    })
}

fn skill_id(skill: &str) -> String {
    format!("skill-{}", text::slug(skill))
}

/// The skills `writing::apply` lists as new: the surfaced ones beside a
/// skills section, else the key skills in a new one.
fn listed_skills(r: &Resume, plan: &EditPlan) -> Vec<String> {
    if r.section(SectionKind::Skills).is_some() {
        plan.surfaced.clone()
    } else {
        plan.key_skills.clone()
    }
}

/// The experience blocks that are roles, in resume order: (section, block).
fn role_blocks(r: &Resume) -> Vec<(usize, usize)> {
    r.sections
        .iter()
        .enumerate()
        .filter(|(_, s)| s.kind == SectionKind::Experience)
        .flat_map(|(si, s)| {
            s.blocks
                .iter()
                .enumerate()
                .filter(|(_, b)| b.role.is_some())
                .map(move |(bi, _)| (si, bi))
        })
        .collect()
}

fn role_label(b: &Block) -> String {
    let role = b.role.clone().unwrap_or_default();
    match (role.title, role.employer) {
        (Some(t), Some(e)) => format!("{t}, {e}"),
        (Some(x), None) | (None, Some(x)) => x,
        (None, None) => b.header.first().cloned().unwrap_or_default(),
    }
}

/// The roles a confirmed term may go to.
pub fn roles(r: &Resume) -> Vec<RoleChoice> {
    role_blocks(r)
        .into_iter()
        .enumerate()
        .map(|(i, (si, bi))| RoleChoice {
            role: i,
            label: role_label(&r.sections[si].blocks[bi]),
        })
        .collect()
}

/// The lines the person may rewrite, with their edits. A line the model
/// rewrote (and the person kept) is offered in the model's words.
pub fn editable_lines(a: &Analysis, p: &Plan, rw: &[Rewrite], d: &Decisions) -> Vec<EditableLine> {
    let mut out = Vec::new();
    let mut push = |id: String, section: &str, role: Option<String>, proposed: &str| {
        let edited = d.edits.get(&id).cloned();
        let proposed = kept_rewrites(rw, d)
            .find(|x| x.original == proposed)
            .map_or(proposed, |x| x.value.as_str());
        out.push(EditableLine {
            id,
            section: section.to_string(),
            role,
            proposed: proposed.to_string(),
            edited,
        });
    };
    if let Some(summary) = &p.edits.summary {
        push("summary".into(), "Summary", None, summary);
    }
    for (si, s) in a.resume.sections.iter().enumerate() {
        for (bi, b) in s.blocks.iter().enumerate() {
            match s.kind {
                SectionKind::Summary => {
                    for (k, h) in b.header.iter().enumerate() {
                        push(format!("h-{si}-{bi}-{k}"), &s.heading, None, h);
                    }
                }
                SectionKind::Experience | SectionKind::Projects => {
                    let role = b.role.as_ref().map(|_| role_label(b));
                    for (k, x) in b.bullets.iter().enumerate() {
                        push(format!("b-{si}-{bi}-{k}"), &s.heading, role.clone(), x);
                    }
                }
                _ => {}
            }
        }
    }
    out
}

/// The outcome with the person's decisions taken.
pub fn redo(
    a: &Analysis,
    p: &Plan,
    rw: &[Rewrite],
    d: &Decisions,
) -> Result<Reviewed, EngineError> {
    // The person's words in place of the original's, at the same positions,
    // so the plan's bullet orders still hold. Validation below still
    // compares against the true original.
    let mut base = a.resume.clone();
    for (id, t) in &d.edits {
        if let Some(line) = line_mut(&mut base, id) {
            *line = t.clone();
        }
    }
    let plan = decided_plan(a, p, d);
    let written = writing::apply(&base, &plan);
    let mut resume = written.resume;
    let mut edits = written.edits;
    edits.extend(apply_rewrites(&mut resume, rw, d));
    for (id, t) in &d.edits {
        if id == "summary" && plan.summary.is_none() {
            continue;
        }
        edits.push(Edit {
            id: format!("edited-{id}"),
            kind: "edited".into(),
            section: "resume".into(),
            description: format!("You rewrote a line: \"{t}\""),
            reason: "your own words".into(),
        });
    }
    for c in &d.confirmed {
        edits.push(add_confirmation(&mut resume, c));
    }
    let diffs = writing::section_diffs(&a.resume, &resume, &edits);
    let draft = Draft {
        markdown: render::markdown::to_markdown(&resume),
        text: render::markdown::to_text(&resume),
        resume,
        edits,
        diffs,
        rewrites: kept_rewrites(rw, d).cloned().collect(),
    };
    let given: Vec<String> = d.confirmed.iter().map(|c| c.term.clone()).collect();
    let mut heard = RecordingReporter::default();
    let checks = super::steps::check::validate_given(a, p, &draft, &given, &mut heard)?;
    let outcome = super::polish(a, p, &draft, &checks, &mut heard)?;
    let updates = heard
        .events
        .into_iter()
        .filter(|e| {
            matches!(
                e,
                tailor_common::EventBody::ValidationUpdate(_)
                    | tailor_common::EventBody::MetricUpdate(_)
            )
        })
        .collect();
    let flags = own_words_flags(a, &outcome.tailored, d, &given);
    let mut changes = proposed_changes(a, p, rw);
    for c in &mut changes {
        c.accepted = !d.rejected.contains(&c.id);
    }
    Ok(Reviewed {
        changes,
        lines: editable_lines(a, p, rw, d),
        roles: roles(&a.resume),
        confirmed: d.confirmed.clone(),
        flags,
        updates,
        outcome,
    })
}

fn line_mut<'r>(r: &'r mut Resume, id: &str) -> Option<&'r mut String> {
    let mut parts = id.split('-');
    let kind = parts.next()?;
    let mut n = || parts.next()?.parse::<usize>().ok();
    let (si, bi, k) = (n()?, n()?, n()?);
    let block = r.sections.get_mut(si)?.blocks.get_mut(bi)?;
    match kind {
        "b" => block.bullets.get_mut(k),
        "h" => block.header.get_mut(k),
        _ => None,
    }
}

/// The plan without the changes the person dropped, with their summary.
fn decided_plan(a: &Analysis, p: &Plan, d: &Decisions) -> EditPlan {
    let mut plan = p.edits.clone();
    let dropped = |id: &str| d.rejected.contains(id);
    if dropped("summary") {
        plan.summary = None;
    } else if let (Some(_), Some(t)) = (&plan.summary, d.edits.get("summary")) {
        plan.summary = Some(t.clone());
    }
    plan.bullet_orders
        .retain(|(si, bi, _)| !dropped(&format!("bullets-{si}-{bi}")));
    if dropped("skills-key") {
        // Nothing counts as matched: every skills line keeps its order.
        plan.skills_matched.clear();
    }
    plan.surfaced.retain(|s| !dropped(&skill_id(s)));
    plan.key_skills.retain(|s| !dropped(&skill_id(s)));
    // An alias's change id comes from the words the resume wrote it with;
    // find each alias's ids by applying it alone.
    let aliases = std::mem::take(&mut plan.aliases);
    plan.aliases = aliases
        .into_iter()
        .filter(|pair| {
            let alone = EditPlan {
                summary: None,
                years: None,
                key_skills: Vec::new(),
                surfaced: Vec::new(),
                aliases: vec![pair.clone()],
                bullet_orders: Vec::new(),
                skills_matched: Vec::new(),
            };
            let ids = writing::apply(&a.resume, &alone).edits;
            !ids.iter().any(|e| dropped(&e.id))
        })
        .collect();
    plan
}

/// Writes a confirmed term where the person said it belongs.
fn add_confirmation(r: &mut Resume, c: &Confirmation) -> Edit {
    let (section, line) = match c.place {
        Placement::Skills => {
            let item = c.wording.clone().unwrap_or_else(|| c.term.clone());
            add_skill(r, &item);
            ("Skills".to_string(), item)
        }
        Placement::Role { role } => {
            let line = c
                .wording
                .clone()
                .unwrap_or_else(|| format!("Experience with {}", c.term));
            let heading = match role_blocks(r).get(role) {
                Some(&(si, bi)) => {
                    r.sections[si].blocks[bi].bullets.push(line.clone());
                    r.sections[si].heading.clone()
                }
                // Checked before the decision was taken; a resume without
                // that role takes the term in its skills instead.
                None => {
                    add_skill(r, &c.term);
                    "Skills".to_string()
                }
            };
            (heading, line)
        }
    };
    Edit {
        id: format!("confirmed-{}", text::slug(&c.term)),
        kind: "confirmed".into(),
        section,
        description: format!("Added by you: {line}"),
        reason: format!("you said you have {}", c.term),
    }
}

const ADDED_BY_YOU: &str = "Added by you: ";

fn add_skill(r: &mut Resume, item: &str) {
    let at = match r
        .sections
        .iter()
        .position(|s| s.kind == SectionKind::Skills)
    {
        Some(i) => i,
        None => {
            let at = r
                .sections
                .iter()
                .position(|s| s.kind != SectionKind::Summary)
                .unwrap_or(r.sections.len());
            r.sections.insert(
                at,
                Section {
                    kind: SectionKind::Skills,
                    heading: "Skills".into(),
                    blocks: Vec::new(),
                },
            );
            at
        }
    };
    let blocks = &mut r.sections[at].blocks;
    match blocks
        .iter_mut()
        .flat_map(|b| b.header.iter_mut())
        .find(|h| h.starts_with(ADDED_BY_YOU))
    {
        Some(line) => {
            line.push_str(", ");
            line.push_str(item);
        }
        None => blocks.push(Block {
            header: vec![format!("{ADDED_BY_YOU}{item}")],
            ..Block::default()
        }),
    }
}

/// The evidence rule's findings that come from the person's own words: a
/// number or skill in an edited line or a wording that the original does
/// not support. The confirmed terms themselves are evidence they gave.
fn own_words_flags(
    a: &Analysis,
    tailored: &Resume,
    d: &Decisions,
    given: &[String],
) -> Vec<String> {
    let own: Vec<String> = d
        .edits
        .values()
        .cloned()
        .chain(d.confirmed.iter().filter_map(|c| c.wording.clone()))
        .map(|t| t.to_lowercase())
        .collect();
    if own.is_empty() {
        return Vec::new();
    }
    evidence_violations_given(
        &a.resume,
        &a.original_text,
        tailored,
        validate::today(),
        given,
    )
    .into_iter()
    .filter(|v| matches!(v.kind, FactKind::Number | FactKind::Skill | FactKind::Years))
    .filter(|v| {
        let value = v.value.to_lowercase();
        own.iter().any(|t| t.contains(&value))
    })
    .map(|v| v.to_string())
    .collect()
}

/// Whether a skill as written is one of the terms the person confirmed.
pub fn is_given(surface: &str, given: &[String]) -> bool {
    if given.is_empty() {
        return false;
    }
    let canon =
        |s: &str| -> Vec<String> { find_skills(s).into_iter().map(|h| h.canonical).collect() };
    let mine = canon(surface);
    given.iter().any(|g| {
        g.eq_ignore_ascii_case(surface)
            || stems_of(g) == stems_of(surface)
            || canon(g).iter().any(|c| mine.contains(c))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{analyze, plan, JobInput, NullReporter, ReadResume};
    use tailor_common::review::Decision;

    // A resume and a posting written for these tests (not from the corpus).
    const RESUME: &str = "Mira Chen\nmira@example.com\n\nSkills\nPython, SQL, Excel\n\nExperience\nData Analyst | Larkspur Foods | Mar 2019 – Present\n- Built Tableau dashboards for 14 stores\n- Ran the office quiz\n- Cut report time by 30% with Postgres views\nJunior Analyst | Orbit Books | Jan 2016 – Feb 2019\n- Cleaned sales data in Excel\n- Wrote weekly Python reports\n";
    const JOB: &str = "Senior Data Analyst\n\nRequirements:\n- PostgreSQL\n- Tableau\n- Python\n- Kubernetes\n- Airflow\n";

    fn setup() -> (Analysis, Plan) {
        let read = ReadResume {
            format: crate::engine::Format::Text,
            text: RESUME.into(),
            pages: None,
        };
        let a = analyze(&read, &JobInput::Text(JOB.into()), &mut NullReporter).unwrap();
        let p = plan(&a, &mut NullReporter).unwrap();
        (a, p)
    }

    fn evidence_status(o: &Outcome) -> tailor_common::ValidationStatus {
        o.validation
            .iter()
            .find(|r| r.rule_id == "evidence")
            .unwrap()
            .status
    }

    #[test]
    fn no_decisions_is_the_pipeline_s_own_result() {
        let (a, p) = setup();
        let r = redo(&a, &p, &[], &Decisions::default()).unwrap();
        let d = crate::engine::write(&a, &p, &mut NullReporter).unwrap();
        assert_eq!(r.outcome.tailored, d.resume);
        assert!(r.changes.iter().all(|c| c.accepted));
        assert!(
            r.changes.iter().any(|c| c.kind == "skill_surface"),
            "{:?}",
            r.changes
        );
    }

    #[test]
    fn a_dropped_change_is_gone_from_the_resume() {
        let (a, p) = setup();
        let changes = proposed_changes(&a, &p, &[]);
        for c in &changes {
            let mut d = Decisions::default();
            d.rejected.insert(c.id.clone());
            let r = redo(&a, &p, &[], &d).unwrap();
            let all = redo(&a, &p, &[], &Decisions::default()).unwrap();
            assert_ne!(
                r.outcome.tailored_text, all.outcome.tailored_text,
                "{}",
                c.id
            );
            assert!(!r.changes.iter().find(|x| x.id == c.id).unwrap().accepted);
        }
        // Every change dropped: the original, as written.
        let mut d = Decisions::default();
        d.rejected.extend(changes.iter().map(|c| c.id.clone()));
        let r = redo(&a, &p, &[], &d).unwrap();
        assert_eq!(r.outcome.tailored, a.resume);
    }

    #[test]
    fn a_confirmed_term_is_evidence_the_person_gave_and_nothing_more() {
        let (a, p) = setup();
        let before = redo(&a, &p, &[], &Decisions::default()).unwrap().outcome;
        assert!(before.missing.iter().any(|m| m.term == "Kubernetes"));
        let mut d = Decisions::default();
        d.confirmed.push(Confirmation {
            term: "Kubernetes".into(),
            place: Placement::Role { role: 0 },
            wording: Some("Ran Kubernetes jobs for the nightly loads".into()),
        });
        let r = redo(&a, &p, &[], &d).unwrap();
        assert!(r.outcome.score_after.total > before.score_after.total);
        assert!(!r.outcome.missing.iter().any(|m| m.term == "Kubernetes"));
        assert_eq!(
            evidence_status(&r.outcome),
            tailor_common::ValidationStatus::Pass
        );
        assert!(r.flags.is_empty(), "{:?}", r.flags);
        // Another unsupported skill in the same words is flagged.
        d.confirmed[0].wording = Some("Ran Kubernetes and Airflow for 12 teams".into());
        let r = redo(&a, &p, &[], &d).unwrap();
        assert_eq!(
            evidence_status(&r.outcome),
            tailor_common::ValidationStatus::Fail
        );
        assert!(r.flags.iter().any(|f| f.contains("12")), "{:?}", r.flags);
    }

    #[test]
    fn an_edit_is_kept_and_an_unsupported_number_flagged() {
        let (a, p) = setup();
        let line = editable_lines(&a, &p, &[], &Decisions::default())
            .into_iter()
            .find(|l| l.proposed.starts_with("Ran the office"))
            .unwrap();
        let mut d = Decisions::default();
        d.edits
            .insert(line.id.clone(), "Ran the office quiz for 85 people".into());
        let r = redo(&a, &p, &[], &d).unwrap();
        assert!(r.outcome.tailored_text.contains("for 85 people"));
        assert_eq!(r.flags, vec!["number: 85".to_string()]);
        assert_eq!(
            r.lines
                .iter()
                .find(|l| l.id == line.id)
                .unwrap()
                .edited
                .as_deref(),
            Some("Ran the office quiz for 85 people")
        );
        // A supported rewording is not flagged.
        d.edits.insert(line.id, "Hosted the office quiz".into());
        assert!(redo(&a, &p, &[], &d).unwrap().flags.is_empty());
    }

    #[test]
    fn decisions_that_name_nothing_are_refused() {
        let (a, p) = setup();
        let bad = Decision::Change {
            change_id: "nope".into(),
            accepted: false,
        };
        assert_eq!(
            check_decision(&a, &p, &[], &bad),
            Err(DecisionError::UnknownChange("nope".into()))
        );
        let bad = Decision::Confirm {
            term: "Go".into(),
            place: Placement::Role { role: 9 },
            wording: None,
        };
        assert_eq!(
            check_decision(&a, &p, &[], &bad),
            Err(DecisionError::UnknownRole(9))
        );
        let bad = Decision::Edit {
            line_id: "b-99-0-0".into(),
            text: Some("x".into()),
        };
        assert!(check_decision(&a, &p, &[], &bad).is_err());
    }
}
