//! Reading text-based PDFs, defensively: page cap, parse-time cap, panics
//! caught. Glyphs are read with their positions ([`glyphs`]) and assembled
//! into reading-order lines ([`layout`]); pdf-extract's own plain-text
//! output is kept only as the fallback when that assembly fails.

mod glyphs;
mod layout;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use crate::engine::EngineError;

pub use layout::{is_page_number, layout_text, PdfLayout, PdfLine};

pub const MAX_PAGES: usize = 30;
pub const PARSE_TIMEOUT: Duration = Duration::from_secs(10);

/// How segments sharing a baseline (a title and its right-aligned date) are
/// joined in the plain text.
pub const SEGMENT_SEPARATOR: &str = " | ";

/// Run `f` on its own thread with a deadline, turning a panic into `None`.
fn guarded<T: Send + 'static>(
    f: impl FnOnce() -> Option<T> + Send + 'static,
) -> Result<Option<T>, EngineError> {
    let (tx, rx) = mpsc::channel();
    thread::Builder::new()
        .name("pdf-parse".into())
        .spawn(move || {
            let r = catch_unwind(AssertUnwindSafe(f)).ok().flatten();
            let _ = tx.send(r);
        })
        .map_err(|e| EngineError::Internal(format!("could not start the PDF reader: {e}")))?;
    match rx.recv_timeout(PARSE_TIMEOUT) {
        Ok(r) => Ok(r),
        // The thread is left to finish on its own; its result is dropped.
        Err(mpsc::RecvTimeoutError::Timeout) => Err(EngineError::ParseTimeout),
        Err(mpsc::RecvTimeoutError::Disconnected) => Ok(None),
    }
}

/// What the guarded reader thread found.
enum Read {
    Layout(PdfLayout),
    /// The positional reader failed; pdf-extract's plain text, if any.
    Plain(Option<String>, usize),
    Encrypted,
    TooMany(usize),
}

fn read(bytes: &[u8]) -> Result<Read, EngineError> {
    let data = bytes.to_vec();
    let r = guarded(move || {
        let doc = pdf_extract::Document::load_mem(&data).ok()?;
        // lopdf opens files encrypted with an empty user password itself;
        // one that stays encrypted needs a password we do not have.
        if doc.is_encrypted() {
            return Some(Read::Encrypted);
        }
        let pages = doc.get_pages().len();
        if pages > MAX_PAGES {
            return Some(Read::TooMany(pages));
        }
        let positional = catch_unwind(AssertUnwindSafe(|| glyphs::read_pages(&doc)))
            .ok()
            .and_then(Result::ok)
            .map(|p| layout::assemble(&p))
            .filter(|l| has_text(l.lines.iter().map(|l| l.text.as_str())));
        Some(match positional {
            Some(l) => Read::Layout(l),
            None => {
                let nums: Vec<u32> = doc.get_pages().keys().copied().collect();
                let plain = catch_unwind(AssertUnwindSafe(|| doc.extract_text(&nums)))
                    .ok()
                    .and_then(Result::ok);
                Read::Plain(plain, pages)
            }
        })
    })?;
    match r {
        None => Err(EngineError::PdfUnreadable),
        Some(Read::Encrypted) => Err(EngineError::PdfEncrypted),
        Some(Read::TooMany(pages)) => Err(EngineError::PdfTooManyPages {
            pages,
            limit: MAX_PAGES,
        }),
        Some(r) => Ok(r),
    }
}

/// The document's reading-order lines with their positions, sizes and weights.
pub fn pdf_layout(bytes: &[u8]) -> Result<PdfLayout, EngineError> {
    match read(bytes)? {
        Read::Layout(l) => Ok(l),
        Read::Plain(Some(t), pages) if has_text(std::iter::once(t.as_str())) => {
            // Positions unknown: one line per text line, in the order read.
            let lines = tidy(&t)
                .lines()
                .filter(|l| !l.is_empty())
                .map(|l| PdfLine {
                    page: 1,
                    x: 0.0,
                    y: 0.0,
                    width: 0.0,
                    size: 0.0,
                    bold: false,
                    text: l.to_string(),
                })
                .collect();
            Ok(PdfLayout { pages, lines })
        }
        _ => Err(EngineError::PdfNoText),
    }
}

/// Extract the text of a PDF.
pub fn pdf_to_text(bytes: &[u8]) -> Result<String, EngineError> {
    pdf_to_text_pages(bytes).map(|(t, _)| t)
}

/// Extract the text of a PDF, one visual line per line, and count its pages.
pub fn pdf_to_text_pages(bytes: &[u8]) -> Result<(String, usize), EngineError> {
    match read(bytes)? {
        Read::Layout(l) => Ok((layout::layout_text(&l, SEGMENT_SEPARATOR), l.pages)),
        Read::Plain(Some(t), pages) if has_text(std::iter::once(t.as_str())) => {
            Ok((tidy(&t), pages))
        }
        _ => Err(EngineError::PdfNoText),
    }
}

/// pdf-extract's own plain-text reading (the reader before the positional
/// one), kept for the reading benchmark's before/after comparison.
pub fn pdf_extract_plain_text(bytes: &[u8]) -> Result<String, EngineError> {
    let data = bytes.to_vec();
    match guarded(move || pdf_extract::extract_text_from_mem(&data).ok())? {
        Some(t) if has_text(std::iter::once(t.as_str())) => Ok(tidy(&t)),
        Some(_) => Err(EngineError::PdfNoText),
        None => Err(EngineError::PdfUnreadable),
    }
}

fn has_text<'a>(parts: impl Iterator<Item = &'a str>) -> bool {
    parts
        .flat_map(str::chars)
        .filter(|c| c.is_alphanumeric())
        .take(20)
        .count()
        >= 20
}

/// Normalise extractor output: collapse runs of blank lines and spaces.
fn tidy(t: &str) -> String {
    let mut out = String::with_capacity(t.len());
    let mut blank = 0;
    for l in t.lines() {
        let l = l.split_whitespace().collect::<Vec<_>>().join(" ");
        if l.is_empty() {
            blank += 1;
            if blank == 1 {
                out.push('\n');
            }
            continue;
        }
        blank = 0;
        out.push_str(&l);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_is_unreadable_not_a_panic() {
        let e = pdf_to_text(b"%PDF-1.4 garbage").unwrap_err();
        assert_eq!(e.code(), "pdf_unreadable");
        assert_eq!(
            pdf_layout(b"not a pdf").unwrap_err().code(),
            "pdf_unreadable"
        );
    }
}
