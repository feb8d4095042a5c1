//! `POST /api/jobs/{id}/decisions`: one decision of the person reviewing a
//! finished job's result (see `tailor_common::review::Decision`), answered
//! with the result as decided.

use axum::{
    extract::{rejection::JsonRejection, Path, State},
    response::{IntoResponse, Response},
    Json,
};
use tailor_common::review::Decision;

use super::parse_job_id;
use crate::{
    access::{authorize, Need, Viewer},
    decisions,
    error::ApiError,
    state::AppState,
};

/// The largest decision body: its texts are bounded far below this.
pub const MAX_DECISION_BODY_BYTES: usize = 16 * 1024;

pub async fn decide(
    State(app): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    body: Result<Json<Decision>, JsonRejection>,
) -> Result<Response, ApiError> {
    let id = parse_job_id(&id)?;
    // A share link reads and never decides: like everyone but the owner,
    // it gets the 404 of a job that does not exist.
    authorize(&app, &viewer, id, Need::Own).await?;
    let Json(decision) = body.map_err(|e| {
        if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            return ApiError::TooLarge(format!(
                "The request is larger than the {} limit.",
                tailor_common::limits::describe(MAX_DECISION_BODY_BYTES)
            ));
        }
        ApiError::bad_request(
            "invalid_decision",
            format!(
                "This is not a decision Tailor knows ({}). Send {{\"action\": \"change\" | \"confirm\" | \"unconfirm\" | \"edit\" | \"restore\", …}}.",
                e.body_text()
            ),
        )
    })?;
    let decided = decisions::take(&app.hub, id, decision).await?;
    Ok(Json(decided.job_result(id)).into_response())
}
