use leptos::prelude::*;
use tailor_common::{JobState, Step, StepStatus};

use crate::format;

#[component]
pub fn StepList(state: ReadSignal<JobState>) -> impl IntoView {
    view! {
        <section class="card steps" aria-labelledby="steps-title">
            <h2 id="steps-title">"Pipeline steps"</h2>
            <ol class="step-list" aria-labelledby="steps-title">
                {Step::ALL.into_iter().map(|step| view! { <StepRow state step/> }).collect_view()}
            </ol>
        </section>
    }
}

#[component]
fn StepRow(state: ReadSignal<JobState>, step: Step) -> impl IntoView {
    let row = Memo::new(move |_| state.with(|s| s.steps[step.index()].clone()));
    let status = move || row.with(|r| r.status);
    let status_label = move || match status() {
        StepStatus::Pending => "Waiting",
        StepStatus::Running => "Running",
        StepStatus::Completed => "Completed",
        StepStatus::Failed => "Failed",
        StepStatus::Skipped => "Skipped",
    };
    let detail = move || {
        row.with(|r| {
            let eta = (r.status == StepStatus::Running)
                .then_some(r.eta_sec)
                .flatten()
                .map(|e| format!(" · about {} left", format::eta(e)));
            match (&r.detail, eta) {
                (Some(d), Some(e)) => format!("{d}{e}"),
                (Some(d), None) => d.clone(),
                (None, Some(e)) => e.trim_start_matches(" · ").to_string(),
                (None, None) => String::new(),
            }
        })
    };
    let pct = move || row.with(|r| r.pct);
    view! {
        <li
            class=move || format!("step step-{}", status().as_str())
            data-step=step.as_str()
            data-status=move || status().as_str()
        >
            <span class="step-icon" aria-hidden="true"></span>
            <div class="step-body">
                <div class="step-line">
                    <span class="step-name">{capitalize(step.as_str())}</span>
                    <span class="step-status">{status_label}</span>
                    <span class="step-pct">{move || format::pct(pct())}</span>
                </div>
                <p class="step-title">{step.title()}</p>
                <p class="step-detail">{detail}</p>
                <div class="step-bar" aria-hidden="true">
                    <div class="step-bar-fill" style=move || format!("width: {}%", pct())></div>
                </div>
            </div>
        </li>
    }
}

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
