#![recursion_limit = "256"]

//! Tailor's server: the HTTP API, the SSE streams, the job hub, the store
//! and the pipeline, plus the Leptos app rendered on the server.

pub mod access;
pub mod cli;
pub mod config;
pub mod decisions;
pub mod defences;
pub mod engine;
pub mod error;
pub mod feed;
pub mod fetch;
pub mod http;
pub mod hub;
pub mod jobs;
pub mod llm;
pub mod metrics;
pub mod outcome;
pub mod parse_worker;
pub mod pipeline;
pub mod routes;
pub mod site;
pub mod sse;
pub mod state;
pub mod store;

use std::sync::Arc;

use axum::{
    extract::{Request, State},
    http::header,
    middleware,
    response::{IntoResponse, Response},
    routing::get,
    Router,
};
use futures::future::BoxFuture;
use leptos::{
    config::LeptosOptions,
    prelude::{provide_context, use_context},
};
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes, ResponseOptions};
use tailor_app::{
    api::ssr::{JobLookup, Unavailable, Viewed},
    shell, App,
};
use tokio_util::sync::CancellationToken;
use tower_http::{catch_panic::CatchPanicLayer, compression::CompressionLayer, trace::TraceLayer};

use crate::{
    config::ServeArgs, error::ApiError, hub::Hub, metrics::Metrics, parse_worker::ParseWorkers,
    state::AppState, store::JobStore,
};

/// Everything the server needs, wired together.
pub fn build_state(
    config: ServeArgs,
    leptos_options: LeptosOptions,
    store: Arc<dyn JobStore>,
    shutdown: CancellationToken,
) -> AppState {
    let metrics = Arc::new(Metrics::default());
    let hub = Arc::new(Hub::with_window(
        store,
        config.heartbeat(),
        shutdown,
        metrics.clone(),
        config.stream_window(),
    ));
    let readers = Arc::new(ParseWorkers::new(
        config.reader_exe(),
        parse_worker::Limits::default(),
        metrics.clone(),
    ));
    let jobs = jobs::Jobs::new(pipeline::PipelineContext {
        hub: hub.clone(),
        runs: Arc::new(pipeline::Runs::new(config.max_running_jobs)),
        allow_private_urls: config.allow_private_urls,
        lease: config.lease(),
        readers,
        llm: provider(&config),
    });
    hub.store().set_notice_handler(jobs.notice_handler());
    AppState {
        leptos_options: site::with_hashed_names(leptos_options),
        hub,
        metrics,
        hosts: Arc::new(defences::HostPolicy::from_config(&config)),
        config: Arc::new(config),
        jobs,
    }
}

/// The model provider, when one is configured. `main` checks the flags
/// before it builds the state, so an error here is a test's own doing.
fn provider(config: &ServeArgs) -> Option<Arc<llm::Provider>> {
    match config
        .llm
        .config()
        .and_then(|c| c.map(llm::Provider::new).transpose())
    {
        Ok(provider) => provider.map(Arc::new),
        Err(e) => {
            tracing::error!(error = %e, "the model provider is not configured correctly; rewriting is off");
            None
        }
    }
}

/// Starts what runs beside the HTTP server: recovery of the jobs a dead
/// process left unfinished, and the retention sweeper (`retention`: how long
/// finished jobs are kept). With a store only this process uses, unfinished
/// jobs resume from their checkpoints (or end as interrupted when they
/// cannot: see [`jobs::Jobs::recover`]); with a shared one, they may be
/// running elsewhere, so this instance takes over those whose run lease
/// expires instead, now and from then on. Returns what recovery did (none
/// with a shared store). Errs only if the store cannot list its unfinished
/// jobs: one job never stops the server starting.
pub async fn start_background_work(
    state: &AppState,
    retention: std::time::Duration,
) -> Result<Option<jobs::Recovery>, store::StoreError> {
    let recovered = if state.hub.store().is_shared() {
        state.jobs.take_over_abandoned();
        None
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
        Some(recovery)
    };
    tokio::spawn(
        state
            .hub
            .clone()
            .run_sweeper(retention, retention.min(std::time::Duration::from_secs(60))),
    );
    Ok(recovered)
}

/// The whole HTTP surface: the API, the metrics, the server-rendered pages
/// and the static site, behind the web defences (outermost first): the
/// security headers, the `Host` allow-list, the same-origin check, and the
/// viewer's identity.
pub fn router(state: AppState) -> Router {
    let leptos_options = state.leptos_options.clone();
    let context = page_context(state.clone());
    Router::new()
        .merge(routes::api_router())
        .route("/metrics", get(metrics))
        .route("/healthz", get(|| async { "ok" }))
        .leptos_routes_with_context(&state, page_routes(), context.clone(), move || {
            shell(leptos_options.clone())
        })
        .fallback(static_or_not_found(&state, context))
        .layer(middleware::map_response(site::html_is_revalidated))
        // The default predicate never compresses text/event-stream: a
        // compressor would hold events back. Nor does it compress a file
        // served in its precompressed form (it has a Content-Encoding).
        .layer(CompressionLayer::new())
        .layer(CatchPanicLayer::custom(|_| {
            ApiError::Internal("a request handler panicked".into()).into_response()
        }))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            access::identify,
        ))
        .layer(middleware::from_fn(defences::check_origin))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            defences::check_host,
        ))
        .layer(middleware::from_fn(defences::security_headers))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// The app's page routes, listed once per process. Listing them runs the
/// app with resource loading suspended by a process-wide flag in
/// leptos_server: a page render that first polls a resource while another
/// router is being built in the same process waits forever
/// (leptos-rs/leptos#4773). A process serves with one router, but the
/// tests build one per test, in parallel.
fn page_routes() -> Vec<AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<AxumRouteListing>> = std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// What no route answers: a file of the site root if there is one, else
/// the app's own "not found" page.
fn static_or_not_found(
    state: &AppState,
    context: impl Fn() + Clone + Send + Sync + 'static,
) -> impl Fn(axum::http::Uri, State<AppState>, Request) -> BoxFuture<'static, Response>
       + Clone
       + Send
       + Sync
       + 'static {
    let files = site::StaticFiles::new(&state.leptos_options);
    let not_found = leptos_axum::file_and_error_handler_with_context::<AppState, _>(context, shell);
    move |uri, state, request| {
        let (files, not_found) = (files.clone(), not_found.clone());
        Box::pin(async move {
            match files.serve(request).await {
                Ok(response) => response,
                Err(request) => not_found(uri, state, request).await,
            }
        })
    }
}

/// What each page render and server function gets: the job lookup bound to
/// the person asking (so the pages show only what the API would), and the
/// page's CSP, built with the nonce Leptos put on its scripts.
fn page_context(state: AppState) -> impl Fn() + Clone + Send + Sync + 'static {
    move || {
        let viewer = use_context::<axum::http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<access::Viewer>().cloned());
        if let Some(viewer) = viewer {
            provide_context(job_lookup(&state, viewer));
        }
        if let (Some(nonce), Some(response)) =
            (leptos::nonce::use_nonce(), use_context::<ResponseOptions>())
        {
            if let Ok(csp) = header::HeaderValue::from_str(&defences::page_csp(&nonce)) {
                response.insert_header(header::CONTENT_SECURITY_POLICY, csp);
            }
        }
    }
}

/// Whether `viewer` may read job `id` only through a share link; `None`
/// when it may not read it at all (the pages then say "not found"); `Err`
/// when the store could not say.
async fn read_only(
    state: &AppState,
    viewer: &access::Viewer,
    id: uuid::Uuid,
) -> Result<Option<bool>, Unavailable> {
    match access::authorize(state, viewer, id, access::Need::Read).await {
        Ok(access) => Ok(Some(access == access::Access::ReadOnly)),
        Err(ApiError::Store(e @ store::StoreError::Backend(_))) => Err(outage(e)),
        Err(_) => Ok(None),
    }
}

/// What the run-again form shows of a job's stored inputs.
fn earlier_inputs(job_id: uuid::Uuid, inputs: store::JobInputs) -> tailor_app::api::RunAgainInputs {
    let pasted = inputs.resume.file_name.is_none();
    tailor_app::api::RunAgainInputs {
        job_id,
        resume_bytes: inputs.resume.bytes.len(),
        resume_text: pasted.then(|| String::from_utf8_lossy(&inputs.resume.bytes).into_owned()),
        resume_file_name: inputs.resume.file_name,
        job_text: inputs.job_text,
        job_url: inputs.job_url,
    }
}

/// A store failure under a page: logged here, shown there as an outage.
fn outage(e: store::StoreError) -> Unavailable {
    tracing::error!(error = %e, "a page could not read the job store");
    Unavailable
}

fn job_lookup(state: &AppState, viewer: access::Viewer) -> JobLookup {
    let viewer = Arc::new(viewer);
    JobLookup {
        snapshot: {
            let (state, viewer) = (state.clone(), viewer.clone());
            Arc::new(move |id| {
                let (state, viewer) = (state.clone(), viewer.clone());
                Box::pin(async move {
                    let Some(read_only) = read_only(&state, &viewer, id).await? else {
                        return Ok(None);
                    };
                    match state.jobs.state(id).await {
                        Ok(value) => Ok(Some(Viewed { value, read_only })),
                        Err(jobs::JobsError::Store(e @ store::StoreError::Backend(_))) => {
                            Err(outage(e))
                        }
                        Err(_) => Ok(None),
                    }
                })
            })
        },
        result: {
            let (state, viewer) = (state.clone(), viewer.clone());
            Arc::new(move |id| {
                let (state, viewer) = (state.clone(), viewer.clone());
                Box::pin(async move {
                    let Some(read_only) = read_only(&state, &viewer, id).await? else {
                        return Ok(None);
                    };
                    match decisions::load(state.hub.store().as_ref(), id, None).await {
                        Ok(decided) => Ok(Some(Viewed {
                            value: decided.job_result(id),
                            read_only,
                        })),
                        Err(ApiError::Store(e @ store::StoreError::Backend(_))) => Err(outage(e)),
                        // Unknown, running or without a result: the page says so.
                        Err(_) => Ok(None),
                    }
                })
            })
        },
        inputs: {
            let (state, viewer) = (state.clone(), viewer.clone());
            Arc::new(move |id| {
                let (state, viewer) = (state.clone(), viewer.clone());
                Box::pin(async move {
                    let inputs = match access::owned_inputs(&state, &viewer, id).await {
                        Ok(inputs) => inputs,
                        Err(ApiError::Store(e @ store::StoreError::Backend(_))) => {
                            return Err(outage(e))
                        }
                        Err(_) => None,
                    };
                    Ok(inputs.map(|i| Viewed {
                        value: earlier_inputs(id, i),
                        read_only: false,
                    }))
                })
            })
        },
        recent: {
            let state = state.clone();
            Arc::new(move || {
                let (state, viewer) = (state.clone(), viewer.clone());
                Box::pin(async move {
                    access::adopt(&state, &viewer).await.map_err(|e| {
                        tracing::error!(error = %e, "the history page could not adopt unowned jobs");
                        Unavailable
                    })?;
                    state
                        .hub
                        .store()
                        .list_owned(&viewer.owner, 50, None)
                        .await
                        .map_err(outage)
                })
            })
        },
        heartbeat_secs: state.config.heartbeat_secs,
        retention_days: state.config.retention_days,
        model: state
            .pipeline_context()
            .llm
            .as_ref()
            .map(|p| tailor_app::api::ModelInfo {
                host: p.config().host(),
                model: p.config().model.clone(),
            }),
    }
}

async fn metrics(axum::extract::State(state): axum::extract::State<AppState>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render(),
    )
}
