//! The HTTP API. Each module holds one resource's handlers.

mod control;
mod export;
mod jobs;
mod share;
mod start;
mod stream;

use axum::{
    extract::DefaultBodyLimit,
    routing::{delete, get, post},
    Router,
};

use tailor_common::paths::route;

use crate::{error::ApiError, state::AppState};

pub use tailor_common::limits::MAX_BODY_BYTES;

pub fn api_router() -> Router<AppState> {
    Router::new()
        .route(
            route::START,
            post(start::start_pipeline).layer(DefaultBodyLimit::max(MAX_BODY_BYTES)),
        )
        .route(route::JOBS, get(control::list))
        .route(route::JOB, delete(control::delete))
        .route(route::CANCEL, post(control::cancel))
        .route(route::RETRY, post(control::retry))
        .route(route::STREAM, get(stream::stream_job))
        .route(route::SNAPSHOT, get(jobs::snapshot))
        .route(route::RESULT, get(jobs::result))
        .route(route::EXPORT, get(export::export))
        .route(route::SHARE, post(share::create).delete(share::revoke))
        .route(route::SHARE_LANDING, get(share::open))
        // Unknown API paths answer in JSON, not with the app's HTML 404.
        .route(
            "/api/{*rest}",
            axum::routing::any(|| async { ApiError::RouteNotFound }),
        )
}

/// The job's state folded from its log; an unknown job is a 404.
pub(crate) async fn job_state(
    app: &AppState,
    id: uuid::Uuid,
) -> Result<tailor_common::JobState, ApiError> {
    app.hub
        .store()
        .snapshot(id)
        .await?
        .ok_or(ApiError::JobNotFound)
}

/// Job ids in paths: a malformed one is the client's mistake (400), not a 404
/// or a 500.
pub(crate) fn parse_job_id(raw: &str) -> Result<uuid::Uuid, ApiError> {
    uuid::Uuid::parse_str(raw)
        .map_err(|_| ApiError::bad_request("invalid_job_id", format!("'{raw}' is not a job id.")))
}
