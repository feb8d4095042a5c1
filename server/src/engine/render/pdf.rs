//! PDF rendering: single column, real text (selectable, parseable by an
//! ATS), US Letter, in DejaVu Sans embedded as a subset, so every name prints
//! as written ("Boğaziçi", "José Müller", "Łódź"). krilla writes the file
//! (shaping, subsetting, the ToUnicode map text extraction needs); the
//! layout here only decides where each line goes.

use std::sync::OnceLock;

use krilla::geom::{PathBuilder, Point};
use krilla::page::PageSettings;
use krilla::paint::Stroke;
use krilla::text::{Font, TextDirection};
use krilla::Document;

use super::{contact_line, name_line};
use crate::engine::resume::Resume;

const PAGE_W: f32 = 612.0;
const PAGE_H: f32 = 792.0;
const MARGIN: f32 = 54.0;

/// DejaVu Sans (Bitstream Vera / DejaVu licence, beside the files).
static REGULAR: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans-Bold.ttf");

/// A face's advance widths, for wrapping lines.
struct Metrics {
    face: ttf_parser::Face<'static>,
    per_em: f32,
}

impl Metrics {
    fn of(bytes: &'static [u8]) -> Metrics {
        let face = ttf_parser::Face::parse(bytes, 0).expect("the bundled font parses");
        let per_em = f32::from(face.units_per_em());
        Metrics { face, per_em }
    }

    fn width(&self, s: &str, size: f32) -> f32 {
        let fallback = self.face.glyph_index('?');
        let units: f32 = s
            .chars()
            .map(|c| {
                self.face
                    .glyph_index(c)
                    .or(fallback)
                    .and_then(|g| self.face.glyph_hor_advance(g))
                    .map_or(0.0, f32::from)
            })
            .sum();
        units * size / self.per_em
    }
}

fn metrics(bold: bool) -> &'static Metrics {
    static R: OnceLock<Metrics> = OnceLock::new();
    static B: OnceLock<Metrics> = OnceLock::new();
    if bold {
        B.get_or_init(|| Metrics::of(BOLD))
    } else {
        R.get_or_init(|| Metrics::of(REGULAR))
    }
}

fn wrap(text: &str, size: f32, bold: bool, max_w: f32) -> Vec<String> {
    let m = metrics(bold);
    let mut lines = Vec::new();
    let mut cur = String::new();
    for word in text.split_whitespace() {
        let cand = if cur.is_empty() {
            word.to_string()
        } else {
            format!("{cur} {word}")
        };
        if m.width(&cand, size) <= max_w || cur.is_empty() {
            cur = cand;
        } else {
            lines.push(std::mem::take(&mut cur));
            cur = word.to_string();
        }
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    lines
}

/// What goes on a page, in PDF points from the top-left corner.
enum Mark {
    Text {
        x: f32,
        y: f32,
        size: f32,
        bold: bool,
        text: String,
    },
    Rule {
        y: f32,
    },
}

/// Lays lines out top to bottom, starting a page when one is full.
struct Layout {
    pages: Vec<Vec<Mark>>,
    /// The baseline of the last line, from the top.
    y: f32,
}

impl Layout {
    fn new() -> Self {
        Layout {
            pages: vec![Vec::new()],
            y: MARGIN,
        }
    }

    fn ensure(&mut self, h: f32) {
        if self.y + h > PAGE_H - MARGIN {
            self.pages.push(Vec::new());
            self.y = MARGIN;
        }
    }

    fn mark(&mut self, m: Mark) {
        self.pages.last_mut().expect("a page").push(m);
    }

    fn para(&mut self, s: &str, size: f32, bold: bool, indent: f32, bullet: bool) {
        let lh = size * 1.3;
        let max_w = PAGE_W - 2.0 * MARGIN - indent;
        for (i, line) in wrap(s, size, bold, max_w).into_iter().enumerate() {
            self.ensure(lh);
            self.y += lh;
            if bullet && i == 0 {
                let y = self.y;
                self.mark(Mark::Text {
                    x: MARGIN + indent - 10.0,
                    y,
                    size,
                    bold: false,
                    text: "•".into(),
                });
            }
            let y = self.y;
            self.mark(Mark::Text {
                x: MARGIN + indent,
                y,
                size,
                bold,
                text: line,
            });
        }
    }

    fn rule(&mut self) {
        let y = self.y + 3.0;
        self.mark(Mark::Rule { y });
        self.y += 6.0;
    }
}

/// A PDF of the resume. Deterministic: no dates or ids in the file.
pub fn render(r: &Resume) -> Vec<u8> {
    let mut w = Layout::new();
    if let Some(n) = name_line(r) {
        w.para(&n, 18.0, true, 0.0, false);
        w.y += 2.0;
    }
    for h in &r.headline {
        w.para(h, 11.0, true, 0.0, false);
    }
    let c = contact_line(r);
    if !c.is_empty() {
        w.para(&c, 10.0, false, 0.0, false);
    }
    for s in &r.sections {
        w.y += 8.0;
        w.ensure(40.0);
        w.para(&s.heading.to_uppercase(), 12.0, true, 0.0, false);
        w.rule();
        for b in &s.blocks {
            for (i, h) in b.header.iter().enumerate() {
                let bold = i == 0 && b.role.is_some();
                if bold {
                    w.y += 3.0;
                }
                w.para(h, 10.5, bold, 0.0, false);
            }
            for x in &b.bullets {
                w.para(x, 10.5, false, 14.0, true);
            }
        }
    }
    write(w.pages)
}

fn write(pages: Vec<Vec<Mark>>) -> Vec<u8> {
    let font = |bytes: &'static [u8]| Font::new(bytes.into(), 0).expect("the bundled font loads");
    let (regular, bold) = (font(REGULAR), font(BOLD));
    let mut doc = Document::new();
    for marks in pages {
        let mut page =
            doc.start_page_with(PageSettings::from_wh(PAGE_W, PAGE_H).expect("a page size"));
        let mut surface = page.surface();
        for m in marks {
            match m {
                Mark::Text {
                    x,
                    y,
                    size,
                    bold: b,
                    text,
                } => surface.draw_text(
                    Point::from_xy(x, y),
                    if b { bold.clone() } else { regular.clone() },
                    size,
                    &text,
                    false,
                    TextDirection::Auto,
                ),
                Mark::Rule { y } => {
                    let mut path = PathBuilder::new();
                    path.move_to(MARGIN, y);
                    path.line_to(PAGE_W - MARGIN, y);
                    if let Some(path) = path.finish() {
                        surface.set_fill(None);
                        surface.set_stroke(Some(Stroke {
                            width: 0.5,
                            ..Stroke::default()
                        }));
                        surface.draw_path(&path);
                        surface.set_stroke(None);
                    }
                }
            }
        }
        surface.finish();
        page.finish();
    }
    // Every input is our own text in our own fonts: nothing here can fail
    // but a bug, and a download must not take the server down for one.
    doc.finish().unwrap_or_else(|e| {
        tracing::error!(error = ?e, "could not write a PDF");
        Vec::new()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::resume::{parse_text, pdf::pdf_to_text};

    #[test]
    fn renders_a_pdf_our_reader_reads_back() {
        let r = parse_text("Jo Bloggs\njo@x.com | (555) 123-4567\n\nExperience:\nAnalyst | Acme | 2019 - 2021\n- Wrote SQL reports for 12 teams across three regions, cutting the monthly close by 2 days\n\nSkills:\nSQL, Excel\n");
        let bytes = render(&r);
        assert!(bytes.starts_with(b"%PDF-"));
        assert_eq!(bytes, render(&r), "deterministic");
        let text = pdf_to_text(&bytes).unwrap();
        assert!(text.contains("Jo Bloggs"), "{text}");
        assert!(text.contains("EXPERIENCE"), "{text}");
        assert!(text.contains("Wrote SQL reports"), "{text}");
    }

    #[test]
    fn every_name_prints_as_written() {
        let r = parse_text("José Müller\njose@example.org\n\nExperience:\nIngeniero | Boğaziçi Üniversitesi | 2019 - 2021\n- Led a team in Łódź and Göteborg, Ørsted and Ærø\n\nSkills:\nSQL\n");
        let text = pdf_to_text(&render(&r)).unwrap();
        for want in [
            "José Müller",
            "Boğaziçi Üniversitesi",
            "Łódź",
            "Göteborg",
            "Ørsted",
            "Ærø",
        ] {
            assert!(text.contains(want), "{want} not in {text}");
        }
    }
}
