//! `cargo bench --bench engine`: the whole engine (all five steps, renderings
//! excluded/included) on a two-page resume and a typical posting.

use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion};
use tailor_server::engine::{self, JobInput, NullReporter, ResumeInput};

fn load(p: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/corpus")
            .join(p),
    )
    .unwrap()
}

fn bench(c: &mut Criterion) {
    let resume = ResumeInput {
        file_name: Some("pwdevens_designer_elizabeth_ross.txt".into()),
        bytes: load("resumes/pwdevens_designer_elizabeth_ross.txt"),
    };
    let job_text = JobInput::Text(
        String::from_utf8(load("jobs/skillora_senior_software_engineer_jd.txt")).unwrap(),
    );
    let job_html = JobInput::Html {
        url: "https://example.org/visual-designer".into(),
        html: String::from_utf8(load("jobs/18f_visual-designer.html")).unwrap(),
    };
    // Warm the gazetteer (built once per process).
    engine::run_all(&resume, &job_text, &mut NullReporter).unwrap();
    c.bench_function("run_all/txt_resume+text_posting", |b| {
        b.iter(|| engine::run_all(&resume, &job_text, &mut NullReporter).unwrap())
    });
    c.bench_function("run_all/txt_resume+html_posting", |b| {
        b.iter(|| engine::run_all(&resume, &job_html, &mut NullReporter).unwrap())
    });
    let o = engine::run_all(&resume, &job_html, &mut NullReporter).unwrap();
    c.bench_function("render/docx+pdf", |b| {
        b.iter(|| (engine::render_docx(&o), engine::render_pdf(&o)))
    });
    let docx = ResumeInput {
        file_name: Some("r.docx".into()),
        bytes: load("resumes/skillora_software_engineer_resume.docx"),
    };
    c.bench_function("run_all/docx_resume+text_posting", |b| {
        b.iter(|| engine::run_all(&docx, &job_text, &mut NullReporter).unwrap())
    });
    let pdf = ResumeInput {
        file_name: Some("r.pdf".into()),
        bytes: load("resumes/rm_bruce_wayne_fullstack.pdf"),
    };
    c.bench_function("run_all/pdf_resume+text_posting", |b| {
        b.iter(|| engine::run_all(&pdf, &job_text, &mut NullReporter).unwrap())
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(std::time::Duration::from_secs(3)).warm_up_time(std::time::Duration::from_secs(1));
    targets = bench
}
criterion_main!(benches);
