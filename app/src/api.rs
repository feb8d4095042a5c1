//! What the UI asks the server for, beyond the plain HTTP API.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use tailor_common::{JobResult, JobState, JobSummary};

/// The server functions' answers in JSON, read as text. Leptos reads a
/// resource's data from the page with `serde_json::from_str`, and its
/// default server-function encoding reads the same types with
/// `from_slice`: two copies of every type's decoder in the browser bundle.
/// Reading both from text keeps one (server/benches/first-load.md).
pub struct JsonText;

impl leptos::server_fn::ContentType for JsonText {
    const CONTENT_TYPE: &'static str = "application/json";
}

impl leptos::server_fn::FormatType for JsonText {
    const FORMAT_TYPE: leptos::server_fn::Format = leptos::server_fn::Format::Text;
}

impl<T: Serialize> leptos::server_fn::Encodes<T> for JsonText {
    type Error = serde_json::Error;

    fn encode(output: &T) -> Result<leptos::server_fn::Bytes, Self::Error> {
        serde_json::to_vec(output).map(leptos::server_fn::Bytes::from)
    }
}

impl<T: serde::de::DeserializeOwned> leptos::server_fn::Decodes<T> for JsonText {
    type Error = serde_json::Error;

    fn decode(bytes: leptos::server_fn::Bytes) -> Result<T, Self::Error> {
        let text = std::str::from_utf8(&bytes).map_err(serde::de::Error::custom)?;
        serde_json::from_str(text)
    }
}

/// How the server functions answer: a POST, JSON read as text.
pub type JsonAnswer = leptos::server_fn::codec::Post<JsonText>;

/// Everything the Processing page needs to render a job and follow it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobView {
    pub state: JobState,
    /// How long the server keeps a finished job.
    pub retention_days: u64,
    /// The server's heartbeat interval: the client's silence watchdog is
    /// derived from it.
    pub heartbeat_secs: u64,
    /// Opened through a share link: no cancel, retry or delete.
    #[serde(default)]
    pub read_only: bool,
}

/// Everything the Review page needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewView {
    pub result: JobResult,
    /// Opened through a share link: nothing to change, nothing to share.
    pub read_only: bool,
}

/// How the server side of the UI reads a job, provided as context by the
/// server binary for each request, already bound to the person asking (the
/// app crate cannot depend on the server crate).
#[cfg(feature = "ssr")]
pub mod ssr {
    use std::{future::Future, pin::Pin, sync::Arc};
    use tailor_common::JobState;
    use uuid::Uuid;

    /// A job's `T` as the person asking may see it: `None` when the job is
    /// unknown or not theirs (the same answer, on purpose); `read_only`
    /// when they came through a share link; `Err` when the store did not
    /// answer, which the page says as such rather than "not found".
    pub type Lookup<T> = Arc<
        dyn Fn(Uuid) -> Pin<Box<dyn Future<Output = Result<Option<Viewed<T>>, Unavailable>> + Send>>
            + Send
            + Sync,
    >;

    /// The job store did not answer (a database outage); the detail is in
    /// the server's log.
    #[derive(Debug, Clone, Copy)]
    pub struct Unavailable;

    #[derive(Debug, Clone)]
    pub struct Viewed<T> {
        pub value: T,
        pub read_only: bool,
    }

    pub type Listing = Arc<
        dyn Fn() -> Pin<
                Box<
                    dyn Future<Output = Result<Vec<tailor_common::JobSummary>, Unavailable>> + Send,
                >,
            > + Send
            + Sync,
    >;

    #[derive(Clone)]
    pub struct JobLookup {
        pub snapshot: Lookup<JobState>,
        pub result: Lookup<tailor_common::JobResult>,
        pub recent: Listing,
        /// An earlier job's inputs, for its owner only (never through a
        /// share link): "edit the inputs and run again".
        pub inputs: Lookup<super::RunAgainInputs>,
        pub heartbeat_secs: u64,
        pub retention_days: u64,
        /// The model provider rewrites are asked of, if one is configured.
        pub model: Option<super::ModelInfo>,
    }
}

/// What a page says when the job store is down: an outage, not "not
/// found" or an empty history. The page is answered with 503.
pub const STORE_UNAVAILABLE: &str =
    "Tailor's job store is not answering right now. Nothing is lost; try again in a moment.";

#[cfg(feature = "ssr")]
fn unavailable(_: ssr::Unavailable) -> ServerFnError {
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::SERVICE_UNAVAILABLE);
    }
    ServerFnError::new(STORE_UNAVAILABLE)
}

/// The text a page shows for a failed server function: the server's own
/// message, without the framework's prefix.
pub fn problem_text(e: &ServerFnError) -> String {
    match e {
        ServerFnError::ServerError(message) => message.clone(),
        other => other.to_string(),
    }
}

/// The language model this server sends resumes to for rewrites: what the
/// upload page tells people before they start a job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelInfo {
    /// Host (and port) the resume's text is sent to.
    pub host: String,
    pub model: String,
}

/// The configured model provider, `None` when rewriting stays on this
/// server. It travels inside the page (a [`SharedValue`] the App root
/// creates), as text: the upload page says where a resume goes without a
/// request of its own, and the first page's bundle holds no JSON decoder
/// for it (server/benches/first-load.md).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ModelProvider(pub Option<ModelInfo>);

impl std::fmt::Display for ModelProvider {
    /// Empty for none, else the host, a line break and the model (a host
    /// has no line break in it).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.0 {
            None => Ok(()),
            Some(m) => write!(f, "{}\n{}", m.host, m.model),
        }
    }
}

impl std::str::FromStr for ModelProvider {
    type Err = std::convert::Infallible;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.is_empty() {
            return Ok(ModelProvider(None));
        }
        let (host, model) = s.split_once('\n').unwrap_or((s, ""));
        Ok(ModelProvider(Some(ModelInfo {
            host: host.to_string(),
            model: model.to_string(),
        })))
    }
}

/// Puts the configured model provider in the context of everything under
/// the caller: read on the server from the job lookup, in the browser from
/// the page. Call it once, where server and browser run the same code in
/// the same order (the App root): the page's value is found by position.
pub fn provide_model_provider() {
    let provider = SharedValue::new_str(|| {
        #[cfg(feature = "ssr")]
        {
            ModelProvider(use_context::<ssr::JobLookup>().and_then(|lookup| lookup.model))
        }
        #[cfg(not(feature = "ssr"))]
        {
            ModelProvider(None)
        }
    });
    provide_context(provider.into_inner());
}

/// The model provider [`provide_model_provider`] put in the context.
pub fn model_provider() -> Option<ModelInfo> {
    use_context::<ModelProvider>().and_then(|provider| provider.0)
}

/// The job's current state, or `None` for an unknown job.
#[server(endpoint = "job_view", output = JsonAnswer)]
pub async fn load_job(id: String) -> Result<Option<JobView>, ServerFnError> {
    let Ok(id) = uuid::Uuid::parse_str(&id) else {
        return Ok(None);
    };
    let lookup = use_context::<ssr::JobLookup>()
        .ok_or_else(|| ServerFnError::new("job lookup is not configured"))?;
    Ok((lookup.snapshot)(id)
        .await
        .map_err(unavailable)?
        .map(|viewed| JobView {
            state: viewed.value,
            retention_days: lookup.retention_days,
            heartbeat_secs: lookup.heartbeat_secs,
            read_only: viewed.read_only,
        }))
}

/// A finished job's result, or `None` if the job is unknown or has none.
#[server(endpoint = "job_result", output = JsonAnswer)]
pub async fn load_result(id: String) -> Result<Option<ReviewView>, ServerFnError> {
    let Ok(id) = uuid::Uuid::parse_str(&id) else {
        return Ok(None);
    };
    let lookup = use_context::<ssr::JobLookup>()
        .ok_or_else(|| ServerFnError::new("job lookup is not configured"))?;
    Ok((lookup.result)(id)
        .await
        .map_err(unavailable)?
        .map(|viewed| ReviewView {
            result: viewed.value,
            read_only: viewed.read_only,
        }))
}

/// What an earlier job was given, to start a new one from: "edit the
/// inputs and run again". The form sends `resume_from` with the job id and
/// the server takes that job's resume as uploaded, unless a new file or
/// pasted text is given.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunAgainInputs {
    pub job_id: uuid::Uuid,
    /// The uploaded file's name; `None` when the resume was pasted.
    pub resume_file_name: Option<String>,
    pub resume_bytes: usize,
    /// The pasted resume (only when there was no file).
    pub resume_text: Option<String>,
    pub job_text: Option<String>,
    pub job_url: Option<String>,
}

/// An earlier job's inputs, or `None` for an unknown job or one that is not
/// the person's own.
#[server(endpoint = "earlier_inputs")]
pub async fn earlier_inputs(id: String) -> Result<Option<RunAgainInputs>, ServerFnError> {
    let Ok(id) = uuid::Uuid::parse_str(&id) else {
        return Ok(None);
    };
    let lookup = use_context::<ssr::JobLookup>()
        .ok_or_else(|| ServerFnError::new("job lookup is not configured"))?;
    Ok((lookup.inputs)(id)
        .await
        .map_err(unavailable)?
        .map(|viewed| viewed.value))
}

/// The job history: the person's recent jobs, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobsView {
    pub jobs: Vec<JobSummary>,
    pub retention_days: u64,
}

#[server(endpoint = "job_list", output = JsonAnswer)]
pub async fn load_jobs() -> Result<JobsView, ServerFnError> {
    let lookup = use_context::<ssr::JobLookup>()
        .ok_or_else(|| ServerFnError::new("job lookup is not configured"))?;
    Ok(JobsView {
        jobs: (lookup.recent)().await.map_err(unavailable)?,
        retention_days: lookup.retention_days,
    })
}

/// Sends a command to the API (cancel, retry, delete) from the browser;
/// the error is the server's message, ready to show.
#[cfg(feature = "hydrate")]
pub async fn command(method: &str, url: &str) -> Result<(), String> {
    let request = match method {
        "DELETE" => gloo_net::http::Request::delete(url),
        _ => gloo_net::http::Request::post(url),
    };
    match request.header("Accept", "application/json").send().await {
        Ok(response) if response.ok() => Ok(()),
        Ok(response) => Err(match response.json::<tailor_common::ApiErrorBody>().await {
            Ok(body) => body.error.message,
            Err(_) => format!("The server answered {}.", response.status()),
        }),
        Err(_) => Err("Could not reach the server. Check your connection and try again.".into()),
    }
}

/// Makes a share link for the job; the full URL to hand on, or the
/// server's message.
#[cfg(feature = "hydrate")]
pub async fn share(job_id: uuid::Uuid) -> Result<String, String> {
    #[derive(Deserialize)]
    struct Link {
        url: String,
    }
    let sent = gloo_net::http::Request::post(&tailor_common::paths::job_share(job_id))
        .header("Accept", "application/json")
        .send()
        .await;
    match sent {
        Ok(response) if response.ok() => {
            let link: Link = response
                .json()
                .await
                .map_err(|_| "The server's answer could not be read.".to_string())?;
            let origin = web_sys::window()
                .and_then(|w| w.location().origin().ok())
                .unwrap_or_default();
            Ok(format!("{origin}{}", link.url))
        }
        Ok(response) => Err(match response.json::<tailor_common::ApiErrorBody>().await {
            Ok(body) => body.error.message,
            Err(_) => format!("The server answered {}.", response.status()),
        }),
        Err(_) => Err("Could not reach the server. Check your connection and try again.".into()),
    }
}

/// Sends one decision on a finished job's result (Review page); the
/// result as decided now, or the server's message.
#[cfg(feature = "hydrate")]
pub async fn decide(
    job_id: uuid::Uuid,
    decision: &tailor_common::review::Decision,
) -> Result<JobResult, String> {
    let request = gloo_net::http::Request::post(&tailor_common::paths::job_decisions(job_id))
        .header("Accept", "application/json")
        .json(decision)
        .map_err(|_| "The decision could not be sent.".to_string())?;
    match request.send().await {
        Ok(response) if response.ok() => response
            .json()
            .await
            .map_err(|_| "The server's answer could not be read.".to_string()),
        Ok(response) => Err(match response.json::<tailor_common::ApiErrorBody>().await {
            Ok(body) => body.error.message,
            Err(_) => format!("The server answered {}.", response.status()),
        }),
        Err(_) => Err("Could not reach the server. Check your connection and try again.".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the server writes into the page is read back the same in the
    /// browser: none as none, a model's host and name (even a name with a
    /// line break or odd characters in it) as they were.
    #[test]
    fn the_model_provider_reads_back_as_written() {
        let cases = [
            ModelProvider(None),
            ModelProvider(Some(ModelInfo {
                host: "127.0.0.1:11434".into(),
                model: "llama3.1:8b".into(),
            })),
            ModelProvider(Some(ModelInfo {
                host: "api.example.com".into(),
                model: "a model\nwith \"quotes\", <tags> and ünïcode".into(),
            })),
            ModelProvider(Some(ModelInfo {
                host: "models.internal".into(),
                model: String::new(),
            })),
        ];
        for case in cases {
            let text = case.to_string();
            assert_eq!(text.parse::<ModelProvider>().unwrap(), case, "{text:?}");
        }
        assert_eq!(ModelProvider(None).to_string(), "");
    }
}
