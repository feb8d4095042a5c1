use axum::{
    extract::{Path, State},
    response::{IntoResponse, Response},
    Json,
};

use super::parse_job_id;
use crate::{error::ApiError, state::AppState};

/// `GET /api/jobs/{id}/snapshot`: the reducer's state over the job's log.
pub async fn snapshot(
    State(app): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = parse_job_id(&id)?;
    let state = app
        .hub
        .store()
        .snapshot(id)
        .await?
        .ok_or(ApiError::JobNotFound)?;
    Ok(Json(state).into_response())
}

/// `GET /api/jobs/{id}/result`: the pipeline's outcome; 409 while it runs.
pub async fn result(
    State(app): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = parse_job_id(&id)?;
    let store = app.hub.store();
    let state = store.snapshot(id).await?.ok_or(ApiError::JobNotFound)?;
    if !state.is_done() {
        return Err(ApiError::JobRunning);
    }
    let result = store.result(id).await?.ok_or(ApiError::NoResult)?;
    Ok(Json(result).into_response())
}
