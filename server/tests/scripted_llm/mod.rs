//! A scripted OpenAI-compatible Chat Completions server (an outside service,
//! so a fake is right): axum on 127.0.0.1, streaming real SSE chunks
//! (`data: {chat.completion.chunk}` … `data: [DONE]`). It reads the lines
//! Tailor offers from the request's data block and answers as its script
//! says: rewrite faithfully, fabricate, misquote, break, stall, refuse.
#![allow(dead_code)]

use std::{
    convert::Infallible,
    net::SocketAddr,
    sync::{
        atomic::{AtomicU32, Ordering},
        Arc, Mutex,
    },
};

use axum::{
    body::{Body, Bytes},
    extract::State,
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::post,
    Router,
};
use futures::StreamExt;
use tokio::sync::{watch, Notify};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Script {
    /// The first word of each of two bullets changed: no fact added.
    Faithful,
    FabricateSkill,
    FabricateNumber,
    FabricateEmployer,
    ChangeDate,
    /// Quotes a line that is not the resume's.
    WrongOriginal,
    /// Every bullet gets one invention, in turn (for the truth audit).
    Fabricating,
    /// Every bullet opens with the first word of the next bullet: new
    /// wording made only of the resume's own words (for the truth audit,
    /// whose oracle traces every word).
    Reworded,
    /// Lines that are not JSON.
    BrokenJson,
    /// Half a proposal, then silence with the connection open.
    Stall,
    /// 429 with `Retry-After: 1` once, then faithful.
    RateLimitedOnce,
    /// 429 every time (`Retry-After: 0`).
    AlwaysRateLimited,
    ServerError,
    Unauthorized,
    /// Does what the posting says if it says "ignore previous instructions".
    ObeyInjection,
}

/// A line Tailor offered (from the request's data block).
#[derive(Debug, Clone)]
pub struct Offered {
    pub path: String,
    pub text: String,
}

pub struct Scripted {
    pub addr: SocketAddr,
    pub state: Arc<Shared>,
}

pub struct Shared {
    script: Script,
    pub attempts: AtomicU32,
    /// Each request's JSON body.
    pub bodies: Mutex<Vec<serde_json::Value>>,
    /// Each request's Authorization header.
    pub auth: Mutex<Vec<Option<String>>>,
    /// When set, the reply pauses mid-way through its first proposal until
    /// this turns true.
    pause: Option<watch::Receiver<bool>>,
    /// Notified when a reply's body is dropped before its end (the client
    /// went away: a cancel, an idle timeout).
    pub dropped: Notify,
    pub dropped_count: AtomicU32,
}

impl Scripted {
    pub async fn start(script: Script) -> Self {
        Self::start_with(script, None).await
    }

    /// A server whose first reply pauses mid-proposal until `pause` is true.
    pub async fn start_paused(script: Script) -> (Self, watch::Sender<bool>) {
        let (tx, rx) = watch::channel(false);
        (Self::start_with(script, Some(rx)).await, tx)
    }

    async fn start_with(script: Script, pause: Option<watch::Receiver<bool>>) -> Self {
        let state = Arc::new(Shared {
            script,
            attempts: AtomicU32::new(0),
            bodies: Mutex::new(Vec::new()),
            auth: Mutex::new(Vec::new()),
            pause,
            dropped: Notify::new(),
            dropped_count: AtomicU32::new(0),
        });
        let app = Router::new()
            .route("/v1/chat/completions", post(complete))
            .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Scripted { addr, state }
    }

    /// The base URL as `--llm-url` takes it.
    pub fn url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    pub fn attempts(&self) -> u32 {
        self.state.attempts.load(Ordering::SeqCst)
    }
}

/// The lines offered in a request's user message.
pub fn offered(body: &serde_json::Value) -> Vec<Offered> {
    let user = body["messages"][1]["content"].as_str().unwrap_or_default();
    let data = user
        .split_once("<<<DATA\n")
        .and_then(|(_, rest)| rest.rsplit_once("\nDATA>>>"))
        .map(|(d, _)| d)
        .unwrap_or("{}");
    let data: serde_json::Value = serde_json::from_str(data).unwrap_or_default();
    data["lines"]
        .as_array()
        .map(|lines| {
            lines
                .iter()
                .map(|l| Offered {
                    path: l["path"].as_str().unwrap_or_default().to_string(),
                    text: l["text"].as_str().unwrap_or_default().to_string(),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The first word changed: the same facts in other words.
pub fn faithful(text: &str) -> String {
    let (first, rest) = text.split_once(' ').unwrap_or((text, ""));
    let verb = if first.eq_ignore_ascii_case("delivered") {
        "Completed"
    } else {
        "Delivered"
    };
    format!("{verb} {rest}").trim().to_string()
}

pub const INVENTED_SKILL: &str = "Kubernetes";
pub const INVENTED_NUMBER: &str = "7319";
pub const INVENTED_EMPLOYER: &str = "Globex";
pub const INVENTED_YEAR: &str = "1987";

fn invent(text: &str, kind: usize) -> String {
    let base = text.trim_end_matches('.');
    match kind % 4 {
        0 => format!("{base} using {INVENTED_SKILL}"),
        1 => format!("{base} across {INVENTED_NUMBER} accounts"),
        2 => format!("{base} for {INVENTED_EMPLOYER} Corporation"),
        _ => format!("{base} since March {INVENTED_YEAR}"),
    }
}

fn proposal(path: &str, original: &str, value: &str, reason: &str) -> String {
    serde_json::json!({"path": path, "original": original, "value": value, "reason": reason})
        .to_string()
}

/// What the model "writes" for a script, as the text of its reply.
fn reply(script: Script, body: &serde_json::Value) -> String {
    let lines = offered(body);
    let bullets: Vec<&Offered> = lines
        .iter()
        .filter(|l| l.path.contains("bullets"))
        .collect();
    let one = |f: &dyn Fn(&str) -> String| -> String {
        bullets
            .iter()
            .take(1)
            .map(|b| proposal(&b.path, &b.text, &f(&b.text), "closer to the posting"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let text = match script {
        Script::Faithful | Script::RateLimitedOnce => bullets
            .iter()
            .take(2)
            .map(|b| proposal(&b.path, &b.text, &faithful(&b.text), "a stronger verb"))
            .collect::<Vec<_>>()
            .join("\n"),
        Script::FabricateSkill => one(&|t| invent(t, 0)),
        Script::FabricateNumber => one(&|t| invent(t, 1)),
        Script::FabricateEmployer => one(&|t| invent(t, 2)),
        Script::ChangeDate => one(&|t| invent(t, 3)),
        Script::WrongOriginal => bullets
            .iter()
            .take(1)
            .map(|b| proposal(&b.path, "Built a rocket to the moon", &faithful(&b.text), "x"))
            .collect::<Vec<_>>()
            .join("\n"),
        Script::Reworded => bullets
            .iter()
            .enumerate()
            .filter_map(|(i, b)| {
                let next = bullets[(i + 1) % bullets.len()].text.split_whitespace().next()?;
                let (first, rest) = b.text.split_once(' ')?;
                (!first.eq_ignore_ascii_case(next))
                    .then(|| proposal(&b.path, &b.text, &format!("{next} {rest}"), "reworded"))
            })
            .collect::<Vec<_>>()
            .join("\n"),
        Script::Fabricating => bullets
            .iter()
            .enumerate()
            .map(|(i, b)| proposal(&b.path, &b.text, &invent(&b.text, i), "the posting asks"))
            .collect::<Vec<_>>()
            .join("\n"),
        Script::BrokenJson => format!(
            "Sure! Here are the rewrites:\n{{\"path\": \"{}\", \"original\": tru\n}}}}not json{{{{\n",
            bullets.first().map_or("x", |b| b.path.as_str())
        ),
        Script::Stall => one(&faithful),
        Script::ObeyInjection => {
            let all = body.to_string().to_lowercase();
            if all.contains("ignore previous instructions") {
                one(&|t| invent(t, 0))
            } else {
                one(&faithful)
            }
        }
        Script::AlwaysRateLimited | Script::ServerError | Script::Unauthorized => String::new(),
    };
    format!("{text}\n")
}

fn chunk(content: &str) -> String {
    let chunk = serde_json::json!({
        "id": "chatcmpl-1", "object": "chat.completion.chunk", "model": "scripted",
        "choices": [{"index": 0, "delta": {"content": content}, "finish_reason": null}]
    });
    format!("data: {chunk}\n\n")
}

/// Sets a flag when the body is dropped before it ended.
struct DropGuard {
    state: Arc<Shared>,
    finished: bool,
}

impl Drop for DropGuard {
    fn drop(&mut self) {
        if !self.finished {
            self.state.dropped_count.fetch_add(1, Ordering::SeqCst);
            self.state.dropped.notify_waiters();
            self.state.dropped.notify_one();
        }
    }
}

async fn complete(State(state): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> Response {
    let attempt = state.attempts.fetch_add(1, Ordering::SeqCst) + 1;
    let body: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
    state.bodies.lock().unwrap().push(body.clone());
    state.auth.lock().unwrap().push(
        headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string),
    );
    match state.script {
        Script::Unauthorized => {
            return (
                StatusCode::UNAUTHORIZED,
                r#"{"error":{"message":"bad key"}}"#,
            )
                .into_response()
        }
        Script::ServerError => {
            return (StatusCode::INTERNAL_SERVER_ERROR, "boom").into_response();
        }
        Script::AlwaysRateLimited => {
            return (
                StatusCode::TOO_MANY_REQUESTS,
                [("retry-after", "0")],
                "slow down",
            )
                .into_response();
        }
        Script::RateLimitedOnce if attempt == 1 => {
            return (
                StatusCode::TOO_MANY_REQUESTS,
                [("retry-after", "1")],
                "slow down",
            )
                .into_response();
        }
        _ => {}
    }
    let text = reply(state.script, &body);
    // Pieces of about a dozen characters, as a model's tokens arrive.
    let chars: Vec<char> = text.chars().collect();
    let pieces: Vec<String> = chars.chunks(12).map(|c| c.iter().collect()).collect();
    // Stall or pause a few characters into the first proposal's value, so
    // the line in flight has started to show.
    let mid_value = text
        .find("\"value\":")
        .map_or(pieces.len() / 2, |at| (at + 24) / 12);
    let stall_at = (state.script == Script::Stall).then_some(mid_value);
    let pause_at = state.pause.clone().map(|p| (mid_value, p));
    let guard = DropGuard {
        state: state.clone(),
        finished: false,
    };
    let stream = async_stream(pieces, stall_at, pause_at, guard);
    Response::builder()
        .header("content-type", "text/event-stream")
        .body(Body::from_stream(stream))
        .unwrap()
}

fn async_stream(
    pieces: Vec<String>,
    stall_at: Option<usize>,
    pause_at: Option<(usize, watch::Receiver<bool>)>,
    guard: DropGuard,
) -> impl futures::Stream<Item = Result<String, Infallible>> {
    let n = pieces.len();
    futures::stream::unfold(
        (0usize, pieces, stall_at, pause_at, guard),
        move |(i, pieces, stall_at, mut pause_at, mut guard)| async move {
            if Some(i) == stall_at {
                // Silence, with the connection held open, until the client goes.
                std::future::pending::<()>().await;
            }
            if let Some((at, rx)) = &mut pause_at {
                if i == *at {
                    let _ = rx.wait_for(|go| *go).await;
                }
            }
            // Yield between pieces so each is its own write.
            tokio::task::yield_now().await;
            match i.cmp(&n) {
                std::cmp::Ordering::Less => {
                    let frame = chunk(&pieces[i]);
                    Some((Ok(frame), (i + 1, pieces, stall_at, pause_at, guard)))
                }
                std::cmp::Ordering::Equal => {
                    let usage = r#"data: {"choices":[],"usage":{"prompt_tokens":321,"completion_tokens":45}}"#;
                    guard.finished = true;
                    Some((
                        Ok(format!("{usage}\n\ndata: [DONE]\n\n")),
                        (i + 1, pieces, stall_at, pause_at, guard),
                    ))
                }
                std::cmp::Ordering::Greater => None,
            }
        },
    )
    .boxed()
}
