//! The Processing page at `/jobs/{id}`: server-rendered from the job's
//! snapshot, then kept live by `use_processing_job`.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use tailor_common::{JobStatus, Step};

use crate::{
    api::{load_job, JobView},
    components::{
        AllInsights, ChangesFeed, ConnectionBadge, InsightsFeed, JobTimeline, MetricsPanel,
        OverallProgress, ScoreSummary, StepList, ValidationChecklist,
    },
    pages::not_found::set_status_not_found,
    processing_job::use_processing_job,
};

#[component]
pub fn ProcessingPage() -> impl IntoView {
    let params = use_params_map();
    let job = Resource::new(
        move || params.read().get("id").unwrap_or_default(),
        load_job,
    );
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading the job…"</p> }>
            {move || Suspend::new(async move {
                match job.await {
                    Ok(Some(view)) => view! { <JobScreen view/> }.into_any(),
                    Ok(None) => {
                        set_status_not_found();
                        view! {
                            <Title text="Job not found — Tailor"/>
                            <section class="card notice" aria-labelledby="nojob-title">
                                <h1 id="nojob-title">"Job not found"</h1>
                                <p>
                                    "There is no job at this address. It may have finished long ago "
                                    "and been removed, or the link is mistyped."
                                </p>
                                <p><a class="button" href="/">"Tailor a resume"</a></p>
                            </section>
                        }
                        .into_any()
                    }
                    Err(e) => view! {
                        <section class="card notice" role="alert">
                            <h1>"Could not load the job"</h1>
                            <p>{crate::api::problem_text(&e)}</p>
                        </section>
                    }
                    .into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn JobScreen(view: JobView) -> impl IntoView {
    let job_id = view.state.job_id;
    let retention_days = view.retention_days;
    let read_only = view.read_only;
    let job = use_processing_job(view);
    let state = job.state;
    // Remember the job in this browser, with what it is about once known.
    // The label is a memo, so localStorage is written when it changes, not
    // on every render of the stream.
    let label = Memo::new(move |_| {
        state.with(|s| {
            s.status_reason
                .clone()
                .filter(|_| s.is_done())
                .unwrap_or_else(|| {
                    format!(
                        "Started {}",
                        job_id.simple().to_string().get(..8).unwrap_or_default()
                    )
                })
        })
    });
    Effect::new(move |_| {
        let label = label.get();
        crate::recent::save(crate::recent::RecentJob {
            id: job_id.to_string(),
            label,
        });
    });
    let status = Memo::new(move |_| state.with(|s| s.status));
    let done = Memo::new(move |_| state.with(|s| s.done.clone()));
    // An error from an earlier attempt is history once a retry runs.
    let error = Memo::new(move |_| {
        state.with(|s| {
            (s.status == JobStatus::Failed)
                .then(|| s.last_error().cloned())
                .flatten()
        })
    });
    let headline = move || match status.get() {
        JobStatus::Completed => "Your tailored resume is ready",
        JobStatus::Failed => "Tailoring stopped",
        JobStatus::Canceled => "Tailoring was canceled",
        _ => "Tailoring your resume",
    };
    let running_step = Memo::new(move |_| state.with(|s| s.current_step().map(|st| st.step)));
    let subline = move || match (status.get(), running_step.get()) {
        (JobStatus::Completed, _) => {
            "Every step finished. Review the changes and download your resume.".to_string()
        }
        (JobStatus::Failed, _) => {
            "A step could not finish. Nothing was changed in your resume.".to_string()
        }
        (JobStatus::Canceled, _) => {
            "You stopped it before it finished. Nothing was changed in your resume.".to_string()
        }
        (_, Some(step)) => format!("{}…", Step::title(step)),
        _ => "Starting…".to_string(),
    };
    // A job that had ended when the page drew is an account to read. One
    // watched live stays live to its end (its feed catches up), and a retry
    // turns an account back into the live view.
    let (ended_before_draw, set_ended_before_draw) = signal(state.with_untracked(|s| s.is_done()));
    Effect::new(move |_| {
        if !state.with(|s| s.is_done()) {
            set_ended_before_draw.set(false);
        }
    });
    let finished = Memo::new(move |_| ended_before_draw.get() && state.with(|s| s.is_done()));

    view! {
        <Title text="Processing — Tailor"/>
        <section class="card job-head" aria-labelledby="job-title">
            <div class="job-head-row">
                <div>
                    <h1 id="job-title">{headline}</h1>
                    <p class="subline" aria-live="polite">{subline}</p>
                </div>
                <ConnectionBadge connection=job.connection/>
            </div>
            <OverallProgress state/>
            {(!read_only).then(|| view! { <JobControls job=job.clone() job_id/> })}
            <p class="job-id">
                "Job " <code>{job_id.to_string()}</code>
                {format!(" · kept for {retention_days} days after it finishes, then deleted with your resume")}
            </p>
        </section>

        {move || error.get().map(|e| view! {
            <section class="card failure" role="alert" aria-labelledby="failure-title">
                <h2 id="failure-title">"What went wrong"</h2>
                <p>{e.message}</p>
                <p class="hint">
                    {format!("Error code: {}", e.code)}
                    {e.retryable.then_some(" · Retry runs the job again with the same resume and posting.")}
                </p>
            </section>
        })}

        {move || done.get().filter(|d| d.status == tailor_common::DoneStatus::Completed).map(|_| {
            let href = format!("/jobs/{job_id}/review");
            view! {
                <section class="card finished" aria-labelledby="finished-title">
                    <h2 id="finished-title">"Finished"</h2>
                    <p>"All five steps completed. Your results are ready."</p>
                    <a class="button primary" href=href>"See the results"</a>
                </section>
            }
        })}

        // Finished work is an account to read; running work is a view to
        // watch. Each is one component, so a new kind of step (a model
        // rewriting bullets) adds its rows to both without touching the other.
        {move || if finished.get() {
            view! { <AccountView state/> }.into_any()
        } else {
            view! { <LiveView state/> }.into_any()
        }}
    }
}

/// A job still running: steps with progress and elapsed time, the newest
/// insights in fixed slots, and everything measured so far.
#[component]
fn LiveView(state: ReadSignal<tailor_common::JobState>) -> impl IntoView {
    view! {
        <div class="job-grid">
            <StepList state/>
            <div class="side">
                <ScoreSummary state/>
                <InsightsFeed state/>
            </div>
        </div>
        <div class="job-grid">
            <ChangesFeed state/>
            <ValidationChecklist state/>
        </div>
        <div class="job-grid">
            <AllInsights state/>
            <MetricsPanel state/>
        </div>
    }
}

/// A finished job (or one that ended before the page drew): what each step
/// did and found, the score and the few numbers behind it, the changes and
/// the checks.
#[component]
fn AccountView(state: ReadSignal<tailor_common::JobState>) -> impl IntoView {
    view! {
        <div class="job-grid">
            <JobTimeline state/>
            <div class="side">
                <ScoreSummary state/>
                <MetricsPanel state/>
            </div>
        </div>
        <div class="job-grid">
            <ChangesFeed state/>
            <ValidationChecklist state/>
        </div>
    }
}

/// Cancel while the job runs; Retry when it failed or was canceled.
#[component]
fn JobControls(job: crate::processing_job::ProcessingJob, job_id: uuid::Uuid) -> impl IntoView {
    let state = job.state;
    let (busy, set_busy) = signal(false);
    let (problem, set_problem) = signal(None::<String>);
    let running = Memo::new(move |_| state.with(|s| !s.is_done()));
    let retryable = Memo::new(move |_| {
        state.with(|s| match s.status {
            JobStatus::Canceled => true,
            JobStatus::Failed => s.last_error().is_none_or(|e| e.retryable),
            _ => false,
        })
    });
    // A job that ended without a result can start over from its inputs,
    // changed: the way out of a posting that could not be read, say.
    let ended_without_result =
        Memo::new(move |_| state.with(|s| s.is_done() && s.status != JobStatus::Completed));
    let send = move |action: &'static str| {
        set_busy.set(true);
        set_problem.set(None);
        #[cfg(feature = "hydrate")]
        {
            let job = job.clone();
            leptos::task::spawn_local(async move {
                let url = match action {
                    "retry" => tailor_common::paths::job_retry(job_id),
                    _ => tailor_common::paths::job_cancel(job_id),
                };
                let outcome = crate::api::command("POST", &url).await;
                set_busy.set(false);
                match outcome {
                    Ok(()) if action == "retry" => job.follow_again(),
                    Ok(()) => {}
                    Err(message) => set_problem.set(Some(message)),
                }
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (action, &job, job_id);
    };
    let send_cancel = send.clone();
    view! {
        <div class="controls">
            {move || running.get().then(|| {
                let send = send_cancel.clone();
                view! {
                    <button type="button" class="button" disabled=move || busy.get() on:click=move |_| send("cancel")>
                        "Cancel"
                    </button>
                }
            })}
            {move || retryable.get().then(|| {
                let send = send.clone();
                view! {
                    <button type="button" class="button primary" disabled=move || busy.get() on:click=move |_| send("retry")>
                        "Retry"
                    </button>
                }
            })}
            {move || ended_without_result.get().then(|| view! {
                <a class="button" href=tailor_common::paths::run_again_page(job_id)>
                    "Edit the inputs and run again"
                </a>
            })}
            <span class="form-error" role="status">{move || problem.get()}</span>
        </div>
    }
}
