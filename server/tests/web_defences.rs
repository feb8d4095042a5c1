//! The web defences over the real server: cross-origin writes refused (and
//! our own no-JavaScript form post accepted), foreign `Host` names refused,
//! the security headers on pages, API answers and assets, and the HTTP
//! server's header-read timeout (slowloris), idle timeout and connection cap.

use crate::common;

use std::{sync::Arc, time::Duration};

use common::{browser, job_body, TestServer};
use leptos::config::LeptosOptions;
use serde_json::Value;
use tailor_common::paths;
use tailor_server::{build_state, config::ServeArgs, store::MemoryStore};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};
use tokio_util::sync::CancellationToken;

fn multipart_form(boundary: &str) -> Vec<u8> {
    let body = job_body();
    let mut form = Vec::new();
    for (name, value) in [
        ("resume_text", &body["resume_text"]),
        ("job_text", &body["job_text"]),
    ] {
        form.extend_from_slice(
            format!(
                "--{boundary}\r\ncontent-disposition: form-data; name=\"{name}\"\r\n\r\n{}\r\n",
                value.as_str().unwrap()
            )
            .as_bytes(),
        );
    }
    form.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    form
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cross_origin_writes_are_refused_and_our_own_form_post_is_not() {
    let server = TestServer::start(15).await;
    let origin = format!("http://{}", server.addr);
    let client = &server.client;

    // Another site's page posting to us: by Origin, or by Sec-Fetch-Site.
    let attempts = [
        vec![("origin", "http://evil.example".to_string())],
        vec![("origin", "null".to_string())],
        vec![("sec-fetch-site", "cross-site".to_string())],
        vec![
            ("sec-fetch-site", "same-site".to_string()),
            ("origin", origin.clone()),
        ],
    ];
    for headers in &attempts {
        let mut request = client
            .post(server.url(paths::START))
            .header("content-type", "multipart/form-data; boundary=b0")
            .header("accept", "text/html")
            .body(multipart_form("b0"));
        for (name, value) in headers {
            request = request.header(*name, value);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 403, "{headers:?}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"]["code"], "cross_origin", "{headers:?}");
    }
    let (_, list) = (0, client.get(server.url(paths::JOBS)).send().await.unwrap());
    let list: Value = list.json().await.unwrap();
    assert_eq!(list["jobs"], Value::Array(vec![]), "no job was started");

    // The upload page's own form, before its script has loaded.
    let response = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_provider(server.jar.clone())
        .build()
        .unwrap()
        .post(server.url(paths::START))
        .header("content-type", "multipart/form-data; boundary=b1")
        .header("accept", "text/html,application/xhtml+xml")
        .header("origin", &origin)
        .header("sec-fetch-site", "same-origin")
        .body(multipart_form("b1"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    let job: uuid::Uuid = location.trim_start_matches("/jobs/").parse().unwrap();

    // Cancel, delete and the server functions are guarded the same way.
    for (method, path) in [
        (reqwest::Method::POST, paths::job_cancel(job)),
        (reqwest::Method::DELETE, paths::job(job)),
        (reqwest::Method::POST, paths::job_share(job)),
        (reqwest::Method::POST, "/api/job_list".to_string()),
    ] {
        let response = client
            .request(method.clone(), server.url(&path))
            .header("origin", "http://evil.example")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 403, "{method} {path}");
    }
    let snapshot = client
        .get(server.url(&paths::job_snapshot(job)))
        .send()
        .await
        .unwrap();
    assert_eq!(snapshot.status(), 200, "the job is still there");
    // A same-origin fetch from our page passes.
    let response = client
        .delete(server.url(&paths::job(job)))
        .header("origin", &origin)
        .header("sec-fetch-site", "same-origin")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn foreign_host_names_are_refused() {
    let server = TestServer::start(15).await;
    let port = server.addr.port();
    for path in ["/", paths::JOBS, "/about"] {
        for host in ["evil.example".to_string(), format!("rebind.example:{port}")] {
            let response = browser()
                .get(server.url(path))
                .header("host", &host)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 421, "{host} {path}");
            let body: Value = response.json().await.unwrap();
            assert_eq!(body["error"]["code"], "host_not_allowed");
        }
        for host in [format!("localhost:{port}"), format!("127.0.0.1:{port}")] {
            let response = browser()
                .get(server.url(path))
                .header("host", &host)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 200, "{host} {path}");
        }
    }

    // A configured list replaces the loopback default.
    let server = TestServer::start_with_config(ServeArgs {
        allowed_hosts: vec!["tailor.example.org".into()],
        ..common::test_args()
    })
    .await;
    let get = |host: &str| {
        browser()
            .get(server.url(paths::JOBS))
            .header("host", host)
            .send()
    };
    assert_eq!(get("tailor.example.org").await.unwrap().status(), 200);
    assert_eq!(get("localhost").await.unwrap().status(), 421);
}

fn assert_security_headers(response: &reqwest::Response, what: &str) {
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .unwrap_or_else(|| panic!("{what}: no {name}"))
            .to_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(header("x-content-type-options"), "nosniff", "{what}");
    assert_eq!(header("referrer-policy"), "no-referrer", "{what}");
    assert!(
        header("content-security-policy").contains("frame-ancestors 'none'"),
        "{what}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn security_headers_are_on_pages_api_and_assets() {
    // A site root with one asset, as `scripts/build-site.sh` leaves it.
    let site = tempfile::tempdir().unwrap();
    std::fs::write(
        site.path().join("favicon.svg"),
        "<svg xmlns='http://www.w3.org/2000/svg'/>",
    )
    .unwrap();
    let options = LeptosOptions::builder()
        .output_name("tailor")
        .site_root(site.path().to_string_lossy().to_string())
        .build();
    let shutdown = CancellationToken::new();
    let state = build_state(
        ServeArgs {
            allow_private_urls: true,
            ..common::test_args()
        },
        options,
        Arc::new(MemoryStore::new()),
        shutdown.clone(),
    );
    let server = TestServer::serve(state, shutdown).await;
    let client = &server.client;

    // Pages: the CSP allows exactly the nonce the page's scripts carry.
    for path in ["/", "/about", "/jobs", "/no/such/page"] {
        let response = client.get(server.url(path)).send().await.unwrap();
        assert_security_headers(&response, path);
        let csp = response.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_string();
        let html = response.text().await.unwrap();
        let nonce = csp
            .split("'nonce-")
            .nth(1)
            .and_then(|rest| rest.split('\'').next())
            .unwrap_or_else(|| panic!("{path}: no nonce in {csp}"));
        assert!(
            html.contains(&format!("nonce=\"{nonce}\"")),
            "{path}: the scripts carry another nonce"
        );
        assert!(csp.contains("'wasm-unsafe-eval'"), "{csp}");
        assert!(
            !csp.contains("'unsafe-inline' ") && !csp.contains("script-src 'unsafe-inline'"),
            "{csp}"
        );
        let other = client.get(server.url(path)).send().await.unwrap();
        assert_ne!(
            other.headers()["content-security-policy"].to_str().unwrap(),
            csp,
            "a new nonce each time"
        );
    }

    // The API, errors included, and an asset: nothing may run or frame.
    let job = server.start_job(job_body()).await;
    for path in [
        paths::JOBS.to_string(),
        paths::job_snapshot(job),
        "/api/no/such/thing".to_string(),
        "/healthz".to_string(),
        "/metrics".to_string(),
        "/favicon.svg".to_string(),
    ] {
        let response = client.get(server.url(&path)).send().await.unwrap();
        assert!(response.status() != 500, "{path}");
        assert_security_headers(&response, &path);
        let csp = response.headers()["content-security-policy"]
            .to_str()
            .unwrap();
        assert!(csp.starts_with("default-src 'none'"), "{path}: {csp}");
    }
    let asset = client.get(server.url("/favicon.svg")).send().await.unwrap();
    assert_eq!(asset.status(), 200);
    // Refusals carry them too.
    let refused = browser()
        .get(server.url("/"))
        .header("host", "evil.example")
        .send()
        .await
        .unwrap();
    assert_security_headers(&refused, "a refused host");
}

/// A server whose connections get `header_timeout_secs` to send headers.
async fn server_with(header_timeout_secs: u64, max_connections: u64) -> TestServer {
    TestServer::start_with_config(ServeArgs {
        header_timeout_secs,
        max_connections,
        ..common::test_args()
    })
    .await
}

/// Reads until the server closes the connection; `None` if it is still
/// open after `bound`.
async fn read_until_closed(socket: &mut TcpStream, bound: Duration) -> Option<Vec<u8>> {
    let mut seen = Vec::new();
    let mut buf = [0u8; 4096];
    tokio::time::timeout(bound, async {
        loop {
            match socket.read(&mut buf).await {
                Ok(0) | Err(_) => return seen,
                Ok(n) => seen.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await
    .ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slowloris_connection_is_closed_after_the_header_timeout() {
    let server = server_with(2, 512).await;
    // Taken before connecting: the server's timer starts when it accepts,
    // which can be before this task runs again after the handshake.
    let started = tokio::time::Instant::now();
    let mut socket = TcpStream::connect(server.addr).await.unwrap();
    // A request whose headers would take a minute at one byte a second.
    let request = format!(
        "GET /healthz HTTP/1.1\r\nHost: {}\r\nX-Slow: {}\r\n\r\n",
        server.addr,
        "a".repeat(40)
    );
    let mut sent = 0;
    let closed = loop {
        if socket
            .write_all(&request.as_bytes()[sent..sent + 1])
            .await
            .is_err()
        {
            break true;
        }
        sent += 1;
        if sent == request.len() {
            break false;
        }
        // One byte a second, and notice the close as soon as it comes.
        let mut probe = [0u8; 64];
        match tokio::time::timeout(Duration::from_secs(1), socket.read(&mut probe)).await {
            Ok(Ok(0)) | Ok(Err(_)) => break true,
            Ok(Ok(_)) => panic!("the server answered a request it never fully got"),
            Err(_) => {}
        }
    };
    assert!(closed, "the server waited for all {sent} bytes");
    let elapsed = started.elapsed();
    assert!(
        sent < request.len() / 2,
        "closed after {sent} of {} bytes",
        request.len()
    );
    assert!(
        elapsed >= Duration::from_secs(2),
        "closed before the timeout: {elapsed:?}"
    );

    // An idle kept-alive connection is closed the same way.
    let mut socket = TcpStream::connect(server.addr).await.unwrap();
    let request = format!("GET /healthz HTTP/1.1\r\nHost: {}\r\n\r\n", server.addr);
    socket.write_all(request.as_bytes()).await.unwrap();
    let seen = read_until_closed(&mut socket, Duration::from_secs(15))
        .await
        .expect("an idle connection was held for 15 s");
    let text = String::from_utf8_lossy(&seen);
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");

    // And the server still answers everyone else.
    let health = browser().get(server.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_beyond_the_cap_wait_for_a_free_slot() {
    let server = server_with(30, 2).await;
    let holders = [
        TcpStream::connect(server.addr).await.unwrap(),
        TcpStream::connect(server.addr).await.unwrap(),
    ];
    // Both slots are taken once the server has seen them: prove it by a
    // request on the first that is answered.
    let [mut first, second] = holders;
    let request = format!("GET /healthz HTTP/1.1\r\nHost: {}\r\n\r\n", server.addr);
    first.write_all(request.as_bytes()).await.unwrap();
    let mut buf = [0u8; 1024];
    let n = first.read(&mut buf).await.unwrap();
    assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200"));

    let mut third = TcpStream::connect(server.addr).await.unwrap();
    third.write_all(request.as_bytes()).await.unwrap();
    let early = tokio::time::timeout(Duration::from_millis(700), third.read(&mut buf)).await;
    assert!(
        early.is_err(),
        "a third connection was served while two held the cap"
    );
    drop(first);
    let n = tokio::time::timeout(Duration::from_secs(10), third.read(&mut buf))
        .await
        .expect("the third connection got the freed slot")
        .unwrap();
    assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200"));
    drop(second);
}
