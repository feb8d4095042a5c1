//! The Processing page at `/jobs/{id}`: server-rendered from the job's
//! snapshot, then kept live by `use_processing_job`.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use tailor_common::{JobStatus, Step};

use crate::{
    api::{load_job, JobView},
    components::{
        ChangesFeed, ConnectionBadge, InsightsFeed, OverallProgress, ScoreSummary, StepList,
        ValidationChecklist,
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
                            <p>{e.to_string()}</p>
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
    let job = use_processing_job(view);
    let state = job.state;
    // Remember the job in this browser, with what it is about once known.
    Effect::new(move |_| {
        let label = state.with(|s| {
            s.status_reason
                .clone()
                .filter(|_| s.is_done())
                .unwrap_or_else(|| {
                    format!(
                        "Started {}",
                        job_id.simple().to_string().get(..8).unwrap_or_default()
                    )
                })
        });
        crate::recent::save(crate::recent::RecentJob {
            id: job_id.to_string(),
            label,
        });
    });
    let status = Memo::new(move |_| state.with(|s| s.status));
    let done = Memo::new(move |_| state.with(|s| s.done.clone()));
    let error = Memo::new(move |_| state.with(|s| s.last_error().cloned()));
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
        (_, Some(step)) => format!("{}…", Step::title(step)),
        _ => "Starting…".to_string(),
    };

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
            <p class="job-id">"Job " <code>{job_id.to_string()}</code></p>
        </section>

        {move || error.get().map(|e| view! {
            <section class="card failure" role="alert" aria-labelledby="failure-title">
                <h2 id="failure-title">"What went wrong"</h2>
                <p>{e.message}</p>
                <p class="hint">
                    {format!("Error code: {}", e.code)}
                    {e.retryable.then_some(" · You can try again.")}
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
    }
}
