use leptos::prelude::*;
use tailor_common::JobState;

use crate::format;

#[component]
pub fn OverallProgress(state: ReadSignal<JobState>) -> impl IntoView {
    let pct = Memo::new(move |_| state.with(|s| s.overall_pct().round()));
    view! {
        <div class="overall">
            <div
                class="bar"
                role="progressbar"
                aria-label="Overall progress"
                aria-valuemin="0"
                aria-valuemax="100"
                aria-valuenow=move || pct.get().to_string()
            >
                <div class="bar-fill" style=move || format!("width: {}%", pct.get())></div>
            </div>
            <span class="bar-label">{move || format::pct(pct.get())}</span>
        </div>
    }
}
