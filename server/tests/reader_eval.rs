//! The reader against hand labels: field-level precision and recall of the
//! structured resume (name, contact, section headings, each role's title,
//! employer, dates and bullet count, education entries, projects) over every
//! corpus resume, read the way a job reads it (file → text → structure).
//!
//! The labels are `tests/fixtures/eval/resumes.tsv`, written from the
//! documents, not from Tailor's output. The test prints a table and fails
//! when a category falls under its threshold (set near the figures measured
//! when it was written; `server/benches/reader-eval.md` has them).
//!
//!     cargo test -p tailor-server --test suite -- reader_eval:: --nocapture

use std::collections::BTreeMap;
use std::path::Path;

use tailor_server::engine::resume::dates::DateRange;
use tailor_server::engine::resume::{self, Resume, SectionKind};
use tailor_server::engine::{read_resume, ResumeInput};

#[derive(Debug, Default, Clone)]
struct Label {
    files: Vec<String>,
    name: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    headings: Vec<String>,
    roles: Vec<RoleLabel>,
    education: Vec<(String, Option<String>)>,
    projects: Vec<(String, usize)>,
}

#[derive(Debug, Clone)]
struct RoleLabel {
    title: Option<String>,
    employer: Option<String>,
    dates: Option<Dates>,
    bullets: usize,
}

/// (year, month) of the start, and of the end (`None` = present).
#[derive(Debug, Clone, PartialEq)]
struct Dates {
    start: (i32, Option<u8>),
    end: Option<(i32, Option<u8>)>,
}

fn ym(s: &str) -> (i32, Option<u8>) {
    match s.split_once('-') {
        Some((y, m)) => (y.parse().unwrap(), Some(m.parse().unwrap())),
        None => (s.parse().unwrap_or_else(|_| panic!("bad year {s:?}")), None),
    }
}

fn parse_dates(s: &str) -> Dates {
    let (a, b) = s.split_once("..").expect("dates are START..END");
    Dates {
        start: ym(a),
        end: (b != "present").then(|| ym(b)),
    }
}

fn dates_of(d: &DateRange) -> Dates {
    Dates {
        start: (d.start.year, d.start.month),
        end: d.end.map(|e| (e.year, e.month)),
    }
}

fn opt(s: &str) -> Option<String> {
    (s != "-" && !s.is_empty()).then(|| s.to_string())
}

fn labels() -> Vec<Label> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/eval/resumes.tsv");
    let text = std::fs::read_to_string(p).unwrap();
    let mut out = Vec::new();
    let mut cur = Label::default();
    for line in text.lines().chain(std::iter::once("")) {
        if line.starts_with('#') {
            continue;
        }
        if line.trim().is_empty() {
            if !cur.files.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        match f[0] {
            "file" => cur.files.push(f[1].to_string()),
            "name" => cur.name = opt(f[1]),
            "email" => cur.email = opt(f[1]),
            "phone" => cur.phone = opt(f[1]),
            "heading" => cur.headings.push(f[1].to_string()),
            "role" => cur.roles.push(RoleLabel {
                title: opt(f[1]),
                employer: opt(f[2]),
                dates: opt(f[3]).map(|d| parse_dates(&d)),
                bullets: f[4].parse().unwrap(),
            }),
            "education" => cur.education.push((f[1].to_string(), opt(f[2]))),
            "project" => cur.projects.push((f[1].to_string(), f[2].parse().unwrap())),
            other => panic!("unknown label field {other:?}"),
        }
    }
    out
}

/// Lowercase words: punctuation and case are not what is measured.
fn norm(s: &str) -> String {
    s.to_lowercase()
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn contains(hay: &str, needle: &str) -> bool {
    let (h, n) = (format!(" {} ", norm(hay)), format!(" {} ", norm(needle)));
    h.contains(&n)
}

/// Counts for one field: labelled, read, and read right.
#[derive(Debug, Default, Clone, Copy)]
struct Count {
    want: usize,
    got: usize,
    right: usize,
}

impl Count {
    fn add(&mut self, o: Count) {
        self.want += o.want;
        self.got += o.got;
        self.right += o.right;
    }
    fn precision(self) -> f64 {
        if self.got == 0 {
            1.0
        } else {
            self.right as f64 / self.got as f64
        }
    }
    fn recall(self) -> f64 {
        if self.want == 0 {
            1.0
        } else {
            self.right as f64 / self.want as f64
        }
    }
}

const FIELDS: &[&str] = &[
    "name",
    "email",
    "phone",
    "heading",
    "role title",
    "role employer",
    "role dates",
    "role bullets",
    "education",
    "project name",
    "project bullets",
];

type Scores = BTreeMap<&'static str, Count>;

fn single(s: &mut Scores, field: &'static str, want: Option<&str>, got: Option<&str>, eq: bool) {
    let c = s.entry(field).or_default();
    c.want += want.is_some() as usize;
    c.got += got.is_some() as usize;
    c.right += (want.is_some() && got.is_some() && eq) as usize;
}

fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

/// Score one structured resume against its labels; the lines say what was wrong.
fn score(label: &Label, r: &Resume) -> (Scores, Vec<String>) {
    let mut s = Scores::new();
    let mut notes = Vec::new();
    let c = &r.contact;
    let name_ok = match (&label.name, &c.name) {
        (Some(a), Some(b)) => norm(a) == norm(b),
        _ => false,
    };
    single(
        &mut s,
        "name",
        label.name.as_deref(),
        c.name.as_deref(),
        name_ok,
    );
    if !name_ok {
        notes.push(format!("name {:?}, want {:?}", c.name, label.name));
    }
    let email_ok =
        label.email.as_deref().map(str::to_lowercase) == c.email.as_deref().map(str::to_lowercase);
    single(
        &mut s,
        "email",
        label.email.as_deref(),
        c.email.as_deref(),
        email_ok,
    );
    if !email_ok {
        notes.push(format!("email {:?}, want {:?}", c.email, label.email));
    }
    let phone_ok = label.phone.as_deref().map(digits) == c.phone.as_deref().map(digits);
    single(
        &mut s,
        "phone",
        label.phone.as_deref(),
        c.phone.as_deref(),
        phone_ok,
    );
    if !phone_ok {
        notes.push(format!("phone {:?}, want {:?}", c.phone, label.phone));
    }

    // Headings: as a multiset, without case or punctuation.
    let mut want: Vec<String> = label.headings.iter().map(|h| norm(h)).collect();
    let got: Vec<String> = r.sections.iter().map(|x| norm(&x.heading)).collect();
    let mut hc = Count {
        want: want.len(),
        got: got.len(),
        right: 0,
    };
    for g in &got {
        if let Some(i) = want.iter().position(|w| w == g) {
            want.remove(i);
            hc.right += 1;
        } else {
            notes.push(format!("heading {g:?} is not one"));
        }
    }
    for w in &want {
        notes.push(format!("heading {w:?} not found"));
    }
    s.insert("heading", hc);

    // Roles: the blocks of experience sections that have an identity or bullets.
    struct Got<'a> {
        title: Option<&'a str>,
        employer: Option<&'a str>,
        dates: Option<Dates>,
        bullets: usize,
    }
    let got: Vec<Got> = r
        .sections
        .iter()
        .filter(|x| x.kind == SectionKind::Experience)
        .flat_map(|x| x.blocks.iter())
        .filter(|b| b.role.is_some() || !b.bullets.is_empty())
        .map(|b| Got {
            title: b.role.as_ref().and_then(|r| r.title.as_deref()),
            employer: b.role.as_ref().and_then(|r| r.employer.as_deref()),
            dates: b.role.as_ref().and_then(|r| r.dates.as_ref()).map(dates_of),
            bullets: b.bullets.len(),
        })
        .collect();
    let text_eq = |a: &Option<String>, b: Option<&str>| match (a, b) {
        (Some(a), Some(b)) => norm(a) == norm(b),
        _ => false,
    };
    let mut used = vec![false; got.len()];
    let mut rc: [Count; 4] = Default::default();
    for g in &got {
        rc[0].got += g.title.is_some() as usize;
        rc[1].got += g.employer.is_some() as usize;
        rc[2].got += g.dates.is_some() as usize;
        rc[3].got += 1;
    }
    for w in &label.roles {
        rc[0].want += w.title.is_some() as usize;
        rc[1].want += w.employer.is_some() as usize;
        rc[2].want += w.dates.is_some() as usize;
        rc[3].want += 1;
        let fields = |g: &Got| {
            [
                text_eq(&w.title, g.title),
                text_eq(&w.employer, g.employer),
                w.dates.is_some() && w.dates == g.dates,
                w.bullets == g.bullets,
            ]
        };
        let best = got
            .iter()
            .enumerate()
            .filter(|(i, _)| !used[*i])
            .map(|(i, g)| {
                let f = fields(g);
                (i, 2 * f[..3].iter().filter(|x| **x).count() + f[3] as usize)
            })
            .filter(|(_, sc)| *sc > 0)
            .max_by_key(|(i, sc)| (*sc, usize::MAX - i));
        match best {
            Some((i, _)) => {
                used[i] = true;
                let f = fields(&got[i]);
                for (k, ok) in f.iter().enumerate() {
                    rc[k].right += *ok as usize;
                }
                let g = &got[i];
                let absent = [
                    w.title.is_none() && g.title.is_none(),
                    w.employer.is_none() && g.employer.is_none(),
                    w.dates.is_none() && g.dates.is_none(),
                    false,
                ];
                if f.iter().zip(absent).any(|(ok, none)| !ok && !none) {
                    notes.push(format!(
                        "role {:?}: read title {:?} employer {:?} dates {:?} bullets {}; want {:?} {:?} {:?} {}",
                        w.title.as_deref().or(w.employer.as_deref()).unwrap_or("-"),
                        g.title, g.employer, g.dates, g.bullets,
                        w.title, w.employer, w.dates, w.bullets
                    ));
                }
            }
            None => notes.push(format!(
                "role {:?} {:?} not found",
                w.title.as_deref().unwrap_or("-"),
                w.employer.as_deref().unwrap_or("-")
            )),
        }
    }
    for (i, g) in got.iter().enumerate() {
        if !used[i] {
            notes.push(format!(
                "extra role: title {:?} employer {:?} dates {:?}",
                g.title, g.employer, g.dates
            ));
        }
    }
    for (k, f) in ["role title", "role employer", "role dates", "role bullets"]
        .into_iter()
        .enumerate()
    {
        s.insert(f, rc[k]);
    }

    // Education: a block is right when it holds exactly one labelled entry.
    let blocks: Vec<String> = r
        .sections
        .iter()
        .filter(|x| x.kind == SectionKind::Education)
        .flat_map(|x| x.blocks.iter())
        .map(|b| {
            b.header
                .iter()
                .chain(&b.bullets)
                .cloned()
                .collect::<Vec<_>>()
                .join(" | ")
        })
        .collect();
    let holds = |b: &str, e: &(String, Option<String>)| {
        contains(b, &e.0) && e.1.as_deref().is_none_or(|s| contains(b, s))
    };
    let mut ec = Count {
        want: label.education.len(),
        got: blocks.len(),
        right: 0,
    };
    for e in &label.education {
        let ok = blocks.iter().any(|b| {
            holds(b, e)
                && label
                    .education
                    .iter()
                    .filter(|o| *o != e)
                    .all(|o| !holds(b, o))
        });
        ec.right += ok as usize;
        if !ok {
            notes.push(format!("education {:?} not read as one entry", e.0));
        }
    }
    s.insert("education", ec);

    // Projects: a block of a projects section whose first line names it.
    let pblocks: Vec<(&str, usize)> = r
        .sections
        .iter()
        .filter(|x| x.kind == SectionKind::Projects)
        .flat_map(|x| x.blocks.iter())
        .filter_map(|b| b.header.first().map(|h| (h.as_str(), b.bullets.len())))
        .collect();
    let mut pn = Count {
        want: label.projects.len(),
        got: if label.projects.is_empty() {
            0
        } else {
            pblocks.len()
        },
        right: 0,
    };
    let mut pb = pn;
    let mut pused = vec![false; pblocks.len()];
    for (name, n) in &label.projects {
        match (0..pblocks.len()).find(|&i| !pused[i] && contains(pblocks[i].0, name)) {
            Some(i) => {
                pused[i] = true;
                pn.right += 1;
                if pblocks[i].1 == *n {
                    pb.right += 1;
                } else {
                    notes.push(format!(
                        "project {name:?}: {} bullets, want {n}",
                        pblocks[i].1
                    ));
                }
            }
            None => notes.push(format!("project {name:?} not found")),
        }
    }
    s.insert("project name", pn);
    s.insert("project bullets", pb);
    (s, notes)
}

fn read(file: &str) -> Resume {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/corpus")
        .join(file);
    let input = ResumeInput {
        file_name: p.file_name().map(|n| n.to_string_lossy().into_owned()),
        bytes: std::fs::read(&p).unwrap(),
    };
    let read = read_resume(&input).unwrap_or_else(|e| panic!("{file}: {e}"));
    resume::parse(&read)
}

/// The lowest precision and recall allowed per field, near the figures
/// measured when each was last raised (see server/benches/reader-eval.md).
const THRESHOLDS: &[(&str, f64, f64)] = &[
    ("name", 0.99, 0.99),
    ("email", 0.99, 0.99),
    ("phone", 0.99, 0.99),
    ("heading", 0.99, 0.99),
    ("role title", 0.99, 0.99),
    ("role employer", 0.99, 0.99),
    ("role dates", 0.99, 0.99),
    ("role bullets", 0.90, 0.90),
    ("education", 0.99, 0.99),
    ("project name", 0.99, 0.99),
    ("project bullets", 0.79, 0.79),
];
/// Over all fields together.
const OVERALL: (f64, f64) = (0.975, 0.975);

#[test]
fn reader_precision_and_recall_against_hand_labels() {
    let labels = labels();
    let files: usize = labels.iter().map(|l| l.files.len()).sum();
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpus/resumes");
    let on_disk = std::fs::read_dir(corpus).unwrap().count();
    assert_eq!(files, on_disk, "every corpus resume has labels");
    let mut total = Scores::new();
    println!("{:<48} {:>9} {:>9}  wrong", "resume", "precision", "recall");
    for l in &labels {
        for f in &l.files {
            let (s, notes) = score(l, &read(f));
            let mut all = Count::default();
            for (k, c) in &s {
                all.add(*c);
                total.entry(k).or_default().add(*c);
            }
            println!(
                "{:<48} {:>9.3} {:>9.3}  {}",
                f,
                all.precision(),
                all.recall(),
                notes.len()
            );
            for n in notes {
                println!("    {n}");
            }
        }
    }
    println!("\n| field | labelled | read | right | precision | recall |");
    println!("|---|---:|---:|---:|---:|---:|");
    let mut all = Count::default();
    for f in FIELDS {
        let c = total.get(f).copied().unwrap_or_default();
        all.add(c);
        println!(
            "| {f} | {} | {} | {} | {:.3} | {:.3} |",
            c.want,
            c.got,
            c.right,
            c.precision(),
            c.recall()
        );
    }
    println!(
        "| **all** | {} | {} | {} | {:.3} | {:.3} |",
        all.want,
        all.got,
        all.right,
        all.precision(),
        all.recall()
    );
    let mut fails = Vec::new();
    for (f, p, r) in THRESHOLDS {
        let c = total.get(f).copied().unwrap_or_default();
        if c.precision() < *p || c.recall() < *r {
            fails.push(format!(
                "{f}: precision {:.3} (min {p}), recall {:.3} (min {r})",
                c.precision(),
                c.recall()
            ));
        }
    }
    if all.precision() < OVERALL.0 || all.recall() < OVERALL.1 {
        fails.push(format!(
            "all fields: precision {:.3}, recall {:.3}",
            all.precision(),
            all.recall()
        ));
    }
    assert!(fails.is_empty(), "under threshold:\n{}", fails.join("\n"));
}
