//! The upload page: a resume and a job posting in, a job out.
//!
//! The form works as a plain multipart POST before the WASM loads (the server
//! answers a browser form with a redirect to the job); once hydrated it posts
//! with fetch so the server's validation errors show next to the form.

use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn UploadPage() -> impl IntoView {
    let (error, set_error) = signal(None::<(String, String)>);
    let (busy, set_busy) = signal(false);
    let (recent, set_recent) = signal(Vec::<crate::recent::RecentJob>::new());
    Effect::new(move |_| set_recent.set(crate::recent::load()));

    #[cfg(feature = "hydrate")]
    let navigate = leptos_router::hooks::use_navigate();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        #[cfg(feature = "hydrate")]
        submit::start(ev, set_error, set_busy, navigate.clone());
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, set_error, set_busy);
    };

    let field_error = move |field: &'static str| {
        error.with(|e| match e {
            Some((code, _)) if submit::field_of(code) == field => "true",
            _ => "false",
        })
    };

    view! {
        <Title text="Tailor — tailor your resume to a job"/>
        <section class="hero">
            <h1>"Tailor your resume to the job you want"</h1>
            <p class="lede">
                "Tailor reads your resume and the job posting, shows how well they match and why, "
                "and writes a tailored version that only uses facts already in your resume."
            </p>
        </section>
        <form
            class="card upload-form"
            method="post"
            action=tailor_common::paths::START
            enctype="multipart/form-data"
            on:submit=on_submit
            aria-describedby="form-error"
        >
            <fieldset class="column">
                <legend>"Your resume"</legend>
                <label for="resume-file">"Resume file"</label>
                <input
                    id="resume-file"
                    name="resume"
                    type="file"
                    accept=".pdf,.docx,.txt,.md"
                    aria-invalid=move || field_error("resume")
                />
                <p class="hint">
                    {format!(
                        "PDF, DOCX, TXT or Markdown, up to {}. Or paste the text below.",
                        tailor_common::limits::describe(tailor_common::limits::MAX_RESUME_BYTES)
                    )}
                </p>
                <label for="resume-text">"Resume text"</label>
                <textarea
                    id="resume-text"
                    name="resume_text"
                    rows="14"
                    placeholder="Paste your resume here"
                    aria-invalid=move || field_error("resume")
                ></textarea>
            </fieldset>
            <fieldset class="column">
                <legend>"The job"</legend>
                <label for="job-text">"Job posting"</label>
                <textarea
                    id="job-text"
                    name="job_text"
                    rows="14"
                    placeholder="Paste the job posting here"
                    aria-invalid=move || field_error("job")
                ></textarea>
                <label for="job-url">"Job posting URL"</label>
                <input
                    id="job-url"
                    name="job_url"
                    type="url"
                    inputmode="url"
                    placeholder="https://…"
                    aria-invalid=move || field_error("job")
                />
                <p class="hint">"Paste the posting, or give its address and Tailor will read the page."</p>
            </fieldset>
            <ModelNotice/>
            <div class="form-footer">
                <div id="form-error" class="form-error" role="alert">
                    {move || error.get().map(|(_, message)| view! { <p>{message}</p> })}
                </div>
                <button type="submit" class="button primary" disabled=move || busy.get()>
                    {move || if busy.get() { "Starting…" } else { "Tailor my resume" }}
                </button>
            </div>
        </form>
        {move || (!recent.with(Vec::is_empty)).then(|| view! {
            <section class="card" aria-labelledby="recent-title">
                <h2 id="recent-title">"Recent jobs"</h2>
                <p class="hint">"Started in this browser. Finished jobs are deleted from the server after a while."</p>
                <ul class="recent-list">
                    {recent.get().into_iter().map(|j| view! {
                        <li><a href=format!("/jobs/{}", j.id)>{j.label}</a></li>
                    }).collect_view()}
                </ul>
            </section>
        })}
    }
}

mod submit {
    /// Which part of the form an error code is about.
    pub fn field_of(code: &str) -> &'static str {
        match code {
            "missing_resume" | "empty_resume" | "unsupported_format" | "file_too_large" => "resume",
            "missing_job" | "invalid_job_url" => "job",
            _ => "",
        }
    }

    #[cfg(feature = "hydrate")]
    pub fn start(
        ev: leptos::ev::SubmitEvent,
        set_error: leptos::prelude::WriteSignal<Option<(String, String)>>,
        set_busy: leptos::prelude::WriteSignal<bool>,
        navigate: impl Fn(&str, leptos_router::NavigateOptions) + 'static,
    ) {
        use leptos::prelude::*;
        use tailor_common::{ApiErrorBody, StartResponse};
        use wasm_bindgen::JsCast;

        ev.prevent_default();
        let Some(form) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok())
        else {
            return;
        };
        let Ok(data) = web_sys::FormData::new_with_form(&form) else {
            return;
        };
        set_busy.set(true);
        set_error.set(None);
        leptos::task::spawn_local(async move {
            let sent = match gloo_net::http::Request::post(tailor_common::paths::START)
                .header("Accept", "application/json")
                .body(data)
            {
                Ok(request) => request.send().await,
                Err(e) => Err(e),
            };
            let outcome = match sent {
                Ok(response) if response.ok() => match response.json::<StartResponse>().await {
                    Ok(started) => Ok(started),
                    Err(_) => Err((
                        "bad_response".to_string(),
                        "The server's answer could not be read.".to_string(),
                    )),
                },
                Ok(response) => {
                    let status = response.status();
                    Err(match response.json::<ApiErrorBody>().await {
                        Ok(body) => (body.error.code, body.error.message),
                        Err(_) => ("http".to_string(), format!("The server answered {status}.")),
                    })
                }
                Err(_) => Err((
                    "network".to_string(),
                    "Could not reach the server. Check your connection and try again.".to_string(),
                )),
            };
            set_busy.set(false);
            match outcome {
                Ok(started) => navigate(&format!("/jobs/{}", started.job_id), Default::default()),
                Err(e) => set_error.set(Some(e)),
            }
        });
    }
}

/// Where the resume goes: this server only, or also the language model the
/// operator configured (its host shown), with a way to keep one job away
/// from it. Said here, before the job starts.
#[component]
fn ModelNotice() -> impl IntoView {
    let provider = Resource::new(|| (), |_| crate::api::model_provider());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match provider.await {
                    Ok(Some(p)) => {
                        let host_attr = p.host.clone();
                        view! {
                        <div class="model-notice" data-model-host=host_attr>
                            <p>
                                "This server asks a language model ("{p.model}") at "
                                <strong>{p.host}</strong>
                                " to propose rewrites of your summary and bullets: the text of your resume and of the posting is sent there. "
                                "Tailor checks every proposed rewrite against your resume and uses only those that add no skill, number, employer, title, date, degree or certification."
                            </p>
                            <label class="check">
                                <input type="checkbox" name="without_model" value="1"/>
                                " Run this job without the model (nothing is sent)"
                            </label>
                        </div>
                        }
                        .into_any()
                    }
                    _ => view! {
                        <p class="model-notice">"Everything runs on this server; nothing is sent anywhere else."</p>
                    }
                    .into_any(),
                }
            })}
        </Suspense>
    }
}
