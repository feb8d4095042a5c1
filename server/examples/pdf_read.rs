//! Reads PDFs with Tailor's readers for the reading benchmark
//! (scripts/pdf-bench): prints one JSON object per file with the old
//! pdf-extract text, the positional reader's text and layout, and the median
//! time of each over a few runs.
//!
//! `cargo run -p tailor-server --example pdf_read -- FILE.pdf...`

use std::time::Instant;

use tailor_server::engine::resume::pdf;

fn median_ms(runs: usize, mut f: impl FnMut()) -> f64 {
    let mut t: Vec<f64> = (0..runs)
        .map(|_| {
            let s = Instant::now();
            f();
            s.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    t.sort_by(f64::total_cmp);
    t[t.len() / 2]
}

fn main() {
    let runs = std::env::var("PDF_READ_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5usize);
    for path in std::env::args().skip(1) {
        let bytes = std::fs::read(&path).expect("read file");
        let old = pdf::pdf_extract_plain_text(&bytes);
        let new = pdf::pdf_to_text_pages(&bytes);
        let layout = pdf::pdf_layout(&bytes);
        let t_old = median_ms(runs, || drop(pdf::pdf_extract_plain_text(&bytes)));
        let t_new = median_ms(runs, || drop(pdf::pdf_to_text_pages(&bytes)));
        let out = serde_json::json!({
            "file": path,
            "old": old.as_ref().map_err(|e| e.code()).map(|t| t.as_str()),
            "new": new.as_ref().map_err(|e| e.code()).map(|(t, _)| t.as_str()),
            "pages": new.as_ref().map(|(_, p)| *p).unwrap_or(0),
            "layout": layout.as_ref().map_err(|e| e.code()),
            "ms_old": t_old,
            "ms_new": t_new,
        });
        println!("{out}");
    }
}
