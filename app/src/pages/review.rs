//! The Review page at `/jobs/{id}/review`: the tailored resume beside the
//! original, the score and why, the evidence, the gaps, the checks, and the
//! downloads.

use std::collections::HashSet;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use tailor_common::{result::ScoreBreakdown, JobResult};

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
    view! {
        <Title text="Review — Tailor"/>
        <section class="card review-head" aria-labelledby="review-title">
            <div class="job-head-row">
                <div>
                    <h1 id="review-title">{heading}</h1>
                    <p class="subline">
                        {result.candidate_name.clone().unwrap_or_else(|| "Your resume".into())}
                        {format!(" · {} words · {:.0}% of bullets show a measurable result", result.word_count, result.quantified_ratio * 100.0)}
                    </p>
                </div>
                <a class="button" href=format!("/jobs/{job_id}")>"Back to the progress"</a>
            </div>
            <Downloads result=result.clone()/>
            {if read_only {
                view! {
                    <p class="hint" data-testid="shared-note">
                        "Shared with you: you can read and download this result, not change it."
                    </p>
                }
                .into_any()
            } else {
                view! { <ShareLink job_id/> }.into_any()
            }}
        </section>
        <Scores before=result.score_before.clone() after=result.score_after.clone()/>
        <SideBySide original=result.original_text.clone() tailored=result.tailored_text.clone()/>
        <Changes result=result.clone()/>
        <div class="review-grid">
            <EvidenceList result=result.clone()/>
            <Missing result=result.clone()/>
        </div>
        <Checks result/>
    }
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

/// The two versions side by side; lines the tailoring added or moved are
/// marked (with a visible label, not only a colour).
#[component]
fn SideBySide(original: String, tailored: String) -> impl IntoView {
    let known: HashSet<String> = original.lines().map(comparable).collect();
    let tailored_lines = tailored
        .lines()
        .map(|line| {
            let key = comparable(line);
            let changed = !key.is_empty() && !known.contains(&key);
            if changed {
                view! { <mark class="changed-line"><span class="visually-hidden">"Changed: "</span>{line.to_string()}</mark> }.into_any()
            } else {
                view! { <span>{line.to_string()}</span> }.into_any()
            }
        })
        .collect_view();
    view! {
        <section class="card" aria-labelledby="compare-title">
            <h2 id="compare-title">"Original and tailored"</h2>
            <div class="compare">
                <figure>
                    <figcaption>"Original"</figcaption>
                    <pre class="resume-text" aria-label="Original resume">{original}</pre>
                </figure>
                <figure>
                    <figcaption>"Tailored " <span class="hint">"(changed lines marked)"</span></figcaption>
                    <pre class="resume-text tailored" aria-label="Tailored resume">{tailored_lines}</pre>
                </figure>
            </div>
        </section>
    }
}

/// A line as compared across versions: bullet markers, case and spacing
/// are presentation, not content.
fn comparable(line: &str) -> String {
    line.trim()
        .trim_start_matches(['•', '-', '*', '·', '▪', '–'])
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

#[component]
fn Changes(result: JobResult) -> impl IntoView {
    let count = result.diffs.len();
    view! {
        <section class="card" aria-labelledby="changes-title">
            <h2 id="changes-title">"Changes" <span class="count">{format!("{count} sections")}</span></h2>
            {(count == 0).then(|| view! { <p class="empty">"Nothing needed changing."</p> })}
            {result
                .diffs
                .into_iter()
                .map(|chunk| {
                    let ops = diff_ops(chunk.ops);
                    view! {
                        <details class="change">
                            <summary><strong>{chunk.section}</strong>" — "{chunk.summary}</summary>
                            <p class="diff">{ops}</p>
                        </details>
                    }
                })
                .collect_view()}
            <ul class="edit-list">
                {result
                    .changes
                    .into_iter()
                    .map(|c| view! { <li><strong>{c.description}</strong><span class="hint">{format!(" — {}", c.reason)}</span></li> })
                    .collect_view()}
            </ul>
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
                        let wher = e.locations.first().map(|l| {
                            let role = l.role.clone().map(|r| format!(" ({r})")).unwrap_or_default();
                            format!("{}{}: “{}”", l.section, role, l.text)
                        });
                        view! {
                            <li>
                                <span class="term">{e.term}</span>
                                <span class="tag">{how}</span>
                                <span class="hint">{wher}</span>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn Missing(result: JobResult) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="missing-title">
            <h2 id="missing-title">"Missing — add only if true" <span class="count">{format!("{} terms", result.missing.len())}</span></h2>
            <p class="hint">"The posting asks for these and your resume does not show them. Tailor never adds them for you."</p>
            <ul class="missing-list">
                {result
                    .missing
                    .into_iter()
                    .map(|m| view! {
                        <li>
                            <span class="term">{m.term}</span>
                            <span class=format!("tag tag-{}", m.importance)>{m.importance.clone()}</span>
                            <span class="hint">{m.note}</span>
                        </li>
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
