//! The HTTP side of the provider: one streamed Chat Completions request per
//! job, with bounded retries (backoff with jitter, `Retry-After` honoured)
//! before the first token, an idle timeout on a stalled stream, and caps on
//! tokens and time. Dropping the future of [`Provider::generate`] drops the
//! request, which closes its connection: that is how a cancel aborts it.

use std::time::{Duration, Instant};

use futures::StreamExt;
use reqwest::{header, StatusCode};
use serde::{Deserialize, Serialize};
use tokio::sync::{mpsc, Semaphore};

use super::{sse, LlmConfig, LlmError};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChatMessage {
    pub role: String,
    pub content: String,
}

/// What the engine asks: the messages, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct ChatRequest {
    pub messages: Vec<ChatMessage>,
}

/// Token counts as OpenAI-compatible servers report them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Usage {
    #[serde(default)]
    pub prompt_tokens: u64,
    #[serde(default)]
    pub completion_tokens: u64,
}

/// A finished (or cut-off) generation's figures.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Generation {
    /// Reported by the server, else estimated (about 4 characters a token).
    pub usage: Usage,
    pub time_to_first_token: Option<Duration>,
    /// From the first token to the last.
    pub generation_time: Duration,
    /// Requests made, the first included.
    pub attempts: u32,
}

/// The most one backoff waits, whatever a server's `Retry-After` says.
const MAX_BACKOFF: Duration = Duration::from_secs(30);

pub struct Provider {
    config: LlmConfig,
    http: reqwest::Client,
    slots: Semaphore,
}

impl std::fmt::Debug for Provider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Provider")
            .field("host", &self.config.host())
            .field("model", &self.config.model)
            .finish_non_exhaustive()
    }
}

#[derive(Serialize)]
struct Body<'a> {
    model: &'a str,
    messages: &'a [ChatMessage],
    stream: bool,
    stream_options: StreamOptions,
    temperature: f32,
    max_tokens: u32,
}

#[derive(Serialize)]
struct StreamOptions {
    include_usage: bool,
}

impl Provider {
    pub fn new(config: LlmConfig) -> Result<Self, String> {
        let http = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            // The provider is the operator's choice: a redirect elsewhere
            // would carry the resume (and the key) somewhere unchosen.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("tailor/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| format!("building the LLM client: {e}"))?;
        let slots = Semaphore::new(config.max_concurrent as usize);
        Ok(Provider {
            config,
            http,
            slots,
        })
    }

    pub fn config(&self) -> &LlmConfig {
        &self.config
    }

    /// Streams the reply's text into `text` as it arrives, within the job's
    /// time and token caps. `Err` carries what was measured so far too:
    /// text already sent stays valid as far as it goes.
    pub async fn generate(
        &self,
        request: &ChatRequest,
        text: mpsc::Sender<String>,
    ) -> Result<Generation, (LlmError, Generation)> {
        let cap = self.config.job_timeout;
        let mut figures = Generation::default();
        match tokio::time::timeout(cap, self.attempts(request, &text, &mut figures)).await {
            Ok(Ok(())) => Ok(figures),
            Ok(Err(e)) => Err((e, figures)),
            Err(_) => Err((LlmError::TimeUp(cap), figures)),
        }
    }

    async fn attempts(
        &self,
        request: &ChatRequest,
        text: &mpsc::Sender<String>,
        figures: &mut Generation,
    ) -> Result<(), LlmError> {
        let _slot = self
            .slots
            .acquire()
            .await
            .map_err(|_| LlmError::Unreachable("the client is shutting down".into()))?;
        let body = Body {
            model: &self.config.model,
            messages: &request.messages,
            stream: true,
            stream_options: StreamOptions {
                include_usage: true,
            },
            temperature: 0.2,
            max_tokens: self.config.max_tokens,
        };
        let body = serde_json::to_vec(&body).map_err(|e| LlmError::BadStream(e.to_string()))?;
        let prompt_chars: usize = request.messages.iter().map(|m| m.content.len()).sum();
        let mut attempt = 0;
        loop {
            attempt += 1;
            figures.attempts = attempt;
            let wait = match self.send(&body).await {
                Ok(response) => return self.read(response, text, figures, prompt_chars).await,
                Err((e, _)) if !e.retryable() || attempt > self.config.retries => return Err(e),
                Err((_, retry_after)) => retry_after.unwrap_or_else(|| backoff(attempt)),
            };
            tracing::debug!(
                attempt,
                wait_ms = wait.as_millis() as u64,
                "retrying the model provider"
            );
            tokio::time::sleep(wait.min(MAX_BACKOFF)).await;
        }
    }

    /// One request; on a refusal, the error and the server's `Retry-After`.
    async fn send(&self, body: &[u8]) -> Result<reqwest::Response, (LlmError, Option<Duration>)> {
        let mut request = self
            .http
            .post(self.config.endpoint())
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::ACCEPT, "text/event-stream")
            .body(body.to_vec());
        if let Some(key) = &self.config.api_key {
            request = request.bearer_auth(key.expose());
        }
        let response = tokio::time::timeout(self.config.idle_timeout, request.send())
            .await
            .map_err(|_| (LlmError::Stalled(self.config.idle_timeout), None))?
            .map_err(|e| (LlmError::Unreachable(describe(e)), None))?;
        let status = response.status();
        if status.is_success() {
            return Ok(response);
        }
        let retry_after = response
            .headers()
            .get(header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<f64>().ok())
            .filter(|s| s.is_finite() && *s >= 0.0)
            .map(Duration::from_secs_f64);
        let error = match status {
            StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => {
                LlmError::Unauthorized(status.as_u16())
            }
            StatusCode::TOO_MANY_REQUESTS => LlmError::RateLimited,
            s if s.is_server_error() => LlmError::Server(s.as_u16()),
            s => {
                let detail = response.text().await.unwrap_or_default();
                LlmError::Refused(s.as_u16(), detail.chars().take(200).collect())
            }
        };
        Err((error, retry_after))
    }

    async fn read(
        &self,
        response: reqwest::Response,
        text: &mpsc::Sender<String>,
        figures: &mut Generation,
        prompt_chars: usize,
    ) -> Result<(), LlmError> {
        let started = Instant::now();
        let idle = self.config.idle_timeout;
        let mut pieces = Box::pin(sse::pieces(response.bytes_stream()));
        let mut first: Option<Instant> = None;
        let mut written = 0usize;
        let mut reported = None;
        loop {
            let next = tokio::time::timeout(idle, pieces.next())
                .await
                .map_err(|_| LlmError::Stalled(idle))?;
            let Some(piece) = next else { break };
            let piece = piece?;
            if let Some(usage) = piece.usage {
                reported = Some(usage);
            }
            if !piece.text.is_empty() {
                let now = Instant::now();
                let first = *first.get_or_insert(now);
                figures.time_to_first_token = Some(first - started);
                figures.generation_time = now - first;
                written += piece.text.len();
                figures.usage = reported.unwrap_or(Usage {
                    prompt_tokens: (prompt_chars / 4) as u64,
                    completion_tokens: written.div_ceil(4) as u64,
                });
                if figures.usage.completion_tokens > u64::from(self.config.max_tokens) {
                    return Err(LlmError::TokenCap(self.config.max_tokens));
                }
                if text.send(piece.text).await.is_err() {
                    return Ok(()); // the reader stopped listening
                }
            }
        }
        if let Some(usage) = reported {
            figures.usage = usage;
        }
        Ok(())
    }
}

/// Exponential backoff from half a second, with up to 50% jitter so that
/// many jobs refused at once do not come back at once.
fn backoff(attempt: u32) -> Duration {
    let base = Duration::from_millis(500).saturating_mul(1 << attempt.min(6).saturating_sub(1));
    let mut r = [0u8; 2];
    let jitter = if getrandom::fill(&mut r).is_ok() {
        f64::from(u16::from_le_bytes(r)) / f64::from(u16::MAX) * 0.5
    } else {
        0.25
    };
    base.mul_f64(1.0 + jitter)
}

/// A transport error without its URL (reqwest prints it; the provider's
/// address is in the configuration already, and the message goes to people).
fn describe(e: reqwest::Error) -> String {
    if e.is_connect() {
        "the connection was refused or failed".into()
    } else if e.is_timeout() {
        "the connection timed out".into()
    } else {
        e.without_url().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_bounded() {
        let first = backoff(1);
        assert!(first >= Duration::from_millis(500) && first <= Duration::from_millis(750));
        let third = backoff(3);
        assert!(third >= Duration::from_secs(2) && third <= Duration::from_secs(3));
        assert!(backoff(60) <= Duration::from_secs(48));
    }
}
