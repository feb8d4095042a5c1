use leptos::prelude::*;

use crate::processing_job::Connection;

/// Tells the truth about the live connection: Connected, Reconnecting, Offline.
#[component]
pub fn ConnectionBadge(connection: ReadSignal<Connection>) -> impl IntoView {
    view! {
        <p
            class=move || connection.get().css()
            role="status"
            aria-label=move || format!("Live updates: {}", connection.get().label())
            data-connection=move || connection.get().label()
        >
            <span class="dot" aria-hidden="true"></span>
            {move || connection.get().label()}
        </p>
    }
}
