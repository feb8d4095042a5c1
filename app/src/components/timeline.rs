//! The account of a finished job: what each step did, how long it took and
//! what it found. A job that ran in milliseconds has nothing to watch, so
//! the page reads as a report instead of replaying progress bars.

use leptos::prelude::*;
use tailor_common::{InsightPayload, JobState, Step, StepStatus};

use super::insights::insight_item;

#[component]
pub fn JobTimeline(state: ReadSignal<JobState>) -> impl IntoView {
    let total = Memo::new(move |_| state.with(|s| s.insights.len()));
    // Findings no step claims (none today) still belong in the account.
    let unclaimed = Memo::new(move |_| {
        state.with(|s| {
            s.insights
                .iter()
                .filter(|i| i.step.is_none())
                .cloned()
                .collect::<Vec<_>>()
        })
    });
    view! {
        <section class="card timeline" aria-labelledby="steps-title">
            <h2 id="steps-title">
                "What Tailor did"
                <span class="count" data-findings=move || total.get().to_string()>
                    {move || format!("{} findings", total.get())}
                </span>
            </h2>
            <ol class="timeline-list" aria-label="Pipeline steps">
                {Step::ALL.into_iter().map(|step| view! { <TimelineStep state step/> }).collect_view()}
            </ol>
            {move || (!unclaimed.with(Vec::is_empty)).then(|| view! {
                <h3>"Other findings"</h3>
                <ul class="findings">{unclaimed.get().into_iter().map(insight_item).collect_view()}</ul>
            })}
        </section>
    }
}

#[component]
fn TimelineStep(state: ReadSignal<JobState>, step: Step) -> impl IntoView {
    let row = Memo::new(move |_| state.with(|s| s.steps[step.index()].clone()));
    let findings = Memo::new(move |_| {
        state.with(|s| {
            s.insights
                .iter()
                .filter(|i| i.step == Some(step))
                .cloned()
                .collect::<Vec<InsightPayload>>()
        })
    });
    let status = move || row.with(|r| r.status);
    let outcome = move || match status() {
        StepStatus::Completed => "Done",
        StepStatus::Failed => "Failed",
        StepStatus::Skipped => "Skipped",
        StepStatus::Running => "Stopped while running",
        StepStatus::Pending => "Not run",
    };
    // The server's own measure ("Done in 18 ms"), or why the step failed.
    let detail = move || row.with(|r| r.detail.clone().unwrap_or_default());
    view! {
        <li
            class=move || format!("tl-step step-{}", status().as_str())
            data-step=step.as_str()
            data-status=move || status().as_str()
        >
            <span class="step-icon" aria-hidden="true"></span>
            <div class="tl-body">
                <h3 class="tl-line">
                    <span class="step-name">{step.title()}</span>
                    <span class="tl-outcome">{outcome}</span>
                </h3>
                <p class="tl-detail">{detail}</p>
                {move || (!findings.with(Vec::is_empty)).then(|| view! {
                    <ul class="findings" aria-label=format!("Findings of {}", step.as_str())>
                        {findings.get().into_iter().map(insight_item).collect_view()}
                    </ul>
                })}
            </div>
        </li>
    }
}
