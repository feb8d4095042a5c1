//! "Edit the inputs and run again": the upload form started from an
//! earlier job's inputs, reached from a failed job's page and from Review.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::{api::earlier_inputs, pages::not_found::set_status_not_found, pages::UploadForm};

#[component]
pub fn RunAgainPage() -> impl IntoView {
    let params = use_params_map();
    let inputs = Resource::new(
        move || params.read().get("id").unwrap_or_default(),
        earlier_inputs,
    );
    view! {
        <Title text="Run again — Tailor"/>
        <Suspense fallback=|| view! { <p class="loading">"Loading the earlier inputs…"</p> }>
            {move || Suspend::new(async move {
                match inputs.await {
                    Ok(Some(earlier)) => {
                        let back = tailor_common::paths::job_page(earlier.job_id);
                        view! {
                            <section class="hero">
                                <h1>"Edit the inputs and run again"</h1>
                                <p class="lede">
                                    "A new job starts from what the earlier one was given. "
                                    "Change the posting, its address or the resume, then start it. "
                                    <a href=back>"The earlier job"</a>" stays as it is."
                                </p>
                            </section>
                            <UploadForm earlier=Some(earlier)/>
                        }
                        .into_any()
                    }
                    Ok(None) => {
                        set_status_not_found();
                        view! {
                            <section class="card notice" aria-labelledby="again-title">
                                <h1 id="again-title">"This job's inputs are not here"</h1>
                                <p>"The job is unknown, not yours, or was deleted. You can start a new one."</p>
                                <p><a class="button" href="/">"Tailor a resume"</a></p>
                            </section>
                        }
                        .into_any()
                    }
                    Err(e) => view! {
                        <section class="card notice" role="alert">
                            <h1>"Could not load the earlier inputs"</h1>
                            <p>{crate::api::problem_text(&e)}</p>
                        </section>
                    }
                    .into_any(),
                }
            })}
        </Suspense>
    }
}
