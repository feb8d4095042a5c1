//! Glyphs with their page positions, sizes and weights.
//!
//! pdf-extract decodes the fonts (encodings, ToUnicode maps, widths) and
//! hands every glyph to an [`OutputDev`] with its text matrix, but not the
//! font it came from. Weight comes from a second, cheap walk over the same
//! content streams that records, for each show-text string, whether its font
//! is bold; pdf-extract calls `begin_word` once per such string, so the n-th
//! string of a page is the n-th `begin_word`. When the two walks disagree on
//! a page's string count, that page's weights are left unknown (not bold)
//! rather than guessed.

use std::collections::HashMap;

use pdf_extract::{
    Dictionary, Document, MediaBox, Object, ObjectId, OutputDev, OutputError, Transform,
};

/// One drawn glyph, in page space with y measured down from the page top.
#[derive(Debug, Clone)]
pub struct Glyph {
    /// Origin of the glyph on its baseline.
    pub x: f64,
    pub y: f64,
    /// Advance along the baseline (without character spacing).
    pub w: f64,
    /// Rendered size: the font size scaled by the text and page matrices.
    pub size: f64,
    pub bold: bool,
    pub text: String,
}

/// The glyphs of one page.
#[derive(Debug, Clone, Default)]
pub struct Page {
    pub width: f64,
    pub height: f64,
    pub glyphs: Vec<Glyph>,
}

/// What the second walk knows about one show-text string.
#[derive(Debug, Clone, Default)]
struct StringInfo {
    bold: bool,
    /// The text matrix was set (BT, Td, Tm, T*…) since the previous string,
    /// so position errors carried from earlier glyphs end here.
    reset: bool,
    /// The true advance of each character code, in thousandths of an em,
    /// when the font's codes and widths are known (composite fonts with an
    /// Identity encoding).
    widths: Option<Vec<f64>>,
}

/// A glyph as pdf-extract reported it, before corrections.
struct Raw {
    string: usize,
    code: usize,
    /// pdf-extract's advance in ems, and the em's length on the page.
    w_em: f64,
    em: f64,
    glyph: Option<Glyph>,
}

/// Collects glyphs from pdf-extract's interpreter.
struct Collector {
    pages: Vec<Page>,
    media: MediaBox,
    /// Show-text strings seen on this page (pdf-extract's `begin_word`s).
    strings: usize,
    code: usize,
    raw: Vec<Raw>,
    infos_by_page: Vec<Vec<StringInfo>>,
    /// A cap on glyphs kept, so a hostile file cannot grow memory without bound.
    max_glyphs: usize,
    kept: usize,
}

/// Upper bound on glyphs read from one document (a 30-page dense resume has
/// well under 200k).
pub const MAX_GLYPHS: usize = 400_000;

impl Collector {
    /// Apply weights and true advances once the page's strings are known to
    /// line up with the second walk's.
    fn finish_page(&mut self, infos: &[StringInfo]) -> Vec<Glyph> {
        let aligned = infos.len() == self.strings;
        let mut codes_per_string = vec![0usize; self.strings];
        for r in &self.raw {
            if let Some(n) = codes_per_string.get_mut(r.string) {
                *n += 1;
            }
        }
        let mut out = Vec::new();
        // pdf-extract advances by its own widths; where they are wrong, every
        // later glyph until the next positioning operator is off by the sum.
        let mut drift = 0.0;
        let mut last_string = usize::MAX;
        for r in self.raw.drain(..) {
            let info = aligned.then(|| &infos[r.string]);
            if r.string != last_string {
                if info.is_none_or(|i| i.reset) {
                    drift = 0.0;
                }
                last_string = r.string;
            }
            let true_w = info
                .and_then(|i| i.widths.as_ref())
                .filter(|w| w.len() == codes_per_string[r.string])
                .and_then(|w| w.get(r.code))
                .map(|w| w / 1000.0);
            if let Some(mut g) = r.glyph {
                g.x -= drift;
                if let Some(tw) = true_w {
                    g.w = tw * r.em;
                }
                g.bold = info.is_some_and(|i| i.bold);
                out.push(g);
            }
            if let Some(tw) = true_w {
                drift += (r.w_em - tw) * r.em;
            }
        }
        out
    }
}

impl OutputDev for Collector {
    fn begin_page(
        &mut self,
        _page_num: u32,
        media_box: &MediaBox,
        _art_box: Option<(f64, f64, f64, f64)>,
    ) -> Result<(), OutputError> {
        self.media = *media_box;
        self.strings = 0;
        self.raw.clear();
        self.pages.push(Page {
            width: (media_box.urx - media_box.llx).abs(),
            height: (media_box.ury - media_box.lly).abs(),
            glyphs: Vec::new(),
        });
        Ok(())
    }

    fn end_page(&mut self) -> Result<(), OutputError> {
        let idx = self.pages.len().saturating_sub(1);
        let infos = self.infos_by_page.get(idx).cloned().unwrap_or_default();
        let glyphs = self.finish_page(&infos);
        if let Some(page) = self.pages.last_mut() {
            page.glyphs = glyphs;
        }
        Ok(())
    }

    fn output_character(
        &mut self,
        trm: &Transform,
        width: f64,
        _spacing: f64,
        font_size: f64,
        char: &str,
    ) -> Result<(), OutputError> {
        let string = self.strings.saturating_sub(1);
        let code = self.code;
        self.code += 1;
        if self.kept >= self.max_glyphs {
            return Ok(());
        }
        self.kept += 1;
        // Baseline direction and the glyph's vertical scale in page space.
        let (ax, ay) = (trm.m11, trm.m12);
        let (vx, vy) = (trm.m21, trm.m22);
        let hlen = (ax * ax + ay * ay).sqrt();
        let em = font_size.abs() * hlen;
        let mut raw = Raw {
            string,
            code,
            w_em: width,
            em: if em.is_finite() { em } else { 0.0 },
            glyph: None,
        };
        let size = font_size.abs() * (vx * vx + vy * vy).sqrt();
        let x = trm.m31 - self.media.llx;
        let y = self.media.ury - trm.m32;
        let w = width * em;
        // Only horizontal text takes part in line assembly; rotated labels
        // (a vertical sidebar title) would scramble the lines they cross.
        let horizontal = hlen > 0.0 && ay.abs() <= 0.05 * hlen && ax > 0.0;
        if horizontal
            && !char.is_empty()
            && size.is_finite()
            && size > 0.5
            && x.is_finite()
            && y.is_finite()
            && w.is_finite()
        {
            raw.glyph = Some(Glyph {
                x,
                y,
                w,
                size,
                bold: false,
                text: char.to_string(),
            });
        }
        self.raw.push(raw);
        Ok(())
    }

    fn begin_word(&mut self) -> Result<(), OutputError> {
        self.strings += 1;
        self.code = 0;
        Ok(())
    }

    fn end_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_line(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
}

/// Read every page's glyphs. Panics inside pdf-extract are the caller's to
/// catch (it runs this on a guarded thread).
pub fn read_pages(doc: &Document) -> Result<Vec<Page>, OutputError> {
    let mut budget = MAX_STRINGS;
    let infos_by_page = doc
        .get_pages()
        .values()
        .map(|&id| {
            let infos = string_infos(doc, id, budget);
            budget -= infos.len();
            infos
        })
        .collect();
    let mut c = Collector {
        pages: Vec::new(),
        media: MediaBox {
            llx: 0.0,
            lly: 0.0,
            urx: 0.0,
            ury: 0.0,
        },
        strings: 0,
        code: 0,
        raw: Vec::new(),
        infos_by_page,
        max_glyphs: MAX_GLYPHS,
        kept: 0,
    };
    pdf_extract::output_doc(doc, &mut c)?;
    Ok(c.pages)
}

/// For each show-text string of a page, in the order pdf-extract reads
/// them: its font's weight, whether the text matrix was set before it, and
/// its codes' true widths when known.
fn string_infos(doc: &Document, page: ObjectId, budget: usize) -> Vec<StringInfo> {
    let Ok(content) = doc.get_page_content(page) else {
        return Vec::new();
    };
    let resources = page_resources(doc, page);
    let mut w = Walk {
        doc,
        budget,
        fonts: HashMap::new(),
        out: Vec::new(),
    };
    w.walk(&content, resources.as_ref(), 0);
    w.out
}

fn page_resources(doc: &Document, page: ObjectId) -> Option<Dictionary> {
    // Resources may be inherited from the page tree.
    let mut id = page;
    for _ in 0..32 {
        let dict = doc.get_dictionary(id).ok()?;
        if let Ok(r) = dict.get(b"Resources") {
            return deref(doc, r).and_then(|o| o.as_dict().ok()).cloned();
        }
        id = dict.get(b"Parent").ok()?.as_reference().ok()?;
    }
    None
}

fn deref<'a>(doc: &'a Document, o: &'a Object) -> Option<&'a Object> {
    match o {
        Object::Reference(id) => doc.get_object(*id).ok(),
        other => Some(other),
    }
}

fn sub_dict<'a>(doc: &'a Document, d: &'a Dictionary, key: &[u8]) -> Option<&'a Dictionary> {
    deref(doc, d.get(key).ok()?)?.as_dict().ok()
}

fn num(doc: &Document, o: &Object) -> Option<f64> {
    match deref(doc, o)? {
        Object::Integer(i) => Some(*i as f64),
        Object::Real(r) => Some(*r as f64),
        _ => None,
    }
}

/// What the walk needs of a font.
#[derive(Clone, Default)]
struct FontInfo {
    bold: bool,
    /// Two-byte codes (an Identity-encoded composite font) and their widths.
    cid_widths: Option<(HashMap<u32, f64>, f64)>,
}

impl FontInfo {
    fn widths(&self, bytes: &[u8]) -> Option<Vec<f64>> {
        let (map, dw) = self.cid_widths.as_ref()?;
        if !bytes.len().is_multiple_of(2) {
            return None;
        }
        Some(
            bytes
                .chunks(2)
                .map(|c| {
                    let code = u32::from(c[0]) << 8 | u32::from(c[1]);
                    map.get(&code).copied().unwrap_or(*dw)
                })
                .collect(),
        )
    }
}

/// Mirror of pdf-extract's operator walk, one entry per show-text string.
struct Walk<'a> {
    doc: &'a Document,
    /// Keyed by resource name, like pdf-extract's own per-page cache.
    fonts: HashMap<Vec<u8>, FontInfo>,
    out: Vec<StringInfo>,
    /// Strings this page may still record (what the document has left).
    budget: usize,
}

/// Bound on the strings recorded for one document; past it, pages are
/// read without weights (the count no longer lines up).
const MAX_STRINGS: usize = 400_000;

impl Walk<'_> {
    fn walk(&mut self, content: &[u8], resources: Option<&Dictionary>, depth: usize) {
        let doc = self.doc;
        let Ok(content) = pdf_extract::content::Content::decode(content) else {
            return;
        };
        let mut font = FontInfo::default();
        let mut stack = Vec::new();
        // A form starts with a fresh text matrix.
        let mut reset = true;
        for op in &content.operations {
            if self.out.len() >= self.budget {
                return;
            }
            match op.operator.as_str() {
                "q" => stack.push(font.clone()),
                "Q" => font = stack.pop().unwrap_or(font),
                "BT" | "ET" | "Td" | "TD" | "Tm" | "T*" => reset = true,
                "Tf" => {
                    if let (Some(name), Some(res)) = (
                        op.operands.first().and_then(|o| o.as_name().ok()),
                        resources,
                    ) {
                        font = self
                            .fonts
                            .entry(name.to_vec())
                            .or_insert_with(|| font_info(doc, res, name))
                            .clone();
                    }
                }
                "Tj" => {
                    if let Some(Object::String(bytes, _)) = op.operands.first() {
                        self.out.push(StringInfo {
                            bold: font.bold,
                            reset,
                            widths: font.widths(bytes),
                        });
                        reset = false;
                    }
                }
                "TJ" => {
                    if let Some(Object::Array(items)) = op.operands.first() {
                        for item in items {
                            if let Object::String(bytes, _) = item {
                                self.out.push(StringInfo {
                                    bold: font.bold,
                                    reset,
                                    widths: font.widths(bytes),
                                });
                                reset = false;
                            }
                        }
                    }
                }
                "Do" if depth < 8 => {
                    self.form(op, resources, depth);
                    reset = true;
                }
                _ => {}
            }
        }
    }

    fn form(
        &mut self,
        op: &pdf_extract::content::Operation,
        res: Option<&Dictionary>,
        depth: usize,
    ) {
        let doc = self.doc;
        let Some(res) = res else { return };
        let Some(name) = op.operands.first().and_then(|o| o.as_name().ok()) else {
            return;
        };
        let Some(xobjects) = sub_dict(doc, res, b"XObject") else {
            return;
        };
        let Some(Ok(stream)) = xobjects
            .get(name)
            .ok()
            .and_then(|o| deref(doc, o))
            .map(|o| o.as_stream())
        else {
            return;
        };
        let inner = stream
            .decompressed_content()
            .unwrap_or_else(|_| stream.content.clone());
        let own = sub_dict(doc, &stream.dict, b"Resources").or(Some(res));
        self.walk(&inner, own, depth + 1);
    }
}

/// A font resource's weight and, for an Identity-encoded composite font,
/// its widths (both forms of the /W array: `c [w1 w2 …]` and `c1 c2 w`).
fn font_info(doc: &Document, resources: &Dictionary, name: &[u8]) -> FontInfo {
    let Some(font) = sub_dict(doc, resources, b"Font").and_then(|f| sub_dict(doc, f, name)) else {
        return FontInfo::default();
    };
    let bold = font_is_bold(doc, font);
    let identity = font
        .get(b"Encoding")
        .ok()
        .and_then(|o| deref(doc, o))
        .and_then(|o| o.as_name().ok())
        .is_some_and(|n| n == b"Identity-H" || n == b"Identity-V");
    let child = identity
        .then(|| {
            let arr = deref(doc, font.get(b"DescendantFonts").ok()?)?
                .as_array()
                .ok()?;
            deref(doc, arr.first()?)?.as_dict().ok()
        })
        .flatten();
    let cid_widths = child.map(|c| {
        let dw = c
            .get(b"DW")
            .ok()
            .and_then(|o| num(doc, o))
            .unwrap_or(1000.0);
        let mut map = HashMap::new();
        if let Some(w) = c
            .get(b"W")
            .ok()
            .and_then(|o| deref(doc, o))
            .and_then(|o| o.as_array().ok())
        {
            let mut i = 0;
            while i < w.len() {
                let Some(first) = num(doc, &w[i]) else { break };
                let first = first as u32;
                match w.get(i + 1).and_then(|o| deref(doc, o)) {
                    Some(Object::Array(ws)) => {
                        for (j, v) in ws.iter().enumerate().take(65_536) {
                            if let Some(v) = num(doc, v) {
                                map.insert(first + j as u32, v);
                            }
                        }
                        i += 2;
                    }
                    Some(o) => {
                        let (Some(last), Some(v)) =
                            (num(doc, o), w.get(i + 2).and_then(|o| num(doc, o)))
                        else {
                            break;
                        };
                        for c in first..=(last as u32).min(first + 65_536) {
                            map.insert(c, v);
                        }
                        i += 3;
                    }
                    None => break,
                }
            }
        }
        (map, dw)
    });
    FontInfo { bold, cid_widths }
}

/// Whether a font resource is bold: by its descriptor's weight or ForceBold
/// flag, or by its PostScript name.
fn font_is_bold(doc: &Document, font: &Dictionary) -> bool {
    let base = font
        .get(b"BaseFont")
        .ok()
        .and_then(|o| deref(doc, o))
        .and_then(|o| o.as_name().ok())
        .map(|n| String::from_utf8_lossy(n).into_owned())
        .unwrap_or_default();
    // A composite font keeps its descriptor on its descendant.
    let descriptor = sub_dict(doc, font, b"FontDescriptor").or_else(|| {
        let arr = deref(doc, font.get(b"DescendantFonts").ok()?)?
            .as_array()
            .ok()?;
        let child = deref(doc, arr.first()?)?.as_dict().ok()?;
        sub_dict(doc, child, b"FontDescriptor")
    });
    if let Some(d) = descriptor {
        let weight = d
            .get(b"FontWeight")
            .ok()
            .and_then(|o| deref(doc, o))
            .and_then(|o| num(doc, o));
        if weight.is_some_and(|w| w >= 600.0) {
            return true;
        }
        let flags = d
            .get(b"Flags")
            .ok()
            .and_then(|o| deref(doc, o))
            .and_then(|o| o.as_i64().ok())
            .unwrap_or(0);
        const FORCE_BOLD: i64 = 1 << 18;
        if flags & FORCE_BOLD != 0 {
            return true;
        }
    }
    name_is_bold(&base)
}

/// Bold by the PostScript name: "ABCDEF+Arial-BoldMT", "Inter-SemiBold",
/// TeX's "CMBX10"/"CMSSBX10" (bold extended).
pub fn name_is_bold(base: &str) -> bool {
    let name = base.split_once('+').map_or(base, |(_, n)| n);
    let lower = name.to_ascii_lowercase();
    ["bold", "black", "heavy", "semibold", "demi", "extrabold"]
        .iter()
        .any(|w| lower.contains(w))
        || name.contains("BX")
        || lower.ends_with("-bd")
        || lower.contains(",bold")
}

#[cfg(test)]
mod tests {
    use super::name_is_bold;

    #[test]
    fn bold_names() {
        for n in [
            "AAAAAA+Arial-BoldMT",
            "DejaVuSans-Bold",
            "CMBX12",
            "XYZ+CMSSBX10",
            "Inter-SemiBold",
            "Roboto-Black",
            "Arial,Bold",
        ] {
            assert!(name_is_bold(n), "{n}");
        }
        for n in [
            "ArialMT",
            "CMR10",
            "DejaVuSans",
            "Helvetica-Oblique",
            "CMSS10",
        ] {
            assert!(!name_is_bold(n), "{n}");
        }
    }
}
