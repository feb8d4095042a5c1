//! A real Tailor server on an ephemeral loopback port, for tests that need
//! real sockets (streams, shutdown), plus helpers to read SSE frames.
#![allow(dead_code)]

use std::{io::Read as _, net::SocketAddr, sync::Arc, time::Duration};

use leptos::config::LeptosOptions;
use tailor_server::{
    build_state,
    config::ServeArgs,
    router,
    state::AppState,
    store::{pg_testing::TestDatabase, JobStore, MemoryStore, PgSettings, PgStore, SqliteStore},
};
use tokio_util::sync::CancellationToken;

/// The corpus fixtures' directory.
pub fn corpus_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpus")
}

/// Every (resume, posting) pair of `pairs.tsv`, paths under [`corpus_dir`].
pub fn corpus_pairs() -> Vec<(String, String)> {
    std::fs::read_to_string(corpus_dir().join("pairs.tsv"))
        .unwrap()
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let mut p = l.split('\t');
            (p.next().unwrap().to_string(), p.next().unwrap().to_string())
        })
        .collect()
}

pub fn fixture(name: &str) -> String {
    String::from_utf8(fixture_bytes(name)).expect("a text fixture")
}

pub fn fixture_bytes(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/tests/fixtures/corpus/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The server's defaults, with resume files read by the built `tailor`
/// binary as the server does (a test binary cannot be a parse worker).
pub fn test_args() -> ServeArgs {
    ServeArgs {
        reader_exe: Some(env!("CARGO_BIN_EXE_tailor").into()),
        ..ServeArgs::default()
    }
}

pub fn test_state(heartbeat_secs: u64) -> (AppState, CancellationToken) {
    test_state_with(heartbeat_secs, true)
}

pub fn test_state_with(
    heartbeat_secs: u64,
    allow_private_urls: bool,
) -> (AppState, CancellationToken) {
    let config = ServeArgs {
        heartbeat_secs,
        allow_private_urls,
        ..test_args()
    };
    let options = LeptosOptions::builder().output_name("tailor").build();
    let shutdown = CancellationToken::new();
    let state = build_state(
        config,
        options,
        Arc::new(MemoryStore::new()),
        shutdown.clone(),
    );
    (state, shutdown)
}

/// Which store `TestServer::start*` serves from: `TAILOR_TEST_STORE` is
/// `sqlite` (the default, as `tailor serve`'s), `memory` or `postgres` (a
/// fresh database on `TAILOR_TEST_DATABASE_URL`'s server). `scripts/test.sh`
/// runs the HTTP suites once per store.
pub const STORE_VAR: &str = "TAILOR_TEST_STORE";

/// A store for one test server, and what must live as long as it (its
/// directory or database).
pub async fn test_store() -> (Arc<dyn JobStore>, Box<dyn std::any::Any + Send + Sync>) {
    match std::env::var(STORE_VAR).as_deref() {
        Ok("memory") => (Arc::new(MemoryStore::new()), Box::new(())),
        Ok("sqlite") | Err(_) => {
            let dir = tempfile::tempdir().unwrap();
            let store = SqliteStore::open(dir.path()).unwrap();
            (Arc::new(store), Box::new(dir))
        }
        Ok("postgres") => {
            let db = TestDatabase::create()
                .await
                .unwrap_or_else(|| panic!("{STORE_VAR}=postgres needs TAILOR_TEST_DATABASE_URL"));
            let lease = Duration::from_secs_f64(SHARED_LEASE_SECS);
            let store = PgStore::connect(PgSettings::new(&db.url, lease).pool_size(8))
                .await
                .unwrap();
            store.until_listening().await;
            (Arc::new(store), Box::new(db))
        }
        Ok(other) => panic!("{STORE_VAR} must be sqlite, memory or postgres, not {other}"),
    }
}

pub struct TestServer {
    pub addr: SocketAddr,
    pub shutdown: CancellationToken,
    pub handle: tokio::task::JoinHandle<()>,
    /// A browser: its cookies are in `jar`.
    pub client: reqwest::Client,
    pub jar: Arc<reqwest::cookie::Jar>,
    /// What start-up recovery did (only [`TestServer::start_on`] with a
    /// store of its own runs it).
    pub recovery: Option<tailor_server::jobs::Recovery>,
    /// Keeps the store's directory or database while the server runs.
    store_lifetime: Option<Box<dyn std::any::Any + Send + Sync>>,
}

impl TestServer {
    pub async fn start(heartbeat_secs: u64) -> Self {
        Self::start_with(heartbeat_secs, true).await
    }

    pub async fn start_with(heartbeat_secs: u64, allow_private_urls: bool) -> Self {
        Self::start_with_config(ServeArgs {
            heartbeat_secs,
            allow_private_urls,
            ..test_args()
        })
        .await
    }

    /// A server on the test store with `config` (private job URLs allowed).
    pub async fn start_configured(config: ServeArgs) -> Self {
        Self::start_with_config(ServeArgs {
            allow_private_urls: true,
            ..config
        })
        .await
    }

    /// A server on `store`, started the way `tailor serve` starts: jobs a
    /// previous process left unfinished are ended first, or with a shared
    /// store, taken over when their lease (`SHARED_LEASE_SECS`) expires.
    pub async fn start_on(store: Arc<dyn tailor_server::store::JobStore>) -> Self {
        Self::start_on_configured(store, test_args()).await
    }

    /// [`TestServer::start_on`] with `config` (private job URLs allowed,
    /// the test lease).
    pub async fn start_on_configured(
        store: Arc<dyn tailor_server::store::JobStore>,
        config: ServeArgs,
    ) -> Self {
        let config = ServeArgs {
            allow_private_urls: true,
            lease_secs: SHARED_LEASE_SECS,
            ..config
        };
        let options = LeptosOptions::builder().output_name("tailor").build();
        let shutdown = CancellationToken::new();
        let state = build_state(config, options, store, shutdown.clone());
        let recovery = tailor_server::start_background_work(&state, Duration::from_secs(86_400))
            .await
            .unwrap();
        Self {
            recovery,
            ..Self::serve(state, shutdown).await
        }
    }

    /// A server with this configuration, on the test store ([`STORE_VAR`]).
    pub async fn start_with_config(config: ServeArgs) -> Self {
        let options = LeptosOptions::builder().output_name("tailor").build();
        let shutdown = CancellationToken::new();
        let (store, lifetime) = test_store().await;
        let state = build_state(config, options, store, shutdown.clone());
        let mut server = Self::serve(state, shutdown).await;
        server.store_lifetime = Some(lifetime);
        server
    }

    /// Served as `tailor serve` serves: hyper with the configured timeouts
    /// and connection cap.
    pub async fn serve(state: AppState, shutdown: CancellationToken) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let token = shutdown.clone();
        let limits = tailor_server::http::Limits::from_config(&state.config);
        let handle = tokio::spawn(async move {
            tailor_server::http::serve(listener, router(state), limits, token)
                .await
                .unwrap();
        });
        let jar = Arc::new(reqwest::cookie::Jar::default());
        TestServer {
            addr,
            shutdown,
            handle,
            client: browser_with(jar.clone()),
            jar,
            recovery: None,
            store_lifetime: None,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// GETs `path` and reads the JSON answer.
    pub async fn get_json<T: serde::de::DeserializeOwned>(&self, path: &str) -> T {
        let response = self.client.get(self.url(path)).send().await.unwrap();
        assert!(
            response.status().is_success(),
            "GET {path}: {}",
            response.status()
        );
        response.json().await.unwrap()
    }

    /// The value of the `/metrics` line that starts with `line_start`.
    pub async fn metric(&self, line_start: &str) -> f64 {
        let text = self
            .client
            .get(self.url("/metrics"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        text.lines()
            .find_map(|l| l.strip_prefix(line_start))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or_else(|| panic!("no metric {line_start} in {text}"))
    }

    /// POSTs the job's retry and answers its status code.
    pub async fn retry(&self, job: uuid::Uuid) -> u16 {
        self.client
            .post(self.url(&format!("/api/jobs/{job}/retry")))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    }

    /// Makes this server's client the browser that holds `token`'s cookie.
    pub fn browse_as(&mut self, token: &str) {
        let jar = Arc::new(reqwest::cookie::Jar::default());
        jar.add_cookie_str(
            &tailor_server::access::owner_cookie_header(token),
            &self.url("/").parse().unwrap(),
        );
        self.client = browser_with(jar.clone());
        self.jar = jar;
    }

    pub async fn snapshot(&self, job: uuid::Uuid) -> tailor_common::JobState {
        self.get_json(&format!("/api/jobs/{job}/snapshot")).await
    }

    /// POSTs a multipart start form: the status and the JSON answer
    /// (`Null` when the answer is not JSON).
    pub async fn start_form(&self, form: reqwest::multipart::Form) -> (u16, serde_json::Value) {
        let response = self
            .client
            .post(self.url(tailor_common::paths::START))
            .multipart(form)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (
            status,
            response.json().await.unwrap_or(serde_json::Value::Null),
        )
    }

    pub async fn start_job(&self, body: serde_json::Value) -> uuid::Uuid {
        start_job_at(&self.client, &self.url(""), &body).await
    }

    /// Reads a whole stream (until the server ends it) as frames.
    pub async fn read_stream(
        &self,
        job: uuid::Uuid,
        query: &str,
        last_event_id: Option<&str>,
    ) -> (u16, Vec<Frame>) {
        let mut request = self
            .client
            .get(self.url(&format!("/api/jobs/{job}/stream{query}")));
        if let Some(id) = last_event_id {
            request = request.header("Last-Event-ID", id);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        (status, parse_frames(&text))
    }
}

/// The upload form with the resume as a file and the posting as text.
pub fn resume_form(file_name: &str, bytes: Vec<u8>, job_text: &str) -> reqwest::multipart::Form {
    reqwest::multipart::Form::new()
        .part(
            "resume",
            reqwest::multipart::Part::bytes(bytes).file_name(file_name.to_string()),
        )
        .text("job_text", job_text.to_string())
}

/// A client that keeps cookies as a browser does: the jobs it starts are its
/// own, and a second one is somebody else.
pub fn browser() -> reqwest::Client {
    browser_with(Arc::new(reqwest::cookie::Jar::default()))
}

/// A client on an existing cookie jar: the same browser, e.g. after the
/// server restarted.
pub fn browser_with(jar: Arc<reqwest::cookie::Jar>) -> reqwest::Client {
    reqwest::Client::builder()
        // Long enough for the slowest job a test streams (10 000 roles in a
        // debug build on a busy machine), short enough to end a hang.
        .timeout(Duration::from_secs(240))
        .cookie_provider(jar)
        .build()
        .unwrap()
}

/// Starts a job on the server at `base` (`http://host:port`).
pub async fn start_job_at(
    client: &reqwest::Client,
    base: &str,
    body: &serde_json::Value,
) -> uuid::Uuid {
    let response = client
        .post(format!("{base}/api/pipeline/start"))
        .json(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201, "{:?}", response.text().await);
    let started: serde_json::Value = response.json().await.unwrap();
    started["job_id"].as_str().unwrap().parse().unwrap()
}

/// The run lease of the servers tests start on a shared store: short, so a
/// takeover test waits little, but not so short that a busy test machine
/// lets a live instance's lease lapse.
pub const SHARED_LEASE_SECS: f64 = 2.0;

/// A stream read frame by frame as it arrives.
pub struct LiveStream {
    response: reqwest::Response,
    /// Bytes, not text: a chunk may end inside a character.
    buffer: Vec<u8>,
}

impl LiveStream {
    pub async fn open(client: &reqwest::Client, url: &str) -> Self {
        Self::resume(client, url, 0).await
    }

    /// Opens the stream from a cursor, as a reconnecting browser does.
    pub async fn resume(client: &reqwest::Client, url: &str, last_event_id: u64) -> Self {
        let mut request = client.get(url);
        if last_event_id > 0 {
            request = request.header("Last-Event-ID", last_event_id.to_string());
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 200, "GET {url}");
        LiveStream {
            response,
            buffer: Vec::new(),
        }
    }

    /// Events up to and including the first that `stop_at` picks (all of
    /// them if the stream ends first).
    pub async fn read_until(
        &mut self,
        stop_at: impl Fn(&tailor_common::Envelope) -> bool,
    ) -> Vec<tailor_common::Envelope> {
        let mut events = Vec::new();
        while let Some(event) = self.next_event().await {
            let stop = stop_at(&event);
            events.push(event);
            if stop {
                break;
            }
        }
        events
    }

    /// Every event until the server ends the stream (or the connection dies).
    pub async fn read_to_end(&mut self) -> Vec<tailor_common::Envelope> {
        self.read_until(|_| false).await
    }

    /// The next stored event (heartbeats and `retry:` skipped), or `None`
    /// when the server ends the stream.
    pub async fn next_event(&mut self) -> Option<tailor_common::Envelope> {
        loop {
            while let Some(end) = self.buffer.windows(2).position(|w| w == b"\n\n") {
                let frame_bytes: Vec<u8> = self.buffer.drain(..end + 2).collect();
                let text = String::from_utf8(frame_bytes).expect("UTF-8 frames");
                if let Some(frame) = parse_frames(&text).pop().filter(|f| f.id.is_some()) {
                    return Some(frame.envelope());
                }
            }
            let chunk = tokio::time::timeout(Duration::from_secs(30), self.response.chunk())
                .await
                .expect("the stream went silent for 30 s")
                .ok()??;
            self.buffer.extend_from_slice(&chunk);
        }
    }
}

/// One SSE frame, as a browser's parser would see its fields.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Frame {
    pub id: Option<String>,
    pub event: Option<String>,
    pub data: Option<String>,
    pub retry: Option<String>,
}

impl Frame {
    pub fn envelope(&self) -> tailor_common::Envelope {
        serde_json::from_str(self.data.as_deref().expect("a data line")).expect("a valid envelope")
    }
}

pub fn parse_frames(text: &str) -> Vec<Frame> {
    let mut frames = Vec::new();
    let mut frame = Frame::default();
    let mut any = false;
    for line in text.split('\n') {
        if line.is_empty() {
            if any {
                frames.push(std::mem::take(&mut frame));
                any = false;
            }
            continue;
        }
        if line.starts_with(':') {
            continue;
        }
        let (field, value) = line.split_once(':').unwrap_or((line, ""));
        let value = value.strip_prefix(' ').unwrap_or(value).to_string();
        any = true;
        match field {
            "id" => frame.id = Some(value),
            "event" => frame.event = Some(value),
            "retry" => frame.retry = Some(value),
            "data" => {
                frame.data = Some(match frame.data.take() {
                    Some(d) => format!("{d}\n{value}"),
                    None => value,
                })
            }
            other => panic!("unexpected SSE field {other}"),
        }
    }
    frames
}

pub fn job_body() -> serde_json::Value {
    serde_json::json!({
        "resume_text": fixture("resumes/gdg_data_analyst.txt"),
        "job_text": fixture("jobs/gdg_jd_data_analyst.txt"),
    })
}

/// A loopback HTTP server that answers every request with `body`, slowly:
/// headers at once, then the body in `pieces` over `total`. It stands in for
/// a slow job page, so a job stays in flight for a real reason.
pub async fn slow_page_server(body: String, pieces: usize, total: Duration) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let body = body.clone();
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = socket.read(&mut buf).await;
                let head = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                if socket.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                let bytes = body.as_bytes();
                let size = bytes.len().div_ceil(pieces.max(1));
                for chunk in bytes.chunks(size.max(1)) {
                    tokio::time::sleep(total / pieces as u32).await;
                    if socket.write_all(chunk).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    format!("http://{addr}/job")
}

/// A loopback HTTP server for a job page that holds every request, headers
/// and all, until `release` is sent `true`, then answers with `body`: jobs
/// that fetch it stay in flight (for a real reason) exactly as long as a
/// test needs. Requests arriving after the release are answered at once.
pub async fn held_page_server(body: String) -> (String, tokio::sync::watch::Sender<bool>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let (release, released) = tokio::sync::watch::channel(false);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let (body, mut released) = (body.clone(), released.clone());
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = socket.read(&mut buf).await;
                if released.wait_for(|r| *r).await.is_err() {
                    return;
                }
                let head = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                let _ = socket.write_all(head.as_bytes()).await;
                let _ = socket.write_all(body.as_bytes()).await;
            });
        }
    });
    (format!("http://{addr}/job"), release)
}

/// A server process, as far as a test can make one: its own runtime, so that
/// dropping it ends every task it ran, the way a process dies. Its store is
/// the SQLite file in `dir`, which outlives it.
pub struct Process {
    pub runtime: tokio::runtime::Runtime,
    pub server: TestServer,
}

impl Process {
    pub fn start(dir: &std::path::Path) -> Process {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let store = Arc::new(SqliteStore::open(dir).unwrap());
        let server = runtime.block_on(TestServer::start_on(store));
        Process { runtime, server }
    }

    /// Stops it as a crash would: every task dropped, nothing flushed.
    pub fn kill(self) {
        let Process { runtime, server } = self;
        drop(server);
        runtime.shutdown_timeout(Duration::from_secs(5));
    }
}

/// A DOCX package from its parts, deflated at `level` (1 is fast for big
/// test files; 6 packs a bomb small).
pub fn docx_package(parts: &[(&str, Vec<u8>)], level: i64) -> Vec<u8> {
    use std::io::Write;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(level));
    for (name, data) in parts {
        w.start_file(*name, opts).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// `[Content_Types].xml` naming `word/document.xml` the main document.
pub const DOCX_CONTENT_TYPES: &str = r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#;

/// The text of a DOCX: `word/document.xml`, one line per paragraph, tabs
/// kept, entities decoded.
pub fn docx_text(bytes: &[u8]) -> String {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    let mut xml = String::new();
    z.by_name("word/document.xml")
        .expect("word/document.xml")
        .read_to_string(&mut xml)
        .unwrap();
    let xml = xml.replace("</w:p>", "\n").replace("<w:tab/>", "\t");
    let tags = regex::Regex::new(r"<[^>]*>").unwrap();
    tags.replace_all(&xml, "")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}
