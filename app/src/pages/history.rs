//! The History page at `/jobs`: recent jobs on this server, with their
//! outcome, and a way to delete each (the resume is personal data).

use leptos::prelude::*;
use leptos_meta::Title;
use tailor_common::{JobStatus, JobSummary};

use crate::{api::load_jobs, format::when};

#[component]
pub fn HistoryPage() -> impl IntoView {
    let jobs = Resource::new(|| (), |_| load_jobs());
    view! {
        <Title text="History — Tailor"/>
        <Suspense fallback=|| view! { <p class="loading">"Loading the history…"</p> }>
            {move || Suspend::new(async move {
                match jobs.await {
                    Ok(view) => view! { <History jobs=view.jobs retention_days=view.retention_days/> }.into_any(),
                    Err(e) => view! { <p role="alert">{crate::api::problem_text(&e)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn History(jobs: Vec<JobSummary>, retention_days: u64) -> impl IntoView {
    let (rows, set_rows) = signal(jobs);
    let (problem, set_problem) = signal(None::<String>);
    let delete = move |id: uuid::Uuid| {
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            match crate::api::command("DELETE", &tailor_common::paths::job(id)).await {
                Ok(()) => set_rows.update(|rows| rows.retain(|j| j.job_id != id)),
                Err(message) => set_problem.set(Some(message)),
            }
        });
        #[cfg(not(feature = "hydrate"))]
        let _ = (id, set_rows, set_problem);
    };
    view! {
        <section class="card" aria-labelledby="history-title">
            <h1 id="history-title">"History"</h1>
            <p class="hint">{format!("Jobs on this server, newest first. Finished jobs are deleted, with their resume, {retention_days} days after they end.")}</p>
            <p class="form-error" role="status">{move || problem.get()}</p>
            {move || rows.with(Vec::is_empty).then(|| view! { <p class="empty">"No jobs yet."</p> })}
            <table class="history" aria-labelledby="history-title">
                <thead>
                    <tr>
                        <th scope="col">"Job"</th>
                        <th scope="col">"Started"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Score"</th>
                        <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody>
                    <For
                        each=move || rows.get()
                        key=|j| j.job_id
                        children=move |j| {
                            let id = j.job_id;
                            let title = j.title.clone().unwrap_or_else(|| format!("Job {}", &id.simple().to_string()[..8]));
                            let href = if j.status == JobStatus::Completed { format!("/jobs/{id}/review") } else { format!("/jobs/{id}") };
                            let label = format!("Delete {title}");
                            view! {
                                <tr data-job=id.to_string()>
                                    <td><a href=href>{title}</a></td>
                                    <td><time datetime=j.created_at.to_string() data-epoch-ms=j.created_at.to_string()>{when(j.created_at)}</time></td>
                                    <td><span class=format!("status status-{}", j.status.as_str())>{j.status.as_str()}</span></td>
                                    <td>{j.match_score.map(|s| format!("{s:.0}")).unwrap_or_else(|| "—".into())}</td>
                                    <td><button type="button" class="button small" aria-label=label on:click=move |_| delete(id)>"Delete"</button></td>
                                </tr>
                            }
                        }
                    />
                </tbody>
            </table>
        </section>
    }
}
