//! Property: for random resumes built from corpus pieces and random corpus
//! postings, nothing in the tailored resume's skills, employers, titles,
//! dates, degrees or numbers is absent from the original.

use std::path::Path;
use std::sync::OnceLock;

use proptest::prelude::*;
use tailor_server::engine::{self, validate, JobInput, ResumeInput};

struct Pieces {
    headers: Vec<String>,
    bullets: Vec<String>,
    lines: Vec<String>,
    jobs: Vec<String>,
}

fn pieces() -> &'static Pieces {
    static P: OnceLock<Pieces> = OnceLock::new();
    P.get_or_init(|| {
        let d = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpus");
        let mut p = Pieces {
            headers: vec![],
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
                } else if l.contains('|') && l.chars().any(|c| c.is_ascii_digit()) {
                    p.headers.push(l.trim_start_matches('#').trim().to_string());
                } else {
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
            if f.extension().and_then(|e| e.to_str()) == Some("txt") {
                p.jobs.push(std::fs::read_to_string(&f).unwrap());
            }
        }
        p
    })
}

const HEADINGS: &[&str] = &[
    "SUMMARY",
    "Experience:",
    "## Skills",
    "EDUCATION",
    "Projects",
    "CERTIFICATIONS",
    "Awards",
];

fn resume_strategy() -> impl Strategy<Value = (String, usize)> {
    let p = pieces();
    let (nh, nb, nl, nj) = (
        p.headers.len(),
        p.bullets.len(),
        p.lines.len(),
        p.jobs.len(),
    );
    (
        prop::collection::vec(
            (
                0..HEADINGS.len(),
                prop::collection::vec((0..nh, prop::collection::vec(0..nb, 0..5)), 0..3),
                prop::collection::vec(0..nl, 0..3),
            ),
            1..5,
        ),
        0..nj,
    )
        .prop_map(move |(sections, job)| {
            let p = pieces();
            let mut s = String::from("Pat Example\npat@example.org | (555) 010-0199\n\n");
            for (h, blocks, lines) in sections {
                s.push_str(HEADINGS[h]);
                s.push('\n');
                for l in lines {
                    s.push_str(&p.lines[l]);
                    s.push('\n');
                }
                for (hd, bs) in blocks {
                    s.push_str(&p.headers[hd]);
                    s.push('\n');
                    for b in bs {
                        s.push_str("- ");
                        s.push_str(&p.bullets[b]);
                        s.push('\n');
                    }
                }
                s.push('\n');
            }
            (s, job)
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, .. ProptestConfig::default() })]

    #[test]
    fn tailored_facts_come_from_the_original((text, job) in resume_strategy()) {
        let r = ResumeInput { file_name: Some("r.md".into()), bytes: text.clone().into_bytes() };
        let j = JobInput::Text(pieces().jobs[job].clone());
        let o = match engine::run_all(&r, &j, &mut engine::NullReporter) {
            Ok(o) => o,
            // A resume made of a name, contact details and empty headings has nothing to tailor.
            Err(e) => {
                prop_assert_eq!(e.code(), "empty_resume");
                return Ok(());
            }
        };
        let years = engine::writing::years_of_experience(&o.original).map(|y| y.0);
        let v = validate::evidence_violations(&o.original, &o.original_text, &o.tailored, validate::today());
        prop_assert!(v.is_empty(), "violations {:?}\n--- resume\n{}\n--- tailored\n{}", v, text, o.tailored_markdown);
        // Independent of the parser: every number in the tailored text is in the raw original text.
        let re = regex::Regex::new(r"\d+").unwrap();
        for m in re.find_iter(&o.tailored_text) {
            let n = m.as_str();
            prop_assert!(text.contains(n) || years.map(|y| y.to_string()).as_deref() == Some(n),
                "number {} not in the original\n{}", n, o.tailored_text);
        }
        // Employers and titles are the original's, unchanged and in order.
        let a: Vec<_> = o.original.roles().into_iter().cloned().collect();
        let b: Vec<_> = o.tailored.roles().into_iter().cloned().collect();
        prop_assert_eq!(a, b);
    }
}
