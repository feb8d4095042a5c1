use leptos::prelude::*;
use tailor_common::{JobState, MetricPayload};

/// Every number the pipeline measured, live: the score's parts and the
/// counts behind it. The headline scores have their own card.
#[component]
pub fn MetricsPanel(state: ReadSignal<JobState>) -> impl IntoView {
    let metrics = Memo::new(move |_| {
        state.with(|s| {
            s.metrics
                .iter()
                .filter(|m| {
                    !m.key
                        .starts_with(tailor_common::metric_keys::MATCH_SCORE_PREFIX)
                })
                .cloned()
                .collect::<Vec<_>>()
        })
    });
    let parts = move || {
        metrics.with(|m| {
            m.iter()
                .filter(|m| m.key.starts_with("score_"))
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    let counts = move || {
        metrics.with(|m| {
            m.iter()
                .filter(|m| !m.key.starts_with("score_"))
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    view! {
        <section class="card" aria-labelledby="metrics-title">
            <h2 id="metrics-title">"Metrics"</h2>
            {move || metrics.with(Vec::is_empty).then(|| view! {
                <p class="empty">"Numbers appear here as each step measures them."</p>
            })}
            <dl class="metric-grid" aria-label="Score breakdown">
                <For each=parts key=|m| (m.key.clone(), m.value.to_bits()) children=metric_row/>
            </dl>
            <dl class="metric-grid" aria-label="Counts">
                <For each=counts key=|m| (m.key.clone(), m.value.to_bits()) children=metric_row/>
            </dl>
        </section>
    }
}

fn metric_row(m: MetricPayload) -> impl IntoView {
    let label = m.label.clone().unwrap_or_else(|| m.key.replace('_', " "));
    view! {
        <div class="metric" data-metric=m.key.clone()>
            <dt>{label}</dt>
            <dd>{format_value(&m)}</dd>
        </div>
    }
}

/// Whole numbers as such, ratios as percentages, the rest to one decimal.
pub fn format_value(m: &MetricPayload) -> String {
    let unit = m.unit.as_deref().unwrap_or("");
    let number = if m.key.ends_with("_ratio") && (0.0..=1.0).contains(&m.value) {
        return format!("{:.0}%", m.value * 100.0);
    } else if m.value.fract() == 0.0 {
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
            format_value(&metric("score_hard_skills", 10.94, Some("points"))),
            "10.9 points"
        );
    }
}
