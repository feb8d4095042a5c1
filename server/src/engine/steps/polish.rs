//! Step 5 — `polishing`: final scores and the outcome.

use tailor_common::{Importance, InsightCategory, Step};

use crate::engine::job::TermKind;
use crate::engine::report::{insight, metric, Reporter};
use crate::engine::{text, Analysis, Checks, Draft, EngineError, MissingTerm, Outcome, Plan};

/// Step 5 — `polishing`: final scores and the outcome.
pub fn polish(
    a: &Analysis,
    p: &Plan,
    d: &Draft,
    c: &Checks,
    r: &mut dyn Reporter,
) -> Result<Outcome, EngineError> {
    const S: Step = Step::Polishing;
    r.progress(20.0, "Final scores");
    let before = &p.score_before;
    let after = &c.score_after;
    metric(
        r,
        tailor_common::metric_keys::MATCH_SCORE_BEFORE,
        before.total as f64,
        Some("points"),
        "Match score before",
    );
    metric(
        r,
        tailor_common::metric_keys::MATCH_SCORE_AFTER,
        after.total as f64,
        Some("points"),
        "Match score after",
    );
    for comp in &after.components {
        metric(
            r,
            &format!(
                "{}{}",
                tailor_common::metric_keys::SCORE_PART_PREFIX,
                comp.key
            ),
            comp.points,
            Some("points"),
            &format!(
                "{} ({} of {} matched)",
                comp.label, comp.matched, comp.total
            ),
        );
    }
    let bullets = d.resume.work_bullets();
    let q = bullets
        .iter()
        .filter(|b| b.chars().any(|c| c.is_ascii_digit()))
        .count();
    let ratio = if bullets.is_empty() {
        0.0
    } else {
        q as f64 / bullets.len() as f64
    };
    let words = text::word_count(&d.text);
    metric(
        r,
        tailor_common::metric_keys::WORD_COUNT,
        words as f64,
        Some("words"),
        "Word count",
    );
    metric(
        r,
        tailor_common::metric_keys::QUANTIFIED_RATIO,
        (ratio * 1000.0).round() / 10.0,
        Some("%"),
        "Bullets with a measurable result",
    );
    let missing: Vec<MissingTerm> = c
        .evidence_after
        .iter()
        .filter(|e| !e.matched() && e.kind != TermKind::Keyword)
        .map(|e| MissingTerm {
            term: e.term.clone(),
            kind: e.kind,
            importance: e.importance,
            job_count: e.job_count,
            job_context: e.job_context.clone(),
            note: "missing — add only if true".into(),
        })
        .collect();
    metric(
        r,
        tailor_common::metric_keys::MISSING_TERMS,
        missing.len() as f64,
        None,
        "Missing terms",
    );
    let delta = after.total as i64 - before.total as i64;
    insight(
        r,
        S,
        "score-after".into(),
        InsightCategory::Score,
        if after.total >= 75 {
            Importance::Medium
        } else {
            Importance::High
        },
        if delta > 0 {
            format!(
                "Match score {} → {} ({}), with no fact added that your resume does not support.",
                before.total, after.total, after.band
            )
        } else {
            format!(
                "Match score stays at {} ({}): your resume already uses the posting's words for what it shows. {} asked-for terms have no evidence.",
                after.total,
                after.band,
                missing.len()
            )
        },
    );
    // The stated requirements, checked: what a recruiter screens on first.
    let checks = &p.fit.requirements;
    if !checks.is_empty() {
        let met = checks.iter().filter(|c| c.met).count();
        insight(
            r,
            S,
            "fit-requirements".into(),
            InsightCategory::Requirements,
            if met < checks.len() {
                Importance::High
            } else {
                Importance::Low
            },
            format!(
                "{} ({} of {} stated requirements met: {}).",
                crate::engine::fit::headline(&p.fit),
                met,
                checks.len(),
                checks
                    .iter()
                    .map(|c| format!("{} {}", c.asked, if c.met { "✓" } else { "✗" }))
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
        );
    }
    if !bullets.is_empty() {
        insight(
            r,
            S,
            "impact-quantified".into(),
            InsightCategory::Impact,
            if ratio < 0.4 {
                Importance::Medium
            } else {
                Importance::Low
            },
            format!("{q} of {} bullets show a measurable result.", bullets.len()),
        );
    }
    r.progress(100.0, "Prepared the downloads");
    Ok(Outcome {
        candidate_name: a.resume.contact.name.clone(),
        job_title: a.job.title.clone(),
        company: a.job.company.clone(),
        source_format: a.format,
        original_text: a.original_text.clone(),
        original: a.resume.clone(),
        tailored: d.resume.clone(),
        tailored_markdown: d.markdown.clone(),
        tailored_text: d.text.clone(),
        score_before: before.clone(),
        score_after: after.clone(),
        fit: p.fit.clone(),
        evidence: p.evidence.clone(),
        missing,
        validation: c.results.clone(),
        edits: d.edits.clone(),
        diffs: d.diffs.clone(),
        word_count: words,
        quantified_ratio: ratio,
    })
}
