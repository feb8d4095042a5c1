//! Untrusted input never panics the engine: arbitrary text, and arbitrary bytes
//! named as PDF or DOCX, give an outcome or a typed error.

use proptest::prelude::*;
use tailor_server::engine::{self, JobInput, NullReporter, ResumeInput};

fn job() -> JobInput {
    JobInput::Text("Data Analyst\nRequirements:\n- Python, SQL and Tableau\n- Communication".into())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, failure_persistence: None, .. ProptestConfig::default() })]

    #[test]
    fn any_text_resume(s in "\\PC{0,600}", lines in prop::collection::vec("[-•#*|:, A-Za-z0-9()./+]{0,80}", 0..30)) {
        let text = format!("{s}\n{}", lines.join("\n"));
        let r = ResumeInput { file_name: None, bytes: text.into_bytes() };
        if let Ok(o) = engine::run_all(&r, &job(), &mut NullReporter) {
            // Any text renders (emoji, scripts the PDF base fonts lack, XML specials).
            prop_assert!(engine::render_pdf(&o).starts_with(b"%PDF"));
            prop_assert!(engine::render_docx(&o).starts_with(b"PK"));
        }
    }

    #[test]
    fn any_job_text(s in "\\PC{0,800}") {
        let r = ResumeInput { file_name: None, bytes: b"Jo Bloggs\nSkills: Python, SQL\nExperience:\nAnalyst | Acme | 2019 - 2021\n- Built 3 dashboards".to_vec() };
        let _ = engine::run_all(&r, &JobInput::Text(s.clone()), &mut NullReporter);
        let _ = engine::run_all(&r, &JobInput::Html { url: "https://x".into(), html: s }, &mut NullReporter);
    }

    #[test]
    fn any_bytes_as_files(b in prop::collection::vec(any::<u8>(), 0..2048), pdf in any::<bool>()) {
        let mut bytes = if pdf { b"%PDF-1.4\n".to_vec() } else { b"PK\x03\x04".to_vec() };
        bytes.extend(b);
        let name = if pdf { "x.pdf" } else { "x.docx" };
        let r = ResumeInput { file_name: Some(name.into()), bytes };
        let e = engine::run_all(&r, &job(), &mut NullReporter);
        prop_assert!(e.is_err());
    }
}

#[test]
fn rendered_pdf_reads_with_pdftotext_when_installed() {
    let Ok(out) = std::process::Command::new("pdftotext").arg("-v").output() else {
        eprintln!("pdftotext not installed; skipped");
        return;
    };
    let _ = out;
    let r = ResumeInput {
        file_name: Some("r.md".into()),
        bytes: b"# Jo Bloggs\njo@x.com | (555) 123-4567\n## Experience\n### Analyst | Acme | 2019 - 2021\n- Built 3 dashboards in Tableau\n## Skills\nPython, SQL\n".to_vec(),
    };
    let o = engine::run_all(&r, &job(), &mut NullReporter).unwrap();
    let dir = std::env::temp_dir().join(format!("engine-dev-pdftotext-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let pdf = dir.join("r.pdf");
    std::fs::write(&pdf, engine::render_pdf(&o)).unwrap();
    let out = std::process::Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for want in [
        "Jo Bloggs",
        "EXPERIENCE",
        "Analyst | Acme | 2019 - 2021",
        "Built 3 dashboards in Tableau",
        "Python, SQL",
    ] {
        assert!(text.contains(want), "{want:?} not in:\n{text}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn limits_hold() {
    // A DOCX with more entries than any resume has.
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    for i in 0..2_100 {
        zip.start_file(format!("f{i}.xml"), opts).unwrap();
    }
    let bytes = zip.finish().unwrap().into_inner();
    let r = ResumeInput {
        file_name: Some("x.docx".into()),
        bytes,
    };
    assert_eq!(
        engine::run_all(&r, &job(), &mut NullReporter)
            .unwrap_err()
            .code(),
        "docx_too_large"
    );

    // A PDF over the page cap (rendered by the engine itself).
    let mut text = String::from("Jo Bloggs\n\nExperience:\nAnalyst | Acme | 2019 - 2021\n");
    for i in 0..1_900 {
        text.push_str(&format!(
            "- Built dashboard number {i} for the finance team\n"
        ));
    }
    let o = engine::run_all(
        &ResumeInput {
            file_name: None,
            bytes: text.into_bytes(),
        },
        &job(),
        &mut NullReporter,
    )
    .unwrap();
    let pdf = engine::render_pdf(&o);
    let r = ResumeInput {
        file_name: Some("long.pdf".into()),
        bytes: pdf,
    };
    let e = engine::run_all(&r, &job(), &mut NullReporter).unwrap_err();
    assert_eq!(e.code(), "pdf_too_many_pages", "{e}");
}
