//! Behaviour tests every [`JobStore`] must pass, run against each backend
//! (memory, a SQLite file, a real PostgreSQL server) by [`behaviour_tests!`],
//! plus the SQLite store's own: restart, reopen, concurrent readers. The
//! PostgreSQL store's coordination tests are in `postgres/tests.rs`.

use std::sync::Arc;

use tailor_common::{
    DiffChunkPayload, DiffOp, DiffOpKind, DonePayload, DoneStatus, Envelope, ErrorPayload,
    EventBody, Importance, InsightCategory, InsightPayload, JobState, JobStatus, JobStatusPayload,
    MetricPayload, Step, StepProgressPayload, StepStatus, ValidationPayload, ValidationStatus,
};
use uuid::Uuid;

use super::{
    pg_testing::TestDatabase, JobInputs, JobStore, JobSummary, MemoryStore, OwnerKey, PageAfter,
    PgSettings, PgStore, ResumeUpload, SqliteStore, StoreError, ENDING_RESERVE, MAX_EVENTS_PER_JOB,
};

pub fn inputs() -> JobInputs {
    JobInputs {
        resume: ResumeUpload {
            file_name: Some("cv.pdf".into()),
            // Not UTF-8: the bytes must come back exactly.
            bytes: vec![0x25, 0x50, 0x44, 0x46, 0x00, 0xff, 0xfe, 0x80],
        },
        job_text: Some("Rust engineer".into()),
        job_url: Some("https://example.com/job".into()),
    }
}

pub fn status(s: JobStatus) -> EventBody {
    EventBody::JobStatus(JobStatusPayload {
        status: s,
        reason: None,
    })
}

pub fn done(s: DoneStatus) -> EventBody {
    EventBody::Done(DonePayload {
        status: s,
        result_url: None,
    })
}

fn metric(key: &str, value: f64) -> EventBody {
    EventBody::MetricUpdate(MetricPayload {
        key: key.into(),
        value,
        unit: Some("points".into()),
        label: None,
    })
}

/// A pipeline's worth of varied events, ending with `done`.
pub fn script() -> Vec<EventBody> {
    let mut events = vec![status(JobStatus::Started), status(JobStatus::Running)];
    for step in Step::ALL {
        events.push(EventBody::StepProgress(StepProgressPayload {
            step,
            status: StepStatus::Running,
            pct: 12.5,
            eta_sec: Some(0.1 + 0.2), // a float that needs round-tripping
            detail: Some(format!("working on {}", step.as_str())),
        }));
        events.push(EventBody::InsightEmitted(InsightPayload {
            id: format!("ins-{}", step.as_str()),
            category: InsightCategory::Keywords,
            importance: Importance::Medium,
            message: "Kubernetes — asked for “4×” \"quoted\"\n".into(),
            step: Some(step),
        }));
        events.push(EventBody::StepProgress(StepProgressPayload {
            step,
            status: StepStatus::Completed,
            pct: 100.0,
            eta_sec: None,
            detail: None,
        }));
    }
    events.extend([
        metric("match_score_before", 61.0),
        EventBody::ValidationUpdate(ValidationPayload {
            rule_id: "evidence".into(),
            status: ValidationStatus::Warn,
            message: "one claim is thin".into(),
            label: None,
        }),
        EventBody::DiffChunk(DiffChunkPayload {
            patch_id: "p-1".into(),
            section: "skills".into(),
            summary: "reordered".into(),
            ops: vec![
                DiffOp {
                    op: DiffOpKind::Delete,
                    text: "Go".into(),
                },
                DiffOp {
                    op: DiffOpKind::Insert,
                    text: "Rust".into(),
                },
            ],
            verdict: None,
        }),
        EventBody::Error(ErrorPayload {
            code: "soft".into(),
            message: "a warning-level error".into(),
            step: Some(Step::Validating),
            retryable: true,
        }),
        metric("match_score_after", 84.5),
        status(JobStatus::Completed),
        done(DoneStatus::Completed),
    ]);
    events
}

async fn read_all(store: &dyn JobStore, id: Uuid) -> Vec<Envelope> {
    store.read_after(id, 0, usize::MAX).await.unwrap()
}

pub async fn gapless_seqs(store: &dyn JobStore) {
    let id = Uuid::new_v4();
    store.create(id, inputs(), 1).await.unwrap();
    for (i, body) in script().into_iter().enumerate() {
        let e = store.append(id, body.clone(), 10 + i as i64).await.unwrap();
        assert_eq!(
            (e.seq, e.ts, e.job_id, &e.body),
            (i as u64 + 1, 10 + i as i64, id, &body)
        );
    }
    let all = read_all(store, id).await;
    let seqs: Vec<u64> = all.iter().map(|e| e.seq).collect();
    assert_eq!(seqs, (1..=script().len() as u64).collect::<Vec<_>>());
    let bodies: Vec<EventBody> = all.into_iter().map(|e| e.body).collect();
    assert_eq!(bodies, script());
    assert!(matches!(
        store
            .append(Uuid::new_v4(), status(JobStatus::Running), 1)
            .await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.create(id, inputs(), 1).await,
        Err(StoreError::Exists(_))
    ));
    // A refused create changed nothing.
    assert_eq!(read_all(store, id).await.len(), script().len());
    assert_eq!(store.inputs(id).await.unwrap(), Some(inputs()));
}

pub async fn read_after_pages(store: &dyn JobStore) {
    let id = Uuid::new_v4();
    store.create(id, inputs(), 1).await.unwrap();
    assert!(
        read_all(store, id).await.is_empty(),
        "a new job has no events"
    );
    for i in 0..25 {
        store
            .append(id, status(JobStatus::Running), i)
            .await
            .unwrap();
    }
    let tail = store.read_after(id, 22, 100).await.unwrap();
    assert_eq!(
        tail.iter().map(|e| e.seq).collect::<Vec<_>>(),
        vec![23, 24, 25]
    );
    assert_eq!(store.read_after(id, 1, 2).await.unwrap().len(), 2);
    assert!(store.read_after(id, 25, 10).await.unwrap().is_empty());
    assert!(store.read_after(id, 99, 10).await.unwrap().is_empty());
    assert!(store.read_after(id, u64::MAX, 10).await.unwrap().is_empty());
    assert!(store.read_after(id, 0, 0).await.unwrap().is_empty());
    // Paging by the last seen seq walks the log exactly once.
    let (mut cursor, mut seen) = (0, Vec::new());
    loop {
        let page = store.read_after(id, cursor, 7).await.unwrap();
        if page.is_empty() {
            break;
        }
        assert!(page.len() <= 7);
        cursor = page.last().unwrap().seq;
        seen.extend(page.into_iter().map(|e| e.seq));
    }
    assert_eq!(seen, (1..=25).collect::<Vec<_>>());
    assert!(matches!(
        store.read_after(Uuid::new_v4(), 0, 10).await,
        Err(StoreError::NotFound(_))
    ));
}

pub async fn snapshot_is_the_fold(store: &dyn JobStore) {
    let id = Uuid::new_v4();
    assert!(store.snapshot(id).await.unwrap().is_none());
    store.create(id, inputs(), 1).await.unwrap();
    assert_eq!(store.snapshot(id).await.unwrap(), Some(JobState::new(id)));
    for (i, body) in script().into_iter().enumerate() {
        store.append(id, body, 100 + i as i64).await.unwrap();
        let events = read_all(store, id).await;
        assert_eq!(
            store.snapshot(id).await.unwrap(),
            Some(JobState::fold(id, &events))
        );
    }
    let snap = store.snapshot(id).await.unwrap().unwrap();
    assert!(snap.is_done());
    assert_eq!(snap.metric("match_score_after"), Some(84.5));
    assert_eq!(snap.steps[0].eta_sec, None);
    // Another job's log stays apart.
    let other = Uuid::new_v4();
    store.create(other, inputs(), 1).await.unwrap();
    store
        .append(other, status(JobStatus::Running), 5)
        .await
        .unwrap();
    assert_eq!(store.snapshot(other).await.unwrap().unwrap().last_seq, 1);
    assert_eq!(store.snapshot(id).await.unwrap().unwrap(), snap);
}

pub async fn inputs_and_result(store: &dyn JobStore) {
    let id = Uuid::new_v4();
    assert_eq!(store.inputs(id).await.unwrap(), None);
    assert_eq!(store.result(id).await.unwrap(), None);
    assert!(matches!(
        store.save_result(id, serde_json::json!({})).await,
        Err(StoreError::NotFound(_))
    ));
    let pasted = JobInputs {
        resume: ResumeUpload {
            file_name: None,
            bytes: b"plain text".to_vec(),
        },
        job_text: None,
        job_url: None,
    };
    store.create(id, pasted.clone(), 1).await.unwrap();
    assert_eq!(store.inputs(id).await.unwrap(), Some(pasted));
    assert_eq!(store.result(id).await.unwrap(), None);
    let result = serde_json::json!({"score": 0.1 + 0.2, "text": "é ✓", "list": [1, 2, null]});
    store.save_result(id, result.clone()).await.unwrap();
    assert_eq!(store.result(id).await.unwrap(), Some(result));
    store
        .save_result(id, serde_json::json!("again"))
        .await
        .unwrap();
    assert_eq!(
        store.result(id).await.unwrap(),
        Some(serde_json::json!("again"))
    );
}

pub async fn purge(store: &dyn JobStore) {
    let (old, fresh, running, retried) = (
        Uuid::new_v4(),
        Uuid::new_v4(),
        Uuid::new_v4(),
        Uuid::new_v4(),
    );
    for id in [old, fresh, running, retried] {
        store.create(id, inputs(), 0).await.unwrap();
    }
    store
        .append(old, done(DoneStatus::Completed), 100)
        .await
        .unwrap();
    store
        .save_result(old, serde_json::json!({"x": 1}))
        .await
        .unwrap();
    store
        .append(fresh, done(DoneStatus::Failed), 900)
        .await
        .unwrap();
    store
        .append(running, status(JobStatus::Running), 50)
        .await
        .unwrap();
    // Finished early, then retried: running again, so not purged.
    store
        .append(retried, done(DoneStatus::Failed), 10)
        .await
        .unwrap();
    store
        .append(retried, status(JobStatus::Running), 20)
        .await
        .unwrap();
    assert_eq!(store.purge_finished_before(500).await.unwrap(), vec![old]);
    assert!(store.snapshot(old).await.unwrap().is_none());
    assert!(store.inputs(old).await.unwrap().is_none());
    assert!(store.result(old).await.unwrap().is_none());
    assert!(matches!(
        store.read_after(old, 0, 10).await,
        Err(StoreError::NotFound(_))
    ));
    for id in [fresh, running, retried] {
        assert!(store.snapshot(id).await.unwrap().is_some());
    }
    assert!(store.purge_finished_before(500).await.unwrap().is_empty());
    let mut gone = store.purge_finished_before(1000).await.unwrap();
    gone.sort();
    assert_eq!(gone, vec![fresh]);
}

pub async fn delete(store: &dyn JobStore) {
    let (id, keep) = (Uuid::new_v4(), Uuid::new_v4());
    for j in [id, keep] {
        store.create(j, inputs(), 0).await.unwrap();
        store
            .append(j, status(JobStatus::Running), 1)
            .await
            .unwrap();
        store
            .save_result(j, serde_json::json!({"r": 1}))
            .await
            .unwrap();
    }
    assert!(store.delete(id).await.unwrap());
    assert!(!store.delete(id).await.unwrap());
    assert!(!store.delete(Uuid::new_v4()).await.unwrap());
    assert!(store.snapshot(id).await.unwrap().is_none());
    assert!(store.inputs(id).await.unwrap().is_none());
    assert!(store.result(id).await.unwrap().is_none());
    assert!(matches!(
        store.read_after(id, 0, 10).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.append(id, status(JobStatus::Running), 2).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(store
        .list_jobs(10, None)
        .await
        .unwrap()
        .iter()
        .all(|j| j.job_id != id));
    assert!(!store.unfinished_jobs().await.unwrap().contains(&id));
    // The other job is untouched, and the id can be used afresh.
    assert_eq!(read_all(store, keep).await.len(), 1);
    assert_eq!(store.inputs(keep).await.unwrap(), Some(inputs()));
    store.create(id, inputs(), 5).await.unwrap();
    assert_eq!(
        store
            .append(id, status(JobStatus::Running), 6)
            .await
            .unwrap()
            .seq,
        1
    );
}

pub async fn list_order_and_paging(store: &dyn JobStore) {
    assert!(store.list_jobs(10, None).await.unwrap().is_empty());
    // Seven jobs at created_at 10, 20, …, 70; two more share created_at 40.
    let mut ids: Vec<(i64, Uuid)> = (1..=7).map(|i| (i * 10, Uuid::new_v4())).collect();
    ids.push((40, Uuid::new_v4()));
    ids.push((40, Uuid::new_v4()));
    for (t, id) in &ids {
        store.create(*id, inputs(), *t).await.unwrap();
    }
    ids.sort_by(|a, b| b.cmp(a)); // newest first, ties by id descending
    let listed: Vec<(i64, Uuid)> = store
        .list_jobs(100, None)
        .await
        .unwrap()
        .iter()
        .map(|j| (j.created_at, j.job_id))
        .collect();
    assert_eq!(listed, ids);
    let page = store.list_jobs(2, None).await.unwrap();
    assert_eq!(
        page.iter().map(|j| j.created_at).collect::<Vec<_>>(),
        vec![70, 60]
    );
    let before = |ms| Some(PageAfter::before_ms(ms));
    let page = store.list_jobs(2, before(60)).await.unwrap();
    assert_eq!(
        page.iter().map(|j| j.created_at).collect::<Vec<_>>(),
        vec![50, 40]
    );
    let page = store.list_jobs(100, before(40)).await.unwrap();
    assert_eq!(
        page.iter().map(|j| j.created_at).collect::<Vec<_>>(),
        vec![30, 20, 10]
    );
    assert!(store.list_jobs(100, before(10)).await.unwrap().is_empty());
    // Paging one job at a time from each page's last job visits every job
    // once, the three created in the same millisecond included.
    let mut walked = Vec::new();
    let mut after = None;
    loop {
        let page = store.list_jobs(1, after).await.unwrap();
        let Some(last) = page.last() else { break };
        walked.push((last.created_at, last.job_id));
        after = Some(PageAfter::after(last));
    }
    assert_eq!(walked, ids);
    assert!(store.list_jobs(0, None).await.unwrap().is_empty());

    // A summary follows the job's events.
    let (_, id) = ids[0];
    let fresh = &store.list_jobs(1, None).await.unwrap()[0];
    assert_eq!(
        (
            fresh.job_id,
            fresh.status,
            fresh.last_seq,
            fresh.updated_at,
            fresh.match_score
        ),
        (id, JobStatus::Queued, 0, None, None)
    );
    store
        .append(id, metric("match_score_before", 55.0), 100)
        .await
        .unwrap();
    let s = &store.list_jobs(1, None).await.unwrap()[0];
    assert_eq!(
        (s.last_seq, s.updated_at, s.match_score),
        (1, Some(100), Some(55.0))
    );
    for (i, body) in script().into_iter().enumerate() {
        store.append(id, body, 200 + i as i64).await.unwrap();
    }
    let s = store.list_jobs(1, None).await.unwrap().remove(0);
    assert_eq!(s.status, JobStatus::Completed);
    assert_eq!(s.last_seq, script().len() as u64 + 1);
    assert_eq!(s.updated_at, Some(200 + script().len() as i64 - 1));
    assert_eq!(s.match_score, Some(84.5), "the score after tailoring wins");
    assert_eq!(s.title, None);
    store
        .save_result(
            id,
            serde_json::json!({"job_title": "Rust engineer", "x": 1}),
        )
        .await
        .unwrap();
    let s = store.list_jobs(1, None).await.unwrap().remove(0);
    assert_eq!(s.title.as_deref(), Some("Rust engineer"));
    // It serialises for the API.
    let json = serde_json::to_value(&s).unwrap();
    assert_eq!(json["status"], "completed");
    assert_eq!(
        serde_json::from_value::<super::JobSummary>(json).unwrap(),
        s
    );
}

/// A history row names the candidate, the company and the file once known,
/// and a failed job's reason — only while it is failed.
pub async fn list_rows_name_the_job_and_a_failure(store: &dyn JobStore) {
    let (done_job, failed, pasted) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
    store.create(done_job, inputs(), 1).await.unwrap();
    store.create(failed, inputs(), 2).await.unwrap();
    let mut text = inputs();
    text.resume.file_name = None;
    store.create(pasted, text, 3).await.unwrap();
    for body in script() {
        store.append(done_job, body, 10).await.unwrap();
    }
    store
        .save_result(
            done_job,
            serde_json::json!({"job_title": "Nurse", "company": "St Mary's", "candidate_name": "Jo \"JJ\" Li"}),
        )
        .await
        .unwrap();
    let fail = |message: &str| {
        EventBody::Error(ErrorPayload {
            code: "job_url_unreachable".into(),
            message: message.into(),
            step: Some(Step::Analyzing),
            retryable: true,
        })
    };
    store
        .append(failed, status(JobStatus::Running), 10)
        .await
        .unwrap();
    store.append(failed, fail("first try"), 11).await.unwrap();
    store
        .append(
            failed,
            fail("Could not connect to 127.0.0.1:9 (connection refused)."),
            12,
        )
        .await
        .unwrap();
    store
        .append(failed, status(JobStatus::Failed), 13)
        .await
        .unwrap();
    store
        .append(failed, done(DoneStatus::Failed), 14)
        .await
        .unwrap();

    let rows = store.list_jobs(10, None).await.unwrap();
    let row = |id| rows.iter().find(|r| r.job_id == id).unwrap();
    let d = row(done_job);
    assert_eq!(
        (
            d.title.as_deref(),
            d.company.as_deref(),
            d.candidate.as_deref()
        ),
        (Some("Nurse"), Some("St Mary's"), Some("Jo \"JJ\" Li"))
    );
    assert_eq!(
        (d.file_name.as_deref(), d.failure.as_deref()),
        (Some("cv.pdf"), None)
    );
    let f = row(failed);
    assert_eq!(f.status, JobStatus::Failed);
    assert_eq!(
        f.failure.as_deref(),
        Some("Could not connect to 127.0.0.1:9 (connection refused)."),
        "the last error is the reason"
    );
    assert_eq!((f.title.as_deref(), f.company.as_deref()), (None, None));
    assert_eq!(
        row(pasted).file_name,
        None,
        "a pasted resume has no file name"
    );

    // Retried: running again, so the old error is not its reason any more.
    store
        .append(failed, status(JobStatus::Running), 20)
        .await
        .unwrap();
    let rows = store.list_jobs(10, None).await.unwrap();
    let f = rows.iter().find(|r| r.job_id == failed).unwrap();
    assert_eq!((f.status, f.failure.as_deref()), (JobStatus::Running, None));
}

pub async fn unfinished_jobs(store: &dyn JobStore) {
    assert!(store.unfinished_jobs().await.unwrap().is_empty());
    let (queued, running, finished, retried) = (
        Uuid::new_v4(),
        Uuid::new_v4(),
        Uuid::new_v4(),
        Uuid::new_v4(),
    );
    for (t, id) in [(1, queued), (2, running), (3, finished), (4, retried)] {
        store.create(id, inputs(), t).await.unwrap();
    }
    store
        .append(running, status(JobStatus::Running), 5)
        .await
        .unwrap();
    store
        .append(finished, status(JobStatus::Running), 5)
        .await
        .unwrap();
    store
        .append(finished, done(DoneStatus::Canceled), 6)
        .await
        .unwrap();
    store
        .append(retried, done(DoneStatus::Failed), 5)
        .await
        .unwrap();
    // The trait promises no order (the SQLite store gives oldest first).
    let sorted = |mut ids: Vec<Uuid>| {
        ids.sort();
        ids
    };
    assert_eq!(
        sorted(store.unfinished_jobs().await.unwrap()),
        sorted(vec![queued, running])
    );
    store
        .append(retried, status(JobStatus::Running), 7)
        .await
        .unwrap();
    assert_eq!(
        sorted(store.unfinished_jobs().await.unwrap()),
        sorted(vec![queued, running, retried])
    );
}

pub async fn checkpoints(store: &dyn JobStore) {
    let id = Uuid::new_v4();
    store.create(id, inputs(), 0).await.unwrap();
    assert!(store.checkpoints(id).await.unwrap().is_empty());
    let plan = serde_json::json!({"edits": [1, 2], "text": "Säo Paulo ✓"});
    store
        .save_checkpoint(id, Step::Planning, plan.clone())
        .await
        .unwrap();
    store
        .save_checkpoint(id, Step::Analyzing, serde_json::json!({"v": 1}))
        .await
        .unwrap();
    // A later run of the same step replaces its checkpoint.
    store
        .save_checkpoint(id, Step::Analyzing, serde_json::json!({"v": 2}))
        .await
        .unwrap();
    assert_eq!(
        store.checkpoints(id).await.unwrap(),
        vec![
            (Step::Analyzing, serde_json::json!({"v": 2})),
            (Step::Planning, plan)
        ],
        "in step order"
    );
    assert!(matches!(
        store
            .save_checkpoint(Uuid::new_v4(), Step::Writing, serde_json::json!(1))
            .await,
        Err(StoreError::NotFound(_))
    ));
    // They hold personal data: they go with the job.
    assert!(store.delete(id).await.unwrap());
    assert!(store.checkpoints(id).await.unwrap().is_empty());
}

pub async fn log_size_limit(store: &dyn JobStore) {
    let id = Uuid::new_v4();
    store.create(id, inputs(), 0).await.unwrap();
    for _ in 0..MAX_EVENTS_PER_JOB {
        store
            .append(id, status(JobStatus::Running), 1)
            .await
            .unwrap();
    }
    for _ in 0..2 {
        assert!(matches!(
            store.append(id, status(JobStatus::Running), 1).await,
            Err(StoreError::LogFull {
                limit: MAX_EVENTS_PER_JOB,
                ..
            })
        ));
    }
    assert_eq!(
        store.snapshot(id).await.unwrap().unwrap().last_seq,
        MAX_EVENTS_PER_JOB as u64
    );
    let tail = store
        .read_after(id, MAX_EVENTS_PER_JOB as u64 - 1, 10)
        .await
        .unwrap();
    assert_eq!(tail.len(), 1);
    // The ending still fits: the reserve takes ending events only…
    let ending = [
        EventBody::Error(ErrorPayload {
            code: "log_full".into(),
            message: "too many events".into(),
            step: None,
            retryable: false,
        }),
        status(JobStatus::Failed),
    ];
    for body in ending {
        store.append(id, body, 2).await.unwrap();
    }
    assert!(matches!(
        store.append(id, metric("m", 1.0), 2).await,
        Err(StoreError::LogFull { .. })
    ));
    // …until it is used up, but `done` is never refused to a job not done.
    while store.append(id, status(JobStatus::Failed), 2).await.is_ok() {}
    assert_eq!(
        store.snapshot(id).await.unwrap().unwrap().last_seq,
        (MAX_EVENTS_PER_JOB + ENDING_RESERVE) as u64
    );
    store.append(id, done(DoneStatus::Failed), 2).await.unwrap();
    let ended = store.snapshot(id).await.unwrap().unwrap();
    assert!(ended.is_done());
    // Then nothing more: neither another ending nor a retry's restart.
    for body in [done(DoneStatus::Failed), status(JobStatus::Started)] {
        assert!(matches!(
            store.append(id, body, 3).await,
            Err(StoreError::LogFull { .. })
        ));
    }
    assert!(store
        .unfinished_jobs()
        .await
        .unwrap()
        .iter()
        .all(|j| *j != id));
    // Other jobs are not limited by it.
    let other = Uuid::new_v4();
    store.create(other, inputs(), 0).await.unwrap();
    store
        .append(other, status(JobStatus::Running), 1)
        .await
        .unwrap();
}

/// The trait asks for one writer per job, but racing appends must still get
/// distinct, gapless seqs (both stores serialise a job's appends).
pub async fn racing_appends_stay_gapless(store: Arc<dyn JobStore>) {
    let id = Uuid::new_v4();
    store.create(id, inputs(), 0).await.unwrap();
    let tasks: Vec<_> = (0..8)
        .map(|t| {
            let store = store.clone();
            tokio::spawn(async move {
                let mut seqs = Vec::new();
                for i in 0..25 {
                    let e = store
                        .append(id, metric(&format!("t{t}"), i as f64), i)
                        .await
                        .unwrap();
                    seqs.push(e.seq);
                }
                seqs
            })
        })
        .collect();
    let mut all = Vec::new();
    for t in tasks {
        let seqs = t.await.unwrap();
        assert!(seqs.windows(2).all(|w| w[0] < w[1]), "one task's seqs rise");
        all.extend(seqs);
    }
    all.sort_unstable();
    assert_eq!(all, (1..=200).collect::<Vec<u64>>());
    let events = read_all(&*store, id).await;
    assert_eq!(
        store.snapshot(id).await.unwrap(),
        Some(JobState::fold(id, &events))
    );
}

/// One writer appends while readers poll: every read is a complete, ordered
/// prefix of the log, never shrinking, and every snapshot matches one.
pub async fn concurrent_readers(store: Arc<dyn JobStore>) {
    const EVENTS: u64 = 400;
    let id = Uuid::new_v4();
    store.create(id, inputs(), 0).await.unwrap();
    let writer = {
        let store = store.clone();
        tokio::spawn(async move {
            for i in 0..EVENTS {
                store
                    .append(id, metric("m", i as f64), i as i64)
                    .await
                    .unwrap();
                if i % 50 == 0 {
                    tokio::task::yield_now().await;
                }
            }
        })
    };
    let readers: Vec<_> = (0..4)
        .map(|r| {
            let store = store.clone();
            tokio::spawn(async move {
                let (mut seen, mut snap_seen, mut reads) = (0u64, 0u64, 0u32);
                while seen < EVENTS {
                    let events = store.read_after(id, 0, usize::MAX).await.unwrap();
                    let seqs: Vec<u64> = events.iter().map(|e| e.seq).collect();
                    assert_eq!(
                        seqs,
                        (1..=events.len() as u64).collect::<Vec<_>>(),
                        "reader {r}"
                    );
                    for e in &events {
                        assert_eq!(e.body, metric("m", (e.seq - 1) as f64));
                    }
                    assert!(events.len() as u64 >= seen, "a log never shrinks");
                    seen = events.len() as u64;
                    let snap = store.snapshot(id).await.unwrap().unwrap();
                    assert!(
                        snap.last_seq >= snap_seen.max(seen),
                        "snapshots never go back"
                    );
                    snap_seen = snap.last_seq;
                    if let Some(v) = snap.metric("m") {
                        assert_eq!(v, (snap.last_seq - 1) as f64, "a snapshot is one fold");
                    }
                    // Reading on from a cursor joins the prefix seamlessly.
                    let more = store.read_after(id, seen, 1000).await.unwrap();
                    assert!(more
                        .iter()
                        .map(|e| e.seq)
                        .eq(seen + 1..=seen + more.len() as u64));
                    reads += 1;
                    tokio::task::yield_now().await;
                }
                reads
            })
        })
        .collect();
    writer.await.unwrap();
    for r in readers {
        assert!(r.await.unwrap() > 0);
    }
    let events = read_all(&*store, id).await;
    assert_eq!(events.len() as u64, EVENTS);
    assert_eq!(
        store.snapshot(id).await.unwrap(),
        Some(JobState::fold(id, &events))
    );
}

/// A job is listed only for its owner; its share hash can be set and
/// revoked; unowned jobs go to whoever adopts them, and only those.
pub async fn owners_and_shares(store: &dyn JobStore) {
    let (alice, bob) = (OwnerKey("a".repeat(64)), OwnerKey("b".repeat(64)));
    let (a1, a2, b1, legacy) = (
        Uuid::new_v4(),
        Uuid::new_v4(),
        Uuid::new_v4(),
        Uuid::new_v4(),
    );
    store
        .create_owned(a1, Some(&alice), inputs(), 1)
        .await
        .unwrap();
    store
        .create_owned(a2, Some(&alice), inputs(), 2)
        .await
        .unwrap();
    store
        .create_owned(b1, Some(&bob), inputs(), 3)
        .await
        .unwrap();
    store.create(legacy, inputs(), 4).await.unwrap();
    let ids = |jobs: Vec<JobSummary>| jobs.into_iter().map(|j| j.job_id).collect::<Vec<_>>();
    assert_eq!(
        ids(store.list_owned(&alice, 10, None).await.unwrap()),
        [a2, a1]
    );
    assert_eq!(ids(store.list_owned(&bob, 10, None).await.unwrap()), [b1]);
    // Paging stays within the owner's jobs.
    let first = store.list_owned(&alice, 1, None).await.unwrap();
    let after = Some(PageAfter::after(&first[0]));
    assert_eq!(
        ids(store.list_owned(&alice, 10, after).await.unwrap()),
        [a1]
    );
    assert_eq!(store.list_jobs(10, None).await.unwrap().len(), 4);

    let access = store.access(a1).await.unwrap().unwrap();
    assert_eq!(access.owner.as_ref(), Some(&alice));
    assert_eq!(access.share_hash, None);
    assert_eq!(store.access(legacy).await.unwrap().unwrap().owner, None);
    assert_eq!(store.access(Uuid::new_v4()).await.unwrap(), None);

    assert!(store.set_share(a1, Some("s".repeat(64))).await.unwrap());
    let shared = store.access(a1).await.unwrap().unwrap().share_hash;
    assert_eq!(shared.as_deref(), Some("s".repeat(64).as_str()));
    assert!(store.set_share(a1, None).await.unwrap());
    assert_eq!(store.access(a1).await.unwrap().unwrap().share_hash, None);
    assert!(!store.set_share(Uuid::new_v4(), None).await.unwrap());

    assert_eq!(store.adopt_unowned(&bob).await.unwrap(), 1);
    assert_eq!(
        ids(store.list_owned(&bob, 10, None).await.unwrap()),
        [legacy, b1]
    );
    assert_eq!(
        store.adopt_unowned(&alice).await.unwrap(),
        0,
        "adopted once"
    );
}

/// Runs each named behaviour test against a store made by `$make`, which
/// yields `Some((store, guard))`, the guard living as long as the test, or
/// `None` when the backend is not available here (it says so itself).
macro_rules! behaviour_tests {
    ($backend:ident, $make:expr) => {
        behaviour_tests!(
            $backend,
            $make,
            [
                gapless_seqs,
                read_after_pages,
                snapshot_is_the_fold,
                inputs_and_result,
                purge,
                delete,
                list_order_and_paging,
                list_rows_name_the_job_and_a_failure,
                unfinished_jobs,
                checkpoints,
                log_size_limit,
                owners_and_shares,
            ]
        );
    };
    ($backend:ident, $make:expr, [$($test:ident),* $(,)?]) => {
        mod $backend {
            use super::*;
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $test() {
                    let Some((store, _guard)) = $make else { return };
                    super::$test(&store).await;
                }
            )*

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn concurrent_readers() {
                let Some((store, _guard)) = $make else { return };
                super::concurrent_readers(Arc::new(store)).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn racing_appends_stay_gapless() {
                let Some((store, _guard)) = $make else { return };
                super::racing_appends_stay_gapless(Arc::new(store)).await;
            }
        }
    };
}

fn sqlite() -> Option<(SqliteStore, tempfile::TempDir)> {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("data")).unwrap();
    Some((store, dir))
}

/// A store on a new database of the test server, with a lease short enough
/// that takeover tests wait little, and long enough that a live lease does
/// not lapse mid-test on a loaded machine.
pub async fn postgres() -> Option<(PgStore, TestDatabase)> {
    let db = TestDatabase::create().await?;
    let store = PgStore::connect(PgSettings::new(&db.url, PG_TEST_LEASE).pool_size(4))
        .await
        .unwrap();
    Some((store, db))
}

pub const PG_TEST_LEASE: std::time::Duration = std::time::Duration::from_secs(2);

behaviour_tests!(memory, Some((MemoryStore::new(), ())));

behaviour_tests!(sqlite, super::sqlite());

behaviour_tests!(postgres, super::postgres().await);

mod sqlite_only {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn everything_survives_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        let (finished, running, deleted) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        let result = serde_json::json!({"resume": "…", "score": 84.5});
        let (events_before, snap_before) = {
            let store = SqliteStore::open(dir.path()).unwrap();
            assert!(store.path().ends_with("tailor.db"));
            store.create(finished, inputs(), 10).await.unwrap();
            store.create(running, inputs(), 20).await.unwrap();
            store.create(deleted, inputs(), 30).await.unwrap();
            for (i, body) in script().into_iter().enumerate() {
                store.append(finished, body, 100 + i as i64).await.unwrap();
            }
            store.save_result(finished, result.clone()).await.unwrap();
            for i in 0..3 {
                store
                    .append(running, status(JobStatus::Running), 200 + i)
                    .await
                    .unwrap();
            }
            assert!(store.delete(deleted).await.unwrap());
            (
                read_all(&store, finished).await,
                store.snapshot(finished).await.unwrap(),
            )
        }; // dropped: the writer finishes its queue and closes
        let store = SqliteStore::open(dir.path()).unwrap();
        assert_eq!(read_all(&store, finished).await, events_before);
        assert_eq!(store.snapshot(finished).await.unwrap(), snap_before);
        assert_eq!(
            snap_before,
            Some(JobState::fold(finished, &events_before)),
            "the stored snapshot is the fold"
        );
        assert_eq!(store.result(finished).await.unwrap(), Some(result));
        assert_eq!(store.inputs(finished).await.unwrap(), Some(inputs()));
        assert_eq!(store.inputs(running).await.unwrap(), Some(inputs()));
        assert!(store.snapshot(deleted).await.unwrap().is_none());
        // A reconnecting client with cursor 2 gets exactly what it missed.
        let missed = store.read_after(running, 2, 100).await.unwrap();
        assert_eq!(missed.iter().map(|e| e.seq).collect::<Vec<_>>(), vec![3]);
        assert_eq!(store.unfinished_jobs().await.unwrap(), vec![running]);
        let listed: Vec<Uuid> = store
            .list_jobs(10, None)
            .await
            .unwrap()
            .iter()
            .map(|j| j.job_id)
            .collect();
        assert_eq!(listed, vec![running, finished]);
        // Appending after the restart continues the seq, with no gap.
        let e = store
            .append(running, done(DoneStatus::Failed), 300)
            .await
            .unwrap();
        assert_eq!(e.seq, 4);
        let events = read_all(&store, running).await;
        assert_eq!(
            events.iter().map(|e| e.seq).collect::<Vec<_>>(),
            vec![1, 2, 3, 4]
        );
        assert_eq!(
            store.snapshot(running).await.unwrap(),
            Some(JobState::fold(running, &events))
        );
        assert!(store.unfinished_jobs().await.unwrap().is_empty());
        assert_eq!(store.purge_finished_before(301).await.unwrap().len(), 2);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn appends_continue_after_a_reopen_without_a_clean_close() {
        // Copying the file set while the store is open is what a crash
        // leaves behind: the main file plus an unmerged WAL.
        let dir = tempfile::tempdir().unwrap();
        let crashed = tempfile::tempdir().unwrap();
        let id = Uuid::new_v4();
        let store = SqliteStore::open(dir.path()).unwrap();
        store.create(id, inputs(), 1).await.unwrap();
        for i in 0..50 {
            store
                .append(id, status(JobStatus::Running), i)
                .await
                .unwrap();
        }
        for name in ["tailor.db", "tailor.db-wal"] {
            std::fs::copy(dir.path().join(name), crashed.path().join(name)).unwrap();
        }
        drop(store);
        let store = SqliteStore::open(crashed.path()).unwrap();
        assert_eq!(
            read_all(&store, id).await.len(),
            50,
            "committed events survive"
        );
        assert_eq!(
            store
                .append(id, status(JobStatus::Running), 99)
                .await
                .unwrap()
                .seq,
            51
        );
        assert_eq!(store.snapshot(id).await.unwrap().unwrap().last_seq, 51);
    }

    /// The stored snapshot trails the log; after a restart (no cached
    /// state) both the reader and the writer fold the tail onto it.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn long_logs_fold_the_tail_after_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        let id = Uuid::new_v4();
        let bodies: Vec<EventBody> = script()
            .into_iter()
            .filter(|b| !matches!(b, EventBody::Done(_)))
            .cycle()
            .take(75)
            .collect();
        {
            let store = SqliteStore::open(dir.path()).unwrap();
            store.create(id, inputs(), 1).await.unwrap();
            for (i, body) in bodies.iter().enumerate() {
                store.append(id, body.clone(), i as i64).await.unwrap();
            }
        }
        let store = SqliteStore::open(dir.path()).unwrap();
        let events = read_all(&store, id).await;
        assert_eq!(events.len(), 75);
        assert_eq!(
            store.snapshot(id).await.unwrap(),
            Some(JobState::fold(id, &events))
        );
        for i in 76..=100 {
            let e = store.append(id, metric("late", i as f64), i).await.unwrap();
            assert_eq!(e.seq, i as u64);
            let events = read_all(&store, id).await;
            assert_eq!(
                store.snapshot(id).await.unwrap(),
                Some(JobState::fold(id, &events))
            );
        }
        let s = store.list_jobs(1, None).await.unwrap().remove(0);
        assert_eq!((s.last_seq, s.updated_at), (100, Some(100)));
    }

    /// More jobs than the writer caches states for, written round-robin.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn many_jobs_interleaved() {
        let (store, _dir) = sqlite().unwrap();
        let ids: Vec<Uuid> = (0..300).map(|_| Uuid::new_v4()).collect();
        for id in &ids {
            store.create(*id, inputs(), 1).await.unwrap();
        }
        for round in 1..=3u64 {
            for id in &ids {
                let e = store
                    .append(*id, metric("m", round as f64), 2)
                    .await
                    .unwrap();
                assert_eq!(e.seq, round);
            }
        }
        for id in ids.iter().step_by(37) {
            let events = read_all(&store, *id).await;
            assert_eq!(events.len(), 3);
            assert_eq!(
                store.snapshot(*id).await.unwrap(),
                Some(JobState::fold(*id, &events))
            );
        }
        assert_eq!(store.unfinished_jobs().await.unwrap().len(), 300);
        assert_eq!(store.list_jobs(1000, None).await.unwrap().len(), 300);
    }

    /// A deleted resume is not left readable in the file's free space.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn deleted_personal_data_leaves_no_trace_in_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let marker = b"PERSONAL-DATA-MARKER-7f3a";
        let (id, keep) = (Uuid::new_v4(), Uuid::new_v4());
        let secret = JobInputs {
            resume: ResumeUpload {
                file_name: Some("jane-doe.pdf".into()),
                bytes: marker.repeat(200),
            },
            job_text: Some(String::from_utf8(marker.to_vec()).unwrap()),
            job_url: None,
        };
        let contains = |hay: &[u8]| hay.windows(marker.len()).any(|w| w == marker);
        {
            let store = SqliteStore::open(dir.path()).unwrap();
            store.create(id, secret, 1).await.unwrap();
            store.create(keep, inputs(), 2).await.unwrap();
            store
                .append(id, status(JobStatus::Running), 3)
                .await
                .unwrap();
        } // closing checkpoints the WAL into the main file
        assert!(contains(
            &std::fs::read(dir.path().join("tailor.db")).unwrap()
        ));
        {
            let store = SqliteStore::open(dir.path()).unwrap();
            assert!(store.delete(id).await.unwrap());
        }
        let file = std::fs::read(dir.path().join("tailor.db")).unwrap();
        assert!(!contains(&file), "the deleted resume is still in tailor.db");
        let store = SqliteStore::open(dir.path()).unwrap();
        assert_eq!(store.inputs(keep).await.unwrap(), Some(inputs()));
    }

    /// While the server runs, not only after it closes: DELETE and the
    /// retention sweep leave the resume's text in none of the database's
    /// files (the WAL holds old page versions until it is checkpointed and
    /// truncated).
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn deleted_and_swept_jobs_leave_no_trace_in_the_open_files() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(dir.path()).unwrap();
        let files = ["tailor.db", "tailor.db-wal", "tailor.db-shm"];
        let traces = |marker: &str| {
            let marker = marker.as_bytes().to_vec();
            files
                .iter()
                .filter(|f| {
                    std::fs::read(dir.path().join(f))
                        .is_ok_and(|b| b.windows(marker.len()).any(|w| w == marker))
                })
                .copied()
                .collect::<Vec<_>>()
        };
        let job_of = |marker: &str| JobInputs {
            resume: ResumeUpload {
                file_name: Some("resume.txt".into()),
                bytes: format!("{marker}\n").repeat(500).into_bytes(),
            },
            job_text: Some(marker.to_string()),
            job_url: None,
        };
        let insight = |marker: &str| {
            EventBody::InsightEmitted(InsightPayload {
                id: "i".into(),
                category: InsightCategory::Skills,
                importance: Importance::Low,
                message: format!("Your resume says {marker}"),
                step: None,
            })
        };
        let keep = Uuid::new_v4();
        store.create(keep, inputs(), 1).await.unwrap();
        for (marker, sweep) in [("DELETED-MARKER-51c2", false), ("SWEPT-MARKER-9d4e", true)] {
            let id = Uuid::new_v4();
            store.create(id, job_of(marker), 2).await.unwrap();
            for _ in 0..40 {
                store.append(id, insight(marker), 3).await.unwrap();
            }
            store
                .save_result(id, serde_json::json!({"tailored_text": marker}))
                .await
                .unwrap();
            store
                .append(id, done(DoneStatus::Completed), 4)
                .await
                .unwrap();
            assert!(!traces(marker).is_empty(), "the test writes {marker}");
            if sweep {
                assert_eq!(store.purge_finished_before(5).await.unwrap(), [id]);
            } else {
                assert!(store.delete(id).await.unwrap());
            }
            assert_eq!(
                traces(marker),
                Vec::<&str>::new(),
                "{marker} is still on disk"
            );
        }
        assert_eq!(store.inputs(keep).await.unwrap(), Some(inputs()));
    }

    #[tokio::test]
    async fn open_creates_the_data_dir_and_reports_a_bad_one() {
        let dir = tempfile::tempdir().unwrap();
        let nested = dir.path().join("a/b/c");
        let store = SqliteStore::open(&nested).unwrap();
        assert!(nested.join("tailor.db").exists());
        drop(store);
        let file = dir.path().join("not-a-dir");
        std::fs::write(&file, b"x").unwrap();
        assert!(matches!(
            SqliteStore::open(&file),
            Err(StoreError::Backend(_))
        ));
    }

    #[tokio::test]
    async fn works_on_a_current_thread_runtime() {
        let (store, _dir) = sqlite().unwrap();
        let id = Uuid::new_v4();
        store.create(id, inputs(), 1).await.unwrap();
        store
            .append(id, status(JobStatus::Running), 2)
            .await
            .unwrap();
        assert_eq!(read_all(&store, id).await.len(), 1);
    }
}
