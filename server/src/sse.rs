//! Server-Sent Events framing, written as bytes once per event.
//!
//! Framing (ARCHITECTURE.md): `id:` = seq, `event:` = type, `data:` = the
//! JSON envelope, then a blank line. A heartbeat (seq 0) has no `id:`, so it
//! never moves the browser's cursor. The envelope is compact JSON, which
//! escapes every newline inside strings, so `data:` is always one line.

use std::time::Duration;

use bytes::{BufMut, Bytes, BytesMut};
use tailor_common::Envelope;

/// The SSE frame for an event.
pub fn event(event: &Envelope) -> Bytes {
    let json = serde_json::to_vec(event).unwrap_or_default();
    let kind = event.body.kind();
    let mut out = BytesMut::with_capacity(json.len() + kind.len() + 40);
    if event.seq > 0 {
        out.put_slice(b"id: ");
        out.put_slice(event.seq.to_string().as_bytes());
        out.put_u8(b'\n');
    }
    out.put_slice(b"event: ");
    out.put_slice(kind.as_bytes());
    out.put_slice(b"\ndata: ");
    out.put_slice(&json);
    out.put_slice(b"\n\n");
    out.freeze()
}

/// The frame that tells the browser how long to wait before reconnecting.
pub fn retry(delay: Duration) -> Bytes {
    Bytes::from(format!("retry: {}\n\n", delay.as_millis()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    #[test]
    fn a_heartbeat_has_no_id_and_data_stays_on_one_line() {
        let hb = Envelope::heartbeat(Uuid::nil(), 5, 3);
        let text = String::from_utf8(event(&hb).to_vec()).unwrap();
        assert!(text.starts_with("event: heartbeat\ndata: {"), "{text}");
        assert!(text.ends_with("}\n\n"));
        assert_eq!(text.matches('\n').count(), 3);
        assert_eq!(retry(Duration::from_millis(1500)), "retry: 1500\n\n");
    }
}
