//! Each person sees only their own jobs, over the real router and sockets:
//! a second browser (cookie jar) gets the same 404 as for an unknown job on
//! every route of another's job, pages and server functions included; a
//! share link opens a job read-only until it is revoked; unowned jobs are
//! reached only by adoption; the trusted-proxy and password modes.

use crate::common;

use std::sync::Arc;

use common::{browser, job_body, start_job_at, TestServer};
use leptos::config::LeptosOptions;
use reqwest::{Client, Method, StatusCode};
use serde_json::Value;
use tailor_common::paths;
use tailor_server::{
    access, build_state,
    config::ServeArgs,
    store::{JobStore, SqliteStore},
};
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

/// A job that `client` started and saw to the end.
async fn finished_job(server: &TestServer, client: &Client) -> Uuid {
    let job = start_job_at(client, &server.url(""), &job_body()).await;
    let response = client
        .get(server.url(&paths::job_stream(job)))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let text = response.text().await.unwrap();
    assert!(text.contains("event: done"), "{text}");
    job
}

/// Every route that names a job, with what it does.
fn job_routes(job: Uuid) -> Vec<(Method, String)> {
    vec![
        (Method::GET, paths::job_snapshot(job)),
        (Method::GET, paths::job_stream(job)),
        (Method::GET, paths::job_result(job)),
        (Method::GET, paths::job_export(job, "pdf")),
        (Method::GET, paths::job_export(job, "txt")),
        (Method::POST, paths::job_cancel(job)),
        (Method::POST, paths::job_retry(job)),
        (Method::POST, paths::job_share(job)),
        (Method::DELETE, paths::job_share(job)),
        (Method::POST, paths::job_decisions(job)),
        (Method::DELETE, paths::job(job)),
    ]
}

async fn call(server: &TestServer, client: &Client, method: Method, path: &str) -> (u16, Value) {
    let response = client
        .request(method, server.url(path))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// A server function, called as the hydrated page calls it.
async fn server_fn(server: &TestServer, client: &Client, name: &str, form: &str) -> Value {
    let response = client
        .post(server.url(&format!("/api/{name}")))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "server function {name}");
    response.json().await.unwrap()
}

async fn page(server: &TestServer, client: &Client, path: &str) -> (u16, String) {
    let response = client.get(server.url(path)).send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_browser_gets_404_on_every_route_of_a_job() {
    let server = TestServer::start(15).await;
    let alice = &server.client;
    let bob = browser();
    let job = finished_job(&server, alice).await;
    let secret = common::fixture("resumes/gdg_data_analyst.txt");
    let name_line = secret
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap()
        .trim();

    // Bob gets exactly what an unknown job gets, on every route.
    let unknown = Uuid::new_v4();
    for ((method, path), (_, unknown_path)) in job_routes(job).into_iter().zip(job_routes(unknown))
    {
        let (status, body) = call(&server, &bob, method.clone(), &path).await;
        let (unknown_status, unknown_body) =
            call(&server, &bob, method.clone(), &unknown_path).await;
        assert_eq!(status, 404, "{method} {path}: {body}");
        assert_eq!(body["error"]["code"], "job_not_found", "{method} {path}");
        assert_eq!(
            (status, &body),
            (unknown_status, &unknown_body),
            "{method} {path}"
        );
    }
    let (_, list) = call(&server, &bob, Method::GET, paths::JOBS).await;
    assert_eq!(list["jobs"], Value::Array(vec![]), "{list}");

    // The pages and the server functions behind them say the same.
    for path in [paths::job_page(job), paths::review_page(job)] {
        let (status, html) = page(&server, &bob, &path).await;
        assert_eq!(status, 404, "{path}");
        assert!(!html.contains(name_line), "{path} shows the resume");
    }
    let (_, history) = page(&server, &bob, "/jobs").await;
    assert!(
        !history.contains(&job.to_string()),
        "Bob's history lists the job"
    );
    let form = format!("id={job}");
    assert_eq!(
        server_fn(&server, &bob, "job_view", &form).await,
        Value::Null
    );
    assert_eq!(
        server_fn(&server, &bob, "job_result", &form).await,
        Value::Null
    );
    // Nor can Bob start from Alice's inputs: the run-again page, its server
    // function and a start naming her job as `resume_from` show nothing.
    assert_eq!(
        server_fn(&server, &bob, "earlier_inputs", &form).await,
        Value::Null
    );
    let (status, html) = page(&server, &bob, &paths::run_again_page(job)).await;
    assert_eq!(status, 404);
    assert!(
        !html.contains(name_line),
        "the run-again page shows the resume"
    );
    let reuse = bob
        .post(server.url(paths::START))
        .json(&serde_json::json!({"resume_from": job, "job_text": "Data Analyst\nSQL"}))
        .send()
        .await
        .unwrap();
    assert_eq!(reuse.status(), 400);
    let body: Value = reuse.json().await.unwrap();
    assert_eq!(body["error"]["code"], "earlier_resume_gone", "{body}");
    let jobs = server_fn(&server, &bob, "job_list", "").await;
    assert_eq!(jobs["jobs"], Value::Array(vec![]), "{jobs}");

    // Nothing Bob sent touched it: Alice still has all of it.
    let (_, list) = call(&server, alice, Method::GET, paths::JOBS).await;
    assert_eq!(list["jobs"][0]["job_id"], job.to_string(), "{list}");
    let (status, result) = call(&server, alice, Method::GET, &paths::job_result(job)).await;
    assert_eq!(status, 200);
    assert!(result["original_text"]
        .as_str()
        .unwrap()
        .contains(name_line));
    let (status, html) = page(&server, alice, &paths::review_page(job)).await;
    assert_eq!(status, 200);
    assert!(html.contains(name_line));
    assert!(
        server_fn(&server, alice, "job_view", &form).await["state"]["job_id"] == job.to_string()
    );
    let jobs = server_fn(&server, alice, "job_list", "").await;
    assert_eq!(jobs["jobs"][0]["job_id"], job.to_string());
    let (status, _) = call(&server, alice, Method::DELETE, &paths::job(job)).await;
    assert_eq!(status, 204, "the owner can delete it");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_share_link_opens_a_job_read_only_until_revoked() {
    let server = TestServer::start(15).await;
    let alice = &server.client;
    let carol = browser();
    let job = finished_job(&server, alice).await;

    let (status, link) = call(&server, alice, Method::POST, &paths::job_share(job)).await;
    assert_eq!(status, 201, "{link}");
    let url = link["url"].as_str().unwrap().to_string();
    assert!(url.starts_with(&format!("/share/{job}/")), "{url}");

    // Carol opens it: she lands on the Review page, marked read-only.
    let response = carol.get(server.url(&url)).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.url().path(), paths::review_page(job));
    let html = response.text().await.unwrap();
    assert!(html.contains("Shared with you"), "{html}");
    assert!(
        !html.contains("data-testid=\"share\""),
        "no share button for a guest"
    );
    let form = format!("id={job}");
    assert_eq!(
        server_fn(&server, &carol, "job_view", &form).await["read_only"],
        true
    );
    // Reading is not owning: a share link does not hand out the inputs.
    assert!(
        !html.contains("Run again with"),
        "a guest is offered to run the job again"
    );
    assert_eq!(
        server_fn(&server, &carol, "earlier_inputs", &form).await,
        Value::Null
    );

    // She can read and download; she cannot change anything.
    for (method, path) in job_routes(job) {
        let (status, body) = call(&server, &carol, method.clone(), &path).await;
        let allowed = method == Method::GET;
        assert_eq!(status == 404, !allowed, "{method} {path}: {status} {body}");
        if allowed {
            assert_eq!(status, 200, "{method} {path}: {body}");
        }
    }
    let (_, list) = call(&server, &carol, Method::GET, paths::JOBS).await;
    assert_eq!(
        list["jobs"],
        Value::Array(vec![]),
        "a shared job is not hers"
    );
    // The owner still sees no read-only mark.
    assert_eq!(
        server_fn(&server, alice, "job_view", &form).await["read_only"],
        false
    );

    // A wrong token opens nothing.
    let forged = paths::share_landing(job, &access::new_token().unwrap());
    assert_eq!(call(&server, &browser(), Method::GET, &forged).await.0, 404);

    // Revoked: the link and what it left behind stop working.
    let (status, _) = call(&server, alice, Method::DELETE, &paths::job_share(job)).await;
    assert_eq!(status, 204);
    for path in [
        paths::job_result(job),
        paths::job_snapshot(job),
        paths::job_export(job, "pdf"),
    ] {
        assert_eq!(
            call(&server, &carol, Method::GET, &path).await.0,
            404,
            "{path}"
        );
    }
    assert_eq!(page(&server, &carol, &paths::review_page(job)).await.0, 404);
    assert_eq!(call(&server, &browser(), Method::GET, &url).await.0, 404);

    // A new link replaces the old one.
    let (_, first) = call(&server, alice, Method::POST, &paths::job_share(job)).await;
    let (_, second) = call(&server, alice, Method::POST, &paths::job_share(job)).await;
    let (first, second) = (
        first["url"].as_str().unwrap(),
        second["url"].as_str().unwrap(),
    );
    assert_ne!(first, second);
    assert_eq!(call(&server, &browser(), Method::GET, first).await.0, 404);
    let dave = browser();
    assert_eq!(page(&server, &dave, second).await.0, 200);
    assert_eq!(
        call(&server, &dave, Method::GET, &paths::job_result(job))
            .await
            .0,
        200
    );
}

/// A server on a SQLite store in `dir` with `config`.
async fn sqlite_server(dir: &std::path::Path, config: ServeArgs) -> (TestServer, Arc<SqliteStore>) {
    let store = Arc::new(SqliteStore::open(dir).unwrap());
    let shutdown = CancellationToken::new();
    let options = LeptosOptions::builder().output_name("tailor").build();
    let state = build_state(config, options, store.clone(), shutdown.clone());
    (TestServer::serve(state, shutdown).await, store)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_store_keeps_a_hash_of_the_owner_token_not_the_token() {
    let dir = tempfile::tempdir().unwrap();
    let (server, store) = sqlite_server(dir.path(), common::test_args()).await;
    let response = server
        .client
        .post(server.url(paths::START))
        .json(&job_body())
        .send()
        .await
        .unwrap();
    let cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|c| c.starts_with(access::OWNER_COOKIE))
        .expect("the first answer sets the owner cookie");
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(cookie.contains(attribute), "{cookie}");
    }
    assert!(!cookie.contains("Secure"), "plain http: {cookie}");
    let token = cookie
        .split(';')
        .next()
        .unwrap()
        .split_once('=')
        .unwrap()
        .1
        .to_string();
    let job: Value = response.json().await.unwrap();
    let job: Uuid = job["job_id"].as_str().unwrap().parse().unwrap();
    let owner = store.access(job).await.unwrap().unwrap().owner.unwrap();
    assert_eq!(owner, access::owner_key_for_token(&token));
    server.shutdown.cancel();
    drop(server);
    drop(store);

    let mut bytes = Vec::new();
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        bytes.extend(std::fs::read(entry.unwrap().path()).unwrap());
    }
    let contains = |needle: &str| bytes.windows(needle.len()).any(|w| w == needle.as_bytes());
    assert!(contains(&owner.0), "the hash is stored");
    assert!(!contains(&token), "the token itself is not");

    // Behind an https proxy the cookie is Secure.
    let server = TestServer::start(15).await;
    let response = browser()
        .get(server.url("/"))
        .header("x-forwarded-proto", "https")
        .send()
        .await
        .unwrap();
    let cookie = response.headers()["set-cookie"].to_str().unwrap();
    assert!(cookie.contains("Secure"), "{cookie}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unowned_jobs_are_reached_only_by_adoption() {
    let dir = tempfile::tempdir().unwrap();
    let legacy = Uuid::new_v4();
    {
        let store = SqliteStore::open(dir.path()).unwrap();
        store
            .create(
                legacy,
                tailor_server::store::JobInputs {
                    resume: tailor_server::store::ResumeUpload {
                        file_name: None,
                        bytes: b"Old Resume".to_vec(),
                    },
                    job_text: Some("Old posting".into()),
                    job_url: None,
                },
                1,
            )
            .await
            .unwrap();
    }
    // Without --adopt-unowned nobody reaches it.
    let (server, store) = sqlite_server(dir.path(), common::test_args()).await;
    let (_, list) = call(&server, &server.client, Method::GET, paths::JOBS).await;
    assert_eq!(list["jobs"], Value::Array(vec![]));
    assert_eq!(
        call(
            &server,
            &server.client,
            Method::GET,
            &paths::job_snapshot(legacy)
        )
        .await
        .0,
        404
    );
    server.shutdown.cancel();
    drop(server);
    drop(store);

    // With it, the first to look takes it, and only they see it.
    let config = ServeArgs {
        adopt_unowned: true,
        ..common::test_args()
    };
    let (server, _store) = sqlite_server(dir.path(), config).await;
    let (first, second) = (&server.client, browser());
    let (_, list) = call(&server, first, Method::GET, paths::JOBS).await;
    assert_eq!(list["jobs"][0]["job_id"], legacy.to_string(), "{list}");
    assert_eq!(
        call(&server, first, Method::GET, &paths::job_snapshot(legacy))
            .await
            .0,
        200
    );
    let (_, list) = call(&server, &second, Method::GET, paths::JOBS).await;
    assert_eq!(list["jobs"], Value::Array(vec![]));
    assert_eq!(
        call(&server, &second, Method::GET, &paths::job_snapshot(legacy))
            .await
            .0,
        404
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_a_trusted_proxy_jobs_belong_to_the_named_user() {
    let server = TestServer::start_with_config(ServeArgs {
        trusted_user_header: Some("x-forwarded-user".into()),
        allow_private_urls: true,
        ..common::test_args()
    })
    .await;
    let as_user = |client: &Client, method: Method, path: &str, user: &str| {
        client
            .request(method, server.url(path))
            .header("x-forwarded-user", user)
    };
    let response = browser().get(server.url(paths::JOBS)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "unauthorized");

    let response = as_user(&browser(), Method::POST, paths::START, "alice")
        .json(&job_body())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    assert!(
        response.headers().get("set-cookie").is_none(),
        "no cookie needed"
    );
    let job: Value = response.json().await.unwrap();
    let job: Uuid = job["job_id"].as_str().unwrap().parse().unwrap();
    // Alice from any browser sees it; Bob does not.
    let snapshot = as_user(&browser(), Method::GET, &paths::job_snapshot(job), "alice");
    assert_eq!(snapshot.send().await.unwrap().status(), 200);
    let snapshot = as_user(&browser(), Method::GET, &paths::job_snapshot(job), "bob");
    assert_eq!(snapshot.send().await.unwrap().status(), 404);
    let list: Value = as_user(&browser(), Method::GET, paths::JOBS, "bob")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["jobs"], Value::Array(vec![]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_instance_password_gates_every_request() {
    let server = TestServer::start_with_config(ServeArgs {
        password: Some("correct horse".into()),
        ..common::test_args()
    })
    .await;
    let client = browser();
    for path in ["/", paths::JOBS, "/pkg/tailor.css", "/metrics"] {
        let response = client.get(server.url(path)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{path}");
        assert!(response.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .starts_with("Basic"));
        let wrong = client
            .get(server.url(path))
            .basic_auth("me", Some("wrong horse"))
            .send()
            .await
            .unwrap();
        assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED, "{path}");
    }
    let response = client
        .get(server.url(paths::JOBS))
        .basic_auth("anyone", Some("correct horse"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    // Probes need no password.
    let health = client.get(server.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);
}
