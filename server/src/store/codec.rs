//! How events, states and ids are written in a database, shared by the
//! SQLite and PostgreSQL stores so both read each other's formats alike.

use tailor_common::{EventBody, JobState, JobStatus, Step};
use uuid::Uuid;

use super::StoreError;

pub fn backend(e: impl std::error::Error) -> StoreError {
    StoreError::Backend(with_causes(&e))
}

/// An error with the chain of causes under it ("error performing TLS
/// handshake: invalid peer certificate: UnknownIssuer"): the top line alone
/// does not tell an operator which of the many reasons it was.
pub fn with_causes(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        let line = c.to_string();
        if !text.ends_with(&line) {
            text.push_str(": ");
            text.push_str(&line);
        }
        cause = c.source();
    }
    text
}

/// A short log stores its snapshot every this many events.
const SNAPSHOT_EVERY: u64 = 32;

/// Whether the append of `seq` stores the snapshot (besides at `done`).
/// Every [`SNAPSHOT_EVERY`] events, and past 256 events every `seq / 8`
/// rounded down to a power of two: a runaway log rewrites its (growing)
/// snapshot a constant number of times per doubling, so the bytes written
/// stay linear in the log's length, and a read folds at most `seq / 8`
/// events (31 for a typical 100–200-event job).
pub fn stores_snapshot(seq: u64) -> bool {
    let eighth = seq / 8;
    let step = if eighth == 0 {
        SNAPSHOT_EVERY
    } else {
        SNAPSHOT_EVERY.max(1 << eighth.ilog2())
    };
    seq.is_multiple_of(step)
}

/// How an event's body is stored: its `type` and its payload as JSON.
pub fn encode_body(body: &EventBody) -> Result<(&'static str, String), StoreError> {
    let mut value = serde_json::to_value(body).map_err(backend)?;
    let payload = value
        .get_mut("payload")
        .map(serde_json::Value::take)
        .unwrap_or(serde_json::Value::Null);
    Ok((body.kind(), payload.to_string()))
}

pub fn decode_body(kind: &str, payload: &str) -> Result<EventBody, StoreError> {
    // `kind` is one of our own snake_case tags: no escaping needed.
    serde_json::from_str(&format!(r#"{{"type":"{kind}","payload":{payload}}}"#))
        .map_err(|e| StoreError::Backend(format!("stored {kind} event is unreadable: {e}")))
}

pub fn decode_status(s: &str) -> Result<JobStatus, StoreError> {
    serde_json::from_value(serde_json::Value::String(s.to_owned()))
        .map_err(|e| StoreError::Backend(format!("stored status {s:?}: {e}")))
}

pub fn decode_state(json: &str) -> Result<JobState, StoreError> {
    serde_json::from_str(json)
        .map_err(|e| StoreError::Backend(format!("stored snapshot is unreadable: {e}")))
}

/// Stored checkpoints, `(step name, JSON)`, in step order.
pub fn decode_checkpoints<'a>(
    rows: impl Iterator<Item = (&'a str, &'a str)>,
) -> Result<Vec<(Step, serde_json::Value)>, StoreError> {
    let mut out = rows
        .map(|(step, data)| {
            let step: Step = serde_json::from_value(serde_json::Value::String(step.to_owned()))
                .map_err(|e| {
                    StoreError::Backend(format!("stored checkpoint step {step:?}: {e}"))
                })?;
            let data = serde_json::from_str(data).map_err(|e| {
                StoreError::Backend(format!("stored checkpoint is unreadable: {e}"))
            })?;
            Ok((step, data))
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    out.sort_by_key(|(step, _)| *step);
    Ok(out)
}

pub fn to_i64(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

pub fn parse_id(s: &str) -> Result<Uuid, StoreError> {
    Uuid::parse_str(s).map_err(|e| StoreError::Backend(format!("stored job id {s:?}: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_snapshot_trails_the_log_by_at_most_an_eighth() {
        let stored: Vec<u64> = (1..=20_000).filter(|&s| stores_snapshot(s)).collect();
        assert_eq!(&stored[..4], &[32, 64, 96, 128]);
        let mut last = 0;
        for seq in 1..=20_000u64 {
            if stores_snapshot(seq) {
                last = seq;
            }
            assert!(
                seq - last < SNAPSHOT_EVERY.max(seq / 8 + 1),
                "seq {seq}, stored {last}"
            );
        }
        // 8 stores per doubling past 256 (plus 8 below): linear bytes written.
        assert!(stored.len() < 8 + 8 * 7, "{}", stored.len());
    }

    /// An error with a cause under it, the way TLS and I/O errors come.
    #[derive(Debug)]
    struct Layer(&'static str, Option<Box<Layer>>);

    impl std::fmt::Display for Layer {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(self.0)
        }
    }

    impl std::error::Error for Layer {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            self.1.as_deref().map(|e| e as _)
        }
    }

    #[test]
    fn an_error_names_every_cause_under_it_once() {
        let chain = Layer(
            "error performing TLS handshake",
            Some(Box::new(Layer(
                "invalid peer certificate: UnknownIssuer",
                Some(Box::new(Layer("UnknownIssuer", None))),
            ))),
        );
        // The last cause is already the end of the line above it.
        assert_eq!(
            with_causes(&chain),
            "error performing TLS handshake: invalid peer certificate: UnknownIssuer"
        );
        assert_eq!(with_causes(&Layer("disk full", None)), "disk full");
        assert_eq!(
            backend(Layer("no route", Some(Box::new(Layer("refused", None))))).to_string(),
            StoreError::Backend("no route: refused".into()).to_string()
        );
    }
}
