//! Where the job posting comes from: pasted text, or a URL fetched safely.

use tailor_common::{EventBody, Importance, InsightCategory, InsightPayload, Step};

use super::{step::StepRun, Failure};
use crate::{engine::JobInput, fetch};

/// The posting as the engine reads it. Fetching a URL is part of the
/// `analyzing` step, reported as it happens.
pub async fn resolve(
    analyzing: &StepRun<'_>,
    allow_private_urls: bool,
    text: Option<String>,
    url: Option<String>,
) -> Result<JobInput, Failure> {
    if let Some(text) = text {
        return Ok(JobInput::Text(text));
    }
    let url = url.ok_or_else(|| {
        Failure::internal(Some(Step::Analyzing), "no job text and no job URL".into())
    })?;
    let (hub, job_id) = (analyzing.hub(), analyzing.job_id());
    let host = url::Url::parse(&url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_default();
    analyzing
        .say(format!("Fetching the job posting from {host}"))
        .await?;
    let page = fetch::fetch_job_page(&url, allow_private_urls)
        .await
        .map_err(|e| Failure::Fetch {
            code: e.code(),
            message: e.to_string(),
            retryable: e.retryable(),
        })?;
    hub.publish(
        job_id,
        EventBody::InsightEmitted(InsightPayload {
            id: "job-page-fetched".into(),
            category: InsightCategory::Requirements,
            importance: Importance::Low,
            message: format!(
                "Read the job posting from {} ({} KB)",
                page.host,
                page.html.len().div_ceil(1024)
            ),
            step: Some(Step::Analyzing),
        }),
    )
    .await?;
    Ok(JobInput::Html {
        url: page.final_url,
        html: page.html,
    })
}
