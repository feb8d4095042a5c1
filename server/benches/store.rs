//! Append throughput and replay latency of the SQLite, PostgreSQL and memory
//! stores.
//!
//! `scripts/bench-store.sh` starts a PostgreSQL server with production
//! durability settings and runs this; `cargo bench --bench store` alone
//! measures PostgreSQL only if `TAILOR_TEST_DATABASE_URL` names a server.
//! (`STORE_BENCH_JOB_EVENTS=5000` for jobs with long logs)
//!
//! - `append/one_job`: one job's events appended one after another, as one
//!   pipeline does (one element = one event).
//! - `append/8_jobs`: eight jobs appending at once from eight tasks (one
//!   iteration = one event per job, so eight elements).
//! - `replay/200`: `read_after(job, 0, 1000)` of a 200-event log, what a
//!   reconnecting stream costs.
//!
//! Payloads are ~300 bytes of JSON, like a step detail or an insight.

use std::{sync::Arc, time::Duration, time::Instant};

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use tailor_common::{EventBody, Importance, InsightCategory, InsightPayload, Step};
use tailor_server::store::{
    pg_testing::TestDatabase, JobInputs, JobStore, MemoryStore, PgSettings, PgStore, ResumeUpload,
    SqliteStore,
};
use uuid::Uuid;

/// Events per job before the appenders move on to a fresh job: a pipeline
/// run is 100–200 events. `STORE_BENCH_JOB_EVENTS` overrides it (at most
/// 10 000, the log's cap) to see how long logs behave.
fn events_per_job() -> u64 {
    std::env::var("STORE_BENCH_JOB_EVENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200)
}

fn body(i: u64) -> EventBody {
    EventBody::InsightEmitted(InsightPayload {
        id: format!("ins-{i}"),
        category: InsightCategory::Keywords,
        importance: Importance::Medium,
        message: format!(
            "The posting asks for Kubernetes, Terraform and on-call experience \
             four times; your resume shows two of them in the last role and \
             one in a side project. Consider naming the cluster size and the \
             incident count you handled ({i}) so the reviewer sees the scale."
        ),
        step: Some(Step::Planning),
    })
}

fn inputs() -> JobInputs {
    JobInputs {
        resume: ResumeUpload {
            file_name: Some("cv.pdf".into()),
            bytes: vec![b'x'; 20_000],
        },
        job_text: Some("Rust engineer".into()),
        job_url: None,
    }
}

/// Appends `n` events as one writer would, moving to a new job every
/// [`events_per_job`] events. Returns the jobs, to delete untimed.
async fn append_run(store: Arc<dyn JobStore>, n: u64) -> Vec<Uuid> {
    let per_job = events_per_job();
    let mut jobs = vec![Uuid::new_v4()];
    store.create(jobs[0], inputs(), 0).await.unwrap();
    for i in 0..n {
        if i > 0 && i.is_multiple_of(per_job) {
            jobs.push(Uuid::new_v4());
            store
                .create(*jobs.last().unwrap(), inputs(), 0)
                .await
                .unwrap();
        }
        store
            .append(*jobs.last().unwrap(), body(i), i as i64)
            .await
            .unwrap();
    }
    jobs
}

/// Keeps memory (and the file) from growing across criterion's iterations.
async fn delete_all(store: &dyn JobStore, jobs: Vec<Uuid>) {
    for job in jobs {
        store.delete(job).await.unwrap();
    }
}

type Stores = Vec<(&'static str, Arc<dyn JobStore>)>;

/// What must outlive the benches: the SQLite file's directory and the
/// PostgreSQL database (dropped at the end).
type Keep = (tempfile::TempDir, Option<TestDatabase>);

async fn stores() -> (Stores, Keep) {
    let dir = tempfile::tempdir().unwrap();
    let sqlite: Arc<dyn JobStore> = Arc::new(SqliteStore::open(dir.path()).unwrap());
    let memory: Arc<dyn JobStore> = Arc::new(MemoryStore::new());
    let mut stores: Stores = vec![("sqlite", sqlite), ("memory", memory)];
    let db = TestDatabase::create().await;
    if let Some(db) = &db {
        let settings = PgSettings::new(&db.url, Duration::from_secs(15));
        let postgres: Arc<dyn JobStore> = Arc::new(PgStore::connect(settings).await.unwrap());
        stores.push(("postgres", postgres));
    }
    (stores, (dir, db))
}

fn benches(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (stores, _keep) = rt.block_on(stores());
    println!(
        "payload: {} bytes of JSON; {} events per job",
        serde_json::to_value(body(123)).unwrap()["payload"]
            .to_string()
            .len(),
        events_per_job()
    );

    let mut group = c.benchmark_group("append");
    group.measurement_time(Duration::from_secs(8));
    for (name, store) in &stores {
        group.throughput(Throughput::Elements(1));
        group.bench_function(BenchmarkId::new("one_job", name), |b| {
            b.to_async(&rt).iter_custom(|iters| {
                let store = store.clone();
                async move {
                    let start = Instant::now();
                    let jobs = append_run(store.clone(), iters).await;
                    let elapsed = start.elapsed();
                    delete_all(&*store, jobs).await;
                    elapsed
                }
            })
        });
        group.throughput(Throughput::Elements(8));
        group.bench_function(BenchmarkId::new("8_jobs", name), |b| {
            b.to_async(&rt).iter_custom(|iters| {
                let store = store.clone();
                async move {
                    let start = Instant::now();
                    let tasks: Vec<_> = (0..8)
                        .map(|_| tokio::spawn(append_run(store.clone(), iters)))
                        .collect();
                    let mut jobs = Vec::new();
                    for t in tasks {
                        jobs.extend(t.await.unwrap());
                    }
                    let elapsed = start.elapsed();
                    delete_all(&*store, jobs).await;
                    elapsed
                }
            })
        });
    }
    group.finish();

    let mut group = c.benchmark_group("replay");
    group.throughput(Throughput::Elements(200));
    for (name, store) in &stores {
        let job = Uuid::new_v4();
        rt.block_on(async {
            store.create(job, inputs(), 0).await.unwrap();
            for i in 0..200 {
                store.append(job, body(i), i as i64).await.unwrap();
            }
        });
        group.bench_function(BenchmarkId::new("200", name), |b| {
            b.to_async(&rt).iter(|| async {
                let events = store.read_after(job, 0, 1000).await.unwrap();
                assert_eq!(events.len(), 200);
                events
            })
        });
    }
    group.finish();
}

criterion_group!(store, benches);
criterion_main!(store);
