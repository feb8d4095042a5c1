//! The Review page at `/jobs/{id}/review`: the tailored resume beside the
//! original, the score and why, the evidence, the gaps, the checks, and the
//! downloads; and where the person decides: keep or drop each change,
//! confirm a missing term, edit a line, go back to a version.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use tailor_common::{
    result::ScoreBreakdown,
    review::{Decision, Placement},
    JobResult,
};

use crate::{
    api::load_result,
    components::{check_row, diff_ops},
    pages::not_found::set_status_not_found,
};

#[component]
pub fn ReviewPage() -> impl IntoView {
    let params = use_params_map();
    let result = Resource::new(
        move || params.read().get("id").unwrap_or_default(),
        load_result,
    );
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading the results…"</p> }>
            {move || Suspend::new(async move {
                match result.await {
                    Ok(Some(view)) => {
                        view! { <Review result=view.result read_only=view.read_only/> }.into_any()
                    }
                    Ok(None) => {
                        set_status_not_found();
                        view! {
                            <Title text="No results — Tailor"/>
                            <section class="card notice" aria-labelledby="noresult-title">
                                <h1 id="noresult-title">"No results for this job"</h1>
                                <p>"The job is unknown, still running, or ended without a result."</p>
                                <p><a class="button" href="/">"Tailor a resume"</a></p>
                            </section>
                        }
                        .into_any()
                    }
                    Err(e) => view! {
                        <section class="card notice" role="alert"><h1>"Could not load the results"</h1><p>{crate::api::problem_text(&e)}</p></section>
                    }
                    .into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Review(result: JobResult, read_only: bool) -> impl IntoView {
    let heading = match (&result.job_title, &result.company) {
        (Some(t), Some(c)) => format!("Tailored for {t} at {c}"),
        (Some(t), None) => format!("Tailored for {t}"),
        _ => "Your tailored resume".to_string(),
    };
    let job_id = result.job_id;
    let subline = result
        .candidate_name
        .clone()
        .unwrap_or_else(|| "Your resume".into());
    // The result as decided: every decision answers with the new one.
    let current = RwSignal::new(result);
    let (busy, set_busy) = signal(false);
    let (problem, set_problem) = signal(None::<String>);
    let decide = Callback::new(move |decision: Decision| {
        set_problem.set(None);
        #[cfg(feature = "hydrate")]
        {
            set_busy.set(true);
            leptos::task::spawn_local(async move {
                match crate::api::decide(job_id, &decision).await {
                    Ok(r) => current.set(r),
                    Err(message) => set_problem.set(Some(message)),
                }
                set_busy.set(false);
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (decision, set_busy);
    });
    let ctx = Decide {
        send: decide,
        busy,
        read_only,
    };
    view! {
        <Title text="Review — Tailor"/>
        <section class="card review-head" aria-labelledby="review-title">
            <div class="job-head-row">
                <div>
                    <h1 id="review-title">{heading}</h1>
                    <p class="subline">
                        {subline}
                        {move || current.with(|r| format!(" · {} words · {:.0}% of bullets show a measurable result", r.word_count, r.quantified_ratio * 100.0))}
                    </p>
                </div>
                <a class="button" href=format!("/jobs/{job_id}")>"Back to the progress"</a>
            </div>
            {move || view! { <Downloads result=current.get()/> }}
            {if read_only {
                view! {
                    <p class="hint" data-testid="shared-note">
                        "Shared with you: you can read and download this result, not change it."
                    </p>
                }
                .into_any()
            } else {
                view! {
                    <ShareLink job_id/>
                    <p class="again">
                        <a href=tailor_common::paths::run_again_page(job_id)>
                            "Run again with a different posting or resume"
                        </a>
                    </p>
                }
                .into_any()
            }}
        </section>
        <p class="form-error decide-problem" role="alert" data-testid="decide-problem">{move || problem.get()}</p>
        <FitVerdict fit=current.with_untracked(|r| r.fit.clone())/>
        {move || {
            let r = current.get();
            view! {
                <Scores before=r.score_before.clone() after=r.score_after.clone()/>
                <SideBySide original=r.original_text.clone() tailored=r.tailored_text.clone() terms=highlight_terms(&r)/>
                <Changes result=r.clone() ctx/>
                <Versions result=r.clone() ctx/>
                <EditLines result=r.clone() ctx/>
                <div class="review-grid">
                    <EvidenceList result=r.clone()/>
                    <Missing result=r.clone() ctx/>
                </div>
                <Checks result=r/>
            }
        }}
    }
}

/// What the decision controls share: how to send one, whether one is on
/// its way, and whether the viewer may decide at all (not through a share
/// link).
#[derive(Clone, Copy)]
struct Decide {
    send: Callback<Decision>,
    busy: ReadSignal<bool>,
    read_only: bool,
}

/// The job terms the resume shows, and the resume's words that showed
/// them, longest first: what the compare view highlights.
fn highlight_terms(r: &JobResult) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for e in &r.evidence {
        out.push((e.term.clone(), e.term.clone()));
        for l in &e.locations {
            if let Some(via) = &l.via {
                out.push((via.clone(), e.term.clone()));
            }
        }
    }
    for c in &r.review.confirmed {
        out.push((c.term.clone(), c.term.clone()));
    }
    out.retain(|(w, _)| w.chars().count() >= 2);
    out.sort_by_key(|(w, _)| std::cmp::Reverse(w.len()));
    out.dedup_by(|a, b| a.0.eq_ignore_ascii_case(&b.0));
    out
}

/// Makes a read-only link to this result (a new one replaces the last), or
/// revokes it.
#[component]
fn ShareLink(job_id: uuid::Uuid) -> impl IntoView {
    let (link, set_link) = signal(None::<String>);
    let (problem, set_problem) = signal(None::<String>);
    let make = move |_| {
        set_problem.set(None);
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            match crate::api::share(job_id).await {
                Ok(url) => set_link.set(Some(url)),
                Err(message) => set_problem.set(Some(message)),
            }
        });
        #[cfg(not(feature = "hydrate"))]
        let _ = (job_id, set_link);
    };
    let revoke = move |_| {
        set_problem.set(None);
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            let url = tailor_common::paths::job_share(job_id);
            match crate::api::command("DELETE", &url).await {
                Ok(()) => set_link.set(None),
                Err(message) => set_problem.set(Some(message)),
            }
        });
    };
    view! {
        <div class="share" role="group" aria-label="Share">
            <button type="button" class="button" data-testid="share" on:click=make>
                {move || if link.get().is_some() { "New share link" } else { "Share read-only" }}
            </button>
            {move || link.get().map(|url| view! {
                <input class="share-url" readonly aria-label="Share link" data-testid="share-url" value=url/>
                <button type="button" class="button" data-testid="revoke-share" on:click=revoke>
                    "Stop sharing"
                </button>
            })}
            <span class="form-error" role="status">{move || problem.get()}</span>
        </div>
    }
}

#[component]
fn Downloads(result: JobResult) -> impl IntoView {
    let (copied, set_copied) = signal(false);
    let text = result.tailored_text.clone();
    let copy = move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(window) = web_sys::window() {
            let _ = window.navigator().clipboard().write_text(&text);
            set_copied.set(true);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (&text, set_copied);
    };
    view! {
        <div class="downloads" role="group" aria-label="Downloads">
            {result
                .downloads
                .into_iter()
                .map(|d| view! { <a class="button primary" href=d.url download>{d.label}</a> })
                .collect_view()}
            <button type="button" class="button" on:click=copy>
                {move || if copied.get() { "Copied" } else { "Copy to clipboard" }}
            </button>
        </div>
    }
}

#[component]
fn Scores(before: ScoreBreakdown, after: ScoreBreakdown) -> impl IntoView {
    let rows = after
        .components
        .iter()
        .map(|c| {
            let before_points = before
                .components
                .iter()
                .find(|b| b.key == c.key)
                .map(|b| b.points)
                .unwrap_or(0.0);
            view! {
                <tr>
                    <th scope="row">{c.label.clone()}</th>
                    <td>{format!("{} of {}", c.matched, c.total)}</td>
                    <td>{format!("{before_points:.1}")}</td>
                    <td>{format!("{:.1} / {:.1}", c.points, c.max)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card" aria-labelledby="scores-title">
            <h2 id="scores-title">"Match score"</h2>
            <div class="score-row">
                <div class="score-cell">
                    <span class="score-label">"Before"</span>
                    <span class="score-value" data-metric="score_before">{before.total}</span>
                    <span class=format!("band band-{}", before.band)>{before.band.clone()}</span>
                </div>
                <span class="score-arrow" aria-hidden="true">"→"</span>
                <div class="score-cell">
                    <span class="score-label">"After"</span>
                    <span class="score-value" data-metric="score_after">{after.total}</span>
                    <span class=format!("band band-{}", after.band)>{after.band.clone()}</span>
                </div>
            </div>
            <table class="breakdown">
                <caption>"How the score is made (points after tailoring)"</caption>
                <thead><tr><th scope="col">"Part"</th><th scope="col">"Matched"</th><th scope="col">"Before"</th><th scope="col">"After"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </section>
    }
}

/// The two versions side by side. A tailored line is marked as changed
/// (with a visible label, not only a colour) only when its words are not in
/// the original in that order, so a line the file merely wrapped
/// differently is not. The job terms each pane shows are highlighted, with
/// the job's term on hover and focus; the panes scroll together.
#[component]
fn SideBySide(original: String, tailored: String, terms: Vec<(String, String)>) -> impl IntoView {
    let whole = format!(
        " {} ",
        original
            .lines()
            .map(comparable)
            .collect::<Vec<_>>()
            .join(" ")
    );
    let original_lines = original
        .lines()
        .map(|line| view! { <span>{highlight(line, &terms)}</span> })
        .collect_view();
    let tailored_lines = tailored
        .lines()
        .map(|line| {
            let key = comparable(line);
            let changed = !key.is_empty() && !whole.contains(&format!(" {key} "));
            if changed {
                view! { <mark class="changed-line"><span class="visually-hidden">"Changed: "</span>{highlight(line, &terms)}</mark> }.into_any()
            } else {
                view! { <span>{highlight(line, &terms)}</span> }.into_any()
            }
        })
        .collect_view();
    view! {
        <section class="card" aria-labelledby="compare-title">
            <h2 id="compare-title">"Original and tailored"</h2>
            <p class="hint">"Highlighted: the job's terms your resume shows (hover or focus one to see the term). Changed lines are marked."</p>
            <div class="compare">
                <figure>
                    <figcaption>"Original"</figcaption>
                    <pre class="resume-text" id="pane-original" tabindex="0" aria-label="Original resume" on:scroll=move |ev| sync_scroll(&ev, "pane-tailored")>{original_lines}</pre>
                </figure>
                <figure>
                    <figcaption>"Tailored " <span class="hint">"(changed lines marked)"</span></figcaption>
                    <pre class="resume-text tailored" id="pane-tailored" tabindex="0" aria-label="Tailored resume" on:scroll=move |ev| sync_scroll(&ev, "pane-original")>{tailored_lines}</pre>
                </figure>
            </div>
        </section>
    }
}

/// `line` with each of `terms` (resume words, job term) marked.
fn highlight(line: &str, terms: &[(String, String)]) -> Vec<AnyView> {
    let lower = line.to_lowercase();
    // Byte positions agree only where lowercasing keeps lengths.
    if lower.len() != line.len() || terms.is_empty() {
        return vec![line.to_string().into_any()];
    }
    let mut hits: Vec<(usize, usize, &str)> = Vec::new();
    for (words, term) in terms {
        let w = words.to_lowercase();
        let mut from = 0;
        while let Some(i) = lower[from..].find(&w) {
            let (a, b) = (from + i, from + i + w.len());
            let bounded = !lower[..a]
                .chars()
                .next_back()
                .is_some_and(char::is_alphanumeric)
                && !lower[b..].chars().next().is_some_and(char::is_alphanumeric);
            if bounded && !hits.iter().any(|(x, y, _)| a < *y && *x < b) {
                hits.push((a, b, term));
            }
            from = b;
        }
    }
    hits.sort_unstable();
    let mut out = Vec::new();
    let mut at = 0;
    for (a, b, term) in hits {
        out.push(line[at..a].to_string().into_any());
        let label = format!("Job term: {term}");
        out.push(view! { <mark class="term-hit" tabindex="0" data-term=label.clone() title=label>{line[a..b].to_string()}</mark> }.into_any());
        at = b;
    }
    out.push(line[at..].to_string().into_any());
    out
}

/// Scrolls the pane `other` to the same share of its height as the one
/// scrolled. Through `Reflect`, so the page needs no more web-sys features.
fn sync_scroll(ev: &leptos::ev::Event, other: &str) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::{JsCast, JsValue};
        let get = |o: &JsValue, k: &str| js_sys::Reflect::get(o, &JsValue::from_str(k)).ok();
        let num = |o: &JsValue, k: &str| get(o, k).and_then(|v| v.as_f64()).unwrap_or(0.0);
        let Some(from) = ev.target().map(JsValue::from) else {
            return;
        };
        let Some(document) = web_sys::window()
            .map(JsValue::from)
            .and_then(|w| get(&w, "document"))
        else {
            return;
        };
        let Some(find) =
            get(&document, "getElementById").and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        else {
            return;
        };
        let Ok(to) = find.call1(&document, &JsValue::from_str(other)) else {
            return;
        };
        if to.is_null() {
            return;
        }
        let range = |o: &JsValue| (num(o, "scrollHeight") - num(o, "clientHeight")).max(1.0);
        let share = num(&from, "scrollTop") / range(&from);
        let target = (share * range(&to)).round();
        // Setting the same value fires no scroll event, so the two panes
        // do not chase each other.
        if (num(&to, "scrollTop") - target).abs() >= 1.0 {
            let _ = js_sys::Reflect::set(
                &to,
                &JsValue::from_str("scrollTop"),
                &JsValue::from_f64(target),
            );
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (ev, other);
}

/// A line as compared across versions: bullet markers, case and spacing
/// are presentation, not content.
fn comparable(line: &str) -> String {
    // "Skills:" in the file and "SKILLS" as a rendered heading are one line.
    line.trim()
        .trim_start_matches(['•', '-', '*', '·', '▪', '–'])
        .trim_end_matches([':', ' '])
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Every change Tailor proposed, once each, with its reason and (for the
/// owner) Keep / Drop; then the section-by-section diff.
#[component]
fn Changes(result: JobResult, ctx: Decide) -> impl IntoView {
    let changes = result.review.changes.clone();
    let kept = changes.iter().filter(|c| c.accepted).count();
    let count = changes.len();
    view! {
        <section class="card decisions" aria-labelledby="changes-title">
            <h2 id="changes-title">"Changes" <span class="count">{format!("{kept} of {count} kept")}</span></h2>
            {(count == 0).then(|| view! { <p class="empty">"Nothing needed changing."</p> })}
            <ul class="change-list" aria-label="Changes Tailor proposed">
                {changes
                    .into_iter()
                    .map(|c| {
                        let state = if c.accepted { "Kept" } else { "Dropped" };
                        let id = c.id.clone();
                        let toggle = move |_| ctx.send.run(Decision::Change { change_id: id.clone(), accepted: !c.accepted });
                        view! {
                            <li class=if c.accepted { "change-item" } else { "change-item dropped" } data-testid=format!("change-{}", c.id)>
                                <div>
                                    <span class=format!("tag tag-{}", state.to_lowercase())>{state}</span>
                                    " "<strong>{c.description.clone()}</strong>
                                    <span class="hint">{format!(" — {}", c.reason)}</span>
                                </div>
                                {(!ctx.read_only).then(|| view! {
                                    <button type="button" class="button" aria-pressed=if c.accepted { "true" } else { "false" }
                                        disabled=move || ctx.busy.get()
                                        aria-label=format!("{} this change: {}", if c.accepted { "Drop" } else { "Keep" }, c.description)
                                        on:click=toggle>
                                        {if c.accepted { "Drop" } else { "Keep" }}
                                    </button>
                                })}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            <details class="change-diffs">
                <summary>{format!("What changed, section by section ({})", result.diffs.len())}</summary>
                {result
                    .diffs
                    .into_iter()
                    .map(|chunk| {
                        let ops = diff_ops(chunk.ops);
                        let by_model = chunk.verdict.is_some_and(|v| v.applied).then(|| view! {
                            <p class="hint" data-verdict="applied">"Rewritten by the language model, and checked against your resume before it was used."</p>
                        });
                        view! {
                            <div class="change">
                                <h3>{chunk.section}</h3>
                                {by_model}
                                <p class="diff">{ops}</p>
                            </div>
                        }
                    })
                    .collect_view()}
            </details>
        </section>
    }
}

/// Each round of decisions is a numbered version; any can be restored and
/// downloaded.
#[component]
fn Versions(result: JobResult, ctx: Decide) -> impl IntoView {
    let info = result.review.clone();
    let job_id = result.job_id;
    let current = info.version;
    view! {
        <section class="card" aria-labelledby="versions-title">
            <h2 id="versions-title">"Versions" <span class="count" data-testid="version">{format!("showing version {current}")}</span></h2>
            <ol class="version-list" reversed>
                {info.versions.into_iter().rev().map(|v| {
                    let number = v.version;
                    let here = number == current;
                    view! {
                        <li data-testid=format!("version-{number}")>
                            <strong>{format!("v{number}")}</strong>" "{v.description}
                            {here.then(|| view! { " " <span class="tag">"shown"</span> })}
                            " "<a href=tailor_common::paths::job_export_version(job_id, "docx", number) download>"DOCX"</a>
                            {(!ctx.read_only && !here).then(|| view! {
                                " "<button type="button" class="button" disabled=move || ctx.busy.get()
                                    aria-label=format!("Restore version {number}")
                                    on:click=move |_| ctx.send.run(Decision::Restore { version: number })>
                                    "Restore"
                                </button>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ol>
        </section>
    }
}

/// The summary and the bullets, each editable in place; the evidence rule
/// flags, without blocking, what the original does not support.
#[component]
fn EditLines(result: JobResult, ctx: Decide) -> impl IntoView {
    let flags = result.review.flags.clone();
    let lines = result.review.lines.clone();
    if ctx.read_only || lines.is_empty() {
        return ().into_any();
    }
    view! {
        <section class="card" aria-labelledby="edit-title">
            <h2 id="edit-title">"Edit in your words"</h2>
            {(!flags.is_empty()).then(|| view! {
                <div class="notice warn" role="status" data-testid="edit-flags">
                    <strong>"Not in your original resume: "</strong>{flags.join(", ")}
                    <span class="hint">" — kept as you wrote it; make sure it is true."</span>
                </div>
            })}
            <ul class="edit-lines">
                {lines.into_iter().map(|l| {
                    let (text, set_text) = signal(l.edited.clone().unwrap_or_else(|| l.proposed.clone()));
                    let id = l.id.clone();
                    let id2 = l.id.clone();
                    let place = match &l.role { Some(r) => format!("{} · {r}", l.section), None => l.section.clone() };
                    let field = format!("line-{}", l.id);
                    view! {
                        <li>
                            <details>
                                <summary>
                                    <span class="hint">{place}": "</span>{l.edited.clone().unwrap_or_else(|| l.proposed.clone())}
                                    {l.edited.is_some().then(|| view! { " " <span class="tag tag-you">"edited by you"</span> })}
                                </summary>
                                <label for=field.clone()>"Your wording"</label>
                                <textarea id=field rows="2" maxlength=tailor_common::limits::MAX_DECISION_TEXT_CHARS
                                    prop:value=text on:input=move |ev| set_text.set(event_target_value(&ev))></textarea>
                                <div class="row">
                                    <button type="button" class="button primary" disabled=move || ctx.busy.get()
                                        on:click=move |_| ctx.send.run(Decision::Edit { line_id: id.clone(), text: Some(text.get_untracked()) })>
                                        "Save"
                                    </button>
                                    {l.edited.is_some().then(|| view! {
                                        <button type="button" class="button" disabled=move || ctx.busy.get()
                                            on:click=move |_| ctx.send.run(Decision::Edit { line_id: id2.clone(), text: None })>
                                            "Put back Tailor's line"
                                        </button>
                                    })}
                                </div>
                            </details>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
    .into_any()
}

/// The fit verdict beside the score: in words, and each stated
/// requirement checked (met or not, said in words as well as marked).
#[component]
fn FitVerdict(fit: tailor_common::result::Fit) -> impl IntoView {
    let verdict = fit.verdict.as_str();
    view! {
        <section class="card fit" aria-labelledby="fit-title">
            <h2 id="fit-title">"Fit " <span class=format!("band band-fit-{verdict}") data-testid="fit-verdict">{verdict}</span></h2>
            <ul class="fit-reasons">{fit.reasons.into_iter().map(|r| view! { <li>{r}</li> }).collect_view()}</ul>
            {(!fit.requirements.is_empty()).then(|| view! {
                <table class="breakdown">
                    <caption>"What the posting states, checked"</caption>
                    <thead><tr><th scope="col">"Asked"</th><th scope="col">"Your resume"</th><th scope="col">"Met"</th></tr></thead>
                    <tbody>
                        {fit.requirements.into_iter().map(|c| view! {
                            <tr>
                                <th scope="row">{c.asked}<span class="hint">{format!(" ({}, {})", c.kind, c.importance)}</span></th>
                                <td>{c.found}</td>
                                <td>{if c.met { "✓ met" } else { "✗ not met" }}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            })}
        </section>
    }
}

#[component]
fn EvidenceList(result: JobResult) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="evidence-title">
            <h2 id="evidence-title">"What your resume shows" <span class="count">{format!("{} terms", result.evidence.len())}</span></h2>
            <ul class="evidence-list">
                {result
                    .evidence
                    .into_iter()
                    .map(|e| {
                        let how = e.match_kind.clone().unwrap_or_default();
                        // The relation behind a taxonomy match: the resume's
                        // term that stands for the job's, where it is.
                        let via = e.locations.iter().find_map(|l| {
                            l.via.clone().map(|v| format!("{} via {v}: “{}”", l.match_kind, l.text))
                        });
                        let wher = e.locations.first().map(|l| {
                            let role = l.role.clone().map(|r| format!(" ({r})")).unwrap_or_default();
                            format!("{}{}: “{}”", l.section, role, l.text)
                        });
                        let relation = via.map(|v| view! { <span class="via" data-testid="via">{v}</span> });
                        view! {
                            <li>
                                <span class="term">{e.term}</span>
                                <span class="tag">{how}</span>
                                {relation}
                                <span class="hint">{wher}</span>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}

/// The terms the posting asks for and the resume does not show: each with
/// the posting's sentence, and "I have this" to give the evidence — written
/// where the person says, marked "added by you".
#[component]
fn Missing(result: JobResult, ctx: Decide) -> impl IntoView {
    let roles = result.review.roles.clone();
    let confirmed = result.review.confirmed.clone();
    view! {
        <section class="card" aria-labelledby="missing-title">
            <h2 id="missing-title">"Missing — add only if true" <span class="count">{format!("{} terms", result.missing.len())}</span></h2>
            <p class="hint">"The posting asks for these and your resume does not show them. Tailor never adds them for you; if you have one, say so and where."</p>
            {(!confirmed.is_empty()).then(|| view! {
                <ul class="confirmed-list" aria-label="Added by you">
                    {confirmed.into_iter().map(|c| {
                        let term = c.term.clone();
                        let place = match c.place {
                            Placement::Skills => "in your skills".to_string(),
                            Placement::Role { role } => roles.iter().find(|r| r.role == role).map(|r| format!("in {}", r.label)).unwrap_or_default(),
                        };
                        view! {
                            <li data-testid="confirmed">
                                <span class="term">{c.term.clone()}</span>
                                <span class="tag tag-you">"added by you"</span>
                                <span class="hint">{format!(" {place}")}{c.wording.map(|w| format!(": “{w}”"))}</span>
                                {(!ctx.read_only).then(|| view! {
                                    " "<button type="button" class="button" disabled=move || ctx.busy.get()
                                        aria-label=format!("Take back {term}")
                                        on:click={let term = term.clone(); move |_| ctx.send.run(Decision::Unconfirm { term: term.clone() })}>
                                        "Take back"
                                    </button>
                                })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            })}
            <ul class="missing-list">
                {result
                    .missing
                    .into_iter()
                    .map(|m| {
                        let roles = roles.clone();
                        let slug: String = m.term.chars().map(|c| if c.is_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect();
                        let (place, set_place) = signal("skills".to_string());
                        let (wording, set_wording) = signal(String::new());
                        let term = m.term.clone();
                        let confirm = move |_| {
                            let place = match place.get_untracked().strip_prefix("role-").and_then(|n| n.parse().ok()) {
                                Some(role) => Placement::Role { role },
                                None => Placement::Skills,
                            };
                            let w = wording.get_untracked();
                            ctx.send.run(Decision::Confirm { term: term.clone(), place, wording: (!w.trim().is_empty()).then_some(w) });
                        };
                        view! {
                            <li data-testid=format!("missing-{slug}")>
                                <span class="term">{m.term.clone()}</span>
                                <span class=format!("tag tag-{}", m.importance)>{m.importance.clone()}</span>
                                <span class="hint">{m.note}</span>
                                {(!m.context.is_empty()).then(|| view! { <blockquote class="posting-says">{format!("The posting: “{}”", m.context)}</blockquote> })}
                                {(!ctx.read_only).then(|| view! {
                                    <details class="have-this">
                                        <summary>"I have this"</summary>
                                        <label for=format!("place-{slug}")>"Where it belongs"</label>
                                        <select id=format!("place-{slug}") on:change=move |ev| set_place.set(event_target_value(&ev))>
                                            <option value="skills">"My skills"</option>
                                            {roles.into_iter().map(|r| view! { <option value=format!("role-{}", r.role)>{r.label}</option> }).collect_view()}
                                        </select>
                                        <label for=format!("wording-{slug}")>"In your words (optional)"</label>
                                        <input id=format!("wording-{slug}") type="text" maxlength=tailor_common::limits::MAX_DECISION_TEXT_CHARS
                                            on:input=move |ev| set_wording.set(event_target_value(&ev))/>
                                        <button type="button" class="button primary" disabled=move || ctx.busy.get() on:click=confirm>
                                            {format!("Add {}", m.term)}
                                        </button>
                                    </details>
                                })}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn Checks(result: JobResult) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="checks-title">
            <h2 id="checks-title">"Validation checks"</h2>
            <ul class="check-list" aria-labelledby="checks-title">
                {result.validations.into_iter().map(check_row).collect_view()}
            </ul>
        </section>
    }
}
