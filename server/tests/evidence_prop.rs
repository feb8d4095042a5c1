//! Property: for random resumes and random corpus postings, every fact of
//! the tailored resume (Markdown and text) is in the original, as judged by
//! the independent oracle (`tests/oracle`), not by the engine's own rule.
//!
//! The generator writes the shapes real resumes have: credential header
//! lines ("JORDAN LEE, MA Education, BS Mathematics"), one-line, multi-line
//! and Markdown role headers, promotions at one employer, every date form
//! (en/em dash, month names, "Sept.", "2013-09", "06/2018", "Present"),
//! gaps between roles, hyphenated line ends, page footers, Markdown headings
//! and emphasis; a quarter of the resumes as a DOCX built by the test; text
//! and HTML postings. Failures are kept in
//! `proptest-regressions/evidence_prop.txt` and replayed first.

use crate::oracle;

use std::path::Path;
use std::sync::OnceLock;

use oracle::{Kind, Original};
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;
use tailor_server::engine::{self, validate, JobInput, ResumeInput};

struct Pieces {
    bullets: Vec<String>,
    lines: Vec<String>,
    jobs: Vec<JobInput>,
}

fn pieces() -> &'static Pieces {
    static P: OnceLock<Pieces> = OnceLock::new();
    P.get_or_init(|| {
        let d = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpus");
        let mut p = Pieces {
            bullets: vec![],
            lines: vec![],
            jobs: vec![],
        };
        let mut names: Vec<_> = std::fs::read_dir(d.join("resumes"))
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .collect();
        names.sort();
        for f in names {
            if !matches!(
                f.extension().and_then(|e| e.to_str()),
                Some("txt") | Some("md")
            ) {
                continue;
            }
            for l in std::fs::read_to_string(&f).unwrap().lines() {
                let l = l.trim();
                if l.len() < 3 {
                    continue;
                }
                if let Some(b) = l.strip_prefix("- ").or_else(|| l.strip_prefix("• ")) {
                    p.bullets.push(b.to_string());
                } else if !l.contains('|') && !l.starts_with('#') {
                    p.lines.push(l.to_string());
                }
            }
        }
        let mut jobs: Vec<_> = std::fs::read_dir(d.join("jobs"))
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .collect();
        jobs.sort();
        for f in jobs {
            let text = std::fs::read_to_string(&f).unwrap();
            match f.extension().and_then(|e| e.to_str()) {
                Some("txt") => p.jobs.push(JobInput::Text(text)),
                Some("html") => p.jobs.push(JobInput::Html {
                    url: "https://example.org/job".into(),
                    html: text,
                }),
                _ => {}
            }
        }
        p
    })
}

const NAMES: &[&str] = &[
    "Pat Example",
    "JORDAN LEE, MA Education, BS Mathematics",
    "Sam Okafor, PhD",
    "Ana María Núñez, MBA",
];
const TITLES: &[&str] = &[
    "Data Analyst",
    "Senior Software Engineer",
    "Product Designer",
    "Operations Coordinator",
    "Marketing Specialist",
    "Registered Nurse",
    "Research Intern",
    "Chief Technology Officer",
    "Staff Accountant",
    "Product Manager",
];
const EMPLOYERS: &[&str] = &[
    "Northwind Traders",
    "Contoso Ltd",
    "Fabrikam, Inc.",
    "Lumen Labs",
    "Tailspin Toys",
    "Mercy General Hospital",
    "Łódź Logistics",
];
const PLACES: &[&str] = &["Austin, TX", "Remote", "Cupertino, CA", "Boston, MA"];
const EDUCATION: &[&str] = &[
    "BS Computer Science, Lakeside University, 2012",
    "Master of Business Administration (MBA) | Ohio State University | 2017",
    "B.A. in Economics — Boğaziçi University, 2009",
    "Bachelor of Science in Nursing, 2010 – 2014",
];
const FOOTERS: &[&str] = &["1/2", "Page 1 of 2", "Pat Example – Resume – 1"];

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Months since year 0 → one date in one of the forms resumes use.
fn date(m: i32, form: usize) -> String {
    let (y, mo) = (m / 12, (m % 12) as usize);
    match form {
        0 => format!("{} {y}", &MONTHS[mo][..3]),
        1 => format!("{} {y}", MONTHS[mo]),
        2 => format!("{y}-{:02}", mo + 1),
        3 => format!("{:02}/{y}", mo + 1),
        4 => {
            let short = &MONTHS[mo][..3];
            if short == "Sep" {
                format!("Sept. {y}")
            } else {
                format!("{short}. {y}")
            }
        }
        _ => y.to_string(),
    }
}

fn range(start: i32, end: Option<i32>, form: usize, dash: usize) -> String {
    let dash = [" – ", " - ", " — ", "–", " to "][dash % 5];
    let end = end.map_or_else(
        || ["Present", "Current"][form % 2].to_string(),
        |e| date(e, form),
    );
    format!("{}{dash}{end}", date(start, form))
}

/// Split the longest word of a bullet across two lines with a hyphen, as a
/// PDF or a narrow text file does.
fn hyphenate(b: &str) -> String {
    let Some(w) = b
        .split_whitespace()
        .filter(|w| w.len() >= 8 && w.chars().all(char::is_alphabetic))
        .max_by_key(|w| w.len())
    else {
        return b.to_string();
    };
    let cut = w.char_indices().nth(w.chars().count() / 2).unwrap().0;
    b.replacen(w, &format!("{}-\n  {}", &w[..cut], &w[cut..]), 1)
}

#[derive(Debug, Clone)]
struct RoleSpec {
    title: usize,
    employer: usize,
    months: i32,
    gap: i32,
    form: usize,
    dash: usize,
    layout: usize,
    promoted: bool,
    bullets: Vec<usize>,
    hyphen: bool,
    emphasis: bool,
}

fn role_strategy(nb: usize) -> impl Strategy<Value = RoleSpec> {
    (
        (0..TITLES.len(), 0..EMPLOYERS.len(), 2..60i32, 0..30i32),
        (0..6usize, 0..5usize, 0..4usize, prop::bool::weighted(0.25)),
        (
            prop::collection::vec(0..nb, 0..4),
            prop::bool::weighted(0.3),
            prop::bool::weighted(0.3),
        ),
    )
        .prop_map(
            |(
                (title, employer, months, gap),
                (form, dash, layout, promoted),
                (bullets, hyphen, emphasis),
            )| {
                RoleSpec {
                    title,
                    employer,
                    months,
                    gap,
                    form,
                    dash,
                    layout,
                    promoted,
                    bullets,
                    hyphen,
                    emphasis,
                }
            },
        )
}

#[derive(Debug, Clone)]
struct ResumeSpec {
    name: usize,
    markdown: bool,
    ongoing: bool,
    summary: Vec<usize>,
    roles: Vec<RoleSpec>,
    education: Vec<usize>,
    skills: Vec<usize>,
    footer: Option<usize>,
}

/// The header lines the reader is known to garble (see the ignored test).
const GARBLED_NAMES: &[usize] = &[1];

/// `all_names: false` leaves out the header lines in [`GARBLED_NAMES`].
fn resume_strategy(all_names: bool) -> impl Strategy<Value = (String, usize)> {
    let p = pieces();
    let (nb, nl, nj) = (p.bullets.len(), p.lines.len(), p.jobs.len());
    let names: Vec<usize> = (0..NAMES.len())
        .filter(|i| all_names || !GARBLED_NAMES.contains(i))
        .collect();
    (
        (prop::sample::select(names), any::<bool>(), any::<bool>()),
        prop::collection::vec(0..nl, 0..2),
        prop::collection::vec(role_strategy(nb), 1..4),
        prop::collection::vec(0..EDUCATION.len(), 0..2),
        prop::collection::vec(0..nl, 0..2),
        prop::option::weighted(0.3, 0..FOOTERS.len()),
        0..nj,
    )
        .prop_map(
            |((name, markdown, ongoing), summary, roles, education, skills, footer, job)| {
                let spec = ResumeSpec {
                    name,
                    markdown,
                    ongoing,
                    summary,
                    roles,
                    education,
                    skills,
                    footer,
                };
                (write_resume(&spec), job)
            },
        )
}

fn write_resume(s: &ResumeSpec) -> String {
    let p = pieces();
    let h = |t: &str| {
        if s.markdown {
            format!("## {t}\n")
        } else {
            format!("{}\n", t.to_uppercase())
        }
    };
    let mut out = String::new();
    if s.markdown {
        out.push_str("# ");
    }
    out.push_str(NAMES[s.name]);
    out.push_str("\nname@example.org | (555) 010-0199\n\n");
    if !s.summary.is_empty() {
        out.push_str(&h("Summary"));
        for &l in &s.summary {
            out.push_str(&p.lines[l]);
            out.push('\n');
        }
        out.push('\n');
    }
    out.push_str(&h("Experience"));
    // Latest role first, ending now or in mid-2024; each earlier role ends
    // before the next one starts, with a gap.
    let mut end: Option<i32> = if s.ongoing { None } else { Some(2024 * 12 + 5) };
    let mut cursor = 2025 * 12 + 10;
    let mut employer = 0;
    for (i, r) in s.roles.iter().enumerate() {
        let e = end.unwrap_or(cursor);
        let start = e - r.months;
        if !(r.promoted && i > 0) {
            employer = r.employer;
        }
        let title = if s.markdown && r.emphasis {
            format!("**{}**", TITLES[r.title])
        } else {
            TITLES[r.title].to_string()
        };
        let emp = if s.markdown && r.emphasis {
            format!("*{}*", EMPLOYERS[employer])
        } else {
            EMPLOYERS[employer].to_string()
        };
        let dates = range(start, end, r.form, r.dash);
        let place = PLACES[(r.title + i) % PLACES.len()];
        let header = match (r.layout, s.markdown) {
            (0, _) => format!("{title} | {emp} | {dates}\n"),
            (1, _) => format!("{title}\n{emp} | {place}\n{dates}\n"),
            // A promotion under the employer line of the role before it.
            (2, _) if r.promoted && i > 0 => format!("{title} | {dates}\n"),
            (2, _) => format!("{emp} — {place}\n{title} | {dates}\n"),
            (_, true) => format!("### {title} | {emp} | {dates}\n"),
            (_, false) => format!("{title}, {emp}, {place}    {dates}\n"),
        };
        out.push_str(&header);
        for &b in &r.bullets {
            let text = if r.hyphen {
                hyphenate(&p.bullets[b])
            } else {
                p.bullets[b].clone()
            };
            out.push_str(&format!("{} {text}\n", if s.markdown { "-" } else { "•" }));
        }
        if i == 0 {
            if let Some(f) = s.footer {
                out.push_str(&format!("\n{}\n\n", FOOTERS[f]));
            }
        }
        out.push('\n');
        end = Some(start - 1 - r.gap);
        cursor = start - 1 - r.gap;
    }
    if !s.education.is_empty() {
        out.push_str(&h("Education"));
        for &e in &s.education {
            out.push_str(EDUCATION[e]);
            out.push('\n');
        }
        out.push('\n');
    }
    if !s.skills.is_empty() {
        out.push_str(&h("Skills"));
        for &l in &s.skills {
            out.push_str(&p.lines[l]);
            out.push('\n');
        }
    }
    out
}

/// The resume as a DOCX built here: one paragraph per line, in a zip with
/// the three parts Word needs.
fn docx(text: &str) -> Vec<u8> {
    use std::io::Write;
    let esc = |l: &str| {
        l.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    let body: String = text
        .lines()
        .map(|l| {
            format!(
                r#"<w:p><w:r><w:t xml:space="preserve">{}</w:t></w:r></w:p>"#,
                esc(l)
            )
        })
        .collect();
    let parts = [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#.to_string(),
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#.to_string(),
        ),
        (
            "word/document.xml",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>"#
            ),
        ),
    ];
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, xml) in parts {
        z.start_file(name, opts).unwrap();
        z.write_all(xml.as_bytes()).unwrap();
    }
    z.finish().unwrap().into_inner()
}

/// Tailor `text` for posting `job`; what the oracle finds unsupported in the
/// Markdown and text outputs, with the outputs for the failure message.
fn findings(
    text: &str,
    job: usize,
    as_docx: bool,
) -> Result<(Vec<oracle::Finding>, Vec<validate::Violation>, String), TestCaseError> {
    let r = if as_docx {
        ResumeInput {
            file_name: Some("r.docx".into()),
            bytes: docx(text),
        }
    } else {
        ResumeInput {
            file_name: Some("r.md".into()),
            bytes: text.as_bytes().to_vec(),
        }
    };
    let o = match engine::run_all(&r, &pieces().jobs[job], &mut engine::NullReporter) {
        Ok(o) => o,
        Err(e) => {
            prop_assert_eq!(e.code(), "empty_resume");
            return Ok((vec![], vec![], String::new()));
        }
    };
    // Employers and titles are the original's, unchanged and in order.
    let a: Vec<_> = o.original.roles().into_iter().cloned().collect();
    let b: Vec<_> = o.tailored.roles().into_iter().cloned().collect();
    prop_assert_eq!(a, b);
    let orig = Original::new(text, oracle::today());
    let mut f = orig.unsupported(&o.tailored_markdown);
    f.extend(orig.unsupported(&o.tailored_text));
    f.sort();
    f.dedup();
    let v = validate::evidence_violations(
        &o.original,
        &o.original_text,
        &o.tailored,
        validate::today(),
    );
    Ok((f, v, o.tailored_markdown))
}

/// 160 cases per run (`EVIDENCE_CASES=N` for a longer search); failures
/// saved to (and replayed from) `file`.
fn config(file: &'static str) -> ProptestConfig {
    let cases = std::env::var("EVIDENCE_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(160);
    ProptestConfig {
        cases,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(file))),
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config(concat!(env!("CARGO_MANIFEST_DIR"), "/proptest-regressions/evidence_prop.txt")))]

    #[test]
    fn tailored_facts_come_from_the_original((text, job) in resume_strategy(false), as_docx in prop::bool::weighted(0.25)) {
        let (f, v, out) = findings(&text, job, as_docx)?;
        // Years claims are judged in the ignored test below (a known writing bug).
        let f: Vec<_> = f.into_iter().filter(|x| x.kind != Kind::Years).collect();
        prop_assert!(f.is_empty(), "unsupported {:?}\n--- resume\n{}\n--- tailored\n{}", f, text, out);
        // The engine's own rule does not cry wolf on a truthful output either.
        let v: Vec<_> = v.into_iter().filter(|x| x.kind != validate::FactKind::Years).collect();
        prop_assert!(v.is_empty(), "the engine's rule fails true facts {:?}\n--- resume\n{}\n--- tailored\n{}", v, text, out);
    }
}

proptest! {
    #![proptest_config(config(concat!(env!("CARGO_MANIFEST_DIR"), "/proptest-regressions/evidence_prop_known_bugs.txt")))]

    #[test]
    fn every_fact_comes_from_the_original((text, job) in resume_strategy(true), as_docx in prop::bool::weighted(0.25)) {
        let (f, _, out) = findings(&text, job, as_docx)?;
        prop_assert!(f.is_empty(), "unsupported {:?}\n--- resume\n{}\n--- tailored\n{}", f, text, out);
    }
}

#[test]
fn the_generator_writes_every_shape() {
    // The shapes the property relies on do occur in what it generates.
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let strat = resume_strategy(true);
    let mut all = String::new();
    for _ in 0..200 {
        all.push_str(&strat.new_tree(&mut runner).unwrap().current().0);
    }
    for shape in [
        "MA Education, BS Mathematics",
        " – Present",
        "—",
        "Sept. ",
        "September ",
        "/20",
        "-\n  ",
        "Page 1 of 2",
        "## Experience",
        "### ",
        "**",
        "\n\n",
    ] {
        assert!(all.contains(shape), "never generated: {shape:?}");
    }
    assert!(regex::Regex::new(r"\b20\d\d-\d\d\b")
        .unwrap()
        .is_match(&all));
}
