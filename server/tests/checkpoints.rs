//! A job run again (a retry, or another instance taking it over) resumes
//! after the last step an earlier run finished: the finished steps' outputs
//! are kept in the store, announced as kept, and not computed again.

use crate::common;

use std::{sync::Arc, time::Duration};

use common::{fixture, job_body};
use tailor_common::{
    EventBody, JobState, JobStatus, JobStatusPayload, Step, StepProgressPayload, StepStatus,
};
use tailor_server::{
    hub::{now_ms, Hub},
    metrics::Metrics,
    parse_worker::{Limits, ParseWorkers},
    pipeline::{self, PipelineContext, Runs},
    store::{JobInputs, JobStore, ResumeUpload, SqliteStore},
};
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

fn context(store: Arc<dyn JobStore>) -> PipelineContext {
    let metrics = Arc::new(Metrics::default());
    PipelineContext {
        hub: Arc::new(Hub::new(
            store,
            Duration::from_secs(15),
            CancellationToken::new(),
            metrics.clone(),
        )),
        runs: Arc::new(Runs::new(4)),
        allow_private_urls: true,
        lease: Duration::from_secs(15),
        readers: Arc::new(ParseWorkers::new(
            common::test_args().reader_exe(),
            Limits::default(),
            metrics,
        )),
        llm: None,
    }
}

fn inputs() -> JobInputs {
    let body = job_body();
    JobInputs {
        resume: ResumeUpload {
            file_name: None,
            bytes: body["resume_text"].as_str().unwrap().as_bytes().to_vec(),
        },
        job_text: Some(fixture("jobs/gdg_jd_data_analyst.txt")),
        job_url: None,
    }
}

/// Creates (unless it exists), starts and runs a job to its end.
async fn run_to_end(ctx: &PipelineContext, job: Uuid, create: bool) -> JobState {
    let store = ctx.hub.store();
    if create {
        store.create(job, inputs(), now_ms()).await.unwrap();
    }
    let mut wake = ctx.hub.subscribe(job);
    ctx.hub
        .publish(
            job,
            EventBody::JobStatus(JobStatusPayload {
                status: JobStatus::Started,
                reason: None,
            }),
        )
        .await
        .unwrap();
    assert!(pipeline::spawn(ctx.clone(), job, inputs()));
    loop {
        let state = store.snapshot(job).await.unwrap().unwrap();
        if state.is_done() {
            return state;
        }
        tokio::time::timeout(Duration::from_secs(30), wake.changed())
            .await
            .expect("the job ends")
            .unwrap();
    }
}

fn progress_of(events: &[tailor_common::Envelope], step: Step) -> Vec<StepProgressPayload> {
    events
        .iter()
        .filter_map(|e| match &e.body {
            EventBody::StepProgress(p) if p.step == step => Some(p.clone()),
            _ => None,
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rerun_resumes_after_the_last_finished_step() {
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn JobStore> = Arc::new(SqliteStore::open(dir.path()).unwrap());
    let ctx = context(store.clone());

    // A whole run saves the output of every step but the last.
    let first = Uuid::new_v4();
    let state = run_to_end(&ctx, first, true).await;
    assert_eq!(state.status, JobStatus::Completed);
    let saved = store.checkpoints(first).await.unwrap();
    let steps: Vec<Step> = saved.iter().map(|(s, _)| *s).collect();
    assert_eq!(
        steps,
        [
            Step::Analyzing,
            Step::Planning,
            Step::Writing,
            Step::Validating
        ]
    );

    // A job whose earlier run got through planning (its checkpoints are
    // those of the same inputs) resumes at writing.
    let second = Uuid::new_v4();
    store.create(second, inputs(), now_ms()).await.unwrap();
    for (step, data) in saved.into_iter().take(2) {
        store.save_checkpoint(second, step, data).await.unwrap();
    }
    let state = run_to_end(&ctx, second, false).await;
    assert_eq!(state.status, JobStatus::Completed);
    let events = store.read_after(second, 0, 10_000).await.unwrap();
    for kept in [Step::Analyzing, Step::Planning] {
        let progress = progress_of(&events, kept);
        assert_eq!(progress.len(), 1, "{kept:?} is not run again: {progress:?}");
        assert_eq!(progress[0].status, StepStatus::Completed);
        assert_eq!(
            progress[0].detail.as_deref(),
            Some("Kept from the earlier run")
        );
    }
    for ran in [Step::Writing, Step::Validating, Step::Polishing] {
        let progress = progress_of(&events, ran);
        assert_eq!(progress.first().unwrap().status, StepStatus::Running);
        assert_eq!(progress.last().unwrap().status, StepStatus::Completed);
    }
    // The engine is deterministic: resuming changes nothing in the result.
    let (a, b) = (
        store.result(first).await.unwrap().unwrap(),
        store.result(second).await.unwrap().unwrap(),
    );
    assert_eq!(a, b);
    assert_eq!(
        state.metric("match_score_after"),
        store
            .snapshot(first)
            .await
            .unwrap()
            .unwrap()
            .metric("match_score_after")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreadable_checkpoint_is_run_again_not_trusted() {
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn JobStore> = Arc::new(SqliteStore::open(dir.path()).unwrap());
    let ctx = context(store.clone());
    let job = Uuid::new_v4();
    store.create(job, inputs(), now_ms()).await.unwrap();
    store
        .save_checkpoint(
            job,
            Step::Analyzing,
            serde_json::json!({"from": "another version"}),
        )
        .await
        .unwrap();
    let state = run_to_end(&ctx, job, false).await;
    assert_eq!(state.status, JobStatus::Completed);
    let events = store.read_after(job, 0, 10_000).await.unwrap();
    let analyzing = progress_of(&events, Step::Analyzing);
    assert_eq!(analyzing.first().unwrap().status, StepStatus::Running);
}
