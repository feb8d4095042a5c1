//! `GET /api/jobs/{id}/export?format=docx|pdf|md|txt`: the tailored resume
//! as a download, rendered from the structured resume as the person
//! decided it (`&version=N` for an earlier version).

use axum::{
    extract::{Path, Query, State},
    http::header,
    response::{IntoResponse, Response},
};
use serde::Deserialize;

use super::parse_job_id;
use crate::{
    access::{authorize, Need, Viewer},
    decisions,
    error::ApiError,
    outcome::{file_name_of_version, Format},
    state::AppState,
};

#[derive(Debug, Deserialize)]
pub struct ExportQuery {
    format: Option<String>,
    /// A version of the person's decisions; the latest when absent.
    version: Option<u32>,
}

pub async fn export(
    State(app): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Query(query): Query<ExportQuery>,
) -> Result<Response, ApiError> {
    let id = parse_job_id(&id)?;
    authorize(&app, &viewer, id, Need::Read).await?;
    let requested = query.format.unwrap_or_default();
    let format = Format::parse(&requested).ok_or_else(|| {
        ApiError::bad_request(
            "invalid_format",
            format!("'{requested}' is not a download format; use docx, pdf, md or txt."),
        )
    })?;
    let decided = decisions::load(app.hub.store().as_ref(), id, query.version).await?;
    let name = file_name_of_version(&decided.outcome, format, decided.info.version);
    let outcome = decided.outcome;
    // Rendering a PDF or DOCX is CPU work: keep it off the async workers.
    let bytes = tokio::task::spawn_blocking(move || format.render(&outcome))
        .await
        .map_err(|e| ApiError::Internal(format!("rendering failed: {e}")))?;
    Ok((
        [
            (header::CONTENT_TYPE, format.content_type().to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}
