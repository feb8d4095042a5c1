//! Share links: `POST /api/jobs/{id}/share` makes one (replacing any
//! earlier link), `DELETE /api/jobs/{id}/share` revokes it, and
//! `GET /share/{id}/{token}` is where a link lands: it leaves a cookie that
//! opens that one job read-only, and goes on to the job's Review page.

use axum::{
    extract::{Path, State},
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Redirect, Response},
    Json,
};
use serde::Serialize;
use uuid::Uuid;

use super::parse_job_id;
use crate::{
    access::{self, authorize, Need, Viewer},
    error::ApiError,
    state::AppState,
};

#[derive(Debug, Serialize)]
pub struct ShareLink {
    pub job_id: Uuid,
    /// The link's path on this server; the page turns it into a full URL.
    pub url: String,
}

/// `POST /api/jobs/{id}/share` (owner only): a new share link. Only its
/// hash is kept, so the link is shown once, here.
pub async fn create(
    State(app): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = parse_job_id(&id)?;
    authorize(&app, &viewer, id, Need::Own).await?;
    let token = access::new_token()?;
    if !app
        .hub
        .store()
        .set_share(id, Some(access::share_hash(&token)))
        .await?
    {
        return Err(ApiError::JobNotFound);
    }
    Ok((
        StatusCode::CREATED,
        Json(ShareLink {
            job_id: id,
            url: access::share_path(id, &token),
        }),
    )
        .into_response())
}

/// `DELETE /api/jobs/{id}/share` (owner only): the link stops working, for
/// everyone who opened it too.
pub async fn revoke(
    State(app): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = parse_job_id(&id)?;
    authorize(&app, &viewer, id, Need::Own).await?;
    if !app.hub.store().set_share(id, None).await? {
        return Err(ApiError::JobNotFound);
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `GET /share/{id}/{token}`: a live link leaves its cookie and goes to the
/// Review page; a revoked or wrong one is a 404.
pub async fn open(
    State(app): State<AppState>,
    Path((id, token)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let id = parse_job_id(&id)?;
    let stored = app
        .hub
        .store()
        .access(id)
        .await?
        .and_then(|a| a.share_hash)
        .ok_or(ApiError::JobNotFound)?;
    let given = access::share_hash(&token);
    if !bool::from(subtle::ConstantTimeEq::ct_eq(
        given.as_bytes(),
        stored.as_bytes(),
    )) {
        return Err(ApiError::JobNotFound);
    }
    let cookie = access::share_cookie(id, &token, &headers).to_string();
    let mut response = Redirect::to(&format!("/jobs/{id}/review")).into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        HeaderValue::from_str(&cookie).map_err(|e| ApiError::Internal(e.to_string()))?,
    );
    Ok(response)
}
