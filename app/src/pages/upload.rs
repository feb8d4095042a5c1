//! The upload page: a resume and a job posting in, a job out.
//!
//! The form works as a plain multipart POST before the WASM loads (the server
//! answers a browser form with a redirect to the job); once hydrated it posts
//! with fetch so the server's validation errors show next to the form, checks
//! a chosen file's type and size before anything is sent (with the server's
//! own function, `limits::check_resume_file`), shows the text Tailor reads
//! from it, and says which input is used when two are given.

use leptos::prelude::*;
use leptos_meta::Title;
use tailor_common::{limits, PreviewResponse};

use crate::api::RunAgainInputs;

/// What the page knows about the chosen file's text (made in the browser).
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
#[derive(Debug, Clone, PartialEq)]
pub enum Preview {
    Reading(String),
    Read(String, PreviewResponse),
    Failed(String, String),
}

#[component]
pub fn UploadPage() -> impl IntoView {
    let (recent, set_recent) = signal(Vec::<crate::recent::RecentJob>::new());
    Effect::new(move |_| set_recent.set(crate::recent::load()));
    view! {
        <Title text="Tailor — tailor your resume to a job"/>
        <section class="hero">
            <h1>"Tailor your resume to the job you want"</h1>
            <p class="lede">
                "Tailor reads your resume and the job posting, shows how well they match and why, "
                "and writes a tailored version that only uses facts already in your resume."
            </p>
        </section>
        <UploadForm earlier=None/>
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

/// The resume and posting form. With `earlier`, it starts from an earlier
/// job's inputs ("edit the inputs and run again"): the posting filled in,
/// and the earlier resume used unless a new one is given.
#[component]
pub fn UploadForm(earlier: Option<RunAgainInputs>) -> impl IntoView {
    let (error, set_error) = signal(None::<(String, String)>);
    let (busy, set_busy) = signal(false);
    let earlier_text = |f: fn(&RunAgainInputs) -> &Option<String>| {
        earlier
            .as_ref()
            .and_then(|e| f(e).clone())
            .unwrap_or_default()
    };
    let (resume_text, job_text, job_url) = (
        earlier_text(|e| &e.resume_text),
        earlier_text(|e| &e.job_text),
        earlier_text(|e| &e.job_url),
    );
    // The earlier upload, when it was a file (a pasted resume is refilled).
    let earlier_file = earlier.as_ref().and_then(|e| {
        e.resume_file_name
            .clone()
            .map(|name| (e.job_id.to_string(), name, e.resume_bytes))
    });
    // Which inputs hold something: the form says which one is used.
    let (has_file, set_has_file) = signal(false);
    let (has_resume_text, set_has_resume_text) = signal(!resume_text.trim().is_empty());
    let (has_job_text, set_has_job_text) = signal(!job_text.trim().is_empty());
    let (has_job_url, set_has_job_url) = signal(!job_url.trim().is_empty());
    let (preview, set_preview) = signal(None::<Preview>);
    let (dragging, set_dragging) = signal(false);

    #[cfg(feature = "hydrate")]
    let navigate = leptos_router::hooks::use_navigate();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        #[cfg(feature = "hydrate")]
        submit::start(ev, set_error, set_busy, navigate.clone());
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, set_error, set_busy);
    };
    let on_file = move || {
        #[cfg(feature = "hydrate")]
        submit::chosen(set_error, set_has_file, set_preview);
        #[cfg(not(feature = "hydrate"))]
        let _ = (set_has_file, set_preview);
    };
    let on_file_change = move |_: leptos::ev::Event| on_file();
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        set_dragging.set(false);
        #[cfg(feature = "hydrate")]
        if submit::take_dropped(&ev) {
            on_file();
        }
    };

    let invalid = move |field: &'static str| {
        error.with(|e| match e {
            Some((code, _)) if submit::field_of(code, has_file.get()) == field => "true",
            _ => "false",
        })
    };
    let preview_view = move || {
        preview.get().map(|p| match p {
            Preview::Reading(name) => view! {
                <p class="preview-state" role="status">{format!("Reading {name}…")}</p>
            }
            .into_any(),
            Preview::Failed(name, message) => view! {
                <p class="preview-state" role="status">{format!("Could not read {name}: {message}")}</p>
            }
            .into_any(),
            Preview::Read(name, read) => {
                let shown = read.text.chars().count();
                let more = (read.chars > shown)
                    .then(|| format!(" (the first {shown} of {} characters)", read.chars));
                let pages = read.pages.map(|p| format!(", {p} pages")).unwrap_or_default();
                view! {
                    <details class="preview" open>
                        <summary>
                            {format!("Text read from {name} ({}{pages})", read.format)}
                            {more}
                        </summary>
                        <p class="hint">"This is what Tailor will work from. If it looks wrong, paste the text below instead."</p>
                        <pre class="resume-text preview-text" tabindex="0" aria-label="Text read from the file">{read.text}</pre>
                    </details>
                }
                .into_any()
            }
        })
    };

    let earlier_view = earlier_file.map(|(job_id, name, bytes)| {
        let used = move || {
            if has_file.get() {
                "The file you chose is used instead.".to_string()
            } else if has_resume_text.get() {
                "The text you pasted is used instead.".to_string()
            } else {
                "Choose another file or paste text to use that instead.".to_string()
            }
        };
        view! {
            <input type="hidden" name="resume_from" value=job_id/>
            <p class="which earlier-resume" role="status">
                "Your resume from the earlier job: "<strong>{name}</strong>
                {format!(" ({}). ", limits::describe(bytes))}
                {used}
            </p>
        }
    });

    view! {
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
                <div
                    class=move || if dragging.get() { "dropzone dragging" } else { "dropzone" }
                    on:dragover=move |ev: leptos::ev::DragEvent| { ev.prevent_default(); set_dragging.set(true); }
                    on:dragleave=move |_| set_dragging.set(false)
                    on:drop=on_drop
                >
                    <label for="resume-file">"Resume file"</label>
                    <p class="hint" id="resume-file-hint">
                        {format!(
                            "Drop it here, or choose it (Enter or Space). PDF, DOCX, TXT or Markdown, up to {}.",
                            limits::describe(limits::MAX_RESUME_BYTES)
                        )}
                    </p>
                    <input
                        id="resume-file"
                        name="resume"
                        type="file"
                        accept=limits::RESUME_ACCEPT
                        aria-describedby="resume-file-hint"
                        aria-invalid=move || invalid("resume-file")
                        on:change=on_file_change
                    />
                </div>
                {earlier_view}
                {preview_view}
                <label for="resume-text">"Resume text"</label>
                <textarea
                    id="resume-text"
                    name="resume_text"
                    rows="14"
                    placeholder="Or paste your resume here"
                    aria-invalid=move || invalid("resume-text")
                    on:input=move |ev| set_has_resume_text.set(!event_target_value(&ev).trim().is_empty())
                >{resume_text}</textarea>
                {move || (has_file.get() && has_resume_text.get()).then(|| view! {
                    <p class="which" role="status">"You chose a file and pasted text: the file is used."</p>
                })}
            </fieldset>
            <fieldset class="column">
                <legend>"The job"</legend>
                <label for="job-text">"Job posting"</label>
                <textarea
                    id="job-text"
                    name="job_text"
                    rows="14"
                    placeholder="Paste the job posting here"
                    aria-invalid=move || invalid("job-text")
                    on:input=move |ev| set_has_job_text.set(!event_target_value(&ev).trim().is_empty())
                >{job_text}</textarea>
                <label for="job-url">"Job posting URL"</label>
                <input
                    id="job-url"
                    name="job_url"
                    type="url"
                    inputmode="url"
                    placeholder="https://…"
                    value=job_url
                    aria-invalid=move || invalid("job-url")
                    on:input=move |ev| set_has_job_url.set(!event_target_value(&ev).trim().is_empty())
                />
                <p class="hint">"Paste the posting, or give its address and Tailor will read the page."</p>
                {move || (has_job_text.get() && has_job_url.get()).then(|| view! {
                    <p class="which" role="status">"You pasted the posting and gave its address: the pasted text is used and the address is not fetched."</p>
                })}
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
    }
}

mod submit {
    /// The form field an error code is about (its element id): the one
    /// marked invalid and focused.
    pub fn field_of(code: &str, has_file: bool) -> &'static str {
        match code {
            "unsupported_format" | "file_too_large" | "payload_too_large" => "resume-file",
            "empty_resume" if has_file => "resume-file",
            "missing_resume" | "empty_resume" | "resume_too_large" => "resume-text",
            "missing_job" | "job_too_large" => "job-text",
            c if c == "invalid_job_url" || c.starts_with("job_url") => "job-url",
            _ => "",
        }
    }

    #[cfg(feature = "hydrate")]
    use leptos::prelude::*;

    #[cfg(feature = "hydrate")]
    fn element<T: wasm_bindgen::JsCast>(id: &str) -> Option<T> {
        use wasm_bindgen::JsCast;
        web_sys::window()?
            .document()?
            .get_element_by_id(id)?
            .dyn_into::<T>()
            .ok()
    }

    /// Shows an error and puts the cursor where it can be fixed.
    #[cfg(feature = "hydrate")]
    fn fail(set_error: WriteSignal<Option<(String, String)>>, code: String, message: String) {
        let has_file = element::<web_sys::HtmlInputElement>("resume-file")
            .and_then(|i| i.files())
            .is_some_and(|f| f.length() > 0);
        let field = field_of(&code, has_file);
        set_error.set(Some((code, message)));
        if let Some(el) = element::<web_sys::HtmlElement>(field) {
            let _ = el.focus();
        }
    }

    #[cfg(feature = "hydrate")]
    /// A dropped file becomes the file input's file, as if chosen.
    pub fn take_dropped(ev: &web_sys::DragEvent) -> bool {
        let files = ev.data_transfer().and_then(|d| d.files());
        match (files, element::<web_sys::HtmlInputElement>("resume-file")) {
            (Some(files), Some(input)) if files.length() > 0 => {
                input.set_files(Some(&files));
                true
            }
            _ => false,
        }
    }

    #[cfg(feature = "hydrate")]
    /// A file was chosen: check it as the server will, then show its text.
    pub fn chosen(
        set_error: WriteSignal<Option<(String, String)>>,
        set_has_file: WriteSignal<bool>,
        set_preview: WriteSignal<Option<super::Preview>>,
    ) {
        use super::Preview;
        let Some(input) = element::<web_sys::HtmlInputElement>("resume-file") else {
            return;
        };
        let file = input.files().and_then(|f| f.get(0));
        set_has_file.set(file.is_some());
        let Some(file) = file else {
            set_preview.set(None);
            return;
        };
        let name = file.name();
        if let Err(refusal) = tailor_common::limits::check_resume_file(&name, file.size() as usize)
        {
            set_preview.set(None);
            fail(set_error, refusal.code.to_string(), refusal.message);
            return;
        }
        set_error.set(None);
        set_preview.set(Some(Preview::Reading(name.clone())));
        let Ok(data) = web_sys::FormData::new() else {
            return;
        };
        let _ = data.append_with_blob_and_filename("resume", &file, &name);
        leptos::task::spawn_local(async move {
            let outcome = match send_preview(data).await {
                Ok(read) => Preview::Read(name, read),
                Err(Sent::Refused(code, message)) => {
                    fail(set_error, code, message.clone());
                    Preview::Failed(name, message)
                }
                Err(Sent::Failed(message)) => Preview::Failed(name, message),
            };
            set_preview.set(Some(outcome));
        });
    }

    /// Why a form sent with [`send_preview`] or [`send_start`] has no answer.
    #[cfg(feature = "hydrate")]
    pub enum Sent {
        /// The server's refusal: its error code and message.
        Refused(String, String),
        /// No answer that could be read (the network, a broken reply).
        Failed(String),
    }

    /// Posts `data` to `path` and reads the JSON answer. What follows, and
    /// the fetch and JSON machinery in them, is `#[lazy]`: split out of the
    /// main bundle (app/src/lib.rs) and loaded when a person first chooses
    /// a file or sends the form, so the first visit does not download it.
    #[cfg(feature = "hydrate")]
    async fn post<T: serde::de::DeserializeOwned>(
        path: &str,
        data: web_sys::FormData,
    ) -> Result<T, Sent> {
        let request = gloo_net::http::Request::post(path)
            .header("Accept", "application/json")
            .body(data)
            .map_err(|_| Sent::Failed("the request could not be made".into()))?;
        let response = request.send().await.map_err(|_| {
            Sent::Failed("Could not reach the server. Check your connection and try again.".into())
        })?;
        if response.ok() {
            return response
                .json::<T>()
                .await
                .map_err(|_| Sent::Failed("The server's answer could not be read.".into()));
        }
        let status = response.status();
        match response.json::<tailor_common::ApiErrorBody>().await {
            Ok(body) => Err(Sent::Refused(body.error.code, body.error.message)),
            Err(_) => Err(Sent::Failed(format!("The server answered {status}."))),
        }
    }

    #[cfg(feature = "hydrate")]
    #[leptos::lazy]
    async fn send_preview(data: web_sys::FormData) -> Result<tailor_common::PreviewResponse, Sent> {
        post(tailor_common::paths::RESUME_PREVIEW, data).await
    }

    #[cfg(feature = "hydrate")]
    #[leptos::lazy]
    async fn send_start(data: web_sys::FormData) -> Result<tailor_common::StartResponse, Sent> {
        post(tailor_common::paths::START, data).await
    }

    #[cfg(feature = "hydrate")]
    pub fn start(
        ev: leptos::ev::SubmitEvent,
        set_error: leptos::prelude::WriteSignal<Option<(String, String)>>,
        set_busy: leptos::prelude::WriteSignal<bool>,
        navigate: impl Fn(&str, leptos_router::NavigateOptions) + 'static,
    ) {
        use wasm_bindgen::JsCast;

        ev.prevent_default();
        let Some(form) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok())
        else {
            return;
        };
        // The file is checked before its bytes are sent.
        if let Some(file) = element::<web_sys::HtmlInputElement>("resume-file")
            .and_then(|i| i.files())
            .and_then(|f| f.get(0))
        {
            if let Err(r) =
                tailor_common::limits::check_resume_file(&file.name(), file.size() as usize)
            {
                fail(set_error, r.code.to_string(), r.message);
                return;
            }
        }
        let Ok(data) = web_sys::FormData::new_with_form(&form) else {
            return;
        };
        set_busy.set(true);
        set_error.set(None);
        leptos::task::spawn_local(async move {
            let outcome = send_start(data).await;
            set_busy.set(false);
            match outcome {
                Ok(started) => navigate(&format!("/jobs/{}", started.job_id), Default::default()),
                Err(Sent::Refused(code, message)) => fail(set_error, code, message),
                Err(Sent::Failed(message)) => fail(set_error, "network".into(), message),
            }
        });
    }
}

/// Where the resume goes: this server only, or also the language model the
/// operator configured (its host shown), with a way to keep one job away
/// from it. Said here, before the job starts.
#[component]
fn ModelNotice() -> impl IntoView {
    match crate::api::model_provider() {
        Some(p) => {
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
        None => view! {
            <p class="model-notice">"Everything runs on this server; nothing is sent anywhere else."</p>
        }
        .into_any(),
    }
}
