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
use leptos_meta::{provide_meta_context, HashedStylesheet, MetaTags, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    lazy_route, path, Lazy, LazyRoute, SsrMode,
};

use pages::{
    AboutPage, HistoryPage, NotFoundPage, ProcessingPage, ReviewPage, RunAgainPage, UploadPage,
};

/// The HTML document around the app, rendered only on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light dark"/>
                // In the page itself: a repeat visit then asks the server
                // about nothing but the page.
                <link rel="icon" href=favicon() type="image/svg+xml"/>
                // /pkg/tailor.<hash>.css when the build hashed its files
                // (server/src/site.rs), else /pkg/tailor.css.
                <HashedStylesheet options=options.clone() id="leptos"/>
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

/// `public/favicon.svg` as a `data:` URL (the page's CSP allows `data:`
/// images).
fn favicon() -> &'static str {
    static URL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    URL.get_or_init(|| {
        let svg = include_str!("../../public/favicon.svg").trim();
        let mut url = String::from("data:image/svg+xml,");
        for c in svg.chars() {
            match c {
                '"' => url.push('\''),
                '#' => url.push_str("%23"),
                '%' => url.push_str("%25"),
                '<' => url.push_str("%3C"),
                '>' => url.push_str("%3E"),
                '\n' | '\r' => url.push(' '),
                c => url.push(c),
            }
        }
        url
    })
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    api::provide_model_provider();
    mark_hydrated();

    view! {
        <Title text="Tailor"/>
        <Router>
            // rel="external": the browser's own fragment link moves the focus;
            // the router would only change the URL.
            <a class="skip-link" href="#main" rel="external">"Skip to content"</a>
            <FocusOnNavigate/>
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
            <main class="page" id="main" tabindex="-1">
                <Routes fallback=|| view! { <NotFoundPage/> }>
                    <Route path=path!("") view=UploadPage/>
                    <Route path=path!("/about") view={Lazy::<AboutRoute>::new()}/>
                    <Route path=path!("/jobs") view={Lazy::<HistoryRoute>::new()} ssr=SsrMode::Async/>
                    // Async: the snapshot is loaded before the first byte, so an
                    // unknown job answers with a real 404 status.
                    <Route path=path!("/jobs/:id") view={Lazy::<ProcessingRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/jobs/:id/review") view={Lazy::<ReviewRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/jobs/:id/again") view={Lazy::<RunAgainRoute>::new()} ssr=SsrMode::Async/>
                </Routes>
            </main>
        </Router>
    }
}

// Every page but the upload page is a lazy route: its code is split out of
// the main bundle (scripts/build-site.sh runs wasm-split) and loaded when
// the page is first shown, so the first visit downloads only the upload
// page's code. The server preloads the chunks of the page it renders.
macro_rules! lazy_page {
    ($route:ident, $page:ident) => {
        struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            fn view(_this: Self) -> AnyView {
                view! { <$page/> }.into_any()
            }
        }
    };
}

lazy_page!(AboutRoute, AboutPage);
lazy_page!(HistoryRoute, HistoryPage);
lazy_page!(ProcessingRoute, ProcessingPage);
lazy_page!(ReviewRoute, ReviewPage);
lazy_page!(RunAgainRoute, RunAgainPage);

/// After an in-app navigation, moves the focus to the new page's heading,
/// as a full page load would put a screen reader at the top: without it the
/// focus stays on the link that was followed, on a page that is gone. Pages
/// that load their data show the heading a little later, so it is looked
/// for a few times.
#[component]
fn FocusOnNavigate() -> impl IntoView {
    let location = leptos_router::hooks::use_location();
    Effect::new(move |previous: Option<String>| {
        let path = location.pathname.get();
        #[cfg(feature = "hydrate")]
        if previous.as_ref().is_some_and(|p| *p != path) {
            focus_heading(10);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = previous;
        path
    });
}

#[cfg(feature = "hydrate")]
fn main_heading() -> Option<web_sys::HtmlElement> {
    use wasm_bindgen::JsCast;
    web_sys::window()?
        .document()?
        .query_selector("main h1")
        .ok()
        .flatten()?
        .dyn_into::<web_sys::HtmlElement>()
        .ok()
}

/// Waits for the new page's heading: one that is not the heading shown
/// when the navigation began (the old page may still be drawn then); after
/// a while, whatever heading there is.
#[cfg(feature = "hydrate")]
fn focus_heading(tries: u32) {
    let old = send_wrapper::SendWrapper::new(main_heading());
    wait_for_heading(old, tries);
}

#[cfg(feature = "hydrate")]
fn wait_for_heading(old: send_wrapper::SendWrapper<Option<web_sys::HtmlElement>>, tries: u32) {
    match main_heading() {
        Some(h) if tries == 0 || old.as_ref() != Some(&h) => {
            let _ = h.set_attribute("tabindex", "-1");
            let _ = h.focus();
        }
        _ if tries > 0 => set_timeout(
            move || wait_for_heading(old, tries - 1),
            std::time::Duration::from_millis(100),
        ),
        _ => {}
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
    leptos::mount::hydrate_lazy(App);
}
