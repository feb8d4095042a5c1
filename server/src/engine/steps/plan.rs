//! Step 2 — `planning`: evidence for each term, the score, the edits.

use tailor_common::result::Verdict;
use tailor_common::{Importance, InsightCategory, Step};

use crate::engine::job::{self, TermKind};
use crate::engine::matching::{find_evidence, score, ResumeIndex, TermEvidence};
use crate::engine::report::{insight, metric, plural, Ids, Reporter};
use crate::engine::{fit, text, writing, Analysis, EngineError, Plan};

/// Step 2 — `planning`: evidence for each term, the score, the edits.
pub fn plan(a: &Analysis, r: &mut dyn Reporter) -> Result<Plan, EngineError> {
    const S: Step = Step::Planning;
    r.progress(10.0, "Indexing your resume");
    let idx = ResumeIndex::build(&a.resume);
    r.progress(
        35.0,
        &format!("Looking for evidence of {} job terms", a.job.terms.len()),
    );
    let evidence = find_evidence(&a.job, &idx);
    r.progress(65.0, "Scoring the match");
    let score_before = score(&a.job, &a.resume, &evidence);
    let fit = fit::assess(&a.job, &a.resume, &evidence, &score_before);
    let edits = writing::plan_edits(&a.job, &a.resume, &evidence);
    let mut ids = Ids::default();

    let req: Vec<&TermEvidence> = evidence
        .iter()
        .filter(|e| e.kind == TermKind::Hard && e.importance == job::Importance::Required)
        .collect();
    let req_m = req.iter().filter(|e| e.matched()).count();
    let hard: Vec<&TermEvidence> = evidence
        .iter()
        .filter(|e| e.kind == TermKind::Hard)
        .collect();
    let hard_m = hard.iter().filter(|e| e.matched()).count();
    if !req.is_empty() {
        insight(
            r,
            S,
            "skills-matched".into(),
            InsightCategory::Skills,
            if req_m * 2 < req.len() {
                Importance::High
            } else {
                Importance::Medium
            },
            format!("{req_m} of {} required skills matched.", req.len()),
        );
    } else if !hard.is_empty() {
        insight(
            r,
            S,
            "skills-matched".into(),
            InsightCategory::Skills,
            Importance::Medium,
            format!("{hard_m} of {} skills in the posting matched.", hard.len()),
        );
    }
    // The posting's most repeated skills and where the resume shows them.
    let mut freq: Vec<&TermEvidence> = evidence
        .iter()
        .filter(|e| e.kind == TermKind::Hard && e.job_count >= 2)
        .collect();
    freq.sort_by_key(|x| std::cmp::Reverse(x.job_count));
    for e in freq.iter().take(3) {
        let where_ = if !e.matched() {
            "your resume does not show it".to_string()
        } else if e.roles.is_empty() {
            format!(
                "your resume shows it in {}",
                plural(e.resume_count, "place", "places")
            )
        } else {
            format!(
                "your resume shows it in {}",
                plural(e.roles.len(), "role", "roles")
            )
        };
        insight(
            r,
            S,
            ids.take(format!("term-{}", text::slug(&e.canonical))),
            InsightCategory::Keywords,
            if e.matched() {
                Importance::Low
            } else {
                Importance::High
            },
            format!(
                "The posting asks for {} {} times; {where_}.",
                e.term, e.job_count
            ),
        );
    }
    let mut gaps: Vec<&TermEvidence> = evidence
        .iter()
        .filter(|e| e.kind == TermKind::Hard && !e.matched())
        .collect();
    gaps.sort_by(|x, y| {
        y.importance
            .cmp(&x.importance)
            .then(y.weight.total_cmp(&x.weight))
    });
    for e in gaps.iter().take(5) {
        insight(
            r,
            S,
            ids.take(format!("gap-{}", text::slug(&e.canonical))),
            InsightCategory::Gaps,
            if e.importance == job::Importance::Required {
                Importance::High
            } else {
                Importance::Medium
            },
            format!(
                "No evidence of {} ({}) — add it only if it is true.",
                e.term,
                e.importance.as_str()
            ),
        );
    }
    // The verdict beside the score, in plain words.
    insight(
        r,
        S,
        "fit".into(),
        InsightCategory::Requirements,
        match fit.verdict {
            Verdict::Strong | Verdict::Fair => Importance::Medium,
            Verdict::Stretch | Verdict::Mismatch => Importance::High,
        },
        fit::headline(&fit),
    );
    insight(
        r,
        S,
        "score-before".into(),
        InsightCategory::Score,
        if score_before.total < 50 {
            Importance::High
        } else {
            Importance::Medium
        },
        format!(
            "Match score before tailoring: {} ({}). {}",
            score_before.total,
            score_before.band,
            score_before
                .components
                .iter()
                .map(|c| format!("{} {:.0}/{:.0}", c.label, c.points, c.max))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    );
    metric(
        r,
        tailor_common::metric_keys::MATCH_SCORE_BEFORE,
        score_before.total as f64,
        Some("points"),
        "Match score before",
    );
    // The hard-skill counts are in the score's parts, and what was planned
    // is not what was made: the writing step counts the edits it applied.
    metric(
        r,
        tailor_common::metric_keys::REQUIRED_MATCHED,
        req_m as f64,
        None,
        "Required skills matched",
    );
    metric(
        r,
        tailor_common::metric_keys::REQUIRED_TOTAL,
        req.len() as f64,
        None,
        "Required skills asked for",
    );
    r.progress(100.0, "Planned the edits");
    Ok(Plan {
        evidence,
        score_before,
        fit,
        edits,
    })
}
