use leptos::prelude::*;
use tailor_common::{JobState, ValidationPayload, ValidationStatus};

/// One rule: its status in words, its name, and what to do.
pub fn check_row(v: ValidationPayload) -> impl IntoView {
    let status = match v.status {
        ValidationStatus::Pass => "Pass",
        ValidationStatus::Warn => "Warning",
        ValidationStatus::Fail => "Fail",
        ValidationStatus::Pending => "Checking",
    };
    let label = v.label.clone().unwrap_or_else(|| v.rule_id.clone());
    view! {
        <li class=format!("check check-{}", v.status.as_str()) data-rule=v.rule_id data-status=v.status.as_str()>
            <span class="check-status">{status}</span>
            <span class="check-label">{label}</span>
            <span class="check-message">{v.message}</span>
        </li>
    }
}

/// Every validation rule as it settles: pending → pass / warn / fail.
#[component]
pub fn ValidationChecklist(state: ReadSignal<JobState>) -> impl IntoView {
    let rules = Memo::new(move |_| state.with(|s| s.validations.clone()));
    view! {
        <section class="card" aria-labelledby="live-checks-title">
            <h2 id="live-checks-title">"Validation checks"</h2>
            <ul class="check-list" aria-labelledby="live-checks-title">
                <For
                    each=move || rules.get()
                    key=|v| (v.rule_id.clone(), v.status.as_str(), v.message.clone())
                    children=check_row
                />
            </ul>
            {move || rules.with(|r| r.is_empty()).then(|| view! {
                <p class="empty">"The checks run once the tailored resume is written."</p>
            })}
        </section>
    }
}
