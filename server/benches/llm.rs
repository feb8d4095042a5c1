//! `cargo bench -p tailor-server --bench llm`: what rewriting with a model
//! costs Tailor itself (the model's own time excluded): the gates per
//! proposal, faithful and inventing, on a two-page resume, and the stream
//! parser over a reply of a thousand chunks. Results: `benches/llm.md`.

use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion};
use futures::StreamExt;
use tailor_server::engine::resume::parse_text;
use tailor_server::engine::rewrite::{editable_lines, gates, Evidence, Proposal, Splitter};
use tailor_server::engine::validate::today;
use tailor_server::llm::sse;

fn load(p: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/corpus")
            .join(p),
    )
    .unwrap()
}

fn bench(c: &mut Criterion) {
    let source = load("resumes/pwdevens_designer_elizabeth_ross.txt");
    let resume = parse_text(&source);
    let lines = editable_lines(&resume);
    let line = lines
        .iter()
        .find(|l| l.path.contains("bullets"))
        .expect("a bullet");
    let (first, rest) = line.text.split_once(' ').unwrap();
    let faithful = Proposal {
        path: line.path.clone(),
        original: line.text.clone(),
        value: format!("{} {rest}", if first == "Led" { "Ran" } else { "Led" }),
        reason: "bench".into(),
    };
    let inventing = Proposal {
        value: format!("{} using Kubernetes across 7319 accounts", line.text),
        ..faithful.clone()
    };
    c.bench_function("gates/evidence_read_once_per_job", |b| {
        b.iter(|| Evidence::new(&resume, &source, &[], today()))
    });
    let ev = Evidence::new(&resume, &source, &[], today());
    assert!(gates::judge(&inventing, &resume, &ev).is_err());
    c.bench_function("gates/judge_faithful_proposal", |b| {
        b.iter(|| gates::judge(&faithful, &resume, &ev))
    });
    c.bench_function("gates/judge_inventing_proposal", |b| {
        b.iter(|| gates::judge(&inventing, &resume, &ev))
    });

    // A reply of 40 proposals in 1 000 SSE chunks of ~12 characters.
    let reply: String = (0..40)
        .map(|i| {
            format!(
                "{{\"path\":\"sections[1].blocks[{i}].bullets[0]\",\"original\":\"{}\",\"value\":\"{}\",\"reason\":\"x\"}}\n",
                line.text, faithful.value
            )
        })
        .collect();
    let chars: Vec<char> = reply.chars().collect();
    let step = chars.len().div_ceil(1000);
    let mut body = String::new();
    for piece in chars.chunks(step) {
        let content: String = piece.iter().collect();
        let chunk = serde_json::json!({"choices":[{"delta":{"content": content}}]});
        body.push_str(&format!("data: {chunk}\n\n"));
    }
    body.push_str("data: [DONE]\n\n");
    let bytes: Vec<bytes::Bytes> = body
        .as_bytes()
        .chunks(1400) // about a TCP segment
        .map(bytes::Bytes::copy_from_slice)
        .collect();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    c.bench_function("sse/parse_1000_chunks_and_split_40_proposals", |b| {
        b.to_async(&runtime).iter(|| async {
            let stream = futures::stream::iter(
                bytes
                    .iter()
                    .cloned()
                    .map(Ok::<_, std::io::Error>)
                    .collect::<Vec<_>>(),
            );
            let mut pieces = Box::pin(sse::pieces(stream));
            let mut splitter = Splitter::default();
            let mut n = 0;
            while let Some(p) = pieces.next().await {
                n += splitter.push(&p.unwrap().text).len();
                let _ = splitter.in_flight();
            }
            n += splitter.finish().len();
            assert_eq!(n, 40);
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = bench
}
criterion_main!(benches);
