//! The HTTP API. Each module holds one resource's handlers.

mod control;
mod decisions;
mod export;
mod jobs;
mod share;
mod start;
mod stream;

use axum::{
    extract::DefaultBodyLimit,
    http::{header, StatusCode},
    response::{IntoResponse, Response},
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
        .route(
            route::RESUME_PREVIEW,
            post(start::preview_resume).layer(DefaultBodyLimit::max(MAX_BODY_BYTES)),
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
        .route(
            route::DECISIONS,
            post(decisions::decide)
                .layer(DefaultBodyLimit::max(decisions::MAX_DECISION_BODY_BYTES)),
        )
        .route(route::SHARE_LANDING, get(share::open))
        // Unknown API paths answer in JSON, not with the app's HTML 404.
        .route(
            "/api/{*rest}",
            axum::routing::any(|| async { ApiError::RouteNotFound }),
        )
        .layer(axum::middleware::map_response(json_method_not_allowed))
}

/// The router answers a known path with the wrong method by a bare 405;
/// the API promises every error as JSON, so say it in the usual body,
/// keeping the `Allow` header.
async fn json_method_not_allowed(response: Response) -> Response {
    if response.status() != StatusCode::METHOD_NOT_ALLOWED {
        return response;
    }
    let mut answer = ApiError::MethodNotAllowed.into_response();
    if let Some(allow) = response.headers().get(header::ALLOW) {
        answer.headers_mut().insert(header::ALLOW, allow.clone());
    }
    answer
}

/// The job's state folded from its log; an unknown job is a 404.
pub(crate) async fn job_state(
    app: &AppState,
    id: uuid::Uuid,
) -> Result<tailor_common::JobState, ApiError> {
    Ok(app.jobs.state(id).await?)
}

/// Job ids in paths: a malformed one is the client's mistake (400), not a 404
/// or a 500.
pub(crate) fn parse_job_id(raw: &str) -> Result<uuid::Uuid, ApiError> {
    uuid::Uuid::parse_str(raw)
        .map_err(|_| ApiError::bad_request("invalid_job_id", format!("'{raw}' is not a job id.")))
}
