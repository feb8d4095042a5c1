//! API errors: typed, and mapped once to a status and a JSON body
//! `{"error":{"code","message"}}`.

use axum::{
    http::StatusCode,
    response::{IntoResponse, Response},
    Json,
};
use tailor_common::{ApiErrorBody, ApiErrorDetail};

use crate::{jobs::JobsError, store::StoreError};

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{message}")]
    BadRequest { code: &'static str, message: String },
    #[error("{0}")]
    TooLarge(String),
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("No job with this id exists (it may have been removed).")]
    JobNotFound,
    #[error("Nothing at this address.")]
    RouteNotFound,
    #[error("This address does not take that method; the Allow header lists those it takes.")]
    MethodNotAllowed,
    #[error("The job is still running; its result is not ready yet.")]
    JobRunning,
    #[error("This job ended without a result; its error says why.")]
    NoResult,
    #[error("This job has already finished.")]
    JobFinished,
    #[error("This job completed; there is nothing to retry.")]
    JobCompleted,
    #[error("Too many jobs are running right now; try again in a moment.")]
    Busy,
    #[error(
        "This result has reached its limit of decisions; go back to a version or start again."
    )]
    TooManyDecisions,
    #[error("{0}")]
    Unauthorized(String),
    #[error(
        "This request came from another site; Tailor only accepts changes made from its own pages."
    )]
    CrossOrigin,
    #[error("This server does not answer to the host name '{0}'.")]
    HostNotAllowed(String),
    #[error("internal error: {0}")]
    Internal(String),
    #[error("The job store failed: {0}")]
    Store(#[from] StoreError),
}

impl ApiError {
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        ApiError::BadRequest {
            code,
            message: message.into(),
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            ApiError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::JobNotFound | ApiError::RouteNotFound => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::JobRunning
            | ApiError::NoResult
            | ApiError::JobFinished
            | ApiError::JobCompleted => StatusCode::CONFLICT,
            ApiError::Busy => StatusCode::TOO_MANY_REQUESTS,
            ApiError::TooManyDecisions => StatusCode::CONFLICT,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::CrossOrigin => StatusCode::FORBIDDEN,
            ApiError::HostNotAllowed(_) => StatusCode::MISDIRECTED_REQUEST,
            ApiError::Store(StoreError::NotFound(_)) => StatusCode::NOT_FOUND,
            ApiError::Store(StoreError::NotOwner(_)) => StatusCode::CONFLICT,
            ApiError::Store(StoreError::LogFull { .. }) => StatusCode::CONFLICT,
            // The database is down or out of connections: worth retrying.
            ApiError::Store(StoreError::Backend(_)) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) | ApiError::Store(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            ApiError::BadRequest { code, .. } => code,
            ApiError::TooLarge(_) => "payload_too_large",
            ApiError::UnsupportedMediaType(_) => "unsupported_media_type",
            ApiError::JobNotFound => "job_not_found",
            ApiError::RouteNotFound => "not_found",
            ApiError::MethodNotAllowed => "method_not_allowed",
            ApiError::JobRunning => "job_running",
            ApiError::NoResult => "no_result",
            ApiError::JobFinished => "job_finished",
            ApiError::JobCompleted => "job_completed",
            ApiError::Busy => "busy",
            ApiError::TooManyDecisions => "too_many_decisions",
            ApiError::Unauthorized(_) => "unauthorized",
            ApiError::CrossOrigin => "cross_origin",
            ApiError::HostNotAllowed(_) => "host_not_allowed",
            ApiError::Internal(_) => "internal",
            ApiError::Store(StoreError::NotFound(_)) => "job_not_found",
            ApiError::Store(StoreError::NotOwner(_)) => "job_running",
            ApiError::Store(StoreError::LogFull { .. }) => "job_log_full",
            ApiError::Store(StoreError::Backend(_)) => "store_unavailable",
            ApiError::Store(_) => "store_error",
        }
    }
}

impl From<JobsError> for ApiError {
    fn from(e: JobsError) -> Self {
        match e {
            JobsError::NotFound => ApiError::JobNotFound,
            JobsError::Running => ApiError::JobRunning,
            JobsError::Finished => ApiError::JobFinished,
            JobsError::Completed => ApiError::JobCompleted,
            JobsError::Busy => ApiError::Busy,
            JobsError::Store(e) => ApiError::Store(e),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let message = if status.is_server_error() {
            // The detail goes to the log, not to the client.
            tracing::error!(error = %self, "request failed");
            "Something went wrong on the server; nothing was lost. Try again.".to_string()
        } else {
            self.to_string()
        };
        let body = ApiErrorBody {
            error: ApiErrorDetail {
                code: self.code().to_string(),
                message,
            },
        };
        let mut response = (status, Json(body)).into_response();
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            // The rest of the body was never read, so this connection cannot
            // carry another request: say so, or a client that pools it
            // sends its next request into a socket being closed.
            response.headers_mut().insert(
                axum::http::header::CONNECTION,
                axum::http::HeaderValue::from_static("close"),
            );
        }
        response
    }
}
