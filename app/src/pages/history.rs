//! The History page at `/jobs`: recent jobs on this server, with their
//! outcome, and a way to delete each (the resume is personal data). A table
//! on a wide screen, one card per job on a phone; Delete asks first.

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

/// The status in words a person reads ("Completed"), not the wire's.
fn status_label(status: JobStatus) -> &'static str {
    match status {
        JobStatus::Queued => "Waiting",
        JobStatus::Started | JobStatus::Running => "Running",
        JobStatus::Completed => "Completed",
        JobStatus::Failed => "Failed",
        JobStatus::Canceled => "Canceled",
    }
}

/// The time in the browser's own zone once hydrated; UTC from the server
/// (so the server's HTML and the first client render agree).
fn local_time(epoch_ms: i64, hydrated: bool) -> String {
    #[cfg(feature = "hydrate")]
    if hydrated {
        let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(epoch_ms as f64));
        return format!(
            "{:04}-{:02}-{:02} {:02}:{:02}",
            d.get_full_year(),
            d.get_month() + 1,
            d.get_date(),
            d.get_hours(),
            d.get_minutes()
        );
    }
    let _ = hydrated;
    when(epoch_ms)
}

/// What a row is called: the posting's title and company once read, else
/// a short id (a job that failed before reading its posting).
fn job_heading(j: &JobSummary) -> String {
    match (&j.title, &j.company) {
        (Some(t), Some(c)) => format!("{t} at {c}"),
        (Some(t), None) => t.clone(),
        (None, _) => format!("Job {}", &j.job_id.simple().to_string()[..8]),
    }
}

/// Whose resume and which file, so that a person with several resumes
/// tells the rows apart.
fn job_meta(j: &JobSummary) -> Option<String> {
    let parts: Vec<&str> = [j.candidate.as_deref(), j.file_name.as_deref()]
        .into_iter()
        .flatten()
        .collect();
    (!parts.is_empty()).then(|| parts.join(" · "))
}

#[component]
fn History(jobs: Vec<JobSummary>, retention_days: u64) -> impl IntoView {
    let (rows, set_rows) = signal(jobs);
    let (problem, set_problem) = signal(None::<String>);
    let (asking, set_asking) = signal(None::<uuid::Uuid>);
    let (hydrated, set_hydrated) = signal(false);
    Effect::new(move |_| set_hydrated.set(true));
    let delete = move |id: uuid::Uuid| {
        set_asking.set(None);
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
            <h1 id="history-title" tabindex="-1">"History"</h1>
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
                            let title = job_heading(&j);
                            let meta = job_meta(&j);
                            let failure = j.failure.clone();
                            let href = if j.status == JobStatus::Completed { format!("/jobs/{id}/review") } else { format!("/jobs/{id}") };
                            let label = format!("Delete {title}");
                            let confirm_label = format!("Yes, delete {title} and its resume");
                            let created = j.created_at;
                            view! {
                                <tr data-job=id.to_string()>
                                    <td data-label="Job">
                                        <div class="job-cell">
                                            <a href=href>{title}</a>
                                            {meta.map(|m| view! { <span class="job-meta">{m}</span> })}
                                        </div>
                                    </td>
                                    <td data-label="Started"><time datetime=j.created_at.to_string() data-epoch-ms=j.created_at.to_string()>{move || local_time(created, hydrated.get())}</time></td>
                                    <td data-label="Status">
                                        <div class="status-cell">
                                            <span class=format!("status status-{}", j.status.as_str())>{status_label(j.status)}</span>
                                            {failure.map(|f| view! { <span class="failure">{f}</span> })}
                                        </div>
                                    </td>
                                    <td data-label="Score">{j.match_score.map(|s| format!("{s:.0}")).unwrap_or_else(|| "—".into())}</td>
                                    <td class="actions">
                                        {move || if asking.get() == Some(id) {
                                            view! {
                                                <span class="confirm" role="group" aria-label="Delete this job?">
                                                    <button type="button" class="button small danger" aria-label=confirm_label.clone() on:click=move |_| delete(id)>"Delete"</button>
                                                    <button type="button" class="button small" on:click=move |_| set_asking.set(None)>"Keep"</button>
                                                </span>
                                            }.into_any()
                                        } else {
                                            view! {
                                                <button type="button" class="button small" aria-label=label.clone() on:click=move |_| set_asking.set(Some(id))>"Delete"</button>
                                            }.into_any()
                                        }}
                                    </td>
                                </tr>
                            }
                        }
                    />
                </tbody>
            </table>
        </section>
    }
}
