//! Golden test over every corpus pair: scores before/after, edits, and the
//! evidence rule (zero failures). `UPDATE_GOLDEN=1 cargo test --test corpus`
//! rewrites `tests/fixtures/golden.tsv`.

use std::path::{Path, PathBuf};

use tailor_common::{EventBody, ValidationStatus};
use tailor_server::engine::{self, JobInput, RecordingReporter, ResumeInput};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpus")
}

fn inputs(resume: &str, job: &str) -> (ResumeInput, JobInput) {
    let d = dir();
    let bytes = std::fs::read(d.join(resume)).unwrap();
    let r = ResumeInput {
        file_name: Some(resume.rsplit('/').next().unwrap().to_string()),
        bytes,
    };
    let text = std::fs::read_to_string(d.join(job)).unwrap();
    let j = if job.ends_with(".html") {
        JobInput::Html {
            url: format!("https://example.org/{job}"),
            html: text,
        }
    } else {
        JobInput::Text(text)
    };
    (r, j)
}

fn pairs() -> Vec<(String, String)> {
    std::fs::read_to_string(dir().join("pairs.tsv"))
        .unwrap()
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let mut p = l.split('\t');
            (p.next().unwrap().to_string(), p.next().unwrap().to_string())
        })
        .collect()
}

#[test]
fn every_corpus_pair_is_tailored_truthfully() {
    let mut rows = vec!["resume\tjob\tscore_before\tscore_after\tedits\tmissing".to_string()];
    let mut before_sum = 0.0;
    let mut after_sum = 0.0;
    let pairs = pairs();
    assert!(pairs.len() >= 28);
    for (resume, job) in &pairs {
        let (r, j) = inputs(resume, job);
        let mut rep = RecordingReporter::default();
        let o =
            engine::run_all(&r, &j, &mut rep).unwrap_or_else(|e| panic!("{resume} × {job}: {e}"));
        let ev = o
            .validation
            .iter()
            .find(|v| v.rule_id == "evidence")
            .unwrap();
        assert_eq!(
            ev.status,
            ValidationStatus::Pass,
            "{resume} × {job}: {}",
            ev.message
        );
        assert!(
            o.score_after.total >= o.score_before.total,
            "{resume} × {job}: score fell {} → {}",
            o.score_before.total,
            o.score_after.total
        );
        assert!(o.score_after.total <= 100);
        // Every rule reported pending first, then settled exactly once.
        let rules: Vec<_> = rep
            .events
            .iter()
            .filter_map(|e| match e {
                EventBody::ValidationUpdate(v) => Some(v),
                _ => None,
            })
            .collect();
        assert_eq!(rules.len(), 22, "{resume} × {job}");
        assert!(rules[..11]
            .iter()
            .all(|v| v.status == ValidationStatus::Pending));
        assert!(rules[11..]
            .iter()
            .all(|v| v.status != ValidationStatus::Pending));
        // Insight ids are unique within a job.
        let mut ids: Vec<&str> = rep
            .events
            .iter()
            .filter_map(|e| match e {
                EventBody::InsightEmitted(i) => Some(i.id.as_str()),
                _ => None,
            })
            .collect();
        let n = ids.len();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), n, "{resume} × {job}: duplicate insight ids");
        // The engine never emits the server's event types.
        assert!(rep.events.iter().all(|e| matches!(
            e,
            EventBody::InsightEmitted(_)
                | EventBody::MetricUpdate(_)
                | EventBody::ValidationUpdate(_)
                | EventBody::DiffChunk(_)
        )));
        before_sum += o.score_before.total as f64;
        after_sum += o.score_after.total as f64;
        rows.push(format!(
            "{resume}\t{job}\t{}\t{}\t{}\t{}",
            o.score_before.total,
            o.score_after.total,
            o.edits.len(),
            o.missing.len()
        ));
    }
    let n = pairs.len() as f64;
    println!(
        "mean score before {:.1}, after {:.1}",
        before_sum / n,
        after_sum / n
    );
    let table = rows.join("\n") + "\n";
    let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/golden.tsv");
    if std::env::var("UPDATE_GOLDEN").is_ok() || !golden.exists() {
        std::fs::write(&golden, &table).unwrap();
    } else {
        let want = std::fs::read_to_string(&golden).unwrap();
        let changed: Vec<String> = table
            .lines()
            .zip(want.lines())
            .filter(|(a, b)| a != b)
            .map(|(a, b)| format!("  now  {a}\n  was  {b}"))
            .collect();
        assert!(
            changed.is_empty() && table.lines().count() == want.lines().count(),
            "golden scores changed (rerun with UPDATE_GOLDEN=1 if intended):\n{}",
            changed.join("\n")
        );
    }
}

#[test]
fn same_input_same_events_and_output() {
    let (r, j) = inputs(
        "resumes/pwdevens_designer_elizabeth_ross.txt",
        "jobs/18f_visual-designer.html",
    );
    let mut a = RecordingReporter::default();
    let mut b = RecordingReporter::default();
    let oa = engine::run_all(&r, &j, &mut a).unwrap();
    let ob = engine::run_all(&r, &j, &mut b).unwrap();
    assert_eq!(a.events, b.events);
    assert_eq!(a.progress, b.progress);
    assert_eq!(oa, ob);
    assert_eq!(engine::render_pdf(&oa), engine::render_pdf(&ob));
    assert_eq!(engine::render_docx(&oa), engine::render_docx(&ob));
    // The outcome survives JSON.
    let json = serde_json::to_string(&oa).unwrap();
    let back: engine::Outcome = serde_json::from_str(&json).unwrap();
    assert_eq!(back, oa);
}

#[test]
fn pdf_and_markdown_twins_read_alike() {
    let j = "jobs/gdg_jd_data_analyst.txt";
    let (rp, jp) = inputs("resumes/pivot_accountant_jennifer_martinez.pdf", j);
    let (rm, jm) = inputs("resumes/pivot_accountant_jennifer_martinez.md", j);
    let p = engine::run_all(&rp, &jp, &mut engine::NullReporter).unwrap();
    let m = engine::run_all(&rm, &jm, &mut engine::NullReporter).unwrap();
    assert_eq!(p.candidate_name, m.candidate_name);
    let d = p.score_before.total as i64 - m.score_before.total as i64;
    assert!(
        d.abs() <= 10,
        "pdf {} vs md {}",
        p.score_before.total,
        m.score_before.total
    );
}

#[test]
fn renders_parse_back() {
    let (r, j) = inputs(
        "resumes/skillora_data_scientist_resume.docx",
        "jobs/skillora_data_scientist_jd.txt",
    );
    let o = engine::run_all(&r, &j, &mut engine::NullReporter).unwrap();
    for (name, bytes) in [
        ("x.docx", engine::render_docx(&o)),
        ("x.pdf", engine::render_pdf(&o)),
    ] {
        let back = engine::run_all(
            &ResumeInput {
                file_name: Some(name.into()),
                bytes,
            },
            &j,
            &mut engine::NullReporter,
        )
        .unwrap();
        assert_eq!(back.candidate_name, o.candidate_name, "{name}");
        assert_eq!(
            back.original.roles().len(),
            o.tailored.roles().len(),
            "{name}"
        );
    }
}

#[test]
fn errors_are_typed() {
    let j =
        JobInput::Text("Data Analyst\nRequirements: Python, SQL and Tableau dashboards.".into());
    let cases: Vec<(ResumeInput, &str)> = vec![
        (
            ResumeInput {
                file_name: Some("a.png".into()),
                bytes: b"\x89PNG....".to_vec(),
            },
            "unsupported_format",
        ),
        (
            ResumeInput {
                file_name: None,
                bytes: b"   ".to_vec(),
            },
            "empty_resume",
        ),
        (
            ResumeInput {
                file_name: Some("big.txt".into()),
                bytes: vec![b'a'; engine::MAX_RESUME_BYTES + 1],
            },
            "file_too_large",
        ),
        (
            ResumeInput {
                file_name: Some("x.docx".into()),
                bytes: b"PK\x03\x04broken".to_vec(),
            },
            "docx_invalid",
        ),
    ];
    for (r, code) in cases {
        let e = engine::run_all(&r, &j, &mut engine::NullReporter).unwrap_err();
        assert_eq!(e.code(), code, "{e}");
        assert!(!e.to_string().is_empty());
    }
    let r = ResumeInput {
        file_name: None,
        bytes: b"Jo Bloggs\nSkills: Python, SQL, Tableau and more".to_vec(),
    };
    let e =
        engine::run_all(&r, &JobInput::Text(" ".into()), &mut engine::NullReporter).unwrap_err();
    assert_eq!(e.code(), "empty_job");
}

#[test]
fn a_pdf_without_text_is_pdf_no_text() {
    // A one-page PDF whose page draws only a rectangle (what a scan looks like to a text extractor).
    use pdf_extract::content::{Content, Operation};
    use pdf_extract::{Dictionary, Document, Object, Stream};
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let ops = vec![
        Operation::new("re", vec![10.into(), 10.into(), 100.into(), 100.into()]),
        Operation::new("f", vec![]),
    ];
    let cid = doc.add_object(Stream::new(
        Dictionary::new(),
        Content { operations: ops }.encode().unwrap(),
    ));
    let mut page = Dictionary::new();
    page.set("Type", Object::Name(b"Page".to_vec()));
    page.set("Parent", Object::Reference(pages_id));
    page.set("Contents", Object::Reference(cid));
    let pid = doc.add_object(page);
    let mut pages = Dictionary::new();
    pages.set("Type", Object::Name(b"Pages".to_vec()));
    pages.set("Kids", Object::Array(vec![Object::Reference(pid)]));
    pages.set("Count", Object::Integer(1));
    pages.set(
        "MediaBox",
        Object::Array(vec![0.into(), 0.into(), 612.into(), 792.into()]),
    );
    doc.objects.insert(pages_id, Object::Dictionary(pages));
    let mut cat = Dictionary::new();
    cat.set("Type", Object::Name(b"Catalog".to_vec()));
    cat.set("Pages", Object::Reference(pages_id));
    let cat_id = doc.add_object(cat);
    doc.trailer.set("Root", Object::Reference(cat_id));
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).unwrap();
    let r = ResumeInput {
        file_name: Some("scan.pdf".into()),
        bytes,
    };
    let j =
        JobInput::Text("Data Analyst\nRequirements: Python, SQL and Tableau dashboards.".into());
    let e = engine::run_all(&r, &j, &mut engine::NullReporter).unwrap_err();
    assert_eq!(e.code(), "pdf_no_text", "{e}");
    assert!(e.to_string().contains("no text layer"));
}
