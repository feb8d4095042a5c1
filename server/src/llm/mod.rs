//! The optional model provider: any OpenAI-compatible Chat Completions
//! endpoint that streams (Ollama, llama.cpp's server, vLLM, LM Studio, a
//! hosted API). It lives outside `engine/`, which stays synchronous and
//! pure: the engine builds the request and judges the proposals
//! (`engine::rewrite`), this module only talks HTTP — streaming, retries,
//! timeouts, the concurrency limit and cancellation.
//!
//! With no `--llm-url`, [`LlmArgs::config`] is `None` and nothing is sent
//! anywhere. The API key is held in [`ApiKey`], whose `Debug` prints no
//! part of it, so it can reach neither a log line nor an event.

mod client;
pub mod sse;

use std::{fmt, path::PathBuf, time::Duration};

use clap::Args;
use url::Url;

pub use client::{ChatMessage, ChatRequest, Generation, Provider, Usage};

/// The provider's flags, each with an environment fallback.
#[derive(Debug, Clone, Args)]
pub struct LlmArgs {
    /// Base URL of an OpenAI-compatible API, as OpenAI clients take it
    /// (e.g. http://127.0.0.1:11434/v1 for a local Ollama). When set, the
    /// resume's text is sent there to propose rewrites, which Tailor checks
    /// fact by fact before using any.
    #[arg(long = "llm-url", env = "TAILOR_LLM_URL")]
    pub url: Option<String>,
    /// The model name the provider knows (e.g. llama3.1:8b).
    #[arg(long = "llm-model", env = "TAILOR_LLM_MODEL")]
    pub model: Option<String>,
    /// A file holding the provider's API key; `TAILOR_LLM_API_KEY` sets it
    /// directly (never a flag: it would show in the process list).
    #[arg(long = "llm-api-key-file", env = "TAILOR_LLM_API_KEY_FILE")]
    pub api_key_file: Option<PathBuf>,
    /// Seconds to wait for a connection to the provider.
    #[arg(long = "llm-connect-timeout-secs", env = "TAILOR_LLM_CONNECT_TIMEOUT_SECS",
          default_value_t = 5.0, value_parser = secs(0.1, 120.0))]
    pub connect_timeout_secs: f64,
    /// Seconds the provider's stream may stay silent before Tailor gives up
    /// on it (a stalled model).
    #[arg(long = "llm-idle-timeout-secs", env = "TAILOR_LLM_IDLE_TIMEOUT_SECS",
          default_value_t = 30.0, value_parser = secs(0.1, 600.0))]
    pub idle_timeout_secs: f64,
    /// Seconds one job may spend with the model in all (retries included).
    #[arg(long = "llm-job-timeout-secs", env = "TAILOR_LLM_JOB_TIMEOUT_SECS",
          default_value_t = 180.0, value_parser = secs(1.0, 3600.0))]
    pub job_timeout_secs: f64,
    /// Most tokens the model may write for one job.
    #[arg(long = "llm-max-tokens", env = "TAILOR_LLM_MAX_TOKENS", default_value_t = 4096,
          value_parser = clap::value_parser!(u32).range(64..=131_072))]
    pub max_tokens: u32,
    /// Most requests in flight to the provider at once; other jobs wait.
    #[arg(long = "llm-max-concurrent", env = "TAILOR_LLM_MAX_CONCURRENT", default_value_t = 2,
          value_parser = clap::value_parser!(u32).range(1..=256))]
    pub max_concurrent: u32,
    /// Retries after a refused or failed request (429, 5xx, no connection).
    #[arg(long = "llm-retries", env = "TAILOR_LLM_RETRIES", default_value_t = 2,
          value_parser = clap::value_parser!(u32).range(0..=10))]
    pub retries: u32,
}

impl Default for LlmArgs {
    /// No provider, and the flags' defaults.
    fn default() -> Self {
        LlmArgs {
            url: None,
            model: None,
            api_key_file: None,
            connect_timeout_secs: 5.0,
            idle_timeout_secs: 30.0,
            job_timeout_secs: 180.0,
            max_tokens: 4096,
            max_concurrent: 2,
            retries: 2,
        }
    }
}

fn secs(min: f64, max: f64) -> impl Fn(&str) -> Result<f64, String> + Clone {
    move |s: &str| {
        let v: f64 = s.trim().parse().map_err(|e| format!("{e}"))?;
        if (min..=max).contains(&v) {
            Ok(v)
        } else {
            Err(format!("must be between {min} and {max} seconds"))
        }
    }
}

/// The provider's API key. Its `Debug` and `Display` never show it.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    pub fn new(key: String) -> Self {
        ApiKey(key)
    }

    /// The key itself, for the `Authorization` header only.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey([redacted])")
    }
}

/// A checked provider configuration.
#[derive(Debug, Clone)]
pub struct LlmConfig {
    /// The base URL, ending in `/`, so `chat/completions` joins under it.
    pub base: Url,
    pub model: String,
    pub api_key: Option<ApiKey>,
    pub connect_timeout: Duration,
    pub idle_timeout: Duration,
    pub job_timeout: Duration,
    pub max_tokens: u32,
    pub max_concurrent: u32,
    pub retries: u32,
}

impl LlmConfig {
    /// The host people are told their resume is sent to.
    pub fn host(&self) -> String {
        match (self.base.host_str(), self.base.port()) {
            (Some(h), Some(p)) => format!("{h}:{p}"),
            (Some(h), None) => h.to_string(),
            _ => self.base.to_string(),
        }
    }

    /// The completions endpoint.
    pub fn endpoint(&self) -> Url {
        self.base
            .join("chat/completions")
            .expect("a base URL ending in / joins a relative path")
    }
}

impl LlmArgs {
    /// The checked configuration, `None` when no provider is set. The key
    /// comes from `--llm-api-key-file`, else `TAILOR_LLM_API_KEY`.
    pub fn config(&self) -> Result<Option<LlmConfig>, String> {
        let key = match &self.api_key_file {
            Some(path) => Some(
                std::fs::read_to_string(path)
                    .map_err(|e| format!("reading the API key file {}: {e}", path.display()))?
                    .trim()
                    .to_string(),
            ),
            None => std::env::var("TAILOR_LLM_API_KEY").ok(),
        };
        self.config_with_key(key)
    }

    fn config_with_key(&self, key: Option<String>) -> Result<Option<LlmConfig>, String> {
        let Some(raw) = self.url.as_deref().map(str::trim).filter(|u| !u.is_empty()) else {
            if self.api_key_file.is_some() || self.model.is_some() {
                return Err("--llm-model and --llm-api-key-file need --llm-url".into());
            }
            return Ok(None);
        };
        let mut base = Url::parse(raw).map_err(|e| format!("--llm-url '{raw}': {e}"))?;
        if !matches!(base.scheme(), "http" | "https") || base.host_str().is_none() {
            return Err(format!("--llm-url '{raw}' must be an http or https URL"));
        }
        if !base.username().is_empty() || base.password().is_some() {
            return Err("--llm-url must not carry credentials; use --llm-api-key-file".into());
        }
        if base.query().is_some() || base.fragment().is_some() {
            return Err("--llm-url must have no query or fragment".into());
        }
        if !base.path().ends_with('/') {
            let path = format!("{}/", base.path());
            base.set_path(&path);
        }
        let model = self
            .model
            .as_deref()
            .map(str::trim)
            .filter(|m| !m.is_empty())
            .ok_or("--llm-url needs --llm-model (the model name the provider knows)")?
            .to_string();
        let api_key = match key {
            Some(k) if k.is_empty() => return Err("the LLM API key is empty".into()),
            Some(k) if k.chars().any(|c| c.is_control() || c == ' ') => {
                return Err("the LLM API key holds spaces or control characters".into())
            }
            k => k.map(ApiKey),
        };
        Ok(Some(LlmConfig {
            base,
            model,
            api_key,
            connect_timeout: Duration::from_secs_f64(self.connect_timeout_secs),
            idle_timeout: Duration::from_secs_f64(self.idle_timeout_secs),
            job_timeout: Duration::from_secs_f64(self.job_timeout_secs),
            max_tokens: self.max_tokens,
            max_concurrent: self.max_concurrent,
            retries: self.retries,
        }))
    }
}

/// Why the model gave no (complete) answer. Each ends in the deterministic
/// result; [`LlmError::message`] is what the person reads.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LlmError {
    #[error("could not reach the model provider: {0}")]
    Unreachable(String),
    #[error("the model provider refused the API key (HTTP {0})")]
    Unauthorized(u16),
    #[error("the model provider is rate limiting (HTTP 429)")]
    RateLimited,
    #[error("the model provider failed (HTTP {0})")]
    Server(u16),
    #[error("the model provider refused the request (HTTP {0}): {1}")]
    Refused(u16, String),
    #[error("the model stopped sending for {0:?}")]
    Stalled(Duration),
    #[error("the model's stream could not be read: {0}")]
    BadStream(String),
    #[error("the model used this job's whole time ({0:?})")]
    TimeUp(Duration),
    #[error("the model wrote more than this job's {0} tokens")]
    TokenCap(u32),
}

impl LlmError {
    /// A short stable code, for metrics and tests.
    pub fn code(&self) -> &'static str {
        match self {
            LlmError::Unreachable(_) => "unreachable",
            LlmError::Unauthorized(_) => "unauthorized",
            LlmError::RateLimited => "rate_limited",
            LlmError::Server(_) => "server_error",
            LlmError::Refused(..) => "refused",
            LlmError::Stalled(_) => "stalled",
            LlmError::BadStream(_) => "bad_stream",
            LlmError::TimeUp(_) => "time_up",
            LlmError::TokenCap(_) => "token_cap",
        }
    }

    /// Whether another attempt may succeed (before any token arrived).
    pub fn retryable(&self) -> bool {
        matches!(
            self,
            LlmError::Unreachable(_) | LlmError::RateLimited | LlmError::Server(_)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct T {
        #[command(flatten)]
        llm: LlmArgs,
    }

    fn args(argv: &[&str]) -> LlmArgs {
        let mut all = vec!["t"];
        all.extend_from_slice(argv);
        T::try_parse_from(all).unwrap().llm
    }

    #[test]
    fn the_default_is_the_flags_default() {
        let parsed = args(&[]);
        let default = LlmArgs::default();
        assert_eq!(format!("{parsed:?}"), format!("{default:?}"));
    }

    #[test]
    fn no_url_means_no_provider() {
        assert!(args(&[]).config_with_key(None).unwrap().is_none());
        assert!(args(&["--llm-model", "m"]).config_with_key(None).is_err());
    }

    #[test]
    fn a_url_is_checked_and_normalised() {
        let c = args(&["--llm-url", "http://127.0.0.1:11434/v1", "--llm-model", "m"])
            .config_with_key(None)
            .unwrap()
            .unwrap();
        assert_eq!(
            c.endpoint().as_str(),
            "http://127.0.0.1:11434/v1/chat/completions"
        );
        assert_eq!(c.host(), "127.0.0.1:11434");
        for bad in [
            "ftp://x/v1",
            "not a url",
            "http://user:pw@host/v1",
            "http://h/v1?x=1",
        ] {
            assert!(
                args(&["--llm-url", bad, "--llm-model", "m"])
                    .config_with_key(None)
                    .is_err(),
                "{bad}"
            );
        }
        assert!(args(&["--llm-url", "http://h/v1"])
            .config_with_key(None)
            .is_err());
    }

    #[test]
    fn the_key_never_shows_in_debug_output() {
        let c = args(&[
            "--llm-url",
            "https://api.example.com/v1",
            "--llm-model",
            "m",
        ])
        .config_with_key(Some("sk-secret-123".into()))
        .unwrap()
        .unwrap();
        let shown = format!("{c:?}");
        assert!(!shown.contains("sk-secret-123"), "{shown}");
        assert!(shown.contains("redacted"));
        assert!(args(&["--llm-url", "http://h/", "--llm-model", "m"])
            .config_with_key(Some(String::new()))
            .is_err());
    }

    #[test]
    fn absurd_timeouts_are_refused() {
        for bad in [
            ["--llm-idle-timeout-secs", "0"],
            ["--llm-job-timeout-secs", "99999"],
            ["--llm-max-concurrent", "0"],
            ["--llm-max-tokens", "1"],
        ] {
            let mut all = vec!["t"];
            all.extend_from_slice(&bad);
            assert!(T::try_parse_from(all).is_err(), "{bad:?}");
        }
    }
}
