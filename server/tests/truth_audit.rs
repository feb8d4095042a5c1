//! Truth audit: for every corpus pair, every date, years claim, degree,
//! certification, employer, title, number and word of every output format
//! (Markdown, text, DOCX text from `word/document.xml`, PDF text read back
//! with Tailor's PDF reader, as an ATS would read the download) is traced to the original by the independent oracle
//! (`tests/oracle`). Plus mutation cases: one invented fact of each kind is
//! exactly one violation of that kind, for the oracle and the engine's rule.

use crate::common;

use crate::oracle;

use oracle::{Finding, Kind, Original};
use tailor_server::engine::resume::Resume;
use tailor_server::engine::{self, render, validate, JobInput, Outcome, ResumeInput};

use common::{corpus_dir as dir, corpus_pairs as pairs};

fn run(resume: &str, job: &str) -> Outcome {
    let d = dir();
    let r = ResumeInput {
        file_name: Some(resume.rsplit('/').next().unwrap().to_string()),
        bytes: std::fs::read(d.join(resume)).unwrap(),
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
    engine::run_all(&r, &j, &mut engine::NullReporter)
        .unwrap_or_else(|e| panic!("{resume} × {job}: {e}"))
}

/// The original as the user wrote it: the file for text formats, the
/// extracted text for PDF and DOCX.
fn original_text(resume: &str, o: &Outcome) -> String {
    if resume.ends_with(".txt") || resume.ends_with(".md") {
        std::fs::read_to_string(dir().join(resume)).unwrap()
    } else {
        o.original_text.clone()
    }
}

/// Every output format as text.
fn formats(o: &Outcome) -> Vec<(&'static str, String)> {
    let pdf = engine::render_pdf(o);
    vec![
        ("md", engine::render_markdown(o)),
        ("txt", engine::render_text(o)),
        ("docx", common::docx_text(&engine::render_docx(o))),
        (
            "pdf",
            engine::resume::pdf::pdf_to_text_pages(&pdf)
                .expect("the PDF reads back")
                .0,
        ),
    ]
}

fn audit(pairs: &[(String, String)]) -> Vec<String> {
    let today = oracle::today();
    let mut bad = Vec::new();
    let mut checked = 0;
    for (resume, job) in pairs {
        let o = run(resume, job);
        let orig = Original::new(&original_text(resume, &o), today);
        for (fmt, text) in formats(&o) {
            assert!(text.len() > 100, "{resume} × {job} {fmt}: empty output");
            checked += 1;
            for f in orig.unsupported(&text) {
                bad.push(format!("{resume} × {job} [{fmt}] {f}"));
            }
        }
    }
    eprintln!(
        "audited {checked} outputs of {} pairs: {} unsupported",
        pairs.len(),
        bad.len()
    );
    bad
}

#[test]
fn every_output_of_every_corpus_pair_is_traced_to_the_original() {
    let all = pairs();
    assert!(all.len() >= 28);
    let bad = audit(&all);
    assert!(bad.is_empty(), "unsupported:\n{}", bad.join("\n"));
}

// ------------------------------------------------------------ mutations

/// One invented fact, added to a copy of the tailored resume.
fn mutate(t: &Resume, kind: Kind, number: &str, degree: &str) -> Resume {
    let mut t = t.clone();
    let (si, bi) = t
        .sections
        .iter()
        .enumerate()
        .find_map(|(si, s)| {
            s.blocks
                .iter()
                .position(|b| {
                    b.role
                        .as_ref()
                        .is_some_and(|r| r.employer.is_some() && r.title.is_some())
                })
                .map(|bi| (si, bi))
        })
        .expect("a role with a title and an employer");
    let b = &mut t.sections[si].blocks[bi];
    let role = b.role.clone().unwrap();
    let swap = |b: &mut tailor_server::engine::resume::Block, from: &str, to: &str| {
        for h in &mut b.header {
            *h = h.replace(from, to);
        }
    };
    match kind {
        Kind::Degree => b.bullets.push(degree.into()),
        Kind::Date => b.bullets.push("2015 – 2017".into()),
        Kind::Certification => b.bullets.push("AWS Certified Solutions Architect".into()),
        Kind::Number => b.bullets.push(number.into()),
        Kind::Employer => {
            swap(b, role.employer.as_deref().unwrap(), "Globex Corporation");
            b.role.as_mut().unwrap().employer = Some("Globex Corporation".into());
        }
        Kind::Title => {
            swap(b, role.title.as_deref().unwrap(), "Principal Architect");
            b.role.as_mut().unwrap().title = Some("Principal Architect".into());
        }
        Kind::Word | Kind::Years => unreachable!(),
    }
    t
}

fn engine_kind(k: Kind) -> validate::FactKind {
    match k {
        Kind::Degree => validate::FactKind::Degree,
        Kind::Date => validate::FactKind::Date,
        Kind::Certification => validate::FactKind::Certification,
        Kind::Number => validate::FactKind::Number,
        Kind::Employer => validate::FactKind::Employer,
        Kind::Title => validate::FactKind::Title,
        Kind::Word => validate::FactKind::Skill,
        Kind::Years => validate::FactKind::Years,
    }
}

#[test]
fn each_invented_fact_is_exactly_one_violation_of_its_kind() {
    let today = oracle::today();
    let engine_today = validate::today();
    // A text, a Markdown, a PDF and a DOCX resume.
    let cases = [
        (
            "resumes/pwdevens_operations_manager_michael_chen.txt",
            "jobs/18f_technology-portfolio-specialist.html",
        ),
        (
            "resumes/pivot_accountant_jennifer_martinez.md",
            "jobs/gdg_jd_data_analyst.txt",
        ),
        ("resumes/rm_harvey_dent_mle.pdf", "jobs/rm_ml-eng.txt"),
        (
            "resumes/skillora_software_engineer_resume.docx",
            "jobs/skillora_senior_software_engineer_jd.txt",
        ),
    ];
    for (resume, job) in cases {
        let o = run(resume, job);
        let source = original_text(resume, &o);
        let orig = Original::new(&source, today);
        // A number the original does not write.
        let number = (731..)
            .map(|n| n.to_string())
            .find(|n| {
                !regex::Regex::new(&format!(r"\b{n}\b"))
                    .unwrap()
                    .is_match(&source)
            })
            .unwrap();
        // An MBA, or a PhD for the resume that has an MBA.
        let degree = ["MBA", "PhD"]
            .into_iter()
            .find(|d| !source.contains(d))
            .unwrap();
        let base_o: Vec<Finding> = orig.unsupported(&render::markdown::to_text(&o.tailored));
        let base_e =
            validate::evidence_violations(&o.original, &o.original_text, &o.tailored, engine_today);
        for kind in [
            Kind::Degree,
            Kind::Date,
            Kind::Employer,
            Kind::Title,
            Kind::Certification,
            Kind::Number,
        ] {
            let m = mutate(&o.tailored, kind, &number, degree);
            let text = render::markdown::to_text(&m);
            let found: Vec<Finding> = orig
                .unsupported(&text)
                .into_iter()
                .filter(|f| !base_o.contains(f))
                .collect();
            assert_eq!(
                found.iter().map(|f| f.kind).collect::<Vec<_>>(),
                vec![kind],
                "oracle, {resume}, {kind:?}: {found:?}"
            );
            let found: Vec<_> =
                validate::evidence_violations(&o.original, &o.original_text, &m, engine_today)
                    .into_iter()
                    .filter(|v| !base_e.contains(v))
                    .collect();
            assert_eq!(
                found.iter().map(|v| v.kind).collect::<Vec<_>>(),
                vec![engine_kind(kind)],
                "engine, {resume}, {kind:?}: {found:?}"
            );
        }
    }
}

#[test]
fn the_oracle_reads_the_hard_shapes() {
    let o = Original::new(
        concat!(
            "MICHAEL CHEN, MA Education, BS Mathematics\n",
            "Experience\n",
            "CTO | Lumen Labs | 2013-09 — Present\n",
            "- Grew revenue 2020 by 35% with LLM-powered search on AWS Lambda\n",
            "Analyst | Beta Corp | Jan 2010 – Dec 2011\n",
        ),
        (2016, 9),
    );
    let kinds = |t: &str| -> Vec<Kind> { o.unsupported(t).into_iter().map(|f| f.kind).collect() };
    assert!(kinds("CTO | Lumen Labs | 2013-09 — Present").is_empty());
    assert!(kinds("Key skills: AWS, LLM").is_empty());
    assert_eq!(kinds("MA Mathematics"), vec![Kind::Degree]);
    assert_eq!(
        kinds("Grew revenue by 20%"),
        vec![Kind::Number],
        "a whole token, not inside 2020"
    );
    assert_eq!(
        kinds("Analyst | Beta Corp | Jan 2010 – Dec 2012"),
        vec![Kind::Date]
    );
    // Sep 2013 – Sep 2016 and 2010–2011: 37 + 24 months, so 5 years, not 6.
    assert!(kinds("CTO with 5+ years of experience").is_empty());
    assert_eq!(kinds("CTO with 6+ years of experience"), vec![Kind::Years]);
    assert_eq!(kinds("Initech Partners"), vec![Kind::Employer]);
    assert_eq!(kinds("Staff Engineer"), vec![Kind::Title]);
    assert_eq!(kinds("PMP"), vec![Kind::Certification]);
    assert_eq!(kinds("Kubernetes"), vec![Kind::Word]);
}
