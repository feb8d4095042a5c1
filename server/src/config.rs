//! Command-line flags, each with an environment fallback (the names scripts
//! and tests rely on are fixed by ARCHITECTURE.md).

use std::{net::SocketAddr, path::PathBuf, time::Duration};

use clap::{builder::BoolishValueParser, Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "tailor",
    version,
    about = "Tailor: tailored resumes that never invent a fact"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Flags for `serve`, which is what a bare `tailor` does.
    #[command(flatten)]
    pub serve: ServeArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web app (the default).
    Serve(Box<ServeArgs>),
    /// Run the pipeline once, without a server, and write the results.
    Run(RunArgs),
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "TAILOR_ADDR", default_value = "127.0.0.1:3000")]
    pub addr: SocketAddr,
    /// Where jobs are kept.
    #[arg(long, env = "TAILOR_DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,
    /// Database URL; default: SQLite in the data directory.
    #[arg(long, env = "TAILOR_DATABASE_URL")]
    pub database_url: Option<String>,
    /// Seconds between heartbeats on an idle event stream.
    #[arg(long, env = "TAILOR_HEARTBEAT_SECS", default_value_t = 15, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub heartbeat_secs: u64,
    /// Most recent events of each watched job kept in memory, encoded, for
    /// its streams (0 to 10 000); a stream further behind reads the store.
    #[arg(long, env = "TAILOR_STREAM_WINDOW_EVENTS", default_value_t = 512, value_parser = clap::value_parser!(u64).range(0..=10_000))]
    pub stream_window_events: u64,
    /// Most KiB those events may take, per job (0 to 65 536).
    #[arg(long, env = "TAILOR_STREAM_WINDOW_KIB", default_value_t = 256, value_parser = clap::value_parser!(u64).range(0..=65_536))]
    pub stream_window_kib: u64,
    /// Allow job URLs on loopback and private networks (tests need it).
    /// Takes 1/0, yes/no, on/off, true/false; the bare flag means yes.
    #[arg(long, env = "TAILOR_ALLOW_PRIVATE_URLS", default_value_t = false, num_args = 0..=1,
          default_missing_value = "true", value_parser = BoolishValueParser::new())]
    pub allow_private_urls: bool,
    /// Days a finished job and its inputs are kept (1 to 3650). To remove
    /// a job sooner, delete it (`DELETE /api/jobs/{id}`, or from History).
    #[arg(long, env = "TAILOR_RETENTION_DAYS", default_value_t = 7,
          value_parser = clap::value_parser!(u64).range(1..=MAX_RETENTION_DAYS))]
    pub retention_days: u64,
    /// Seconds a finished job's event log stays in memory (memory store;
    /// 1 to 30 days' worth).
    #[arg(long, env = "TAILOR_FINISHED_TTL_SECS", default_value_t = 3600,
          value_parser = clap::value_parser!(u64).range(1..=30 * 86_400))]
    pub finished_ttl_secs: u64,
    /// Most jobs running at once (1 to 1024); more are refused with 429
    /// until one ends.
    #[arg(long, env = "TAILOR_MAX_RUNNING_JOBS", default_value_t = 32, value_parser = parse_max_running)]
    pub max_running_jobs: usize,
    /// With PostgreSQL: seconds a job's run lease lasts unrenewed, so how
    /// long a job whose instance died waits before another takes it over.
    #[arg(long, env = "TAILOR_LEASE_SECS", default_value_t = 15.0, value_parser = parse_lease)]
    pub lease_secs: f64,
    /// Host names (with or without a port) this server answers to, comma
    /// separated; `*` answers any. Default: loopback names only, so a DNS
    /// rebinding page cannot reach a local instance.
    #[arg(long, env = "TAILOR_ALLOWED_HOSTS", value_delimiter = ',')]
    pub allowed_hosts: Vec<String>,
    /// A file holding the instance password: every request must then carry
    /// it (HTTP Basic, any user name). `TAILOR_PASSWORD` sets it directly.
    #[arg(long, env = "TAILOR_PASSWORD_FILE")]
    pub password_file: Option<PathBuf>,
    /// The instance password, read from `--password-file` or `TAILOR_PASSWORD`
    /// at start-up (never a flag: it would show in the process list).
    #[arg(skip)]
    pub password: Option<String>,
    /// A header set by a trusted reverse proxy naming the signed-in user
    /// (e.g. X-Forwarded-User): jobs then belong to that user, not to a
    /// browser cookie, and a request without it is refused.
    #[arg(long, env = "TAILOR_TRUSTED_USER_HEADER")]
    pub trusted_user_header: Option<String>,
    /// Give jobs created before owners existed to the first person who
    /// opens the History (for upgrading a one-person instance).
    #[arg(long, env = "TAILOR_ADOPT_UNOWNED", default_value_t = false)]
    pub adopt_unowned: bool,
    /// Seconds a connection may take to send a request's headers, and may
    /// sit idle between requests, before it is closed.
    #[arg(long, env = "TAILOR_HEADER_TIMEOUT_SECS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=600))]
    pub header_timeout_secs: u64,
    /// Most HTTP connections open at once; more wait to be accepted.
    #[arg(long, env = "TAILOR_MAX_CONNECTIONS", default_value_t = 512, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    pub max_connections: u64,
    /// The program that reads resume files, run as `PROGRAM parse-worker`;
    /// default: this binary. (Tests point it at the built `tailor`.)
    #[arg(long, env = "TAILOR_READER_EXE", hide = true)]
    pub reader_exe: Option<PathBuf>,
    /// Optional rewriting by a language model (`crate::llm`): nothing is
    /// sent anywhere unless `--llm-url` is set.
    #[command(flatten)]
    pub llm: crate::llm::LlmArgs,
}

/// Ten years: more is surely a typo, and would overflow nothing but make
/// "kept" mean "kept forever" by accident.
pub const MAX_RETENTION_DAYS: u64 = 3650;

/// The most jobs one process may run at once.
pub const MAX_RUNNING_JOBS: usize = 1024;

fn parse_max_running(s: &str) -> Result<usize, String> {
    let n: usize = s.trim().parse().map_err(|e| format!("{e}"))?;
    if (1..=MAX_RUNNING_JOBS).contains(&n) {
        Ok(n)
    } else {
        Err(format!("must be between 1 and {MAX_RUNNING_JOBS}"))
    }
}

fn parse_lease(s: &str) -> Result<f64, String> {
    let secs: f64 = s.parse().map_err(|e| format!("{e}"))?;
    if (0.2..=3600.0).contains(&secs) {
        Ok(secs)
    } else {
        Err("the lease must be between 0.2 and 3600 seconds".into())
    }
}

impl ServeArgs {
    pub fn heartbeat(&self) -> Duration {
        Duration::from_secs(self.heartbeat_secs)
    }

    /// The bounds of each job's window of encoded events.
    pub fn stream_window(&self) -> crate::feed::WindowLimits {
        crate::feed::WindowLimits {
            frames: usize::try_from(self.stream_window_events).unwrap_or(usize::MAX),
            bytes: usize::try_from(self.stream_window_kib.saturating_mul(1024))
                .unwrap_or(usize::MAX),
        }
    }

    pub fn lease(&self) -> Duration {
        Duration::from_secs_f64(self.lease_secs)
    }

    pub fn finished_ttl(&self) -> Duration {
        Duration::from_secs(self.finished_ttl_secs)
    }

    pub fn header_timeout(&self) -> Duration {
        Duration::from_secs(self.header_timeout_secs)
    }

    /// Fills [`ServeArgs::password`] from `--password-file`, else from
    /// `TAILOR_PASSWORD`; a trailing newline in the file is not part of it.
    pub fn load_password(&mut self) -> Result<(), String> {
        let password = match &self.password_file {
            Some(path) => Some(
                std::fs::read_to_string(path)
                    .map_err(|e| format!("reading the password file {}: {e}", path.display()))?
                    .trim_end_matches(['\r', '\n'])
                    .to_string(),
            ),
            None => std::env::var("TAILOR_PASSWORD").ok(),
        };
        if password.as_deref() == Some("") {
            return Err("the instance password is empty".into());
        }
        self.password = password;
        Ok(())
    }

    /// The parse worker's program: the flag, else the running binary.
    pub fn reader_exe(&self) -> PathBuf {
        self.reader_exe.clone().unwrap_or_else(|| {
            crate::parse_worker::ParseWorkers::current_exe().unwrap_or_else(|_| "tailor".into())
        })
    }

    /// How long a finished job is kept in a durable store.
    pub fn retention(&self) -> Duration {
        Duration::from_secs(self.retention_days.saturating_mul(86_400))
    }
}

impl Default for ServeArgs {
    fn default() -> Self {
        ServeArgs {
            addr: "127.0.0.1:3000".parse().expect("valid literal address"),
            data_dir: PathBuf::from("./data"),
            database_url: None,
            heartbeat_secs: 15,
            stream_window_events: 512,
            stream_window_kib: 256,
            allow_private_urls: false,
            retention_days: 7,
            finished_ttl_secs: 3600,
            max_running_jobs: 32,
            lease_secs: 15.0,
            allowed_hosts: Vec::new(),
            password_file: None,
            password: None,
            trusted_user_header: None,
            adopt_unowned: false,
            header_timeout_secs: 10,
            max_connections: 512,
            reader_exe: None,
            llm: crate::llm::LlmArgs::default(),
        }
    }
}

#[derive(Debug, Clone, Args)]
pub struct RunArgs {
    /// The resume: PDF, DOCX, TXT or Markdown.
    #[arg(long)]
    pub resume: PathBuf,
    /// The job posting: a text file, or an http(s) URL.
    #[arg(long)]
    pub job: String,
    /// Where to write the report and the renderings.
    #[arg(long, default_value = "tailor-out")]
    pub out: PathBuf,
    /// Allow a job URL on loopback or a private network (1/0, yes/no,
    /// on/off, true/false; the bare flag means yes).
    #[arg(long, env = "TAILOR_ALLOW_PRIVATE_URLS", default_value_t = false, num_args = 0..=1,
          default_missing_value = "true", value_parser = BoolishValueParser::new())]
    pub allow_private_urls: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<ServeArgs, clap::Error> {
        let mut argv = vec!["tailor"];
        argv.extend_from_slice(args);
        Cli::try_parse_from(argv).map(|cli| cli.serve)
    }

    #[test]
    fn booleans_take_the_usual_spellings() {
        assert!(!parse(&[]).unwrap().allow_private_urls);
        assert!(parse(&["--allow-private-urls"]).unwrap().allow_private_urls);
        for yes in ["1", "yes", "on", "true", "TRUE", "y"] {
            let args = parse(&[&format!("--allow-private-urls={yes}")]).unwrap();
            assert!(args.allow_private_urls, "{yes}");
        }
        for no in ["0", "no", "off", "false", "n"] {
            let args = parse(&[&format!("--allow-private-urls={no}")]).unwrap();
            assert!(!args.allow_private_urls, "{no}");
        }
        assert!(parse(&["--allow-private-urls=maybe"]).is_err());
    }

    #[test]
    fn absurd_numbers_are_refused_at_start_up() {
        for bad in [
            ["--retention-days", "0"],
            ["--retention-days", "3651"],
            ["--retention-days", "18446744073709551615"],
            ["--retention-days=-1", ""],
            ["--max-running-jobs", "0"],
            ["--max-running-jobs", "100000"],
            ["--finished-ttl-secs", "0"],
            ["--heartbeat-secs", "0"],
            ["--lease-secs", "0"],
        ] {
            let args: Vec<&str> = bad.into_iter().filter(|a| !a.is_empty()).collect();
            let error = parse(&args).unwrap_err().to_string();
            let flag = bad[0].split('=').next().unwrap();
            assert!(error.contains(flag), "{bad:?}: {error}");
        }
        let ok = parse(&["--retention-days", "3650", "--max-running-jobs", "1"]).unwrap();
        assert_eq!(ok.retention(), Duration::from_secs(3650 * 86_400));
    }
}
