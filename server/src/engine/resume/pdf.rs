//! Reading text-based PDFs, defensively: page cap, parse-time cap, panics
//! caught, and a second reader when the first fails.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use crate::engine::EngineError;

pub const MAX_PAGES: usize = 30;
pub const PARSE_TIMEOUT: Duration = Duration::from_secs(10);

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

/// Extract the text of a PDF.
pub fn pdf_to_text(bytes: &[u8]) -> Result<String, EngineError> {
    pdf_to_text_pages(bytes).map(|(t, _)| t)
}

/// Extract the text of a PDF and count its pages.
pub fn pdf_to_text_pages(bytes: &[u8]) -> Result<(String, usize), EngineError> {
    let data = bytes.to_vec();
    // Page count first (also proves the file is a PDF at all).
    let pages = guarded(move || {
        pdf_extract::Document::load_mem(&data)
            .ok()
            .map(|d| d.get_pages().len())
    })?;
    let pages = match pages {
        Some(n) => n,
        None => return Err(EngineError::PdfUnreadable),
    };
    if pages > MAX_PAGES {
        return Err(EngineError::PdfTooManyPages {
            pages,
            limit: MAX_PAGES,
        });
    }
    let data = bytes.to_vec();
    let primary = guarded(move || pdf_extract::extract_text_from_mem(&data).ok())?;
    let text = match primary {
        Some(t) if has_text(&t) => t,
        _ => {
            let data = bytes.to_vec();
            let fallback = guarded(move || {
                let doc = pdf_extract::Document::load_mem(&data).ok()?;
                let nums: Vec<u32> = doc.get_pages().keys().copied().collect();
                doc.extract_text(&nums).ok()
            })?;
            match fallback {
                Some(t) if has_text(&t) => t,
                _ => return Err(EngineError::PdfNoText),
            }
        }
    };
    Ok((tidy(&text), pages))
}

fn has_text(t: &str) -> bool {
    t.chars().filter(|c| c.is_alphanumeric()).count() >= 20
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
    }
}
