use leptos::prelude::*;
use tailor_common::metric_keys::{MATCH_SCORE_AFTER, MATCH_SCORE_BEFORE};
use tailor_common::{result::band, JobState};

/// The match score as it moves, once the planning step has computed it.
#[component]
pub fn ScoreSummary(state: ReadSignal<JobState>) -> impl IntoView {
    let before = Memo::new(move |_| state.with(|s| s.metric(MATCH_SCORE_BEFORE)));
    let after = Memo::new(move |_| state.with(|s| s.metric(MATCH_SCORE_AFTER)));
    view! {
        <section class="card score" aria-labelledby="score-title">
            <h2 id="score-title">"Match score"</h2>
            <div class="score-row">
                <div class="score-cell">
                    <span class="score-label">"Before"</span>
                    <span class="score-value" data-metric=MATCH_SCORE_BEFORE>
                        {move || before.get().map(|v| format!("{v:.0}")).unwrap_or_else(|| "—".into())}
                    </span>
                    {move || before.get().map(|v| view! { <span class=format!("band band-{}", band(v))>{band(v)}</span> })}
                </div>
                <span class="score-arrow" aria-hidden="true">"→"</span>
                <div class="score-cell">
                    <span class="score-label">"After"</span>
                    <span class="score-value" data-metric=MATCH_SCORE_AFTER>
                        {move || after.get().map(|v| format!("{v:.0}")).unwrap_or_else(|| "—".into())}
                    </span>
                    {move || after.get().map(|v| view! { <span class=format!("band band-{}", band(v))>{band(v)}</span> })}
                </div>
            </div>
            <p class="hint">"Out of 100: how much of what the posting asks for your resume shows. 75 or more is strong."</p>
        </section>
    }
}
