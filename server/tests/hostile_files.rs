//! Files built to hurt a parser, uploaded through the real router: each
//! ends its own job with a clear, non-retryable error, while the server,
//! its other streams and its memory carry on, and no reader is left running.
//!
//! The files are made here, by the test: PDFs whose drawings recurse or fan
//! out, a page tree that contains itself, a flate bomb; DOCX packages that
//! are zip bombs, entity bombs or nested without end; random bytes under
//! every extension.

use crate::common;

use std::io::Write;
use std::time::Duration;

use common::TestServer;
use tailor_common::{EventBody, JobStatus};

/// A PDF from its objects (numbered from 1), with a correct xref table, so
/// a reader gets as far as the trap instead of failing on the framing.
fn pdf(objects: &[Vec<u8>]) -> Vec<u8> {
    let mut out = b"%PDF-1.7\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend(body);
        out.extend(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for o in offsets {
        out.extend(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

fn obj(s: &str) -> Vec<u8> {
    s.as_bytes().to_vec()
}

fn stream(dict: &str, data: &[u8]) -> Vec<u8> {
    let mut v = format!("<< {dict} /Length {} >>\nstream\n", data.len()).into_bytes();
    v.extend(data);
    v.extend(b"\nendstream");
    v
}

/// Catalog (1), pages (2), one page (3) drawing `content` (4) with the
/// XObjects `xobjects` (name → object number) and a font (5); more objects
/// from 6 on.
fn page_with(content: &[u8], xobjects: &str, more: Vec<Vec<u8>>) -> Vec<u8> {
    let mut objects = vec![
        obj("<< /Type /Catalog /Pages 2 0 R >>"),
        obj("<< /Type /Pages /Kids [3 0 R] /Count 1 >>"),
        obj(&format!("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> /XObject << {xobjects} >> >> >>")),
        stream("", content),
        obj("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"),
    ];
    objects.extend(more);
    pdf(&objects)
}

/// A form XObject (object `n`) whose content draws `draws`, with `names`
/// (name → object number) as its own XObject resources.
fn form(content: &str, names: &str) -> Vec<u8> {
    stream(
        &format!("/Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> /XObject << {names} >> >>"),
        content.as_bytes(),
    )
}

const TEXT: &[u8] = b"BT /F1 12 Tf 72 700 Td (Jane Doe, Data Analyst, Python and SQL) Tj ET\n";

fn self_drawing_xobject() -> Vec<u8> {
    let mut content = TEXT.to_vec();
    content.extend(b"/X0 Do");
    page_with(&content, "/X0 6 0 R", vec![form("/X0 Do", "/X0 6 0 R")])
}

fn mutually_drawing_xobjects() -> Vec<u8> {
    let mut content = TEXT.to_vec();
    content.extend(b"/A Do");
    page_with(
        &content,
        "/A 6 0 R",
        vec![form("/B Do", "/B 7 0 R"), form("/A Do", "/A 6 0 R")],
    )
}

/// 40 levels, each drawing the next twice: 2^40 drawings.
fn fan_out_xobjects() -> Vec<u8> {
    let levels = 40;
    let mut more = Vec::new();
    for i in 0..levels {
        let n = 6 + i;
        if i + 1 < levels {
            more.push(form(
                "BT /F1 12 Tf (fan out) Tj ET /N Do /N Do",
                &format!("/N {} 0 R", n + 1),
            ));
        } else {
            more.push(form("BT /F1 12 Tf (leaf) Tj ET", ""));
        }
    }
    let mut content = TEXT.to_vec();
    content.extend(b"/N Do");
    page_with(&content, "/N 6 0 R", more)
}

/// The page tree lists itself among its kids.
fn page_tree_cycle() -> Vec<u8> {
    pdf(&[
        obj("<< /Type /Catalog /Pages 2 0 R >>"),
        obj("<< /Type /Pages /Kids [3 0 R 2 0 R] /Count 2 >>"),
        obj("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>"),
        stream("", TEXT),
        obj("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"),
    ])
}

/// A page whose content stream inflates to 1 GiB of spaces.
fn flate_bomb() -> Vec<u8> {
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    let chunk = vec![b' '; 1 << 20];
    z.write_all(TEXT).unwrap();
    for _ in 0..1024 {
        z.write_all(&chunk).unwrap();
    }
    let data = z.finish().unwrap();
    let mut objects = vec![
        obj("<< /Type /Catalog /Pages 2 0 R >>"),
        obj("<< /Type /Pages /Kids [3 0 R] /Count 1 >>"),
        obj("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>"),
        stream("/Filter /FlateDecode", &data),
        obj("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"),
    ];
    objects.truncate(5);
    pdf(&objects)
}

/// A DOCX package from its parts.
fn docx(parts: &[(&str, Vec<u8>)]) -> Vec<u8> {
    common::docx_package(parts, 6)
}

use common::DOCX_CONTENT_TYPES as CONTENT_TYPES;

fn document(body: &str) -> Vec<u8> {
    format!(r#"<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>"#).into_bytes()
}

/// 1 GiB of document text in a package of about a megabyte.
fn zip_bomb() -> Vec<u8> {
    let mut big = document("<w:p><w:r><w:t>").to_vec();
    big.truncate(big.len() - "</w:t></w:r></w:p></w:body></w:document>".len());
    big.resize(big.len() + (1 << 30), b'a');
    big.extend(b"</w:t></w:r></w:p></w:body></w:document>");
    docx(&[
        ("[Content_Types].xml", CONTENT_TYPES.into()),
        ("word/document.xml", big),
    ])
}

fn billion_laughs() -> Vec<u8> {
    let mut dtd = String::from("<!DOCTYPE w:document [<!ENTITY lol \"lol\">");
    for i in 1..10 {
        let prev = if i == 1 {
            "lol".to_string()
        } else {
            format!("lol{}", i - 1)
        };
        dtd.push_str(&format!(
            "<!ENTITY lol{i} \"{}\">",
            format!("&{prev};").repeat(10)
        ));
    }
    dtd.push_str("]>");
    let xml = format!(
        r#"<?xml version="1.0"?>{dtd}<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>"#
    );
    docx(&[
        ("[Content_Types].xml", CONTENT_TYPES.into()),
        ("word/document.xml", xml.into_bytes()),
    ])
}

fn deeply_nested_xml() -> Vec<u8> {
    let depth = 200_000;
    let body = format!(
        "{}<w:t>Jane Doe</w:t>{}",
        "<w:r>".repeat(depth),
        "</w:r>".repeat(depth)
    );
    docx(&[
        ("[Content_Types].xml", CONTENT_TYPES.into()),
        ("word/document.xml", document(&body)),
    ])
}

/// Uploads `bytes` as `name` and reads the job's stream to its end; or the
/// 4xx JSON error that refused it at the door.
async fn try_upload(
    server: &TestServer,
    name: &str,
    bytes: Vec<u8>,
) -> Result<Vec<tailor_common::Envelope>, (u16, serde_json::Value)> {
    let posting = common::fixture("jobs/gdg_jd_data_analyst.txt");
    let (status, body) = server
        .start_form(common::resume_form(name, bytes, &posting))
        .await;
    if status != 201 {
        return Err((status, body));
    }
    let job: uuid::Uuid = body["job_id"].as_str().unwrap().parse().unwrap();
    let (status, frames) =
        tokio::time::timeout(Duration::from_secs(60), server.read_stream(job, "", None))
            .await
            .unwrap_or_else(|_| panic!("{name}: the job did not end within a minute"));
    assert_eq!(status, 200);
    Ok(frames
        .iter()
        .filter(|f| f.id.is_some())
        .map(|f| f.envelope())
        .collect())
}

async fn upload(server: &TestServer, name: &str, bytes: Vec<u8>) -> Vec<tailor_common::Envelope> {
    try_upload(server, name, bytes)
        .await
        .unwrap_or_else(|(status, body)| panic!("{name}: refused at the door: {status} {body}"))
}

/// The job failed with one of `codes`, said why, and offers no retry.
fn assert_refused(name: &str, events: &[tailor_common::Envelope], codes: &[&str]) {
    let error = events
        .iter()
        .find_map(|e| match &e.body {
            EventBody::Error(err) => Some(err.clone()),
            _ => None,
        })
        .unwrap_or_else(|| panic!("{name}: no error event; it ended {:?}", events.last()));
    eprintln!("{name}: {} ({})", error.code, error.message);
    assert!(
        codes.contains(&error.code.as_str()),
        "{name}: code {} not in {codes:?} ({})",
        error.code,
        error.message
    );
    assert!(
        !error.retryable,
        "{name}: {} must not offer a retry",
        error.code
    );
    assert!(
        error.message.len() > 20,
        "{name}: say why: {}",
        error.message
    );
    assert!(matches!(
        events.iter().rev().nth(1).map(|e| &e.body),
        Some(EventBody::JobStatus(s)) if s.status == JobStatus::Failed
    ));
    assert!(matches!(
        events.last().map(|e| &e.body),
        Some(EventBody::Done(_))
    ));
}

/// Our own processes' children that are still there (running or unreaped).
fn children() -> Vec<String> {
    let mut out = Vec::new();
    for task in std::fs::read_dir("/proc/self/task").unwrap().flatten() {
        if let Ok(c) = std::fs::read_to_string(task.path().join("children")) {
            out.extend(c.split_whitespace().map(str::to_string));
        }
    }
    out
}

fn rss_mib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse::<u64>().ok())
        .unwrap()
        / 1024
}

/// Set in the process [`hostile_files_end_their_own_job_and_nothing_else`]
/// runs its body in.
const ALONE: &str = "TAILOR_HOSTILE_FILES_ALONE";

/// The suite is one test binary whose tests run side by side, so this
/// test's checks on the process (no reader left among its children, its
/// memory back under a bound) would see the other tests' servers. Its body
/// runs alone in a second process of this binary, as the kill -9 test does.
#[test]
fn hostile_files_end_their_own_job_and_nothing_else() {
    let status = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "hostile_files::hostile_files_alone",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(ALONE, "1")
        .status()
        .unwrap();
    assert!(status.success(), "the hostile files' run failed: {status}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "run alone by hostile_files_end_their_own_job_and_nothing_else"]
async fn hostile_files_alone() {
    if std::env::var_os(ALONE).is_none() {
        return;
    }
    let server = TestServer::start(1).await;
    let baseline = rss_mib();
    // A job that watches from beside: its stream must carry on throughout.
    let bystander = server.start_job(common::job_body()).await;

    let cases: Vec<(&str, Vec<u8>, &[&str])> = vec![
        (
            "self-drawing.pdf",
            self_drawing_xobject(),
            &[
                "reader_crashed",
                "reader_timeout",
                "pdf_unreadable",
                "pdf_no_text",
            ],
        ),
        (
            "mutual.pdf",
            mutually_drawing_xobjects(),
            &[
                "reader_crashed",
                "reader_timeout",
                "pdf_unreadable",
                "pdf_no_text",
            ],
        ),
        (
            "fan-out.pdf",
            fan_out_xobjects(),
            &["reader_timeout", "parse_timeout"],
        ),
        (
            "bomb.pdf",
            flate_bomb(),
            &["reader_out_of_memory", "pdf_unreadable", "pdf_no_text"],
        ),
        ("bomb.docx", zip_bomb(), &["docx_too_large"]),
        (
            "laughs.docx",
            billion_laughs(),
            &["docx_invalid", "docx_too_large", "empty_resume"],
        ),
        (
            "nested.docx",
            deeply_nested_xml(),
            &[
                "docx_invalid",
                "docx_too_large",
                "reader_crashed",
                "empty_resume",
            ],
        ),
    ];
    for (name, bytes, codes) in cases {
        let started = std::time::Instant::now();
        let events = upload(&server, name, bytes).await;
        eprintln!("{name}: ended in {:.1} s", started.elapsed().as_secs_f64());
        assert_refused(name, &events, codes);
        assert!(
            children().is_empty(),
            "{name}: a reader is left: {:?}",
            children()
        );
        assert!(
            rss_mib() < baseline + 256,
            "{name}: the server grew to {} MiB (from {baseline})",
            rss_mib()
        );
    }
    // A page tree that contains itself may be read (its page once more) or
    // refused; either way the job ends and the reader is gone.
    let events = upload(&server, "cycle.pdf", page_tree_cycle()).await;
    assert!(matches!(
        events.last().map(|e| &e.body),
        Some(EventBody::Done(_))
    ));
    assert!(children().is_empty(), "cycle.pdf: a reader is left");
    // Random bytes under every extension: an error or a readable outcome,
    // never a crash; and the worker is gone each time.
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    for ext in ["pdf", "docx", "txt", "md", "doc", "png", ""] {
        let bytes: Vec<u8> = (0..4096)
            .map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                seed as u8
            })
            .collect();
        let name = format!("random.{ext}");
        match try_upload(&server, &name, bytes).await {
            Ok(events) => assert!(
                matches!(events.last().map(|e| &e.body), Some(EventBody::Done(_))),
                "{name}"
            ),
            Err((status, body)) => {
                assert_eq!(status, 400, "{name}: {body}");
                assert!(body["error"]["code"].is_string(), "{name}: {body}");
            }
        }
        assert!(children().is_empty(), "{name}: a reader is left");
    }
    // Kills are counted by cause.
    let killed = server
        .metric("tailor_parse_workers_killed_total{cause=\"timeout\"} ")
        .await
        + server
            .metric("tailor_parse_workers_killed_total{cause=\"cpu\"} ")
            .await;
    assert!(
        killed >= 1.0,
        "the fan-out PDF's reader was stopped and counted"
    );
    // The server still answers, and the bystander's job finished normally.
    let (status, frames) = server.read_stream(bystander, "", None).await;
    assert_eq!(status, 200);
    let done = frames
        .iter()
        .rev()
        .find(|f| f.event.as_deref() == Some("done"))
        .and_then(|f| f.data.clone())
        .expect("done");
    assert!(done.contains("completed"), "{done}");
    let after = server.start_job(common::job_body()).await;
    let (_, frames) = server.read_stream(after, "", None).await;
    assert!(frames.iter().any(|f| f.event.as_deref() == Some("done")
        && f.data.as_deref().is_some_and(|d| d.contains("completed"))));
}

/// The fuzzer's first finding (`scripts/fuzz.sh`, `fuzz/RESULTS.md`): a
/// 25 KB PDF whose content stream has an operator with the wrong number of
/// operands trips an assertion inside pdf-extract 0.12. Tailor's reader
/// catches it in the process and answers, with text or a typed error; in
/// the server this runs in a parse worker besides.
#[test]
fn a_pdf_that_trips_an_assertion_in_the_parser_crate_gets_an_answer() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/fuzz/pdf-extract-operand-assert.pdf"
    );
    let input = tailor_server::engine::ResumeInput {
        file_name: Some("found-by-fuzzing.pdf".into()),
        bytes: std::fs::read(path).unwrap(),
    };
    let answer = std::panic::catch_unwind(|| tailor_server::engine::read_resume(&input));
    assert!(answer.is_ok(), "a panic escaped Tailor's PDF reader");
}
