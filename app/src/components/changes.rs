use leptos::prelude::*;
use tailor_common::{DiffOp, DiffOpKind, JobState};

/// A word-level diff: insertions and deletions are marked by element and by
/// hidden words for screen readers, not only by colour.
pub fn diff_ops(ops: Vec<DiffOp>) -> impl IntoView {
    ops.into_iter()
        .map(|op| match op.op {
            DiffOpKind::Equal => view! { <span>{op.text}</span> }.into_any(),
            DiffOpKind::Insert => {
                view! { <ins><span class="visually-hidden">"added: "</span>{op.text}</ins> }
                    .into_any()
            }
            DiffOpKind::Delete => {
                view! { <del><span class="visually-hidden">"removed: "</span>{op.text}</del> }
                    .into_any()
            }
        })
        .collect_view()
}

/// One expandable card per changed section, with its word-level diff.
#[component]
pub fn ChangesFeed(state: ReadSignal<JobState>) -> impl IntoView {
    let diffs = Memo::new(move |_| state.with(|s| s.diffs.clone()));
    view! {
        <section class="card" aria-labelledby="live-changes-title">
            <h2 id="live-changes-title">"Changes" <span class="count">{move || format!("{} sections", diffs.with(Vec::len))}</span></h2>
            <For
                each=move || diffs.get()
                key=|d| d.patch_id.clone()
                children=|chunk| {
                    let ops = diff_ops(chunk.ops);
                    let section = chunk.section;
                    let section_attr = section.clone();
                    view! {
                        <details class="change" data-section=section_attr>
                            <summary><strong>{section}</strong>" — "{chunk.summary}</summary>
                            <p class="diff">{ops}</p>
                        </details>
                    }
                }
            />
            {move || diffs.with(|d| d.is_empty()).then(|| view! {
                <p class="empty">"Each change to your resume appears here, word by word."</p>
            })}
        </section>
    }
}
