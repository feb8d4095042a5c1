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

/// One expandable card per changed section, with its word-level diff; a
/// line a model is rewriting shows as it is written (a draft, never stored),
/// and each proposed rewrite then shows the gates' verdict.
#[component]
pub fn ChangesFeed(state: ReadSignal<JobState>) -> impl IntoView {
    let diffs = Memo::new(move |_| state.with(|s| s.diffs.clone()));
    let drafts = Memo::new(move |_| state.with(|s| s.drafts.clone()));
    view! {
        <section class="card" aria-labelledby="live-changes-title">
            <h2 id="live-changes-title">"Changes" <span class="count">{move || match diffs.with(Vec::len) {
                1 => "1 section".to_string(),
                n => format!("{n} sections"),
            }}</span></h2>
            <For
                each=move || drafts.get()
                key=|d| d.patch_id.clone()
                children=move |d| {
                    let id = d.patch_id.clone();
                    let text = move || {
                        drafts.with(|all| {
                            all.iter().find(|x| x.patch_id == id).map(|x| x.text.clone()).unwrap_or_default()
                        })
                    };
                    view! {
                        <div class="change live" data-draft=d.patch_id.clone() aria-live="polite">
                            <p><strong>{format!("The language model is rewriting your {}…", d.section)}</strong></p>
                            <p class="hint">"A draft: Tailor checks it against your resume before using any of it."</p>
                            <p class="diff">
                                <del><span class="visually-hidden">"was: "</span>{d.original}</del>" "
                                <ins class="draft-text"><span class="visually-hidden">"being written: "</span>{text}</ins>
                            </p>
                        </div>
                    }
                }
            />
            <For
                each=move || diffs.get()
                key=|d| (d.patch_id.clone(), d.verdict.as_ref().map(|v| v.applied))
                children=|chunk| {
                    let ops = diff_ops(chunk.ops);
                    let section = chunk.section;
                    let section_attr = section.clone();
                    // The summary already gives the reason (the model's, or
                    // the gate's): the badge says whose proposal it was and
                    // what the checks decided.
                    let verdict = chunk.verdict.map(|v| {
                        let (class, kind, words) = if v.applied {
                            ("verdict applied", "applied", "Model's rewrite: passed the checks, applied")
                        } else {
                            ("verdict rejected", "rejected", "Model's rewrite: rejected by the checks")
                        };
                        view! { <span class=class data-verdict=kind title=v.reason>{words}</span> }
                    });
                    view! {
                        <details class="change" data-section=section_attr>
                            <summary><strong>{section}</strong>" — "{chunk.summary}" "{verdict}</summary>
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
