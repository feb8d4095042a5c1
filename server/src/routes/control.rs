//! Acting on a job: cancel, retry, delete; and the job history.

use axum::{
    extract::{Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    Json,
};
use serde::{Deserialize, Serialize};
use tailor_common::StartResponse;
use uuid::Uuid;

use super::parse_job_id;
use crate::{
    access::{self, authorize, Need, Viewer},
    error::ApiError,
    state::AppState,
    store::{JobSummary, PageAfter},
};

/// `POST /api/jobs/{id}/cancel`: the job stops at its next safe point and
/// its stream ends with `job_status canceled` and `done`.
pub async fn cancel(
    State(app): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = parse_job_id(&id)?;
    authorize(&app, &viewer, id, Need::Own).await?;
    app.jobs.cancel(id).await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(serde_json::json!({"job_id": id, "status": "canceling"})),
    )
        .into_response())
}

/// `POST /api/jobs/{id}/retry`: runs a failed, canceled or interrupted job
/// again with its stored inputs, appending to the same log (seq continues),
/// so an open stream sees the retry live.
pub async fn retry(
    State(app): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = parse_job_id(&id)?;
    authorize(&app, &viewer, id, Need::Own).await?;
    app.jobs.retry(id).await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(StartResponse {
            job_id: id,
            stream_url: tailor_common::paths::job_stream(id),
            snapshot_url: tailor_common::paths::job_snapshot(id),
        }),
    )
        .into_response())
}

/// `DELETE /api/jobs/{id}`: the job, its inputs (the resume is personal
/// data), its events and its result are removed; a running job is stopped
/// (on another instance, by the store's notice).
pub async fn delete(
    State(app): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = parse_job_id(&id)?;
    authorize(&app, &viewer, id, Need::Own).await?;
    app.jobs.delete(id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    limit: Option<usize>,
    /// The page starts after the job created at `before` (ms) with id
    /// `before_id`; with `before` alone, at the jobs created before it.
    before: Option<i64>,
    before_id: Option<Uuid>,
}

#[derive(Debug, Serialize)]
pub struct JobList {
    pub jobs: Vec<JobSummary>,
    /// Pass as `before` and `before_id` for the next page; absent on the
    /// last one.
    pub next_before: Option<i64>,
    pub next_before_id: Option<Uuid>,
}

pub const MAX_PAGE: usize = 100;

/// `GET /api/jobs?limit=&before=`: the viewer's recent jobs, newest first.
pub async fn list(
    State(app): State<AppState>,
    viewer: Viewer,
    Query(query): Query<ListQuery>,
) -> Result<Response, ApiError> {
    let limit = query.limit.unwrap_or(20).clamp(1, MAX_PAGE);
    let after = match (query.before, query.before_id) {
        (Some(ms), Some(job_id)) => Some(PageAfter {
            created_at: ms,
            job_id,
        }),
        (Some(ms), None) => Some(PageAfter::before_ms(ms)),
        (None, Some(_)) => {
            return Err(ApiError::bad_request(
                "invalid_page",
                "before_id needs before (the created_at of the same job).",
            ))
        }
        (None, None) => None,
    };
    access::adopt(&app, &viewer).await?;
    let jobs = app
        .hub
        .store()
        .list_owned(&viewer.owner, limit, after)
        .await?;
    let next = (jobs.len() == limit)
        .then(|| jobs.last().map(PageAfter::after))
        .flatten();
    Ok(Json(JobList {
        jobs,
        next_before: next.map(|n| n.created_at),
        next_before_id: next.map(|n| n.job_id),
    })
    .into_response())
}
