//! "Edit the inputs and run again", over the real router: a new job started
//! with `resume_from` takes the earlier job's resume as it was uploaded
//! (file or pasted text), unless the form carries a new one; the run-again
//! page shows the earlier posting and names the earlier file.

use crate::common;

use common::{fixture, fixture_bytes, TestServer};
use reqwest::multipart::{Form, Part};
use serde_json::Value;
use tailor_common::paths;
use uuid::Uuid;

/// Starts a job from a multipart form and sees it to its end.
async fn run(server: &TestServer, form: Form) -> Uuid {
    let (status, started) = server.start_form(form).await;
    assert_eq!(status, 201, "{started}");
    let job: Uuid = started["job_id"].as_str().unwrap().parse().unwrap();
    let (status, frames) = server.read_stream(job, "", None).await;
    assert_eq!(status, 200);
    assert!(
        frames.iter().any(|f| f.event.as_deref() == Some("done")),
        "the job did not end"
    );
    job
}

/// A page's HTML, as this browser gets it.
async fn page(server: &TestServer, path: &str) -> String {
    let response = server.client.get(server.url(path)).send().await.unwrap();
    response.text().await.unwrap()
}

async fn original_text(server: &TestServer, job: Uuid) -> String {
    let result: Value = server.get_json(&paths::job_result(job)).await;
    result["original_text"].as_str().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_job_reuses_the_earlier_file_unless_a_new_resume_is_given() {
    let server = TestServer::start(15).await;
    let docx = fixture_bytes("resumes/skillora_data_scientist_resume.docx");
    let first = run(
        &server,
        Form::new()
            .part("resume", Part::bytes(docx).file_name("my cv.docx"))
            .text("job_text", fixture("jobs/gdg_jd_data_analyst.txt")),
    )
    .await;
    let first_text = original_text(&server, first).await;

    // The run-again page: the earlier posting filled in, the file named,
    // and the job id the form sends back.
    let html = page(&server, &paths::run_again_page(first)).await;
    assert!(
        html.contains("my cv.docx"),
        "the page does not name the file"
    );
    assert!(html.contains(&format!("name=\"resume_from\" value=\"{first}\"")));
    let posting_line = fixture("jobs/gdg_jd_data_analyst.txt")
        .lines()
        .find(|l| l.trim().len() > 20)
        .unwrap()
        .trim()
        .to_string();
    assert!(html.contains(&posting_line), "the posting is not filled in");

    // No file and no text: the earlier DOCX is read again, for a new posting.
    let second = run(
        &server,
        Form::new()
            .text("resume_from", first.to_string())
            .text("job_text", fixture("jobs/gdg_jd_product_manager.txt")),
    )
    .await;
    assert_ne!(second, first);
    assert_eq!(original_text(&server, second).await, first_text);
    let result: Value = server.get_json(&paths::job_result(second)).await;
    assert_ne!(
        result["job_title"],
        server.get_json::<Value>(&paths::job_result(first)).await["job_title"],
        "the second job did not read the new posting"
    );

    // Pasted text wins over the earlier file, as the form says.
    let pasted = fixture("resumes/gdg_data_analyst.txt");
    let third = run(
        &server,
        Form::new()
            .text("resume_from", first.to_string())
            .text("resume_text", pasted.clone())
            .text("job_text", fixture("jobs/gdg_jd_data_analyst.txt")),
    )
    .await;
    let third_text = original_text(&server, third).await;
    assert_ne!(third_text, first_text);
    let first_line = pasted.lines().find(|l| !l.trim().is_empty()).unwrap();
    assert!(third_text.contains(first_line.trim()), "{third_text}");

    // A pasted resume is reused as text, and its page refills the box.
    let fourth = run(
        &server,
        Form::new()
            .text("resume_from", third.to_string())
            .text("job_text", fixture("jobs/gdg_jd_product_manager.txt")),
    )
    .await;
    assert_eq!(original_text(&server, fourth).await, third_text);
    let html = page(&server, &paths::run_again_page(third)).await;
    assert!(
        html.contains(first_line.trim()),
        "the pasted resume is not refilled"
    );
    assert!(!html.contains("name=\"resume_from\""));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gone_or_malformed_earlier_job_is_a_clear_400() {
    let server = TestServer::start(15).await;
    for from in [Uuid::new_v4().to_string(), "not-a-job".to_string()] {
        let response = server
            .client
            .post(server.url(paths::START))
            .json(&serde_json::json!({"resume_from": from, "job_text": "Data Analyst\nSQL"}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400, "{from}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"]["code"], "earlier_resume_gone", "{body}");
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap()
                .contains("choose the file again"),
            "{body}"
        );
    }
    let page = server
        .client
        .get(server.url(&paths::run_again_page(Uuid::new_v4())))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 404);
}
