#![recursion_limit = "256"]

use anyhow::Context;
use clap::Parser;
use leptos::config::get_configuration;
use tailor_server::{
    build_state,
    config::{Cli, Command, ServeArgs},
    parse_worker, router, start_background_work,
    store::{self, StoreKind},
};
use tokio_util::sync::CancellationToken;
use tracing_subscriber::EnvFilter;

fn main() -> anyhow::Result<()> {
    // A parse worker (the server re-executing itself to read one untrusted
    // file) starts nothing else: no runtime, no logging, no flags.
    let mut args = std::env::args();
    if args.nth(1).as_deref() == Some(parse_worker::SUBCOMMAND) {
        let limits = args.next().unwrap_or_default();
        std::process::exit(parse_worker::child::main(&limits));
    }
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?
        .block_on(async_main())
}

async fn async_main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| EnvFilter::new("info,tower_http=warn")),
        )
        .init();
    // A panic inside a parser crate is caught where it happens (the job
    // fails cleanly); send its report to the log rather than bare stderr.
    std::panic::set_hook(Box::new(|info| {
        let at = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        tracing::error!(%at, "panic: {}", panic_message(info));
    }));
    let cli = Cli::parse();
    match cli.command {
        None => serve(cli.serve).await,
        Some(Command::Serve(args)) => serve(*args).await,
        Some(Command::Run(args)) => tailor_server::cli::run(args).await,
    }
}

async fn serve(mut args: ServeArgs) -> anyhow::Result<()> {
    args.load_password().map_err(anyhow::Error::msg)?;
    // A provider configured wrongly stops the start, never the first job.
    if let Some(llm) = args.llm.config().map_err(anyhow::Error::msg)? {
        tracing::info!(host = %llm.host(), model = %llm.model, "rewrites are proposed by a language model; resume text is sent to that host");
    }
    if args.password.is_some() {
        tracing::info!("an instance password is set: every request must carry it");
    }
    let mut leptos_options = get_configuration(None)
        .context("reading the Leptos configuration (LEPTOS_* variables)")?
        .leptos_options;
    leptos_options.site_addr = args.addr;
    let shutdown = CancellationToken::new();
    let addr = args.addr;
    let limits = tailor_server::http::Limits::from_config(&args);
    let (store, kind) = store::open(&args)
        .await
        .with_context(|| match database_shown(&args) {
            Some(url) => format!("opening the job store at {url}"),
            None => format!("opening the job store in {}", args.data_dir.display()),
        })?;
    // A durable store keeps finished jobs for the retention period; the
    // memory store only as long as it is sensible to hold them in RAM.
    let ttl = match kind {
        StoreKind::Durable | StoreKind::Shared => args.retention(),
        StoreKind::Memory => args.finished_ttl(),
    };
    tracing::info!(store = ?kind, data_dir = %args.data_dir.display(), retention_secs = ttl.as_secs(), "job store ready");
    let state = build_state(args, leptos_options, store, shutdown.clone());
    start_background_work(&state, ttl)
        .await
        .context("ending the jobs a previous run left unfinished")?;

    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("listening on {addr}"))?;
    tracing::info!("Tailor is listening on http://{addr}");
    let signal = shutdown.clone();
    tokio::spawn(async move {
        shutdown_signal().await;
        tracing::info!("shutting down: ending open streams");
        signal.cancel();
    });
    tailor_server::http::serve(listener, router(state), limits, shutdown)
        .await
        .context("serving HTTP")
}

/// The database URL to name in an error, password hidden; `None` for SQLite.
fn database_shown(args: &ServeArgs) -> Option<String> {
    args.database_url
        .as_deref()
        .map(str::trim)
        .filter(|u| u.starts_with("postgres"))
        .map(store::redact_url)
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(term) => term,
                Err(_) => {
                    let _ = ctrl_c.await;
                    return;
                }
            };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
}

fn panic_message(info: &std::panic::PanicHookInfo<'_>) -> String {
    let payload = info.payload();
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".into())
}
