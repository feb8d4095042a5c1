//! Reading the provider's streamed reply. The SSE framing (lines, `data:`
//! fields, events split across network reads) is `eventsource-stream`'s;
//! this module reads what OpenAI-compatible servers put in each event: a
//! `chat.completion.chunk` JSON object, and `[DONE]` at the end.

use bytes::Bytes;
use eventsource_stream::Eventsource;
use futures::{Stream, StreamExt};
use serde::Deserialize;

use super::{LlmError, Usage};

/// What one event of the reply carries.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Piece {
    /// The text the model added (may be empty: a role-only first chunk).
    pub text: String,
    /// Token counts, on the last chunk when the server reports them.
    pub usage: Option<Usage>,
    /// The server says the reply is over (`finish_reason`).
    pub finish: Option<String>,
}

#[derive(Deserialize)]
struct Chunk {
    #[serde(default)]
    choices: Vec<Choice>,
    #[serde(default)]
    usage: Option<Usage>,
    #[serde(default)]
    error: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct Choice {
    #[serde(default)]
    delta: Delta,
    #[serde(default)]
    finish_reason: Option<String>,
}

#[derive(Deserialize, Default)]
struct Delta {
    #[serde(default)]
    content: Option<String>,
}

/// One event's `data`: `Ok(None)` for `[DONE]`.
pub fn parse_data(data: &str) -> Result<Option<Piece>, LlmError> {
    let data = data.trim();
    if data == "[DONE]" {
        return Ok(None);
    }
    let chunk: Chunk = serde_json::from_str(data)
        .map_err(|e| LlmError::BadStream(format!("an event is not a completion chunk: {e}")))?;
    if let Some(error) = chunk.error {
        let message: String = error
            .get("message")
            .and_then(|m| m.as_str())
            .unwrap_or("unspecified")
            .chars()
            .take(200)
            .collect();
        return Err(LlmError::BadStream(format!(
            "the provider reported an error: {message}"
        )));
    }
    let mut piece = Piece {
        usage: chunk.usage,
        ..Piece::default()
    };
    if let Some(choice) = chunk.choices.into_iter().next() {
        piece.text = choice.delta.content.unwrap_or_default();
        piece.finish = choice.finish_reason;
    }
    Ok(Some(piece))
}

/// The reply's pieces from its body bytes, ending at `[DONE]` (or where the
/// body ends). Comments and events without data are skipped.
pub fn pieces<S, E>(body: S) -> impl Stream<Item = Result<Piece, LlmError>>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    body.eventsource()
        .filter_map(|event| async move {
            match event {
                Ok(e) if e.data.trim().is_empty() => None,
                Ok(e) => Some(parse_data(&e.data).transpose()),
                Err(e) => Some(Some(Err(LlmError::BadStream(e.to_string())))),
            }
        })
        // `None` is `[DONE]`: nothing after it is read.
        .take_while(|p| std::future::ready(p.is_some()))
        .filter_map(std::future::ready)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(parts: &[&str]) -> impl Stream<Item = Result<Bytes, std::io::Error>> + Unpin {
        futures::stream::iter(
            parts
                .iter()
                .map(|p| Ok(Bytes::copy_from_slice(p.as_bytes())))
                .collect::<Vec<_>>(),
        )
    }

    #[tokio::test]
    async fn events_split_anywhere_are_joined_and_done_ends_the_reply() {
        let chunk = |t: &str| {
            format!(r#"data: {{"choices":[{{"delta":{{"content":"{t}"}},"finish_reason":null}}]}}"#)
        };
        let whole = format!(
            ": keep-alive\n\n{}\n\n{}\n\ndata: {{\"choices\":[],\"usage\":{{\"prompt_tokens\":9,\"completion_tokens\":2}}}}\n\ndata: [DONE]\n\n{}\n\n",
            chunk("Hel"),
            chunk("lo"),
            chunk("after done")
        );
        // Cut the bytes at every 7th byte: framing is the crate's job.
        let cuts: Vec<&str> = whole
            .as_bytes()
            .chunks(7)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect();
        let got: Vec<Piece> = pieces(body(&cuts))
            .map(|p| p.unwrap())
            .collect::<Vec<_>>()
            .await;
        let text: String = got.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(text, "Hello");
        assert_eq!(
            got.last().unwrap().usage,
            Some(Usage {
                prompt_tokens: 9,
                completion_tokens: 2
            })
        );
    }

    #[tokio::test]
    async fn a_chunk_that_is_not_json_is_an_error() {
        let got: Vec<_> = pieces(body(&["data: {\"choices\": [\n\n"]))
            .collect::<Vec<_>>()
            .await;
        assert!(matches!(got[0], Err(LlmError::BadStream(_))), "{got:?}");
        let error = parse_data(r#"{"error":{"message":"model not loaded"}}"#).unwrap_err();
        assert!(error.to_string().contains("model not loaded"));
    }
}
