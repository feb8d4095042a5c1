//! Step 4 — `validating`: every rule, `pending` first, then as each settles.

use tailor_common::{
    EventBody, Importance, InsightCategory, Step, ValidationPayload, ValidationStatus,
};

use crate::engine::matching::{find_evidence, score, ResumeIndex};
use crate::engine::report::{insight, Reporter};
use crate::engine::validate::{self, RuleInput, RULES};
use crate::engine::{render, Analysis, Checks, Draft, EngineError, Plan};

/// Step 4 — `validating`: every rule, `pending` first, then as each settles.
pub fn validate(
    a: &Analysis,
    p: &Plan,
    d: &Draft,
    r: &mut dyn Reporter,
) -> Result<Checks, EngineError> {
    validate_given(a, p, d, &[], r)
}

/// [`validate`], where `given` are the terms the person confirmed having
/// (evidence they gave on the Review page): the evidence rule accepts those
/// skills, and nothing else beyond the original.
pub fn validate_given(
    a: &Analysis,
    // Years claims are judged against the original's dates, not the plan's figure.
    _p: &Plan,
    d: &Draft,
    given: &[String],
    r: &mut dyn Reporter,
) -> Result<Checks, EngineError> {
    for rule in RULES {
        r.emit(EventBody::ValidationUpdate(ValidationPayload {
            rule_id: rule.id.into(),
            status: ValidationStatus::Pending,
            message: "Waiting to be checked.".into(),
            label: Some(rule.label.into()),
        }));
    }
    let idx = ResumeIndex::build(&d.resume);
    let evidence_after = find_evidence(&a.job, &idx);
    let score_after = score(&a.job, &d.resume, &evidence_after);
    let original_md = render::markdown::to_text(&a.resume);
    let input = RuleInput {
        original: &a.resume,
        tailored: &d.resume,
        tailored_text: &d.text,
        original_text: &original_md,
        source_text: &a.original_text,
        job: &a.job,
        score_after: &score_after,
        evidence_after: &evidence_after,
        today: validate::today(),
        given,
    };
    let mut results = Vec::new();
    for (i, rule) in RULES.iter().enumerate() {
        r.progress(
            100.0 * i as f64 / RULES.len() as f64,
            &format!("Checking: {}", rule.label),
        );
        let res = rule.run(&input);
        r.emit(EventBody::ValidationUpdate(ValidationPayload {
            rule_id: res.rule_id.clone(),
            status: res.status,
            message: res.message.clone(),
            label: Some(res.label.clone()),
        }));
        results.push(res);
    }
    let failed = results
        .iter()
        .filter(|x| x.status == ValidationStatus::Fail)
        .count();
    let warned = results
        .iter()
        .filter(|x| x.status == ValidationStatus::Warn)
        .count();
    insight(
        r,
        Step::Validating,
        "checks-summary".into(),
        InsightCategory::Structure,
        if failed > 0 {
            Importance::High
        } else if warned > 0 {
            Importance::Medium
        } else {
            Importance::Low
        },
        format!(
            "{} of {} checks passed, {} to improve, {} failed.",
            results.len() - failed - warned,
            results.len(),
            warned,
            failed
        ),
    );
    r.progress(100.0, "Checked every rule");
    Ok(Checks {
        results,
        evidence_after,
        score_after,
    })
}
