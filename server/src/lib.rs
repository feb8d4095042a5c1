#![recursion_limit = "256"]

//! Tailor's server: the HTTP API, the SSE streams, the job hub, the store
//! and the pipeline, plus the Leptos app rendered on the server.

pub mod cli;
pub mod config;
pub mod engine;
pub mod error;
pub mod fetch;
pub mod hub;
pub mod jobs;
pub mod metrics;
pub mod outcome;
pub mod pipeline;
pub mod routes;
pub mod state;
pub mod store;

use std::sync::Arc;

use axum::{http::header, response::IntoResponse, routing::get, Router};
use leptos::{config::LeptosOptions, prelude::provide_context};
use leptos_axum::{generate_route_list, LeptosRoutes};
use tailor_app::{api::ssr::JobLookup, shell, App};
use tokio_util::sync::CancellationToken;
use tower_http::{catch_panic::CatchPanicLayer, compression::CompressionLayer, trace::TraceLayer};

use crate::{
    config::ServeArgs, error::ApiError, hub::Hub, metrics::Metrics, state::AppState,
    store::JobStore,
};

/// Everything the server needs, wired together.
pub fn build_state(
    config: ServeArgs,
    leptos_options: LeptosOptions,
    store: Arc<dyn JobStore>,
    shutdown: CancellationToken,
) -> AppState {
    let metrics = Arc::new(Metrics::default());
    let hub = Arc::new(Hub::new(
        store,
        config.heartbeat(),
        shutdown,
        metrics.clone(),
    ));
    let jobs = jobs::Jobs::new(pipeline::PipelineContext {
        hub: hub.clone(),
        runs: Arc::new(pipeline::Runs::new(config.max_running_jobs)),
        allow_private_urls: config.allow_private_urls,
        lease: config.lease(),
    });
    hub.store().set_notice_handler(jobs.notice_handler());
    AppState {
        leptos_options,
        hub,
        metrics,
        config: Arc::new(config),
        jobs,
    }
}

/// Starts what runs beside the HTTP server: recovery of the jobs a dead
/// process left unfinished, and the retention sweeper (`retention`: how long
/// finished jobs are kept). With a store only this process uses, unfinished
/// jobs resume from their checkpoints (or end as interrupted when they
/// cannot: see [`jobs::Jobs::recover`]); with a shared one, they may be
/// running elsewhere, so this instance takes over those whose run lease
/// expires instead, now and from then on. Errs only if the store cannot
/// list its unfinished jobs: one job never stops the server starting.
pub async fn start_background_work(
    state: &AppState,
    retention: std::time::Duration,
) -> Result<(), store::StoreError> {
    if state.hub.store().is_shared() {
        state.jobs.take_over_abandoned();
    } else {
        let recovery = state.jobs.recover().await?;
        if recovery != jobs::Recovery::default() {
            tracing::warn!(
                resumed = recovery.resumed,
                ended = recovery.ended,
                failed = recovery.failed,
                "recovered the jobs the last shutdown interrupted"
            );
        }
    }
    tokio::spawn(
        state
            .hub
            .clone()
            .run_sweeper(retention, retention.min(std::time::Duration::from_secs(60))),
    );
    Ok(())
}

/// The whole HTTP surface: the API, the metrics, the server-rendered pages
/// and the static site.
pub fn router(state: AppState) -> Router {
    let hub = state.hub.clone();
    let lookup = JobLookup {
        snapshot: Arc::new(move |id| {
            let hub = hub.clone();
            Box::pin(async move { hub.store().snapshot(id).await.ok().flatten() })
        }),
        result: {
            let hub = state.hub.clone();
            Arc::new(move |id| {
                let hub = hub.clone();
                Box::pin(async move {
                    let outcome = outcome::load(hub.store().as_ref(), id).await.ok()?;
                    Some(outcome::job_result(id, &outcome))
                })
            })
        },
        recent: {
            let hub = state.hub.clone();
            Arc::new(move || {
                let hub = hub.clone();
                Box::pin(async move { hub.store().list_jobs(50, None).await.unwrap_or_default() })
            })
        },
        heartbeat_secs: state.config.heartbeat_secs,
        retention_days: state.config.retention_days,
    };
    let leptos_options = state.leptos_options.clone();
    Router::new()
        .merge(routes::api_router())
        .route("/metrics", get(metrics))
        .route("/healthz", get(|| async { "ok" }))
        .leptos_routes_with_context(
            &state,
            generate_route_list(App),
            move || provide_context(lookup.clone()),
            move || shell(leptos_options.clone()),
        )
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        // The default predicate never compresses text/event-stream: a
        // compressor would hold events back.
        .layer(CompressionLayer::new())
        .layer(CatchPanicLayer::custom(|_| {
            ApiError::Internal("a request handler panicked".into()).into_response()
        }))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

async fn metrics(axum::extract::State(state): axum::extract::State<AppState>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render(),
    )
}
