//! `POST /api/pipeline/start`: takes a resume and a job posting (JSON or
//! multipart), creates the job and starts its pipeline; and
//! `POST /api/resume/preview`, which reads a resume file and starts nothing.

use axum::{
    body::Bytes,
    extract::{FromRequest, Multipart, Request, State},
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Redirect, Response},
    Json,
};
use serde::Deserialize;
use tailor_common::{PreviewResponse, StartResponse};

use crate::{
    access::{owned_inputs, Viewer},
    error::ApiError,
    state::AppState,
    store::{JobInputs, ResumeUpload},
};

use tailor_common::{
    limits::{self, describe, MAX_BODY_BYTES, MAX_JOB_TEXT_BYTES, MAX_RESUME_BYTES},
    paths,
};

#[derive(Debug, Default, Deserialize)]
struct StartJson {
    resume_text: Option<String>,
    job_text: Option<String>,
    job_url: Option<String>,
    /// `false`: this job is not sent to the configured model provider.
    use_model: Option<bool>,
    /// Run again: the resume of this earlier job of the same person.
    resume_from: Option<String>,
}

pub async fn start_pipeline(
    State(app): State<AppState>,
    viewer: Viewer,
    req: Request,
) -> Result<Response, ApiError> {
    let wants_html = wants_html(req.headers());
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let inputs = if content_type.starts_with("application/json") {
        from_json(req).await?
    } else if content_type.starts_with("multipart/form-data") {
        from_multipart(req).await?
    } else {
        return Err(ApiError::UnsupportedMediaType(
            "Send the resume and job as application/json or multipart/form-data.".into(),
        ));
    };
    let use_model = !inputs.without_model;
    let inputs = earlier_resume(&app, &viewer, inputs).await?;
    let inputs = validate(inputs)?;

    let job_id = app
        .jobs
        .start(Some(&viewer.owner), inputs, use_model)
        .await?;

    if wants_html {
        // A plain HTML form (before the page's script has loaded) lands on
        // the job's page.
        return Ok(Redirect::to(&paths::job_page(job_id)).into_response());
    }
    let body = StartResponse {
        job_id,
        stream_url: paths::job_stream(job_id),
        snapshot_url: paths::job_snapshot(job_id),
    };
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, paths::job_page(job_id))],
        Json(body),
    )
        .into_response())
}

/// "Edit the inputs and run again": when the form names an earlier job
/// (`resume_from`) and carries no new resume, that job's resume is used, as
/// uploaded. Only its owner may reuse it; a share link is not enough. A new
/// file or pasted text wins over the earlier resume, as the form says.
async fn earlier_resume(
    app: &AppState,
    viewer: &Viewer,
    mut raw: RawInputs,
) -> Result<RawInputs, ApiError> {
    let Some(from) = non_blank(raw.resume_from.take()) else {
        return Ok(raw);
    };
    if raw.resume_file.is_some() || non_blank(raw.resume_text.clone()).is_some() {
        return Ok(raw);
    }
    let gone = || {
        ApiError::bad_request(
            "earlier_resume_gone",
            "The resume of that earlier job is no longer on this server (finished jobs are \
             deleted after a while): choose the file again or paste its text.",
        )
    };
    let job_id = uuid::Uuid::parse_str(from.trim()).map_err(|_| gone())?;
    let earlier = owned_inputs(app, viewer, job_id).await?.ok_or_else(gone)?;
    // A pasted resume was stored as its text, without a file name.
    match earlier.resume.file_name {
        Some(_) => raw.resume_file = Some(earlier.resume),
        None => raw.resume_text = Some(String::from_utf8_lossy(&earlier.resume.bytes).into_owned()),
    }
    Ok(raw)
}

/// Reads a resume file the way a job would (in a parse worker, with the
/// same limits) and answers with the start of the text, starting nothing.
/// The viewer must pass the same identity checks as for a start; the
/// same-origin check guards it as every non-GET route.
pub async fn preview_resume(
    State(app): State<AppState>,
    _viewer: Viewer,
    req: Request,
) -> Result<Json<PreviewResponse>, ApiError> {
    let is_multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("multipart/form-data"));
    if !is_multipart {
        return Err(ApiError::UnsupportedMediaType(
            "Send the resume file as multipart/form-data, in the field 'resume'.".into(),
        ));
    }
    let Some(file) = from_multipart(req).await?.resume_file else {
        return Err(ApiError::bad_request(
            "missing_resume",
            "Choose a resume file to preview.",
        ));
    };
    let name = file.file_name.clone().unwrap_or_default();
    limits::check_resume_file(&name, file.bytes.len())
        .map_err(|r| ApiError::bad_request(r.code, r.message))?;
    let read = app
        .pipeline_context()
        .readers
        .read(&crate::engine::ResumeInput {
            file_name: file.file_name,
            bytes: file.bytes,
        })
        .await
        .map_err(|e| ApiError::bad_request(e.code(), e.to_string()))?;
    let chars = read.text.chars().count();
    Ok(Json(PreviewResponse {
        format: read.format.as_str().to_string(),
        text: read.text.chars().take(PreviewResponse::MAX_CHARS).collect(),
        chars,
        pages: read.pages,
    }))
}

/// A browser's own form submission asks for HTML first; fetch and API
/// clients ask for JSON (or anything).
fn wants_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.starts_with("text/html"))
}

async fn from_json(req: Request) -> Result<RawInputs, ApiError> {
    let body = Bytes::from_request(req, &()).await.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            too_large()
        } else {
            ApiError::bad_request("invalid_body", e.body_text())
        }
    })?;
    let json: StartJson = serde_json::from_slice(&body).map_err(|e| {
        ApiError::bad_request(
            "invalid_json",
            format!(
                "The JSON body could not be read ({e}). Send resume_text and job_text or job_url."
            ),
        )
    })?;
    Ok(RawInputs {
        resume_file: None,
        resume_text: json.resume_text,
        without_model: json.use_model == Some(false),
        job_text: json.job_text,
        job_url: json.job_url,
        resume_from: json.resume_from,
    })
}

async fn from_multipart(req: Request) -> Result<RawInputs, ApiError> {
    let mut multipart = Multipart::from_request(req, &())
        .await
        .map_err(|e| ApiError::bad_request("invalid_multipart", e.body_text()))?;
    let mut raw = RawInputs::default();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) => return Err(multipart_error(e)),
        };
        let name = field.name().unwrap_or_default().to_string();
        let file_name = field.file_name().map(str::to_string);
        let bytes = field.bytes().await.map_err(multipart_error)?;
        match name.as_str() {
            // An empty file input still sends a part, with no name and no bytes.
            "resume"
                if !bytes.is_empty() || file_name.as_deref().is_some_and(|n| !n.is_empty()) =>
            {
                raw.resume_file = Some(ResumeUpload {
                    file_name: file_name.filter(|n| !n.is_empty()),
                    bytes: bytes.to_vec(),
                });
            }
            "resume_text" => raw.resume_text = Some(utf8(bytes, "resume_text")?),
            "job_text" => raw.job_text = Some(utf8(bytes, "job_text")?),
            "job_url" => raw.job_url = Some(utf8(bytes, "job_url")?),
            "resume_from" => raw.resume_from = Some(utf8(bytes, "resume_from")?),
            // The upload form's "run without the model" box.
            "without_model" => raw.without_model = !bytes.is_empty(),
            _ => {} // unknown fields are ignored, like unknown JSON keys
        }
    }
    Ok(raw)
}

fn multipart_error(e: axum::extract::multipart::MultipartError) -> ApiError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        too_large()
    } else {
        ApiError::bad_request("invalid_multipart", e.body_text())
    }
}

/// A body over the request limit is, in practice, a resume file over its
/// limit: say so with the limit the page states, not the body's.
fn too_large() -> ApiError {
    ApiError::TooLarge(format!(
        "{} (the whole upload may be at most {}).",
        limits::resume_too_large().trim_end_matches('.'),
        describe(MAX_BODY_BYTES)
    ))
}

fn utf8(bytes: Bytes, field: &str) -> Result<String, ApiError> {
    String::from_utf8(bytes.to_vec()).map_err(|_| {
        ApiError::bad_request(
            "invalid_text",
            format!("The field {field} is not UTF-8 text."),
        )
    })
}

/// What a request carried, before it is checked.
#[derive(Debug, Default)]
struct RawInputs {
    resume_file: Option<ResumeUpload>,
    resume_text: Option<String>,
    job_text: Option<String>,
    job_url: Option<String>,
    /// The person asked for this job to run without the model provider.
    without_model: bool,
    /// An earlier job whose resume to use (see [`earlier_resume`]).
    resume_from: Option<String>,
}

fn non_blank(s: Option<String>) -> Option<String> {
    s.filter(|s| !s.trim().is_empty())
}

fn validate(raw: RawInputs) -> Result<JobInputs, ApiError> {
    let resume = match (raw.resume_file, non_blank(raw.resume_text)) {
        (Some(file), _) => {
            let name = file.file_name.clone().unwrap_or_default();
            limits::check_resume_file(&name, file.bytes.len())
                .map_err(|r| ApiError::bad_request(r.code, r.message))?;
            file
        }
        (None, Some(text)) => ResumeUpload {
            file_name: None,
            bytes: text.into_bytes(),
        },
        (None, None) => {
            return Err(ApiError::bad_request(
                "missing_resume",
                "Add your resume: choose a file or paste its text.",
            ))
        }
    };
    if resume.bytes.len() > MAX_RESUME_BYTES {
        return Err(ApiError::bad_request(
            "file_too_large",
            limits::resume_too_large(),
        ));
    }
    let job_text = non_blank(raw.job_text);
    let job_url = non_blank(raw.job_url).map(|u| u.trim().to_string());
    if job_text.is_none() && job_url.is_none() {
        return Err(ApiError::bad_request(
            "missing_job",
            "Add the job posting: paste its text or give its URL.",
        ));
    }
    if let Some(text) = &job_text {
        if text.len() > MAX_JOB_TEXT_BYTES {
            return Err(ApiError::bad_request(
                "job_too_large",
                format!(
                    "The job posting is longer than {}.",
                    describe(MAX_JOB_TEXT_BYTES)
                ),
            ));
        }
    }
    if let Some(url) = &job_url {
        let ok = url::Url::parse(url)
            .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some());
        if !ok {
            return Err(ApiError::bad_request(
                "invalid_job_url",
                format!("'{url}' is not an http or https address."),
            ));
        }
    }
    Ok(JobInputs {
        resume,
        job_text,
        job_url,
    })
}
