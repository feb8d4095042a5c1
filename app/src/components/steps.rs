use leptos::prelude::*;
use tailor_common::{JobState, Step, StepStatus};

use crate::format;

/// The browser's clock, once a second, for the running step's elapsed
/// time. `None` on the server and at hydration, so both render the same.
fn clock() -> ReadSignal<Option<f64>> {
    let (now, set_now) = signal(None::<f64>);
    #[cfg(feature = "hydrate")]
    if let Ok(handle) = set_interval_with_handle(
        move || set_now.set(Some(js_sys::Date::now())),
        std::time::Duration::from_secs(1),
    ) {
        on_cleanup(move || handle.clear());
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = set_now;
    now
}

/// The live view of the steps, for work a person waits for (a URL fetch):
/// each step's progress, what it is doing and, while it runs, for how long.
#[component]
pub fn StepList(state: ReadSignal<JobState>) -> impl IntoView {
    let now = clock();
    view! {
        <section class="card steps" aria-labelledby="steps-title">
            <h2 id="steps-title">"Pipeline steps"</h2>
            <ol class="step-list" aria-labelledby="steps-title">
                {Step::ALL.into_iter().map(|step| view! { <StepRow state step now/> }).collect_view()}
            </ol>
        </section>
    }
}

#[component]
fn StepRow(state: ReadSignal<JobState>, step: Step, now: ReadSignal<Option<f64>>) -> impl IntoView {
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
            let running = r.status == StepStatus::Running;
            let eta = running
                .then_some(r.eta_sec)
                .flatten()
                .map(|e| format!("about {} left", format::eta(e)));
            // The server's clock started the step; a clock a little off
            // only shifts the count, never makes it negative.
            let elapsed = running
                .then(|| Some((now.get()? - r.started_at? as f64) / 1000.0))
                .flatten()
                .filter(|secs| *secs >= 1.0)
                .map(|secs| format!("{} so far", format::elapsed(secs)));
            [r.detail.clone(), elapsed, eta]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" · ")
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
