//! Step 3 — `writing`: the evidenced edits applied, one diff chunk per changed section.

use std::collections::BTreeMap;

use tailor_common::{EventBody, Importance, InsightCategory, Step};

use crate::engine::report::{insight, metric, Ids, Reporter};
use crate::engine::{render, writing, Analysis, Draft, EngineError, Plan};

/// Edits of one kind told one by one as insights; the rest in one line.
const INSIGHTS_PER_EDIT_KIND: usize = 5;

fn category(kind: &str) -> (InsightCategory, Importance) {
    match kind {
        "bullet_reorder" => (InsightCategory::Impact, Importance::Low),
        "alias" => (InsightCategory::Keywords, Importance::Low),
        "summary" => (InsightCategory::Structure, Importance::Medium),
        _ => (InsightCategory::Skills, Importance::Medium),
    }
}

/// Step 3 — `writing`: apply the evidenced edits; one diff chunk per changed section.
pub fn write(a: &Analysis, p: &Plan, r: &mut dyn Reporter) -> Result<Draft, EngineError> {
    const S: Step = Step::Writing;
    r.progress(10.0, "Applying evidenced edits");
    let w = writing::apply(&a.resume, &p.edits);
    let n = w.diffs.len().max(1);
    for (i, d) in w.diffs.iter().enumerate() {
        r.progress(
            20.0 + 60.0 * (i as f64 + 1.0) / n as f64,
            &format!("Rewrote {}", d.section),
        );
        r.emit(EventBody::DiffChunk(d.clone()));
    }
    let mut ids = Ids::default();
    // An insight per edit, up to a few of each kind; the rest of a kind in
    // one line (a resume with thousands of roles has thousands of bullet
    // reorders). The result lists every edit.
    let mut per_kind: BTreeMap<&str, usize> = BTreeMap::new();
    for e in &w.edits {
        let (cat, imp) = category(&e.kind);
        let seen = per_kind.entry(e.kind.as_str()).or_default();
        *seen += 1;
        if *seen > INSIGHTS_PER_EDIT_KIND {
            continue;
        }
        insight(
            r,
            S,
            ids.take(format!("edit-{}", e.id)),
            cat,
            imp,
            format!("{} ({}).", e.description, e.reason),
        );
    }
    for (kind, n) in per_kind {
        let more = n.saturating_sub(INSIGHTS_PER_EDIT_KIND);
        if more > 0 {
            let (cat, _) = category(kind);
            insight(
                r,
                S,
                ids.take(format!("edit-more-{kind}")),
                cat,
                Importance::Low,
                format!(
                    "{} more {} edits like these; the result lists every edit.",
                    more,
                    kind.replace('_', " ")
                ),
            );
        }
    }
    metric(
        r,
        tailor_common::metric_keys::EDITS_APPLIED,
        w.edits.len() as f64,
        None,
        "Edits applied",
    );
    r.progress(90.0, "Rendering Markdown and text");
    let markdown = render::markdown::to_markdown(&w.resume);
    let text = render::markdown::to_text(&w.resume);
    r.progress(100.0, "Wrote the tailored resume");
    Ok(Draft {
        resume: w.resume,
        edits: w.edits,
        diffs: w.diffs,
        markdown,
        text,
        rewrites: Vec::new(),
    })
}
