//! `tailor run --resume FILE --job FILE|URL [--out DIR]` (README,
//! Configuration): the pipeline once, without a server, writing the report
//! and the renderings; through the real binary.

use crate::common;

use std::process::Command;

fn run(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_tailor"))
        .env_remove("TAILOR_ALLOW_PRIVATE_URLS")
        .arg("run")
        .args(args)
        .output()
        .unwrap()
}

/// The report and the four renderings are written to `--out`, and say the
/// same thing: the report's tailored Markdown and text are the files', and
/// the resume's name is in every rendering.
#[test]
fn tailor_run_writes_the_report_and_the_renderings() {
    let dir = tempfile::tempdir().unwrap();
    let resume = dir.path().join("resume.txt");
    let job = dir.path().join("job.txt");
    std::fs::write(&resume, common::fixture("resumes/gdg_data_analyst.txt")).unwrap();
    std::fs::write(&job, common::fixture("jobs/gdg_jd_data_analyst.txt")).unwrap();
    let out = dir.path().join("out");
    let output = run(&[
        "--resume",
        resume.to_str().unwrap(),
        "--job",
        job.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("report.json")).unwrap()).unwrap();
    let markdown = std::fs::read_to_string(out.join("tailored.md")).unwrap();
    let text = std::fs::read_to_string(out.join("tailored.txt")).unwrap();
    assert_eq!(report["tailored_markdown"], markdown.as_str());
    assert_eq!(report["tailored_text"], text.as_str());
    assert!(markdown.contains("Jane Smith") && text.contains("Jane Smith"));
    assert!(report["score_after"]["total"].as_f64().unwrap() > 0.0);
    let docx = std::fs::read(out.join("tailored.docx")).unwrap();
    assert!(docx.starts_with(b"PK"), "a zip package");
    let pdf = std::fs::read(out.join("tailored.pdf")).unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    assert!(String::from_utf8_lossy(&output.stdout).contains("written to"));
}

/// Bad input stops `tailor run` with a message and a failure status,
/// writing nothing; a private job URL is refused unless allowed.
#[test]
fn tailor_run_refuses_what_it_cannot_read() {
    let dir = tempfile::tempdir().unwrap();
    let resume = dir.path().join("resume.txt");
    std::fs::write(&resume, common::fixture("resumes/gdg_data_analyst.txt")).unwrap();
    let out = dir.path().join("out");
    let missing = dir.path().join("nothing.txt");
    let output = run(&[
        "--resume",
        missing.to_str().unwrap(),
        "--job",
        resume.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(!output.status.success());
    assert!(!String::from_utf8_lossy(&output.stderr).trim().is_empty());
    let output = run(&[
        "--resume",
        resume.to_str().unwrap(),
        "--job",
        "http://127.0.0.1:9/job",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("private or local network"), "{stderr}");
    assert!(!out.exists(), "nothing written");
}
