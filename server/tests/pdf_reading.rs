//! The PDF reader against known texts: a fixed subset of the reading
//! benchmark (scripts/pdf-bench; full matrix in benches/pdf-reading.md) and
//! hand-checked facts of the corpus PDFs. Thresholds fail the build.

use std::path::PathBuf;

use tailor_server::engine::resume::pdf::{pdf_layout, pdf_to_text_pages, PdfLayout};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn read_fixture(name: &str) -> Vec<u8> {
    std::fs::read(fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Whitespace-normalised, with '|' as a separator: the reader joins a title
/// and its right-aligned date with " | ", the true text with a space.
fn norm(s: &str) -> String {
    s.replace('|', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn levenshtein(a: &[char], b: &[char]) -> usize {
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

fn cer(truth: &str, got: &str) -> f64 {
    let t: Vec<char> = norm(truth).chars().collect();
    let g: Vec<char> = norm(got).chars().collect();
    levenshtein(&t, &g) as f64 / t.len().max(1) as f64
}

/// E-mail addresses, phone numbers and date ranges in a true text.
fn facts(truth: &str) -> Vec<String> {
    let email = regex::Regex::new(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+").unwrap();
    let phone = regex::Regex::new(r"\+?\(?\d[\d ()-]{7,}\d").unwrap();
    let month = "(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)";
    let date = regex::Regex::new(&format!(
        r"{month} \d{{4}} – (?:{month} \d{{4}}|Present)|\d{{2}}/\d{{4}} – (?:\d{{2}}/\d{{4}}|Present)|\d{{4}}-\d{{2}} — (?:\d{{4}}-\d{{2}}|Present)|\d{{4}} – \d{{4}}"
    ))
    .unwrap();
    let mut out = Vec::new();
    for re in [&email, &phone, &date] {
        out.extend(re.find_iter(truth).map(|m| m.as_str().trim().to_string()));
    }
    out
}

/// (pdf, truth) pairs: one per layout class, across the three producers.
const SET: &[(&str, &str)] = &[
    ("pdf/r1_classic.chromium.pdf", "pdf/r1_classic.truth.txt"),
    ("pdf/r2_twocol.chromium.pdf", "pdf/r2_twocol.truth.txt"),
    ("pdf/r2_twocol.weasyprint.pdf", "pdf/r2_twocol.truth.txt"),
    ("pdf/r3_unicode.fpdf2.pdf", "pdf/r3_unicode.truth.txt"),
    ("pdf/r4_twopage.weasyprint.pdf", "pdf/r4_twopage.truth.txt"),
    ("pdf/r5_hyphen.chromium.pdf", "pdf/r5_hyphen.truth.txt"),
    ("pdf/r6_heldout.weasyprint.pdf", "pdf/r6_heldout.truth.txt"),
];

#[test]
fn character_error_rate_and_facts_on_known_texts() {
    let mut failures = Vec::new();
    for (pdf, truth) in SET {
        let truth = std::fs::read_to_string(fixture(truth)).unwrap();
        let (text, _) = pdf_to_text_pages(&read_fixture(pdf)).unwrap();
        let rate = cer(&truth, &text);
        if rate > 0.01 {
            failures.push(format!("{pdf}: CER {:.2}% > 1%\n{text}", rate * 100.0));
        }
        let got = norm(&text);
        let facts = facts(&truth);
        assert!(
            facts.len() >= 3,
            "{pdf}: the truth should hold facts to check"
        );
        for f in facts {
            if !got.contains(&norm(&f)) {
                failures.push(format!("{pdf}: {f:?} not read exactly"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn cells_side_by_side_that_both_wrap_are_read_whole() {
    // r6's education row: the degree wraps ("… Lyon" / "2") beside its
    // dates ("2016 –" / "2018"), a few points apart.
    let (text, _) = pdf_to_text_pages(&read_fixture("pdf/r6_heldout.weasyprint.pdf")).unwrap();
    assert!(
        text.lines()
            .any(|l| l == "MA Interaction Design, Université Lumière Lyon 2 | 2016 – 2018"),
        "{text}"
    );
}

/// The index of the first line containing `needle`.
fn line_of(layout: &PdfLayout, needle: &str) -> usize {
    layout
        .lines
        .iter()
        .position(|l| l.text.contains(needle))
        .unwrap_or_else(|| panic!("{needle:?} not read"))
}

#[test]
fn two_columns_read_column_by_column() {
    for pdf in ["pdf/r2_twocol.chromium.pdf", "pdf/r2_twocol.weasyprint.pdf"] {
        let l = pdf_layout(&read_fixture(pdf)).unwrap();
        // The sidebar, top to bottom, then the main column, top to bottom.
        let order = [
            "Zeynep",
            "zeynep.yilmaz@example.org",
            "SKILLS",
            "Tableau, Looker",
            "LANGUAGES",
            "German (B1)",
            "EXPERIENCE",
            "Data Analyst, Getir",
            "Junior Analyst, Trendyol",
            "EDUCATION",
            "Thesis: demand forecasting",
        ];
        // The name wraps in the narrow sidebar; it is still one line.
        assert_eq!(l.lines[0].text, "Zeynep Yılmaz", "{pdf}");
        let idx: Vec<usize> = order.iter().map(|n| line_of(&l, n)).collect();
        assert!(
            idx.windows(2).all(|w| w[0] < w[1]),
            "{pdf}: reading order {idx:?} for {order:?}"
        );
    }
}

#[test]
fn headings_and_roles_are_bold_and_sized_bullets_are_not() {
    let l = pdf_layout(&read_fixture("pdf/r1_classic.chromium.pdf")).unwrap();
    let line = |n: &str| &l.lines[line_of(&l, n)];
    let body = line("Built a billing service").size;
    for h in ["JANE DOE", "EXPERIENCE", "EDUCATION", "SKILLS"] {
        assert!(line(h).bold, "{h} should be bold");
        assert!(
            line(h).size > 1.15 * body,
            "{h} should be larger than the body"
        );
    }
    let role = line("Senior Software Engineer, Acme Corp");
    assert!(role.bold);
    assert_eq!(role.text, "Senior Software Engineer, Acme Corp");
    // The right-aligned date is its own segment on the same baseline.
    let date = line("Dec 2013 – Dec 2014");
    assert_eq!(date.text, "Dec 2013 – Dec 2014");
    assert!(!date.bold && date.y == role.y && date.x > role.x + role.width);
    assert!(!line("Built a billing service").bold);
    // Letter-spaced capitals are one word each.
    assert_eq!(line("JANE").text, "JANE DOE");
}

#[test]
fn running_headers_footers_and_page_numbers_are_dropped() {
    let (text, pages) = pdf_to_text_pages(&read_fixture("pdf/r4_twopage.weasyprint.pdf")).unwrap();
    assert_eq!(pages, 2);
    assert!(
        !text.contains("Page 1 of 2") && !text.contains("Page 2 of 2"),
        "{text}"
    );
    assert!(!text.contains("— Resume"), "{text}");
    // The name itself, at the top of page 1 but not repeated, stays.
    assert!(text.starts_with("Amara Okafor\n"), "{text}");
}

#[test]
fn line_end_hyphenation_is_joined() {
    let (text, _) = pdf_to_text_pages(&read_fixture("pdf/r5_hyphen.chromium.pdf")).unwrap();
    let got = norm(&text);
    for w in [
        "submissions",
        "probabilistic",
        "multilingual",
        "undergraduate",
    ] {
        assert!(got.contains(w), "{w} in {text}");
    }
    // A real hyphen inside a line stays.
    assert!(
        got.contains("low-resource") && got.contains("peer-reviewed"),
        "{text}"
    );
}

#[test]
fn a_password_protected_pdf_says_so() {
    let e = pdf_to_text_pages(&read_fixture("pdf/encrypted.fpdf2.pdf")).unwrap_err();
    assert_eq!(e.code(), "pdf_encrypted");
    assert!(!e.retryable());
    assert_eq!(
        pdf_layout(&read_fixture("pdf/encrypted.fpdf2.pdf"))
            .unwrap_err()
            .code(),
        "pdf_encrypted"
    );
}

/// Hand-checked facts of the corpus PDFs (read from the PDFs by eye):
/// name, e-mail, phone, and each role's dates as the lines start. The
/// LaTeX template sets an open range in a narrow date column, so its
/// "Present" starts the next line.
struct Golden {
    file: &'static str,
    name: &'static str,
    email: &'static str,
    phone: &'static str,
    /// (start of the role's line, start of the line below it if the range wraps)
    roles: &'static [(&'static str, Option<&'static str>)],
}

const CORPUS: &[Golden] = &[
    Golden {
        file: "pivot_accountant_jennifer_martinez.pdf",
        name: "JENNIFER MARTINEZ",
        email: "jennifer.martinez@email.com",
        phone: "(555) 123-4567",
        roles: &[
            ("January 2020 - Present", None),
            ("June 2018 - December 2019", None),
        ],
    },
    Golden {
        file: "rm_john_doe.pdf",
        name: "JOHN DOE",
        email: "john.doe@email.com",
        phone: "(123) 456-7890",
        roles: &[
            (
                "Full Stack Java Developer, ABC Company, Inc., Anywhere, USA, June 2018 - Present",
                None,
            ),
            (
                "Software Developer, XYZ Solutions, Anywhere, USA, July 2016 - June 2018",
                None,
            ),
        ],
    },
    Golden {
        file: "rm_alfred_pennyworth_pm.pdf",
        name: "Alfred Pennyworth",
        email: "alfred.pennyworth@email.com",
        phone: "(123) 456-7890",
        roles: &[
            ("2017 – Product Manager, Google", Some("Present ")),
            (
                "2012 – 2017 Software Development Engineer III, Amazon",
                None,
            ),
            ("2007 – 2012 Software Development Engineer II, Apple", None),
            ("2002 – 2007 Software Development Engineer I, Netflix", None),
            (
                "1999 – 2002 Software Development Engineer I, Facebook",
                None,
            ),
        ],
    },
    Golden {
        file: "rm_barry_allen_fe.pdf",
        name: "Barry Allen",
        email: "allthe.stars@google.com",
        phone: "(123) 456-7890",
        roles: &[(
            "June 2022 – Software Engineer (Front-End), Google",
            Some("Present "),
        )],
    },
    Golden {
        file: "rm_bruce_wayne_fullstack.pdf",
        name: "Bruce Wayne",
        email: "bwayne@email.com",
        phone: "(123) 456-7890",
        roles: &[
            ("June 2020 – MERN Stack Developer, OpenAI", Some("Present ")),
            ("July 2015 – Full Stack Developer, Uber", Some("May 2020 ")),
            (
                "June 2012 – Software Developer, Facebook",
                Some("June 2015 "),
            ),
        ],
    },
    Golden {
        file: "rm_harvey_dent_mle.pdf",
        name: "Harvey Dent",
        email: "hdent@email.com",
        phone: "(123) 456-7891",
        roles: &[
            ("2021 – Machine Learning Engineer, OpenAI", Some("Present ")),
            ("2018 – 2021 Data Scientist, Uber", None),
            ("2016 – 2018 Junior Data Analyst, Facebook", None),
        ],
    },
];

#[test]
fn corpus_pdfs_read_back_their_facts() {
    let mut failures = Vec::new();
    for g in CORPUS {
        let bytes = read_fixture(&format!("corpus/resumes/{}", g.file));
        let (text, _) = pdf_to_text_pages(&bytes).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        if !lines.iter().take(3).any(|l| l.trim() == g.name) {
            failures.push(format!(
                "{}: name {:?} not on a line of its own at the top",
                g.file, g.name
            ));
        }
        for f in [g.email, g.phone] {
            if !text.contains(f) {
                failures.push(format!("{}: {f:?} not read exactly", g.file));
            }
        }
        for (start, next) in g.roles {
            let Some(i) = lines.iter().position(|l| norm(l).starts_with(&norm(start))) else {
                failures.push(format!("{}: no line starts {start:?}", g.file));
                continue;
            };
            if let Some(next) = next {
                if !lines.get(i + 1).is_some_and(|l| l.starts_with(next)) {
                    failures.push(format!(
                        "{}: line after {start:?} should start {next:?}",
                        g.file
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A corpus PDF as the resume model holds it, written by hand from the
/// file (checked against pdftotext): beside its [`CORPUS`] entry's name,
/// e-mail and phone, its location and each role's title, employer and dates
/// as (start, end), "Present" = None.
struct Structured {
    file: &'static str,
    location: Option<&'static str>,
    roles: &'static [(
        &'static str,
        &'static str,
        &'static str,
        Option<&'static str>,
    )],
}

const STRUCTURED: &[Structured] = &[
    Structured {
        file: "pivot_accountant_jennifer_martinez.pdf",
        // Wrapped in the file: "📍 San" / "Francisco, CA".
        location: Some("San Francisco, CA"),
        roles: &[
            ("Senior Accountant", "TechCorp Industries", "2020-01", None),
            (
                "Staff Accountant",
                "Global Finance Partners",
                "2018-06",
                Some("2019-12"),
            ),
        ],
    },
    Structured {
        file: "rm_alfred_pennyworth_pm.pdf",
        location: Some("Silicon Valley, CA"),
        roles: &[
            ("Product Manager", "Google", "2017", None),
            (
                "Software Development Engineer III",
                "Amazon",
                "2012",
                Some("2017"),
            ),
            (
                "Software Development Engineer II",
                "Apple",
                "2007",
                Some("2012"),
            ),
            (
                "Software Development Engineer I",
                "Netflix",
                "2002",
                Some("2007"),
            ),
            (
                "Software Development Engineer I",
                "Facebook",
                "1999",
                Some("2002"),
            ),
        ],
    },
    Structured {
        file: "rm_barry_allen_fe.pdf",
        location: Some("Mountain View, CA"),
        roles: &[("Software Engineer (Front-End)", "Google", "2022-06", None)],
    },
    Structured {
        file: "rm_bruce_wayne_fullstack.pdf",
        location: None,
        roles: &[
            ("MERN Stack Developer", "OpenAI", "2020-06", None),
            ("Full Stack Developer", "Uber", "2015-07", Some("2020-05")),
            ("Software Developer", "Facebook", "2012-06", Some("2015-06")),
        ],
    },
    Structured {
        file: "rm_harvey_dent_mle.pdf",
        location: None,
        roles: &[
            ("Machine Learning Engineer", "OpenAI", "2021", None),
            ("Data Scientist", "Uber", "2018", Some("2021")),
            ("Junior Data Analyst", "Facebook", "2016", Some("2018")),
        ],
    },
    Structured {
        file: "rm_john_doe.pdf",
        location: None,
        roles: &[
            (
                "Full Stack Java Developer",
                "ABC Company, Inc.",
                "2018-06",
                None,
            ),
            (
                "Software Developer",
                "XYZ Solutions",
                "2016-07",
                Some("2018-06"),
            ),
        ],
    },
];

#[test]
fn corpus_pdfs_parse_into_their_hand_written_structure() {
    use tailor_server::engine::resume::dates::YearMonth;
    use tailor_server::engine::resume::parse;
    use tailor_server::engine::{read_resume, ResumeInput};
    let ym = |d: &YearMonth| match d.month {
        Some(m) => format!("{}-{m:02}", d.year),
        None => d.year.to_string(),
    };
    let mut failures = Vec::new();
    for g in STRUCTURED {
        let input = ResumeInput {
            file_name: Some(g.file.into()),
            bytes: read_fixture(&format!("corpus/resumes/{}", g.file)),
        };
        let r = parse(&read_resume(&input).unwrap());
        let g0 = CORPUS
            .iter()
            .find(|c| c.file == g.file)
            .expect("every structured file has its facts in CORPUS");
        let c = &r.contact;
        let got = (
            c.name.as_deref(),
            c.email.as_deref(),
            c.phone.as_deref(),
            c.location.as_deref(),
        );
        let want = (Some(g0.name), Some(g0.email), Some(g0.phone), g.location);
        if got != want {
            failures.push(format!("{}: contact {got:?}, want {want:?}", g.file));
        }
        let roles: Vec<(String, String, String, Option<String>)> = r
            .roles()
            .iter()
            .map(|role| {
                let d = role.dates.as_ref();
                (
                    role.title.clone().unwrap_or_default(),
                    role.employer.clone().unwrap_or_default(),
                    d.map(|d| ym(&d.start)).unwrap_or_default(),
                    d.and_then(|d| d.end.as_ref().map(ym)),
                )
            })
            .collect();
        let want: Vec<(String, String, String, Option<String>)> = g
            .roles
            .iter()
            .map(|(t, e, s, end)| {
                (
                    t.to_string(),
                    e.to_string(),
                    s.to_string(),
                    end.map(str::to_string),
                )
            })
            .collect();
        if roles != want {
            failures.push(format!("{}: roles {roles:#?}\nwant {want:#?}", g.file));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
