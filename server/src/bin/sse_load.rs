//! SSE fan-out load: N viewers on one job, or M jobs with K viewers each,
//! optionally with a Last-Event-ID reconnect storm, against a running Tailor
//! (or the seed-design peer, `--peer`). Reports connected and finished
//! viewers, gaps and repeats, publish→receive latency percentiles (from each
//! event's `ts`), and, given the server's pid, its RSS per open stream and
//! its CPU time. Results: `server/benches/fanout.md`.
//!
//! ```text
//! cargo run --release -p tailor-server --bin sse-load -- \
//!     --base http://127.0.0.1:3151 --jobs 1 --viewers 2000 --pid $(pgrep -n tailor)
//! ```
//!
//! A Tailor job is held in flight by a posting URL this tool serves itself
//! (the server needs `--allow-private-urls`) and released once every viewer
//! is connected; then the pipeline's burst of events goes out. The peer
//! holds its job for `--peer-hold` seconds and publishes `--peer-events`.
//!
//! Everything is bounded: viewers and jobs by their counts, the run by
//! `--deadline` seconds (viewers still open then count as unfinished).

use std::{
    net::{IpAddr, SocketAddr},
    sync::{
        atomic::{AtomicU64, AtomicUsize, Ordering},
        Arc, Mutex,
    },
    time::{Duration, Instant, SystemTime, UNIX_EPOCH},
};

use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpSocket, TcpStream},
    sync::watch,
};

const RESUME: &str = include_str!("../../tests/fixtures/corpus/resumes/gdg_data_analyst.txt");
const POSTING: &str = include_str!("../../tests/fixtures/corpus/jobs/gdg_jd_data_analyst.txt");

#[derive(Debug, Clone)]
struct Args {
    base: SocketAddr,
    jobs: usize,
    viewers: usize,
    /// Fraction of viewers that drop their stream after `storm_after`
    /// events and reconnect at once with Last-Event-ID.
    storm: f64,
    storm_after: u64,
    pid: Option<u32>,
    /// Source addresses to spread connections over (ephemeral ports).
    sources: Vec<IpAddr>,
    deadline: Duration,
    peer: bool,
    peer_hold: f64,
    peer_events: usize,
    /// Viewers connecting at once.
    connect_parallel: usize,
}

fn parse_args() -> Args {
    let mut args = Args {
        base: "127.0.0.1:3000".parse().unwrap(),
        jobs: 1,
        viewers: 100,
        storm: 0.0,
        storm_after: 20,
        pid: None,
        sources: vec!["127.0.0.1".parse().unwrap()],
        deadline: Duration::from_secs(120),
        peer: false,
        peer_hold: 10.0,
        peer_events: 90,
        connect_parallel: 256,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--base" => {
                let v = value();
                let v = v.trim_start_matches("http://").trim_end_matches('/');
                args.base = v.parse().expect("--base http://IP:PORT");
            }
            "--jobs" => args.jobs = value().parse().unwrap(),
            "--viewers" => args.viewers = value().parse().unwrap(),
            "--storm" => args.storm = value().parse().unwrap(),
            "--storm-after" => args.storm_after = value().parse().unwrap(),
            "--pid" => args.pid = Some(value().parse().unwrap()),
            "--sources" => args.sources = value().split(',').map(|s| s.parse().unwrap()).collect(),
            "--deadline" => args.deadline = Duration::from_secs(value().parse().unwrap()),
            "--peer" => args.peer = true,
            "--peer-hold" => args.peer_hold = value().parse().unwrap(),
            "--peer-events" => args.peer_events = value().parse().unwrap(),
            "--connect-parallel" => args.connect_parallel = value().parse().unwrap(),
            other => panic!("unknown flag {other}"),
        }
    }
    assert!(args.jobs * args.viewers <= 60_000, "at most 60 000 streams");
    args
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

#[derive(Default)]
struct Tally {
    connected: AtomicUsize,
    finished: AtomicUsize,
    failed: AtomicUsize,
    gaps: AtomicU64,
    repeats: AtomicU64,
    reconnects: AtomicU64,
    events: AtomicU64,
    latencies: Mutex<Vec<u32>>,
}

/// One HTTP/1.1 request on a fresh connection; returns the socket and the
/// bytes read past the response head, with the status code.
async fn request(
    base: SocketAddr,
    source: IpAddr,
    head: &str,
    body: &[u8],
) -> std::io::Result<(TcpStream, u16, String, Vec<u8>)> {
    let socket = TcpSocket::new_v4()?;
    socket.bind(SocketAddr::new(source, 0))?;
    let mut stream = socket.connect(base).await?;
    stream.set_nodelay(true)?;
    let mut out = head.as_bytes().to_vec();
    out.extend_from_slice(body);
    stream.write_all(&out).await?;
    let mut buf = Vec::with_capacity(4096);
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_string();
            let status = head
                .split(' ')
                .nth(1)
                .and_then(|s| s.parse().ok())
                .unwrap_or(0);
            let rest = buf[end + 4..].to_vec();
            return Ok((stream, status, head, rest));
        }
        let mut chunk = [0u8; 4096];
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

/// Incremental HTTP/1.1 chunked decoding.
#[derive(Default)]
struct Dechunk {
    raw: Vec<u8>,
    /// Bytes left in the current chunk (plus its CRLF), if inside one.
    left: usize,
    ended: bool,
}

impl Dechunk {
    fn feed(&mut self, input: &[u8], out: &mut Vec<u8>) {
        self.raw.extend_from_slice(input);
        let mut at = 0;
        loop {
            if self.left > 0 {
                let take = self.left.min(self.raw.len() - at);
                // The last two bytes of a chunk are its CRLF.
                let data = take.min(self.left.saturating_sub(2));
                out.extend_from_slice(&self.raw[at..at + data]);
                at += take;
                self.left -= take;
                if self.left > 0 {
                    break;
                }
                continue;
            }
            let Some(eol) = self.raw[at..].windows(2).position(|w| w == b"\r\n") else {
                break;
            };
            let line = std::str::from_utf8(&self.raw[at..at + eol]).unwrap_or("0");
            let size = usize::from_str_radix(line.split(';').next().unwrap_or("0").trim(), 16)
                .unwrap_or(0);
            at += eol + 2;
            if size == 0 {
                self.ended = true;
                break;
            }
            self.left = size + 2;
        }
        self.raw.drain(..at);
    }
}

/// What one stream read.
struct Read {
    cursor: u64,
    done: bool,
}

/// Reads one stream from `cursor` until `done`, `stop_after` events, or the
/// connection ends; checks every seq follows the last. `gate` bounds how
/// many connections are being opened at once.
#[allow(clippy::too_many_arguments)]
async fn read_stream(
    args: &Args,
    source: IpAddr,
    path: &str,
    cookie: &str,
    mut cursor: u64,
    stop_after: Option<u64>,
    tally: &Tally,
    connected: Option<&AtomicUsize>,
    gate: Option<&tokio::sync::Semaphore>,
    latencies: &mut Vec<u32>,
) -> std::io::Result<Read> {
    let last_id = if cursor > 0 {
        format!("Last-Event-ID: {cursor}\r\n")
    } else {
        String::new()
    };
    let head = format!(
        "GET {path} HTTP/1.1\r\nHost: {}\r\nAccept: text/event-stream\r\n{cookie}{last_id}\r\n",
        args.base
    );
    let permit = match gate {
        Some(gate) => gate.acquire().await.ok(),
        None => None,
    };
    let (mut stream, status, resp_head, first) = request(args.base, source, &head, b"").await?;
    drop(permit);
    if status == 204 {
        return Ok(Read { cursor, done: true });
    }
    if status != 200 {
        return Err(std::io::Error::other(format!("status {status}")));
    }
    if let Some(c) = connected {
        c.fetch_add(1, Ordering::SeqCst);
    }
    // Events stamped before this connection are replay, not delivery.
    let since_ms = now_ms();
    let chunked = resp_head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked");
    let mut dechunk = Dechunk::default();
    let mut text = Vec::with_capacity(8192);
    let mut input = first;
    let mut read = 0u64;
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        if chunked {
            dechunk.feed(&input, &mut text);
        } else {
            text.extend_from_slice(&input);
        }
        // Whole frames.
        let mut at = 0;
        while let Some(end) = text[at..].windows(2).position(|w| w == b"\n\n") {
            let frame = &text[at..at + end];
            at += end + 2;
            let Some(seq) = field(frame, b"id: ").and_then(|v| v.parse::<u64>().ok()) else {
                continue; // retry:, heartbeat
            };
            tally.events.fetch_add(1, Ordering::Relaxed);
            if seq <= cursor {
                tally.repeats.fetch_add(1, Ordering::Relaxed);
                continue;
            }
            if seq != cursor + 1 {
                tally.gaps.fetch_add(1, Ordering::Relaxed);
            }
            cursor = seq;
            if let Some(ts) = json_number(frame, b"\"ts\":") {
                if ts >= since_ms {
                    latencies.push((now_ms() - ts).max(0) as u32);
                }
            }
            read += 1;
            let kind = field(frame, b"event: ");
            if kind.as_deref() == Some("done") {
                return Ok(Read { cursor, done: true });
            }
            if stop_after.is_some_and(|n| read >= n) {
                return Ok(Read {
                    cursor,
                    done: false,
                });
            }
        }
        text.drain(..at);
        if dechunk.ended {
            return Ok(Read {
                cursor,
                done: false,
            });
        }
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            return Ok(Read {
                cursor,
                done: false,
            });
        }
        input = buf[..n].to_vec();
    }
}

fn field(frame: &[u8], name: &[u8]) -> Option<String> {
    frame
        .split(|b| *b == b'\n')
        .find_map(|line| line.strip_prefix(name))
        .map(|v| String::from_utf8_lossy(v).into_owned())
}

fn json_number(frame: &[u8], key: &[u8]) -> Option<i64> {
    let at = frame.windows(key.len()).position(|w| w == key)? + key.len();
    // Python's json.dumps writes `"ts": 1`, serde `"ts":1`.
    let digits: String = frame[at..]
        .iter()
        .skip_while(|b| b.is_ascii_whitespace())
        .take_while(|b| b.is_ascii_digit())
        .map(|b| *b as char)
        .collect();
    digits.parse().ok()
}

/// The posting, held until `release` turns true.
async fn held_posting(release: watch::Receiver<bool>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut release = release.clone();
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = socket.read(&mut buf).await;
                if release.wait_for(|r| *r).await.is_err() {
                    return;
                }
                let head = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    POSTING.len()
                );
                let _ = socket.write_all(head.as_bytes()).await;
                let _ = socket.write_all(POSTING.as_bytes()).await;
            });
        }
    });
    format!("http://{addr}/job")
}

/// Starts a job; returns its id and the cookie header its viewers send.
async fn start_job(args: &Args, posting: &str) -> (String, String) {
    let body = if args.peer {
        format!(
            "{{\"hold_sec\":{},\"events\":{}}}",
            args.peer_hold, args.peer_events
        )
    } else {
        serde_json::json!({"resume_text": RESUME, "job_url": posting}).to_string()
    };
    let head = format!(
        "POST /api/pipeline/start HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        args.base,
        body.len()
    );
    let (mut stream, status, resp_head, mut rest) =
        request(args.base, args.sources[0], &head, body.as_bytes())
            .await
            .expect("the server answers");
    let _ = stream.read_to_end(&mut rest).await;
    let text = String::from_utf8_lossy(&rest);
    assert!(
        status == 200 || status == 201,
        "start: {status} {resp_head} {text}"
    );
    let start = text.find('{').unwrap_or(0);
    let end = text.rfind('}').map(|e| e + 1).unwrap_or(text.len());
    let json: serde_json::Value = serde_json::from_str(&text[start..end]).expect("start JSON");
    let id = json["job_id"].as_str().unwrap().to_string();
    let cookie = resp_head
        .lines()
        .filter_map(|l| {
            l.strip_prefix("set-cookie: ")
                .or_else(|| l.strip_prefix("Set-Cookie: "))
        })
        .filter_map(|c| c.split(';').next())
        .collect::<Vec<_>>()
        .join("; ");
    let cookie = if cookie.is_empty() {
        String::new()
    } else {
        format!("Cookie: {cookie}\r\n")
    };
    (id, cookie)
}

#[derive(Clone, Copy, Default)]
struct Proc {
    rss_kb: u64,
    cpu_ticks: u64,
}

fn proc_of(pid: Option<u32>) -> Proc {
    let Some(pid) = pid else {
        return Proc::default();
    };
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let rss_kb = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0);
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name (which may hold spaces): utime, stime
    // are the 14th and 15th fields overall.
    let after = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let fields: Vec<&str> = after.split_whitespace().collect();
    let tick = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0)
    };
    Proc {
        rss_kb,
        cpu_ticks: tick(11) + tick(12),
    }
}

fn percentile(sorted: &[u32], p: f64) -> u32 {
    if sorted.is_empty() {
        return 0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

#[tokio::main]
async fn main() {
    let args = Arc::new(parse_args());
    let tally = Arc::new(Tally::default());
    let (release, released) = watch::channel(false);
    let posting = held_posting(released).await;
    let before = proc_of(args.pid);
    let t0 = Instant::now();
    let mut jobs = Vec::new();
    for _ in 0..args.jobs {
        jobs.push(start_job(&args, &posting).await);
    }
    let total = args.jobs * args.viewers;
    let storm_every = if args.storm > 0.0 {
        (1.0 / args.storm).round().max(1.0) as usize
    } else {
        0
    };
    let gate = Arc::new(tokio::sync::Semaphore::new(args.connect_parallel.max(1)));
    let mut viewers = Vec::with_capacity(total);
    for i in 0..total {
        let (job, cookie) = jobs[i % args.jobs].clone();
        let (args, tally, gate) = (args.clone(), tally.clone(), gate.clone());
        let storm = storm_every > 0 && i % storm_every == 0;
        viewers.push(tokio::spawn(async move {
            let source = args.sources[i % args.sources.len()];
            let path = format!("/api/jobs/{job}/stream");
            let mut lat = Vec::new();
            let first = read_stream(
                &args,
                source,
                &path,
                &cookie,
                0,
                storm.then_some(args.storm_after),
                &tally,
                Some(&tally.connected),
                Some(&gate),
                &mut lat,
            );
            let mut r = match first.await {
                Ok(r) => r,
                Err(_) => {
                    tally.failed.fetch_add(1, Ordering::Relaxed);
                    return;
                }
            };
            // Reconnect with the cursor until done (bounded by the deadline).
            let mut tries = 0;
            while !r.done && tries < 20 {
                tries += 1;
                tally.reconnects.fetch_add(1, Ordering::Relaxed);
                match read_stream(
                    &args, source, &path, &cookie, r.cursor, None, &tally, None, None, &mut lat,
                )
                .await
                {
                    Ok(next) => r = next,
                    Err(_) => break,
                }
            }
            if r.done {
                tally.finished.fetch_add(1, Ordering::Relaxed);
            }
            tally.latencies.lock().unwrap().extend(lat);
        }));
    }
    // Release the jobs once every viewer is connected (or the deadline's
    // half has passed).
    let connect_deadline = t0 + args.deadline / 2;
    while tally.connected.load(Ordering::SeqCst) + tally.failed.load(Ordering::SeqCst) < total
        && Instant::now() < connect_deadline
    {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let connected_at = t0.elapsed();
    // Measurement, not progress: let the server finish setting up the
    // streams it just accepted before its memory per stream is read.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let open = proc_of(args.pid);
    let loader_open = proc_of(Some(std::process::id()));
    let _ = release.send(true);
    let burst = Instant::now();
    let deadline = t0 + args.deadline;
    for v in viewers {
        let left = deadline.saturating_duration_since(Instant::now());
        let _ = tokio::time::timeout(left, v).await;
    }
    let burst_secs = burst.elapsed().as_secs_f64();
    let after = proc_of(args.pid);
    let loader_after = proc_of(Some(std::process::id()));
    let mut lat = std::mem::take(&mut *tally.latencies.lock().unwrap());
    lat.sort_unstable();
    let hz = 100.0;
    let per_stream = if total > 0 && open.rss_kb > before.rss_kb {
        (open.rss_kb - before.rss_kb) as f64 * 1024.0 / total as f64
    } else {
        0.0
    };
    println!(
        "{{\"target\":\"{}\",\"jobs\":{},\"viewers_per_job\":{},\"streams\":{},\"connected\":{},\"finished\":{},\"failed\":{},\"gaps\":{},\"repeats\":{},\"reconnects\":{},\"events\":{},\"connect_s\":{:.2},\"burst_s\":{:.2},\"p50_ms\":{},\"p90_ms\":{},\"p99_ms\":{},\"max_ms\":{},\"rss_before_kb\":{},\"rss_open_kb\":{},\"rss_per_stream_bytes\":{:.0},\"cpu_s\":{:.2},\"burst_cpu_s\":{:.2},\"loader_burst_cpu_s\":{:.2}}}",
        if args.peer { "peer" } else { "tailor" },
        args.jobs,
        args.viewers,
        total,
        tally.connected.load(Ordering::SeqCst),
        tally.finished.load(Ordering::SeqCst),
        tally.failed.load(Ordering::SeqCst),
        tally.gaps.load(Ordering::SeqCst),
        tally.repeats.load(Ordering::SeqCst),
        tally.reconnects.load(Ordering::SeqCst),
        tally.events.load(Ordering::SeqCst),
        connected_at.as_secs_f64(),
        burst_secs,
        percentile(&lat, 0.50),
        percentile(&lat, 0.90),
        percentile(&lat, 0.99),
        lat.last().copied().unwrap_or(0),
        before.rss_kb,
        open.rss_kb,
        per_stream,
        (after.cpu_ticks.saturating_sub(before.cpu_ticks)) as f64 / hz,
        // The burst alone, the server's and this loader's: on one machine
        // they share its cores, and their sum bounds how fast the burst
        // can be delivered.
        (after.cpu_ticks.saturating_sub(open.cpu_ticks)) as f64 / hz,
        (loader_after.cpu_ticks.saturating_sub(loader_open.cpu_ticks)) as f64 / hz,
    );
}
