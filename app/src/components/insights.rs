use leptos::prelude::*;
use tailor_common::JobState;

/// How many insights the live feed shows; the slots have fixed heights so
/// the page does not jump as new ones arrive.
pub const VISIBLE_INSIGHTS: usize = 4;

#[component]
pub fn InsightsFeed(state: ReadSignal<JobState>) -> impl IntoView {
    let latest = Memo::new(move |_| {
        state.with(|s| {
            s.insights
                .iter()
                .rev()
                .take(VISIBLE_INSIGHTS)
                .cloned()
                .collect::<Vec<_>>()
        })
    });
    let total = Memo::new(move |_| state.with(|s| s.insights.len()));
    view! {
        <section class="card insights" aria-labelledby="insights-title">
            <h2 id="insights-title">
                "Insights"
                <span class="count">{move || format!("{} so far", total.get())}</span>
            </h2>
            <div class="insight-frame">
            <ul class="insight-list" aria-live="polite" aria-labelledby="insights-title">
                <For
                    each=move || latest.get()
                    key=|i| i.id.clone()
                    children=|insight| {
                        view! {
                            <li
                                class=format!("insight importance-{}", insight.importance.as_str())
                                data-category=insight.category.as_str()
                            >
                                <span class="tag">{insight.category.as_str()}</span>
                                <span class="insight-text">{insight.message}</span>
                            </li>
                        }
                    }
                />
            </ul>
            {move || (total.get() == 0).then(|| view! {
                <p class="empty">"Insights appear here as Tailor reads your documents."</p>
            })}
            </div>
        </section>
    }
}
