#![recursion_limit = "256"]
//! Tailor's user interface: server-rendered by the `tailor` binary, then
//! hydrated in the browser from the same components.

pub mod api;
pub mod components;
pub mod format;
pub mod pages;
pub mod processing_job;
pub mod recent;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path, SsrMode,
};

use pages::{AboutPage, HistoryPage, NotFoundPage, ProcessingPage, ReviewPage, UploadPage};

/// The HTML document around the app, rendered only on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light dark"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    mark_hydrated();

    view! {
        <Stylesheet id="leptos" href="/pkg/tailor.css"/>
        <Title text="Tailor"/>
        <Router>
            <header class="topbar">
                <a class="brand" href="/">
                    <span class="brand-mark" aria-hidden="true">"T"</span>
                    "Tailor"
                </a>
                <span class="tagline">"Tailored resumes that never invent a fact"</span>
                <nav class="topnav" aria-label="Main">
                    <a href="/">"New"</a>
                    <a href="/jobs">"History"</a>
                    <a href="/about">"About"</a>
                </nav>
            </header>
            <main class="page">
                <Routes fallback=|| view! { <NotFoundPage/> }>
                    <Route path=path!("") view=UploadPage/>
                    <Route path=path!("/about") view=AboutPage/>
                    <Route path=path!("/jobs") view=HistoryPage ssr=SsrMode::Async/>
                    // Async: the snapshot is loaded before the first byte, so an
                    // unknown job answers with a real 404 status.
                    <Route path=path!("/jobs/:id") view=ProcessingPage ssr=SsrMode::Async/>
                    <Route path=path!("/jobs/:id/review") view=ReviewPage ssr=SsrMode::Async/>
                </Routes>
            </main>
        </Router>
    }
}

/// Sets `data-hydrated` on `<body>` once the WASM has taken over, so tests
/// (and people debugging) can tell a hydrated page from server HTML.
fn mark_hydrated() {
    Effect::new(|_| {
        #[cfg(feature = "hydrate")]
        if let Some(body) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.body())
        {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
}

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(App);
}
