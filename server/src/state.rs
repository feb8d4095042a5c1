use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;

use crate::{
    config::ServeArgs,
    hub::Hub,
    metrics::Metrics,
    parse_worker::ParseWorkers,
    pipeline::{PipelineContext, Runs},
};

/// What every handler can reach.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub hub: Arc<Hub>,
    pub metrics: Arc<Metrics>,
    pub config: Arc<ServeArgs>,
    pub runs: Arc<Runs>,
    /// The host names this server answers to.
    pub hosts: Arc<crate::defences::HostPolicy>,
    /// Where resume files are read: never in this process.
    pub readers: Arc<ParseWorkers>,
}

impl AppState {
    pub fn pipeline_context(&self) -> PipelineContext {
        PipelineContext {
            hub: self.hub.clone(),
            runs: self.runs.clone(),
            readers: self.readers.clone(),
            allow_private_urls: self.config.allow_private_urls,
            lease: self.config.lease(),
            max_running_jobs: self.config.max_running_jobs,
        }
    }
}
