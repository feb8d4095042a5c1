//! The corpus truth audit (see `truth_audit.rs`) with a model proposing
//! rewrites: every corpus pair runs through the real server with a
//! scripted provider — one that rewords with the resume's own words, one
//! that invents a skill, a number, an employer or a date in every bullet —
//! and every download format is traced to the original by the independent
//! oracle. Zero unsupported in both: what a model invents never lands.

use crate::common;
use crate::oracle;
use crate::scripted_llm;

use std::time::Duration;

use axum::{extract::Path as UrlPath, routing::get, Router};
use common::{test_args, LiveStream, TestServer};
use oracle::Original;
use scripted_llm::{Script, Scripted};
use tailor_common::{paths, EventBody, JobResult};
use tailor_server::{config::ServeArgs, llm::LlmArgs};

use common::{corpus_dir as dir, corpus_pairs as pairs};

/// The corpus's HTML postings, served on loopback as job URLs.
async fn posting_server() -> String {
    let app = Router::new().route(
        "/{*name}",
        get(|UrlPath(name): UrlPath<String>| async move {
            let html = std::fs::read_to_string(dir().join(&name)).unwrap_or_default();
            ([("content-type", "text/html; charset=utf-8")], html)
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

struct Audit {
    unsupported: Vec<String>,
    applied: usize,
    rejected: usize,
}

async fn audit(script: Script) -> Audit {
    let provider = Scripted::start(script).await;
    let server = TestServer::start_configured(ServeArgs {
        llm: LlmArgs {
            url: Some(provider.url()),
            model: Some("scripted-model".into()),
            ..LlmArgs::default()
        },
        ..test_args()
    })
    .await;
    let postings = posting_server().await;
    let today = oracle::today();
    let mut out = Audit {
        unsupported: Vec::new(),
        applied: 0,
        rejected: 0,
    };
    for (resume, job) in pairs() {
        let bytes = std::fs::read(dir().join(&resume)).unwrap();
        let file = resume.rsplit('/').next().unwrap().to_string();
        let mut form = reqwest::multipart::Form::new().part(
            "resume",
            reqwest::multipart::Part::bytes(bytes.clone()).file_name(file),
        );
        form = if job.ends_with(".html") {
            form.text("job_url", format!("{postings}/{job}"))
        } else {
            form.text(
                "job_text",
                std::fs::read_to_string(dir().join(&job)).unwrap(),
            )
        };
        let response = server
            .client
            .post(server.url("/api/pipeline/start"))
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201, "{resume} × {job}");
        let started: serde_json::Value = response.json().await.unwrap();
        let id: uuid::Uuid = started["job_id"].as_str().unwrap().parse().unwrap();
        let events = LiveStream::open(&server.client, &server.url(&paths::job_stream(id)))
            .await
            .read_to_end()
            .await;
        for e in &events {
            if let EventBody::DiffChunk(d) = &e.body {
                match &d.verdict {
                    Some(v) if v.applied => out.applied += 1,
                    Some(_) => out.rejected += 1,
                    None => {}
                }
            }
        }
        let result: JobResult = server.get_json(&paths::job_result(id)).await;
        let original = if resume.ends_with(".txt") || resume.ends_with(".md") {
            String::from_utf8(bytes).unwrap()
        } else {
            result.original_text.clone()
        };
        let orig = Original::new(&original, today);
        for format in ["md", "txt", "docx", "pdf"] {
            let body = server
                .client
                .get(server.url(&paths::job_export(id, format)))
                .timeout(Duration::from_secs(60))
                .send()
                .await
                .unwrap()
                .bytes()
                .await
                .unwrap();
            let text = match format {
                "docx" => common::docx_text(&body),
                "pdf" => {
                    tailor_server::engine::resume::pdf::pdf_to_text_pages(&body)
                        .expect("the PDF reads back")
                        .0
                }
                _ => String::from_utf8(body.to_vec()).unwrap(),
            };
            for f in orig.unsupported(&text) {
                out.unsupported
                    .push(format!("{resume} × {job} [{format}] {f:?}"));
            }
        }
    }
    eprintln!(
        "{script:?}: {} rewrites applied, {} rejected, {} unsupported",
        out.applied,
        out.rejected,
        out.unsupported.len()
    );
    out
}

#[tokio::test]
async fn with_a_model_that_rewords_every_output_is_traced_to_the_original() {
    let a = audit(Script::Reworded).await;
    assert!(
        a.applied >= 20,
        "the rewording model changed too little to audit: {}",
        a.applied
    );
    assert!(
        a.unsupported.is_empty(),
        "unsupported:\n{}",
        a.unsupported.join("\n")
    );
}

#[tokio::test]
async fn with_a_model_that_invents_every_output_is_traced_to_the_original() {
    let a = audit(Script::Fabricating).await;
    assert!(a.rejected >= 50, "{}", a.rejected);
    // A few "inventions" are true of their resume (one that does show
    // Kubernetes, say): the gates let those through, and the oracle, which
    // shares no code with them, agrees that they are supported.
    assert!(a.applied * 10 < a.rejected, "{} applied", a.applied);
    assert!(
        a.unsupported.is_empty(),
        "unsupported:\n{}",
        a.unsupported.join("\n")
    );
}
