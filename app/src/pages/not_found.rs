use leptos::prelude::*;
use leptos_meta::Title;

/// Sets the HTTP status of a server-rendered page.
pub(crate) fn set_status_not_found() {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
}

#[component]
pub fn NotFoundPage(
    #[prop(default = "Page not found")] title: &'static str,
    #[prop(default = "There is nothing at this address.")] message: &'static str,
) -> impl IntoView {
    set_status_not_found();
    view! {
        <Title text=title/>
        <section class="card notice" aria-labelledby="notfound-title">
            <h1 id="notfound-title">{title}</h1>
            <p>{message}</p>
            <p><a class="button" href="/">"Tailor a resume"</a></p>
        </section>
    }
}
