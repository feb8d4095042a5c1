//! A job store that stops answering (its database gone) is shown as an
//! outage: the pages answer 503 and say so, never "Job not found" or an
//! empty History, and the API answers 503 `store_unavailable`.
//!
//! Needs `TAILOR_TEST_DATABASE_URL` (`scripts/test.sh` starts a server).

use crate::common;

use std::{sync::Arc, time::Duration};

use common::{job_body, TestServer};
use tailor_server::store::{pg_testing::TestDatabase, PgSettings, PgStore};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_and_api_say_the_store_is_down_when_it_is() {
    let Some(db) = TestDatabase::create().await else {
        return;
    };
    let store = PgStore::connect(PgSettings::new(&db.url, Duration::from_secs(2)).pool_size(2))
        .await
        .unwrap();
    let server = TestServer::start_on(Arc::new(store)).await;
    let job = server.start_job(job_body()).await;
    let page = |path: String| {
        let client = server.client.clone();
        let url = server.url(&path);
        async move {
            let response = client.get(url).send().await.unwrap();
            (response.status().as_u16(), response.text().await.unwrap())
        }
    };
    // While the store answers, the pages show the job.
    let (status, body) = page(format!("/jobs/{job}")).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = page("/jobs".into()).await;
    assert_eq!(status, 200);
    assert!(body.contains(&job.to_string()), "the history lists the job");

    // The database goes away under the running server.
    let admin = std::env::var(tailor_server::store::pg_testing::URL_VAR).unwrap();
    let name = url::Url::parse(&db.url)
        .unwrap()
        .path()
        .trim_start_matches('/')
        .to_owned();
    let (client, connection) = tokio_postgres::connect(&admin, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    client
        .batch_execute(&format!("DROP DATABASE {name} WITH (FORCE)"))
        .await
        .unwrap();

    for path in [
        format!("/jobs/{job}"),
        format!("/jobs/{job}/review"),
        "/jobs".into(),
    ] {
        let (status, body) = page(path.clone()).await;
        assert_eq!(status, 503, "{path} answers as an outage");
        assert!(
            body.contains("not answering right now"),
            "{path} says the store is down: {body}"
        );
        assert!(!body.contains("Job not found"), "{path}: not 'not found'");
        assert!(
            !body.contains("No jobs yet"),
            "{path}: not an empty history"
        );
    }
    let api = server
        .client
        .get(server.url(&format!("/api/jobs/{job}/snapshot")))
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), 503);
    let body: serde_json::Value = api.json().await.unwrap();
    assert_eq!(body["error"]["code"], "store_unavailable");
}
