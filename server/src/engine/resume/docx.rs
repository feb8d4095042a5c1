//! Reading DOCX (Office Open XML) resumes into text lines, with zip-bomb limits.

use std::io::{Cursor, Read};

use quick_xml::events::Event;
use quick_xml::Reader;

use crate::engine::EngineError;

/// Largest total uncompressed size of all entries we accept.
pub const MAX_UNCOMPRESSED: u64 = 64 * 1024 * 1024;
/// Largest `word/document.xml` we read.
pub const MAX_DOCUMENT_XML: u64 = 24 * 1024 * 1024;
/// Most entries a DOCX may have.
pub const MAX_ENTRIES: usize = 2_000;

fn bad(msg: impl Into<String>) -> EngineError {
    EngineError::DocxInvalid(msg.into())
}

/// Extract the text of a DOCX: one line per paragraph, headings prefixed
/// with "## " and list items with "- ", so the text parser sees structure.
pub fn docx_to_text(bytes: &[u8]) -> Result<String, EngineError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| bad(e.to_string()))?;
    if zip.len() > MAX_ENTRIES {
        return Err(EngineError::DocxTooLarge);
    }
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let f = zip.by_index_raw(i).map_err(|e| bad(e.to_string()))?;
        total = total.saturating_add(f.size());
    }
    if total > MAX_UNCOMPRESSED {
        return Err(EngineError::DocxTooLarge);
    }
    let mut xml = String::new();
    {
        let f = zip
            .by_name("word/document.xml")
            .map_err(|_| bad("it has no word/document.xml"))?;
        if f.size() > MAX_DOCUMENT_XML {
            return Err(EngineError::DocxTooLarge);
        }
        // The declared size may lie: cap what we actually inflate too.
        f.take(MAX_DOCUMENT_XML + 1)
            .read_to_string(&mut xml)
            .map_err(|e| bad(e.to_string()))?;
        if xml.len() as u64 > MAX_DOCUMENT_XML {
            return Err(EngineError::DocxTooLarge);
        }
    }
    document_xml_to_text(&xml)
}

fn attr_val(e: &quick_xml::events::BytesStart<'_>, key: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == key)
        .map(|a| a.value.into_owned())
}

/// Convert `word/document.xml` to lines.
pub fn document_xml_to_text(xml: &str) -> Result<String, EngineError> {
    let mut reader = Reader::from_str(xml);
    let mut out = String::new();
    let mut para = String::new();
    let mut in_text = false;
    let mut heading = false;
    let mut list = false;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => match e.name().as_ref() {
                "w:p" => {
                    para.clear();
                    heading = false;
                    list = false;
                }
                "w:t" => in_text = true,
                "w:tab" => para.push(' '),
                "w:br" | "w:cr" => para.push('\n'),
                "w:numPr" => list = true,
                "w:pStyle" => {
                    if let Some(v) = attr_val(&e, "w:val") {
                        let l = v.to_lowercase();
                        if l.starts_with("heading") || l == "title" {
                            heading = true;
                        }
                        if l.contains("list") {
                            list = true;
                        }
                    }
                }
                _ => {}
            },
            Ok(Event::End(e)) => match e.name().as_ref() {
                "w:t" => in_text = false,
                "w:p" => {
                    let text = para.trim();
                    if !text.is_empty() {
                        for (i, l) in text.lines().enumerate() {
                            let l = l.trim();
                            if l.is_empty() {
                                continue;
                            }
                            if i == 0 && list {
                                out.push_str("- ");
                            } else if i == 0 && heading {
                                out.push_str("## ");
                            }
                            out.push_str(l);
                            out.push('\n');
                        }
                    }
                    para.clear();
                }
                _ => {}
            },
            Ok(Event::Text(t)) if in_text => para.push_str(&t.into_inner()),
            Ok(Event::GeneralRef(r)) if in_text => {
                if let Ok(Some(c)) = r.resolve_char_ref() {
                    para.push(c);
                } else {
                    match r.into_inner().as_ref() {
                        "amp" => para.push('&'),
                        "lt" => para.push('<'),
                        "gt" => para.push('>'),
                        "quot" => para.push('"'),
                        "apos" => para.push('\''),
                        _ => {}
                    }
                }
            }
            Ok(Event::Eof) => break,
            Err(e) => return Err(bad(format!("its XML is broken ({e})"))),
            _ => {}
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_paragraphs_headings_and_lists() {
        let xml = r#"<w:document xmlns:w="x"><w:body>
<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>Experience</w:t></w:r></w:p>
<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/></w:numPr></w:pPr><w:r><w:t xml:space="preserve">Built R&amp;D </w:t></w:r><w:r><w:t>tools</w:t></w:r></w:p>
</w:body></w:document>"#;
        let t = document_xml_to_text(xml).unwrap();
        assert_eq!(t, "## Experience\n- Built R&D tools\n");
    }

    #[test]
    fn rejects_non_zip() {
        assert_eq!(
            docx_to_text(b"not a zip").unwrap_err().code(),
            "docx_invalid"
        );
    }
}
