use leptos::prelude::*;
use tailor_common::{Importance, InsightCategory, InsightPayload, JobState};

/// How many insights the live feed shows; the slots have fixed heights so
/// the page does not jump as new ones arrive.
pub const VISIBLE_INSIGHTS: usize = 4;

#[component]
pub fn InsightsFeed(state: ReadSignal<JobState>) -> impl IntoView {
    let total = Memo::new(move |_| state.with(|s| s.insights.len()));
    // Server and hydration render everything known; later arrivals are
    // revealed one per dwell period.
    let (shown, set_shown) = signal(total.get_untracked());
    #[cfg(feature = "hydrate")]
    {
        /// Each new insight stays at least this long before the next one moves
        /// it down, so a burst from one step stays readable.
        const DWELL_MS: u64 = 450;
        /// A backlog longer than this is skipped through: the feed never lags far.
        const MAX_BACKLOG: usize = 8;
        if let Ok(handle) = set_interval_with_handle(
            move || {
                let (t, s) = (total.get_untracked(), shown.get_untracked());
                if s < t && state.with_untracked(JobState::is_done) {
                    // Nothing more is coming: show where the job ended.
                    set_shown.set(t);
                } else if s < t {
                    set_shown.set(if t - s > MAX_BACKLOG {
                        t - MAX_BACKLOG
                    } else {
                        s + 1
                    });
                }
            },
            std::time::Duration::from_millis(DWELL_MS),
        ) {
            on_cleanup(move || handle.clear());
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = set_shown;
    let latest = Memo::new(move |_| {
        let n = shown.get();
        state.with(|s| {
            s.insights
                .iter()
                .take(n)
                .rev()
                .take(VISIBLE_INSIGHTS)
                .cloned()
                .collect::<Vec<_>>()
        })
    });
    view! {
        <section class="card insights" aria-labelledby="insights-title">
            <h2 id="insights-title">
                "Insights"
                <span class="count">{move || format!("{} so far", total.get())}</span>
            </h2>
            <div class="insight-frame">
                <ul class="insight-list" aria-live="polite" aria-labelledby="insights-title">
                    <For each=move || latest.get() key=|i| i.id.clone() children=live_item/>
                </ul>
                {move || (total.get() == 0).then(|| view! {
                    <p class="empty">"Insights appear here as Tailor reads your documents."</p>
                })}
            </div>
        </section>
    }
}

/// The tag names the category, and says "important" in words: the
/// border's colour is never the only sign.
fn tag(insight: &InsightPayload) -> impl IntoView {
    let important = insight.importance == Importance::High;
    view! {
        <span class="tag">
            {insight.category.as_str()}
            {important.then_some(" · important")}
        </span>
    }
}

/// One insight, in full.
pub fn insight_item(insight: InsightPayload) -> impl IntoView {
    view! {
        <li class=format!("insight importance-{}", insight.importance.as_str()) data-category=insight.category.as_str()>
            {tag(&insight)}
            <span class="insight-text">{insight.message}</span>
        </li>
    }
}

/// One insight in the live feed's fixed slot: clamped to three lines, and
/// opened in full (by click, Enter or Space) as a disclosure.
fn live_item(insight: InsightPayload) -> impl IntoView {
    view! {
        <li class=format!("insight importance-{}", insight.importance.as_str()) data-category=insight.category.as_str()>
            {tag(&insight)}
            <details class="insight-more">
                <summary class="insight-text">{insight.message}</summary>
            </details>
        </li>
    }
}

const CATEGORIES: [InsightCategory; 7] = [
    InsightCategory::Skills,
    InsightCategory::Requirements,
    InsightCategory::Keywords,
    InsightCategory::Gaps,
    InsightCategory::Impact,
    InsightCategory::Structure,
    InsightCategory::Score,
];

/// Every insight of the job, newest first, filterable by category and
/// importance; it stays after the job ends.
#[component]
pub fn AllInsights(state: ReadSignal<JobState>) -> impl IntoView {
    let (category, set_category) = signal(String::new());
    let (importance, set_importance) = signal(String::new());
    let matching = Memo::new(move |_| {
        let (c, i) = (category.get(), importance.get());
        state.with(|s| {
            s.insights
                .iter()
                .rev()
                .filter(|x| c.is_empty() || x.category.as_str() == c)
                .filter(|x| i.is_empty() || x.importance.as_str() == i)
                .cloned()
                .collect::<Vec<_>>()
        })
    });
    view! {
        <section class="card" aria-labelledby="all-insights-title">
            <h2 id="all-insights-title">"All insights" <span class="count">{move || format!("{} shown", matching.with(Vec::len))}</span></h2>
            <div class="filters">
                <label>
                    "Category "
                    <select on:change=move |ev| set_category.set(event_target_value(&ev))>
                        <option value="">"All"</option>
                        {CATEGORIES.iter().map(|c| view! { <option value=c.as_str()>{c.as_str()}</option> }).collect_view()}
                    </select>
                </label>
                <label>
                    "Importance "
                    <select on:change=move |ev| set_importance.set(event_target_value(&ev))>
                        <option value="">"All"</option>
                        {[Importance::High, Importance::Medium, Importance::Low]
                            .iter()
                            .map(|i| view! { <option value=i.as_str()>{i.as_str()}</option> })
                            .collect_view()}
                    </select>
                </label>
            </div>
            // It scrolls: focusable, so a keyboard can scroll it too.
            <ul class="all-insights" aria-labelledby="all-insights-title" tabindex="0">
                <For each=move || matching.get() key=|i| i.id.clone() children=insight_item/>
            </ul>
        </section>
    }
}
