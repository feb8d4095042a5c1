//! The wake-up channel between instances: one connection per instance that
//! `LISTEN`s for what other instances write, and hands each notification to
//! the notice handler as it arrives (no queue in between).
//!
//! A notification is only a hint. PostgreSQL drops them for a listener whose
//! connection broke, so after every (re)connection the handler gets
//! [`Notice::Resync`], and readers also poll the log on a timer.

use std::{
    sync::{Arc, RwLock},
    time::Duration,
};

use tokio::sync::watch;
use tokio_postgres::AsyncMessage;
use tokio_postgres_rustls::MakeRustlsConnect;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use crate::store::{Notice, NoticeHandler};

/// Payload `<job id>:<seq>`: the job's log grew.
pub const EVENTS_CHANNEL: &str = "tailor_events";
/// Payload `cancel:<job id>` or `delete:<job id>`.
pub const CONTROL_CHANNEL: &str = "tailor_control";

pub type HandlerSlot = Arc<RwLock<Option<NoticeHandler>>>;

/// Listens until `stop` fires, reconnecting with backoff when the
/// connection breaks; `listening` is true while a connection listens.
pub async fn run(
    config: tokio_postgres::Config,
    tls: MakeRustlsConnect,
    handler: HandlerSlot,
    listening: watch::Sender<bool>,
    stop: CancellationToken,
) {
    let mut backoff = Duration::from_millis(250);
    loop {
        let ended = listen(&config, &tls, &handler, &listening, &stop).await;
        if listening.send_replace(false) {
            // It had worked: a new break starts the backoff afresh.
            backoff = Duration::from_millis(250);
        }
        match ended {
            Ended::Stopped => return,
            Ended::Broke(why) => {
                tracing::warn!(%why, retry_in = ?backoff, "PostgreSQL wake-up channel broke; readers poll until it is back")
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(backoff) => {}
            _ = stop.cancelled() => return,
        }
        backoff = (backoff * 2).min(Duration::from_secs(10));
    }
}

enum Ended {
    Stopped,
    Broke(String),
}

/// One connection's life.
async fn listen(
    config: &tokio_postgres::Config,
    tls: &MakeRustlsConnect,
    handler: &HandlerSlot,
    listening: &watch::Sender<bool>,
    stop: &CancellationToken,
) -> Ended {
    let (client, mut connection) = match config.connect(tls.clone()).await {
        Ok(pair) => pair,
        Err(e) => return Ended::Broke(e.to_string()),
    };
    let slot = handler.clone();
    // The connection must be polled for the LISTEN below to complete, and
    // from then on it yields the notifications.
    let mut driver = tokio::spawn(async move {
        loop {
            match futures::future::poll_fn(|cx| connection.poll_message(cx)).await {
                Some(Ok(AsyncMessage::Notification(n))) => {
                    if let Some(notice) = parse(n.channel(), n.payload()) {
                        deliver(&slot, notice);
                    }
                }
                Some(Ok(_)) => {}
                Some(Err(e)) => return e.to_string(),
                None => return "the server closed the connection".to_string(),
            }
        }
    });
    let subscribed = client
        .batch_execute(&format!(
            "LISTEN {EVENTS_CHANNEL}; LISTEN {CONTROL_CHANNEL}"
        ))
        .await;
    if let Err(e) = subscribed {
        driver.abort();
        return Ended::Broke(e.to_string());
    }
    listening.send_replace(true);
    // Whatever was written while no connection listened was not heard.
    deliver(handler, Notice::Resync);
    let ended = tokio::select! {
        ended = &mut driver => ended,
        _ = stop.cancelled() => {
            driver.abort();
            return Ended::Stopped;
        }
    };
    drop(client);
    Ended::Broke(ended.unwrap_or_else(|e| e.to_string()))
}

fn deliver(slot: &HandlerSlot, notice: Notice) {
    let handler = slot.read().unwrap_or_else(|e| e.into_inner()).clone();
    if let Some(handler) = handler {
        handler(notice);
    }
}

/// A notification as a [`Notice`]; `None` for one this build does not know.
pub fn parse(channel: &str, payload: &str) -> Option<Notice> {
    match channel {
        EVENTS_CHANNEL => {
            let (id, seq) = payload.split_once(':')?;
            Some(Notice::Appended {
                job_id: Uuid::parse_str(id).ok()?,
                seq: seq.parse().ok()?,
            })
        }
        CONTROL_CHANNEL => {
            let (verb, id) = payload.split_once(':')?;
            let job_id = Uuid::parse_str(id).ok()?;
            match verb {
                "cancel" => Some(Notice::Cancel { job_id }),
                "delete" => Some(Notice::Deleted { job_id }),
                _ => None,
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_what_the_store_sends_and_ignores_the_rest() {
        let id = Uuid::new_v4();
        assert_eq!(
            parse(EVENTS_CHANNEL, &format!("{id}:42")),
            Some(Notice::Appended {
                job_id: id,
                seq: 42
            })
        );
        assert_eq!(
            parse(CONTROL_CHANNEL, &format!("cancel:{id}")),
            Some(Notice::Cancel { job_id: id })
        );
        assert_eq!(
            parse(CONTROL_CHANNEL, &format!("delete:{id}")),
            Some(Notice::Deleted { job_id: id })
        );
        assert_eq!(parse(CONTROL_CHANNEL, &format!("pause:{id}")), None);
        assert_eq!(parse(EVENTS_CHANNEL, "x:1"), None);
        assert_eq!(parse("other", &format!("{id}:1")), None);
    }
}
