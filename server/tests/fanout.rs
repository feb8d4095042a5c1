//! Fan-out over real sockets: every event is encoded once into the job's
//! window and shared by its readers. A viewer inside the window, one far
//! behind it, one reconnecting after it moved on, one that never reads, and
//! viewers on two instances sharing PostgreSQL: each sees the whole log, in
//! order, once. The counters in `/metrics` say where each frame came from
//! (the window or the store), so the tests see which path served it.
//!
//! The PostgreSQL test needs `TAILOR_TEST_DATABASE_URL` (`scripts/test.sh`).

use crate::common;

use std::{sync::Arc, time::Duration};

use common::{test_args, LiveStream, TestServer};
use leptos::config::LeptosOptions;
use tailor_common::{
    DonePayload, DoneStatus, Envelope, EventBody, JobStatus, JobStatusPayload, MetricPayload,
};
use tailor_server::{
    access, build_state,
    config::ServeArgs,
    hub::{now_ms, Hub},
    state::AppState,
    store::{JobInputs, JobStore, MemoryStore, ResumeUpload},
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

/// A server whose hub the test publishes through, and a browser that owns
/// the jobs the test creates.
struct Fixture {
    server: TestServer,
    hub: Arc<Hub>,
    token: String,
    viewer: reqwest::Client,
}

impl Fixture {
    async fn start(window_events: u64, window_kib: u64) -> Fixture {
        Self::on(Arc::new(MemoryStore::new()), window_events, window_kib).await
    }

    async fn on(store: Arc<dyn JobStore>, window_events: u64, window_kib: u64) -> Fixture {
        let config = ServeArgs {
            stream_window_events: window_events,
            stream_window_kib: window_kib,
            heartbeat_secs: 3600,
            ..test_args()
        };
        let shutdown = CancellationToken::new();
        let options = LeptosOptions::builder().output_name("tailor").build();
        let state: AppState = build_state(config, options, store, shutdown.clone());
        let hub = state.hub.clone();
        let server = TestServer::serve(state, shutdown).await;
        let token = access::new_token().unwrap();
        let viewer = viewer(&token);
        Fixture {
            server,
            hub,
            token,
            viewer,
        }
    }

    async fn create_job(&self) -> Uuid {
        let job = Uuid::new_v4();
        let owner = access::owner_key_for_token(&self.token);
        self.hub
            .store()
            .create_owned(job, Some(&owner), inputs(), now_ms())
            .await
            .unwrap();
        job
    }

    fn stream_url(&self, job: Uuid) -> String {
        self.server.url(&format!("/api/jobs/{job}/stream"))
    }

    async fn metric(&self, name: &str) -> f64 {
        self.server.metric(&format!("{name} ")).await
    }
}

/// A browser holding the owner cookie for `token`.
fn viewer(token: &str) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        reqwest::header::COOKIE,
        access::owner_cookie_header(token).parse().unwrap(),
    );
    reqwest::Client::builder()
        .default_headers(headers)
        .timeout(Duration::from_secs(120))
        .build()
        .unwrap()
}

fn inputs() -> JobInputs {
    JobInputs {
        resume: ResumeUpload {
            file_name: None,
            bytes: b"resume".to_vec(),
        },
        job_text: Some("posting".into()),
        job_url: None,
    }
}

fn started() -> EventBody {
    EventBody::JobStatus(JobStatusPayload {
        status: JobStatus::Started,
        reason: None,
    })
}

/// An event of about `size` bytes, numbered so a repeat or swap shows.
fn metric(n: usize, size: usize) -> EventBody {
    EventBody::MetricUpdate(MetricPayload {
        key: format!("load.{n}"),
        value: n as f64,
        unit: None,
        label: Some("x".repeat(size)),
    })
}

fn done() -> EventBody {
    EventBody::Done(DonePayload {
        status: DoneStatus::Completed,
        result_url: None,
    })
}

/// Publishes `started`, then `count` events numbered `from`…
async fn publish(hub: &Hub, job: Uuid, from: usize, count: usize, size: usize) {
    for n in from..from + count {
        let body = if n == 0 { started() } else { metric(n, size) };
        hub.publish(job, body).await.unwrap();
    }
}

/// The seqs read, checked to be the whole log from `after + 1`, in order,
/// once, ending with `done`.
fn assert_whole_log(events: &[Envelope], after: u64, last: u64) {
    let seqs: Vec<u64> = events.iter().map(|e| e.seq).collect();
    assert_eq!(
        seqs,
        (after + 1..=last).collect::<Vec<_>>(),
        "every event after {after}, in order, once"
    );
    assert!(events.last().unwrap().is_done(), "done comes last");
    for e in events {
        if let EventBody::MetricUpdate(m) = &e.body {
            assert_eq!(
                m.key,
                format!("load.{}", e.seq - 1),
                "seq {} carries its own event",
                e.seq
            );
        }
    }
}

async fn read_to_end(client: &reqwest::Client, url: &str, after: u64) -> Vec<Envelope> {
    tokio::time::timeout(Duration::from_secs(120), async {
        LiveStream::resume(client, url, after)
            .await
            .read_to_end()
            .await
    })
    .await
    .expect("the stream ended")
}

/// Waits (bounded) until exactly `n` streams are open on the server.
async fn until_streams(fx: &Fixture, n: f64) {
    for _ in 0..2000 {
        if fx.metric("tailor_streams_active").await == n {
            return;
        }
        tokio::task::yield_now().await;
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    panic!(
        "never {n} streams open (now {})",
        fx.metric("tailor_streams_active").await
    );
}

#[tokio::test]
async fn a_viewer_inside_the_window_is_served_from_it_without_reading_the_store() {
    let fx = Fixture::start(512, 256).await;
    let job = fx.create_job().await;
    fx.hub.publish(job, started()).await.unwrap();
    let url = fx.stream_url(job);
    let mut live = LiveStream::open(&fx.viewer, &url).await;
    assert_eq!(
        live.next_event().await.unwrap().seq,
        1,
        "read from the store: the window was empty"
    );
    // From here on every event is pushed into the window before the viewer
    // is woken; the viewer never reads the store again.
    publish(&fx.hub, job, 1, 199, 100).await;
    fx.hub.publish(job, done()).await.unwrap();
    let rest = tokio::time::timeout(Duration::from_secs(60), live.read_to_end())
        .await
        .unwrap();
    assert_whole_log(&rest, 1, 201);
    drop(live);
    // The reader's counters are added when its stream ends.
    until_streams(&fx, 0.0).await;
    assert_eq!(
        fx.metric("tailor_stream_frames_from_window_total").await,
        200.0
    );
    assert_eq!(
        fx.metric("tailor_stream_frames_from_store_total").await,
        1.0
    );
    assert!(
        fx.metric("tailor_stream_store_reads_total").await <= 2.0,
        "one read found seq 1; at most one more found nothing new"
    );
}

#[tokio::test]
async fn a_viewer_far_behind_the_window_catches_up_from_the_store_then_joins_it() {
    let fx = Fixture::start(64, 256).await;
    let job = fx.create_job().await;
    let url = fx.stream_url(job);
    let up_to_1000 = |client: reqwest::Client, url: String| async move {
        let mut s = LiveStream::open(&client, &url).await;
        let events = s.read_until(|e| e.seq == 1000).await;
        (s, events)
    };
    // A viewer from the start keeps the job's window alive.
    let keeper = tokio::spawn(up_to_1000(fx.viewer.clone(), url.clone()));
    until_streams(&fx, 1.0).await;
    publish(&fx.hub, job, 0, 1000, 50).await;
    let (frames, _) = fx.hub.window_size(job).unwrap();
    assert_eq!(frames, 64, "the window holds its last 64 events only");
    // A late joiner from the start: 936 events lie before the window.
    let late = tokio::spawn(up_to_1000(fx.viewer.clone(), url.clone()));
    let (mut late_stream, mut late_events) = late.await.unwrap();
    let (mut keeper_stream, mut keeper_events) = keeper.await.unwrap();
    // Both are at seq 1000; the next 31 events fit in the window, so both
    // take them from it, however slowly they read.
    publish(&fx.hub, job, 1000, 30, 50).await;
    fx.hub.publish(job, done()).await.unwrap();
    late_events.extend(late_stream.read_to_end().await);
    keeper_events.extend(keeper_stream.read_to_end().await);
    drop((late_stream, keeper_stream));
    assert_whole_log(&late_events, 0, 1031);
    assert_whole_log(&keeper_events, 0, 1031);
    until_streams(&fx, 0.0).await;
    let from_store = fx.metric("tailor_stream_frames_from_store_total").await;
    let from_window = fx.metric("tailor_stream_frames_from_window_total").await;
    assert_eq!(
        from_store + from_window,
        2.0 * 1031.0,
        "each frame sent once per viewer"
    );
    assert!(
        from_store >= 936.0,
        "the late joiner read what lay before the window from the store ({from_store})"
    );
    assert!(
        from_window >= 2.0 * 31.0,
        "then both took the live events from the window ({from_window})"
    );
}

#[tokio::test]
async fn a_reconnect_with_last_event_id_after_the_window_moved_on_misses_nothing() {
    let fx = Fixture::start(32, 256).await;
    let job = fx.create_job().await;
    let url = fx.stream_url(job);
    let keeper = {
        let (client, url) = (fx.viewer.clone(), url.clone());
        tokio::spawn(async move { read_to_end(&client, &url, 0).await })
    };
    until_streams(&fx, 1.0).await;
    publish(&fx.hub, job, 0, 100, 50).await;
    // A viewer reads up to seq 40 and loses its connection.
    let mut first = LiveStream::open(&fx.viewer, &url).await;
    let seen = first.read_until(|e| e.seq == 40).await;
    drop(first);
    // The job goes on; the window moves past seq 41.
    publish(&fx.hub, job, 100, 400, 50).await;
    fx.hub.publish(job, done()).await.unwrap();
    // The browser reconnects with its cursor, as EventSource does.
    let rest = read_to_end(&fx.viewer, &url, 40).await;
    let mut all = seen;
    all.extend(rest);
    assert_whole_log(&all, 0, 501);
    assert_whole_log(&keeper.await.unwrap(), 0, 501);
    // And a reconnect inside the window, from the window.
    let tail = read_to_end(&fx.viewer, &url, 490).await;
    assert_whole_log(&tail, 490, 501);
}

/// An HTTP/1.1 chunked body, decoded.
fn dechunk(mut body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let line_end = body
            .windows(2)
            .position(|w| w == b"\r\n")
            .expect("a chunk size");
        let size =
            usize::from_str_radix(std::str::from_utf8(&body[..line_end]).unwrap().trim(), 16)
                .unwrap();
        body = &body[line_end + 2..];
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&body[..size]);
        body = &body[size + 2..];
    }
}

#[tokio::test]
async fn a_stalled_reader_neither_holds_up_a_hundred_others_nor_grows_the_window() {
    let fx = Fixture::start(16, 8).await;
    let job = fx.create_job().await;
    let url = fx.stream_url(job);

    // A reader that asks for the stream and then never reads: a tiny receive
    // buffer, so the server's writes to it stop almost at once.
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    let mut stalled = socket.connect(fx.server.addr).await.unwrap();
    let request = format!(
        "GET /api/jobs/{job}/stream HTTP/1.1\r\nHost: {}\r\nCookie: {}\r\nConnection: close\r\n\r\n",
        fx.server.addr,
        access::owner_cookie_header(&fx.token)
    );
    stalled.write_all(request.as_bytes()).await.unwrap();
    let mut head = [0u8; 12];
    stalled.read_exact(&mut head).await.unwrap();
    assert_eq!(&head, b"HTTP/1.1 200", "{}", String::from_utf8_lossy(&head));
    until_streams(&fx, 1.0).await;

    // About 5 MB of events, far more than the stalled socket's buffers can
    // take, while the window stays within its bounds.
    let bounded = |fx: &Fixture| {
        let (frames, bytes) = fx.hub.window_size(job).unwrap();
        assert!(
            frames <= 16 && bytes <= 8 * 1024,
            "the window stays in its bounds"
        );
    };
    for n in 0..5000 {
        let body = if n == 0 { started() } else { metric(n, 1000) };
        fx.hub.publish(job, body).await.unwrap();
        bounded(&fx);
    }
    // A hundred others join near the end and see the job finish.
    let others: Vec<_> = (0..100)
        .map(|_| {
            let (client, url) = (fx.viewer.clone(), url.clone());
            tokio::spawn(async move { read_to_end(&client, &url, 4990).await })
        })
        .collect();
    until_streams(&fx, 101.0).await;
    for n in 5000..5100 {
        fx.hub.publish(job, metric(n, 1000)).await.unwrap();
        bounded(&fx);
    }
    fx.hub.publish(job, done()).await.unwrap();
    for other in others {
        assert_whole_log(&other.await.unwrap(), 4990, 5101);
    }
    // The hundred are done; the stalled reader's stream is still open, its
    // socket full, the rest of the log not yet taken from anywhere.
    until_streams(&fx, 1.0).await;
    let from_store_before = fx.metric("tailor_stream_frames_from_store_total").await;

    // Now it reads: the whole log, from the store where the window moved on.
    let mut raw = Vec::new();
    tokio::time::timeout(Duration::from_secs(60), stalled.read_to_end(&mut raw))
        .await
        .expect("the stalled stream ends once read")
        .unwrap();
    let head_end = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let body = dechunk(&raw[head_end + 4..]);
    let events: Vec<Envelope> = common::parse_frames(&String::from_utf8(body).unwrap())
        .iter()
        .filter(|f| f.id.is_some())
        .map(|f| f.envelope())
        .collect();
    assert_whole_log(&events, 0, 5101);
    until_streams(&fx, 0.0).await;
    assert!(
        fx.metric("tailor_stream_frames_from_store_total").await > from_store_before,
        "the stalled reader fell behind the window and read the store"
    );
}

#[tokio::test]
async fn viewers_on_two_instances_sharing_postgres_each_see_the_whole_log_once() {
    let Some(db) = tailor_server::store::pg_testing::TestDatabase::create().await else {
        return; // no PostgreSQL configured (the variable says whether that is allowed)
    };
    let connect = || async {
        let store = tailor_server::store::PgStore::connect(
            tailor_server::store::PgSettings::new(&db.url, Duration::from_secs(30)).pool_size(4),
        )
        .await
        .unwrap();
        store.until_listening().await;
        Arc::new(store) as Arc<dyn JobStore>
    };
    let writer = Fixture::on(connect().await, 512, 256).await;
    let mut reader = Fixture::on(connect().await, 512, 256).await;
    // The same browser on both instances.
    reader.token = writer.token.clone();
    reader.viewer = viewer(&writer.token);
    let job = writer.create_job().await;
    writer.hub.publish(job, started()).await.unwrap();

    let open = |fx: &Fixture, n: usize| -> Vec<_> {
        (0..n)
            .map(|_| {
                let (client, url) = (fx.viewer.clone(), fx.stream_url(job));
                tokio::spawn(async move { read_to_end(&client, &url, 0).await })
            })
            .collect()
    };
    let on_writer = open(&writer, 10);
    let on_reader = open(&reader, 30);
    until_streams(&writer, 10.0).await;
    until_streams(&reader, 30.0).await;
    publish(&writer.hub, job, 1, 149, 100).await;
    writer.hub.publish(job, done()).await.unwrap();
    for viewer in on_writer.into_iter().chain(on_reader) {
        assert_whole_log(&viewer.await.unwrap(), 0, 151);
    }
    until_streams(&reader, 0.0).await;
    // The other instance read the events once for its thirty viewers, not
    // once per viewer: its streams took them from its window.
    let fills = reader.metric("tailor_window_fills_total").await;
    let stream_reads = reader.metric("tailor_stream_store_reads_total").await;
    let from_window = reader
        .metric("tailor_stream_frames_from_window_total")
        .await;
    assert!(fills <= 2.0 * 151.0, "fills: {fills}");
    assert!(
        stream_reads <= 30.0 * 3.0,
        "each viewer read the store only to start ({stream_reads})"
    );
    assert!(
        from_window >= 30.0 * 140.0,
        "the viewers on the other instance were served from its window ({from_window})"
    );
}
