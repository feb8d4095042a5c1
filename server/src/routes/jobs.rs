use axum::{
    extract::{Path, State},
    response::{IntoResponse, Response},
    Json,
};

use super::{job_state, parse_job_id};
use crate::{
    access::{authorize, Need, Viewer},
    decisions,
    error::ApiError,
    state::AppState,
};

/// `GET /api/jobs/{id}/snapshot`: the reducer's state over the job's log.
pub async fn snapshot(
    State(app): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = parse_job_id(&id)?;
    authorize(&app, &viewer, id, Need::Read).await?;
    let state = job_state(&app, id).await?;
    Ok(Json(state).into_response())
}

/// `GET /api/jobs/{id}/result`: the pipeline's outcome with the person's
/// decisions taken; 409 while it runs.
pub async fn result(
    State(app): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = parse_job_id(&id)?;
    authorize(&app, &viewer, id, Need::Read).await?;
    let decided = decisions::load(app.hub.store().as_ref(), id, None).await?;
    Ok(Json(decided.job_result(id)).into_response())
}
