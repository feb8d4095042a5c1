//! Step 3 — `writing`: the evidenced edits applied, one diff chunk per changed section.

use tailor_common::{EventBody, Importance, InsightCategory, Step};

use crate::engine::report::{insight, metric, Ids, Reporter};
use crate::engine::{render, writing, Analysis, Draft, EngineError, Plan};

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
    for e in &w.edits {
        let (cat, imp) = match e.kind.as_str() {
            "bullet_reorder" => (InsightCategory::Impact, Importance::Low),
            "alias" => (InsightCategory::Keywords, Importance::Low),
            "summary" => (InsightCategory::Structure, Importance::Medium),
            _ => (InsightCategory::Skills, Importance::Medium),
        };
        insight(
            r,
            S,
            ids.take(format!("edit-{}", e.id)),
            cat,
            imp,
            format!("{} ({}).", e.description, e.reason),
        );
    }
    metric(
        r,
        "edits_applied",
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
    })
}
