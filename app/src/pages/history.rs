//! The History page at `/jobs`: recent jobs on this server, with their
//! outcome, and a way to delete each (the resume is personal data).

use leptos::prelude::*;
use leptos_meta::Title;
use tailor_common::{JobStatus, JobSummary};

use crate::api::load_jobs;

#[component]
pub fn HistoryPage() -> impl IntoView {
    let jobs = Resource::new(|| (), |_| load_jobs());
    view! {
        <Title text="History — Tailor"/>
        <Suspense fallback=|| view! { <p class="loading">"Loading the history…"</p> }>
            {move || Suspend::new(async move {
                match jobs.await {
                    Ok(view) => view! { <History jobs=view.jobs retention_days=view.retention_days/> }.into_any(),
                    Err(e) => view! { <p role="alert">{e.to_string()}</p> }.into_any(),
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
            match crate::api::command("DELETE", &format!("/api/jobs/{id}")).await {
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

/// UTC date and time, the same on server and client (no hydration drift).
fn when(epoch_ms: i64) -> String {
    let secs = epoch_ms.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02} UTC",
        rem / 3600,
        (rem % 3600) / 60
    )
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_epoch_milliseconds_as_utc() {
        assert_eq!(when(0), "1970-01-01 00:00 UTC");
        assert_eq!(when(1_795_497_745_067), "2026-11-24 05:22 UTC");
        assert_eq!(when(951_782_400_000), "2000-02-29 00:00 UTC");
    }
}
