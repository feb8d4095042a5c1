use leptos::prelude::*;
use tailor_common::{metric_keys, JobState, MetricPayload};

/// The few numbers a person reads: the score's parts, then what the
/// resume holds. Each key is read by name (`metric_keys`), so a count the
/// score parts already state, or a number that is not what was made, never
/// shows up as a second tile.
#[component]
pub fn MetricsPanel(state: ReadSignal<JobState>) -> impl IntoView {
    let parts = Memo::new(move |_| {
        state.with(|s| {
            s.metrics
                .iter()
                .filter(|m| m.key.starts_with(metric_keys::SCORE_PART_PREFIX))
                .cloned()
                .collect::<Vec<_>>()
        })
    });
    let counts = Memo::new(move |_| state.with(tiles));
    view! {
        <section class="card" aria-labelledby="metrics-title">
            <h2 id="metrics-title">"Metrics"</h2>
            {move || (parts.with(Vec::is_empty) && counts.with(Vec::is_empty)).then(|| view! {
                <p class="empty">"Numbers appear here as each step measures them."</p>
            })}
            <dl class="metric-grid" aria-label="Score breakdown">
                <For each=move || parts.get() key=|m| (m.key.clone(), m.value.to_bits()) children=|m| {
                    let label = m.label.clone().unwrap_or_else(|| m.key.replace('_', " "));
                    tile(m.key.clone(), label, format_value(&m))
                }/>
            </dl>
            <dl class="metric-grid" aria-label="Counts">
                <For each=move || counts.get() key=|t| t.clone() children=|(key, label, value)| tile(key, label, value)/>
            </dl>
        </section>
    }
}

/// (key, label, value) of each count tile present in the state, in reading
/// order; "required matched" and "required total" are one tile.
fn tiles(s: &JobState) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    if let (Some(m), Some(t)) = (
        s.metric(metric_keys::REQUIRED_MATCHED),
        s.metric(metric_keys::REQUIRED_TOTAL),
    ) {
        out.push((
            metric_keys::REQUIRED_MATCHED.to_string(),
            "Required skills shown".to_string(),
            format!("{m:.0} of {t:.0}"),
        ));
    }
    // What the language model proposed and what the checks let through,
    // when a model was asked.
    if let (Some(applied), Some(made)) = (
        s.metric(metric_keys::LLM_PROPOSALS_APPLIED),
        s.metric(metric_keys::LLM_PROPOSALS_MADE),
    ) {
        out.push((
            metric_keys::LLM_PROPOSALS_APPLIED.to_string(),
            "Model rewrites applied".to_string(),
            format!("{applied:.0} of {made:.0}"),
        ));
    }
    for (key, label) in [
        (
            metric_keys::LLM_PROPOSALS_REJECTED,
            "Model rewrites rejected",
        ),
        (metric_keys::EDITS_APPLIED, "Edits made"),
        (metric_keys::WORD_COUNT, "Word count"),
        (
            metric_keys::QUANTIFIED_RATIO,
            "Bullets with a measurable result",
        ),
        (metric_keys::MISSING_TERMS, "Terms still missing"),
    ] {
        if let Some(m) = s.metrics.iter().find(|m| m.key == key) {
            out.push((key.to_string(), label.to_string(), format_value(m)));
        }
    }
    out
}

fn tile(key: String, label: String, value: String) -> impl IntoView {
    view! {
        <div class="metric" data-metric=key>
            <dt>{label}</dt>
            <dd>{value}</dd>
        </div>
    }
}

/// Whole numbers as such, ratios as percentages, the rest to one decimal.
pub fn format_value(m: &MetricPayload) -> String {
    let unit = m.unit.as_deref().unwrap_or("");
    // A ratio without a unit is 0–1; one with "%" is already a percentage
    // (0.5 % must not read as 50 %).
    if unit.is_empty() && m.key.ends_with("_ratio") && (0.0..=1.0).contains(&m.value) {
        return format!("{:.0}%", m.value * 100.0);
    }
    let number = if m.value.fract() == 0.0 {
        format!("{:.0}", m.value)
    } else {
        format!("{:.1}", m.value)
    };
    match unit {
        "" => number,
        "%" => format!("{number}%"),
        unit => format!("{number} {unit}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn metric(key: &str, value: f64, unit: Option<&str>) -> MetricPayload {
        MetricPayload {
            key: key.into(),
            value,
            unit: unit.map(str::to_string),
            label: None,
        }
    }

    #[test]
    fn formats_counts_ratios_and_units() {
        assert_eq!(
            format_value(&metric("word_count", 688.0, Some("words"))),
            "688 words"
        );
        assert_eq!(format_value(&metric("quantified_ratio", 0.39, None)), "39%");
        assert_eq!(
            format_value(&metric("quantified_ratio", 0.5, Some("%"))),
            "0.5%"
        );
        assert_eq!(
            format_value(&metric("score_hard_skills", 10.94, Some("points"))),
            "10.9 points"
        );
    }
}
