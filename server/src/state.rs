use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;

use crate::{config::ServeArgs, hub::Hub, jobs::Jobs, metrics::Metrics, pipeline::PipelineContext};

/// What every handler can reach.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub hub: Arc<Hub>,
    pub metrics: Arc<Metrics>,
    pub config: Arc<ServeArgs>,
    /// The host names this server answers to.
    pub hosts: Arc<crate::defences::HostPolicy>,
    /// The job lifecycle: every start, retry, cancel and delete goes here.
    pub jobs: Jobs,
}

impl AppState {
    pub fn pipeline_context(&self) -> PipelineContext {
        self.jobs.pipeline_context()
    }
}
