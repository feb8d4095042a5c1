//! The README's limits on a fetched job page — 3 MiB, 5 s to connect, 20 s
//! in all, 5 redirects — each against a loopback server this test starts,
//! through the real router (private URLs allowed for the test's servers);
//! and the private-address check on every redirect hop, with the server's
//! own guard, by resolution only: nothing leaves loopback.
//!
//! The timeouts are constants of the fetcher, not settings, so the two
//! timeout tests wait as long as the README says (5 s and 20 s), bounded.

use crate::common;

use std::{
    net::SocketAddr,
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc,
    },
    time::{Duration, Instant},
};

use common::{fixture, TestServer};
use serde_json::json;
use tailor_common::{DoneStatus, Envelope, ErrorPayload, EventBody};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpStream},
};

const MIB: usize = 1024 * 1024;

/// What a loopback page server does with one request for `path`.
enum Reply {
    /// Sends these bytes (a whole response) and closes.
    Now(Vec<u8>),
    /// Sends the head, then the body's bytes one every `every`, forever.
    Dribble { every: Duration },
    /// Reads the request and never answers.
    Never,
}

/// A loopback HTTP server answering each request by `route(path)`, and the
/// number of requests it has had.
async fn page_server(
    route: impl Fn(&str) -> Reply + Send + Sync + 'static,
) -> (SocketAddr, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let seen = Arc::new(AtomicUsize::new(0));
    let (route, counter) = (Arc::new(route), seen.clone());
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(answer(socket, route.clone()));
        }
    });
    (addr, seen)
}

async fn answer(mut socket: TcpStream, route: Arc<impl Fn(&str) -> Reply>) {
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match socket.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    let text = String::from_utf8_lossy(&head);
    let path = text.split_whitespace().nth(1).unwrap_or("/").to_string();
    let reply = route(&path);
    match reply {
        Reply::Now(bytes) => {
            let _ = socket.write_all(&bytes).await;
        }
        Reply::Dribble { every } => {
            let head =
                "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 100000\r\n\r\n";
            if socket.write_all(head.as_bytes()).await.is_err() {
                return;
            }
            loop {
                tokio::time::sleep(every).await;
                if socket.write_all(b"a").await.is_err() {
                    return;
                }
            }
        }
        Reply::Never => {
            // Hold the connection open without a byte of answer.
            let _ = socket.read(&mut buf).await;
            std::future::pending::<()>().await;
        }
    }
}

fn ok(body: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(body);
    out
}

/// A chunked response (no length announced) whose body is `body`.
fn chunked(body: &[u8]) -> Vec<u8> {
    let mut out = b"HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n".to_vec();
    for chunk in body.chunks(64 * 1024) {
        out.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        out.extend_from_slice(chunk);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"0\r\n\r\n");
    out
}

fn redirect(location: &str) -> Vec<u8> {
    format!("HTTP/1.1 302 Found\r\nlocation: {location}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
        .into_bytes()
}

/// The posting, padded with spaces to exactly `len` bytes.
fn posting_of(len: usize) -> Vec<u8> {
    let mut body = fixture("jobs/gdg_jd_data_analyst.txt").into_bytes();
    assert!(body.len() < len);
    body.resize(len, b' ');
    body
}

/// Starts a job on `url` and reads its stream to the end: its events, and
/// how long the job took from the start request to `done`.
async fn run_job(server: &TestServer, url: &str) -> (Vec<Envelope>, Duration) {
    let began = Instant::now();
    let job = server
        .start_job(json!({"resume_text": fixture("resumes/gdg_data_analyst.txt"), "job_url": url}))
        .await;
    let (status, frames) = server.read_stream(job, "", None).await;
    assert_eq!(status, 200);
    let events: Vec<Envelope> = frames
        .iter()
        .filter(|f| f.id.is_some())
        .map(|f| f.envelope())
        .collect();
    (events, began.elapsed())
}

fn error_of(events: &[Envelope]) -> Option<ErrorPayload> {
    events.iter().find_map(|e| match &e.body {
        EventBody::Error(err) => Some(err.clone()),
        _ => None,
    })
}

fn done_of(events: &[Envelope]) -> Option<DoneStatus> {
    match &events.last()?.body {
        EventBody::Done(d) => Some(d.status),
        _ => None,
    }
}

/// The job failed with `code`, retryable as said, and ended with `done`.
fn assert_failed(what: &str, events: &[Envelope], code: &str, retryable: bool) {
    let error = error_of(events).unwrap_or_else(|| panic!("{what}: no error; {events:?}"));
    assert_eq!(error.code, code, "{what}: {}", error.message);
    assert_eq!(error.retryable, retryable, "{what}: {error:?}");
    assert!(!error.message.is_empty());
    assert_eq!(done_of(events), Some(DoneStatus::Failed), "{what}");
}

/// 3 MiB is read, one byte more is `job_page_too_large` whether the page
/// announces its length or not.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_page_over_3_mib_fails_the_job() {
    let (page, _) = page_server(|path| match path {
        "/declared" => Reply::Now(ok(&posting_of(3 * MIB + 1))),
        "/chunked" => Reply::Now(chunked(&posting_of(3 * MIB + 1))),
        "/exact" => Reply::Now(chunked(&posting_of(3 * MIB))),
        _ => Reply::Now(b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n".to_vec()),
    })
    .await;
    let server = TestServer::start(15).await;
    for path in ["/declared", "/chunked"] {
        let (events, _) = run_job(&server, &format!("http://{page}{path}")).await;
        assert_failed(path, &events, "job_page_too_large", false);
        assert!(error_of(&events).unwrap().message.contains("3 MiB"));
    }
    let (events, _) = run_job(&server, &format!("http://{page}/exact")).await;
    assert_eq!(
        done_of(&events),
        Some(DoneStatus::Completed),
        "a page of exactly 3 MiB is read: {:?}",
        error_of(&events)
    );
}

/// Five redirects are followed; the sixth fails the job with
/// `job_url_redirects`, and no seventh request is made.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_redirects_are_followed_and_a_sixth_is_refused() {
    let (page, seen) = page_server(|path| {
        let n: usize = path
            .strip_prefix("/r/")
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        if n == 0 {
            Reply::Now(ok(fixture("jobs/gdg_jd_data_analyst.txt").as_bytes()))
        } else {
            Reply::Now(redirect(&format!("/r/{}", n - 1)))
        }
    })
    .await;
    let server = TestServer::start(15).await;
    let (events, _) = run_job(&server, &format!("http://{page}/r/5")).await;
    assert_eq!(
        done_of(&events),
        Some(DoneStatus::Completed),
        "{:?}",
        error_of(&events)
    );
    assert_eq!(seen.load(Ordering::SeqCst), 6, "five redirects, one page");

    seen.store(0, Ordering::SeqCst);
    let (events, _) = run_job(&server, &format!("http://{page}/r/6")).await;
    assert_failed("six redirects", &events, "job_url_redirects", false);
    assert_eq!(
        seen.load(Ordering::SeqCst),
        6,
        "the sixth redirect is not followed"
    );
}

/// A listener whose accept queue is full: the kernel drops further SYNs, so
/// a connection to it never completes (the loopback stand-in for a host
/// that does not answer). The returned stream keeps the queue full.
fn unconnectable() -> (SocketAddr, std::net::TcpStream) {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let addr = socket.local_addr().unwrap();
    let listener = socket.listen(0).unwrap();
    // Never accepted: leaked so that it outlives the test's connections.
    std::mem::forget(listener);
    let filler = std::net::TcpStream::connect(addr).unwrap();
    // The queue is full when one more connect no longer completes.
    let probe = std::net::TcpStream::connect_timeout(&addr, Duration::from_millis(300));
    assert!(probe.is_err(), "the accept queue should be full");
    (addr, filler)
}

/// A host that never completes the connection fails the job after the 5 s
/// connect timeout (long before the 20 s total), retryably.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_host_that_does_not_connect_fails_the_job_after_5_s() {
    let (addr, _filler) = unconnectable();
    let server = TestServer::start(15).await;
    let (events, took) = run_job(&server, &format!("http://{addr}/job")).await;
    let error = error_of(&events).expect("an error");
    assert_eq!(error.code, "job_url_timeout", "{error:?}");
    assert!(
        error
            .message
            .contains(&format!("Could not connect to {addr}"))
            && error.message.contains("did not answer in time"),
        "{error:?}"
    );
    assert!(error.retryable, "{error:?}");
    assert_eq!(done_of(&events), Some(DoneStatus::Failed));
    assert!(
        took >= Duration::from_millis(4_500) && took < Duration::from_secs(15),
        "the connect timeout is 5 s, not {took:?}"
    );
}

/// A page that answers its headers and then dribbles a byte every half
/// second, and one that accepts and never answers, both fail the job with
/// `job_url_timeout` at 20 s in all: a slow body does not keep a job.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_slower_than_20_s_in_all_fails_the_job_with_job_url_timeout() {
    let (page, _) = page_server(|path| match path {
        "/dribble" => Reply::Dribble {
            every: Duration::from_millis(500),
        },
        _ => Reply::Never,
    })
    .await;
    let server = TestServer::start(15).await;
    // One browser for both jobs: its owner cookie first, before the two
    // starts race to set one each.
    let _: serde_json::Value = server.get_json("/api/jobs").await;
    let (dribble_url, never_url) = (
        format!("http://{page}/dribble"),
        format!("http://{page}/never"),
    );
    let (dribble, never) =
        tokio::join!(run_job(&server, &dribble_url), run_job(&server, &never_url));
    for (what, (events, took)) in [("dribble", dribble), ("never", never)] {
        assert_failed(what, &events, "job_url_timeout", true);
        assert!(
            took >= Duration::from_millis(19_500) && took < Duration::from_secs(35),
            "{what}: the total timeout is 20 s, not {took:?}"
        );
    }
}

/// Every redirect hop is checked again: with the server's guard (public
/// addresses only) plus the one loopback server this test runs, that
/// server's redirects to any other private address — by IP, by name, in
/// IPv4-mapped and integer forms, or the cloud metadata address — are
/// refused before connecting (the second loopback server sees nothing),
/// while its redirect to itself is followed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_redirect_hop_is_checked_for_private_addresses() {
    let (target, reached) =
        page_server(|_| Reply::Now(ok(fixture("jobs/gdg_jd_data_analyst.txt").as_bytes()))).await;
    let port = target.port();
    let (first, _) = page_server(move |path| {
        let location = match path {
            "/to-ip" => format!("http://127.0.0.1:{port}/job"),
            "/to-name" => format!("http://localhost:{port}/job"),
            "/to-mapped" => format!("http://[::ffff:127.0.0.1]:{port}/job"),
            "/to-integer" => format!("http://2130706433:{port}/job"),
            "/to-private" => "http://10.0.0.1/job".to_string(),
            "/to-metadata" => "http://169.254.169.254/latest/meta-data/".to_string(),
            "/to-self" => "/job".to_string(),
            _ => return Reply::Now(ok(fixture("jobs/gdg_jd_data_analyst.txt").as_bytes())),
        };
        Reply::Now(redirect(&location))
    })
    .await;
    // The server's guard, with this test's first server let in.
    let guard = move |addr: SocketAddr| addr == first || tailor_server::fetch::is_public(addr.ip());
    for path in [
        "/to-ip",
        "/to-name",
        "/to-mapped",
        "/to-integer",
        "/to-private",
        "/to-metadata",
    ] {
        let error =
            tailor_server::fetch::fetch_job_page_allowing(&format!("http://{first}{path}"), &guard)
                .await
                .expect_err(path);
        assert_eq!(error.code(), "job_url_refused", "{path}: {error}");
    }
    assert_eq!(
        reached.load(Ordering::SeqCst),
        0,
        "no refused hop was connected to"
    );
    let page =
        tailor_server::fetch::fetch_job_page_allowing(&format!("http://{first}/to-self"), &guard)
            .await
            .expect("a redirect the guard allows is followed");
    assert!(page.final_url.ends_with("/job"), "{}", page.final_url);
    assert!(page.html.contains("SQL"));
    // And the guard as the server builds it refuses the first hop itself.
    let error = tailor_server::fetch::fetch_job_page(&format!("http://{first}/job"), false)
        .await
        .unwrap_err();
    assert_eq!(error.code(), "job_url_refused");
}
