//! From positioned glyphs to reading-order lines.
//!
//! Glyphs → rows (one baseline) → words (by the gap to the next glyph
//! against the row's own letter spacing, so letter-spaced capitals stay one
//! word) → segments (words split by a wide gap: a right-aligned date, a
//! second column) → flows (columns found by a gutter that many segments sit
//! beside and almost none cross) → lines. Running headers, footers and page
//! numbers are dropped by position and repetition; line-end hyphenation is
//! joined.

use serde::{Deserialize, Serialize};

use super::glyphs::{Glyph, Page};

/// One run of text on one baseline, without a wide gap inside.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PdfLine {
    /// 1-based page number.
    pub page: usize,
    /// Left edge and baseline (of the last row, for a title that wraps), in
    /// points from the page's top-left corner.
    pub x: f64,
    pub y: f64,
    pub width: f64,
    /// Median rendered font size of its glyphs, in points.
    pub size: f64,
    /// Most of its letters are set in a bold font.
    pub bold: bool,
    pub text: String,
}

/// The reading-order lines of a document.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct PdfLayout {
    pub pages: usize,
    pub lines: Vec<PdfLine>,
}

/// A gap wider than this many ems (of the row's size) ends a segment.
const WIDE_GAP_EM: f64 = 1.6;
/// ... and must also be this many times the row's usual word gap, so a
/// loosely justified line stays whole.
const WIDE_GAP_RATIO: f64 = 2.5;
/// A gap this many ems above the row's letter spacing separates words.
const WORD_GAP_EM: f64 = 0.16;

#[derive(Debug, Clone)]
struct Segment {
    x0: f64,
    x1: f64,
    y: f64,
    size: f64,
    bold: bool,
    text: String,
    /// Where its words start after a wider than usual gap: the places it
    /// may be split at when a cell boundary lines up with the next row.
    wide_starts: Vec<WordStart>,
    /// Its inked glyphs and how many of them are bold.
    inked: usize,
    bold_glyphs: usize,
}

/// A word start inside a segment, after a gap wider than the row's usual
/// word gap.
#[derive(Debug, Clone)]
struct WordStart {
    /// Byte offset in the segment's text.
    byte: usize,
    x: f64,
    /// Where the word before it ends.
    prev_end: f64,
    /// Inked and bold glyphs before it, so each part's weight can be
    /// recomputed when the segment is split here.
    inked_before: usize,
    bold_before: usize,
    /// The word's first glyph is bold.
    bold: bool,
}

/// A gap this many times the row's usual word gap may be a cell boundary
/// (a title's last word and the date beside it), if something lines up
/// with the word after it on the next row. Word gaps within a line are
/// equal (a justified line stretches them all alike).
const CELL_GAP_RATIO: f64 = 1.15;

impl Segment {
    fn is_blank(&self) -> bool {
        self.text.trim().is_empty()
    }
}

/// Assemble pages of glyphs into reading-order lines.
pub fn assemble(pages: &[Page]) -> PdfLayout {
    let mut per_page: Vec<Vec<Segment>> = pages.iter().map(page_segments).collect();
    drop_running(&mut per_page, pages);
    let mut lines = Vec::new();
    for (i, segs) in per_page.into_iter().enumerate() {
        let ordered = reading_order(segs);
        for flow in ordered {
            let mut rows = rows_of(flow);
            for row in &mut rows {
                row.sort_by(|a, b| a.x0.total_cmp(&b.x0));
            }
            join_wrapped_cells(&mut rows);
            for row in rows {
                for s in row {
                    lines.push(PdfLine {
                        page: i + 1,
                        x: round2(s.x0),
                        y: round2(s.y),
                        width: round2(s.x1 - s.x0),
                        size: round2(s.size),
                        bold: s.bold,
                        text: s.text,
                    });
                }
            }
        }
    }
    join_hyphenation(&mut lines);
    join_wrapped_titles(&mut lines);
    lines.retain(|l| !l.text.trim().is_empty());
    PdfLayout {
        pages: pages.len(),
        lines,
    }
}

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// The text, one visual line per line; segments sharing a baseline are
/// joined with `sep`.
pub fn layout_text(layout: &PdfLayout, sep: &str) -> String {
    let mut out = String::new();
    let mut prev: Option<&PdfLine> = None;
    for l in &layout.lines {
        if let Some(p) = prev {
            let same_row =
                p.page == l.page && (p.y - l.y).abs() < 0.35 * p.size.min(l.size) && l.x > p.x;
            if same_row {
                out.push_str(sep);
            } else {
                out.push('\n');
                // A paragraph-sized vertical gap or a new page: a blank line.
                if p.page != l.page || l.y - p.y > 2.1 * p.size.max(l.size) {
                    out.push('\n');
                }
            }
        }
        out.push_str(&l.text);
        prev = Some(l);
    }
    out.push('\n');
    out
}

/// Rows of glyphs by baseline, then words and segments within each row.
fn page_segments(page: &Page) -> Vec<Segment> {
    let on_page =
        |g: &Glyph| g.x > -5.0 && g.y > -5.0 && g.x < page.width + 5.0 && g.y < page.height + 5.0;
    // A space that does not move the pen (the next glyph drawn starts where
    // it does) is not a word break: Chromium maps an unbroken soft hyphen's
    // empty glyph to " ".
    let zero_advance_space = |i: usize| {
        let g = &page.glyphs[i];
        g.text.chars().all(char::is_whitespace)
            && page.glyphs.get(i + 1).is_some_and(|n| {
                (n.y - g.y).abs() < 0.1 * g.size && (n.x - g.x).abs() < 0.1 * g.size
            })
    };
    let mut glyphs: Vec<&Glyph> = (0..page.glyphs.len())
        .filter(|&i| on_page(&page.glyphs[i]) && !zero_advance_space(i))
        .map(|i| &page.glyphs[i])
        .collect();
    glyphs.sort_by(|a, b| a.y.total_cmp(&b.y).then(a.x.total_cmp(&b.x)));
    let mut rows: Vec<Vec<&Glyph>> = Vec::new();
    for g in glyphs {
        match rows.last_mut() {
            Some(row) if (g.y - row_baseline(row)).abs() <= 0.3 * g.size.min(row[0].size) => {
                row.push(g)
            }
            _ => rows.push(vec![g]),
        }
    }
    split_at_aligned_cells(rows.into_iter().flat_map(row_segments).collect())
}

fn row_baseline(row: &[&Glyph]) -> f64 {
    row.iter().map(|g| g.y).sum::<f64>() / row.len() as f64
}

fn median(mut v: Vec<f64>) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    Some(v[v.len() / 2])
}

/// A glyph's advance; a font whose width table lacks the glyph reports 0,
/// so assume a narrow glyph rather than a gap after it.
fn advance(g: &Glyph) -> f64 {
    if g.w > 0.02 * g.size {
        g.w
    } else {
        0.35 * g.size
    }
}

/// Typographic ligatures as the letters they join ("ﬂ" → "fl").
fn push_char(out: &mut String, c: char) {
    match c {
        '\u{fb00}' => out.push_str("ff"),
        '\u{fb01}' => out.push_str("fi"),
        '\u{fb02}' => out.push_str("fl"),
        '\u{fb03}' => out.push_str("ffi"),
        '\u{fb04}' => out.push_str("ffl"),
        '\u{fb05}' | '\u{fb06}' => out.push_str("st"),
        // Non-breaking and other spaces inside a glyph's text are plain spaces.
        c if c.is_whitespace() => out.push(' '),
        c if is_invisible(c) => {}
        c => out.push(c),
    }
}

/// Invisible or layout-only characters a glyph may decode to.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00ad}' | '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{feff}'
    ) || c.is_control()
}

fn row_segments(mut row: Vec<&Glyph>) -> Vec<Segment> {
    row.sort_by(|a, b| a.x.total_cmp(&b.x));
    // A glyph drawn twice at the same spot (fake bold, shadows) is one glyph.
    let mut dedup: Vec<&Glyph> = Vec::with_capacity(row.len());
    for g in row {
        if let Some(p) = dedup.last() {
            if p.text == g.text && (g.x - p.x).abs() < 0.15 * g.size {
                continue;
            }
        }
        dedup.push(g);
    }
    let row = dedup;
    let size = median(row.iter().map(|g| g.size).collect()).unwrap_or(10.0);
    // Invisible glyphs (a soft hyphen inside a word) still hold their place,
    // so the gap across them is not mistaken for a space.
    let ink = |g: &Glyph| !g.text.chars().all(char::is_whitespace);
    // Gaps between consecutive inked glyphs, and whether a space glyph lies between.
    let mut gaps = Vec::new();
    let mut last: Option<&Glyph> = None;
    let mut spaced = false;
    for g in &row {
        if !ink(g) {
            if g.text.chars().any(char::is_whitespace) {
                spaced = true;
            }
            continue;
        }
        if let Some(p) = last {
            gaps.push((g.x - (p.x + advance(p)), spaced));
        }
        spaced = false;
        last = Some(g);
    }
    // The row's letter spacing: the median of the gaps that are not spaces.
    let letter = median(
        gaps.iter()
            .filter(|(gap, sp)| !sp && *gap < 0.5 * size)
            .map(|(gap, _)| *gap)
            .collect(),
    )
    .unwrap_or(0.0)
    .max(0.0);
    let is_word_gap = |gap: f64, sp: bool| sp || gap > letter + WORD_GAP_EM * size;
    // The usual word gap: the lower median of the row's word gaps, so one
    // wide gap among normal ones stands out, while a justified row whose
    // gaps are all stretched stays whole. A single gap has nothing to be
    // compared with and is judged against a normal space.
    let mut word_gaps: Vec<f64> = gaps
        .iter()
        .filter(|(g, sp)| is_word_gap(*g, *sp))
        .map(|(g, _)| *g)
        .collect();
    word_gaps.sort_by(f64::total_cmp);
    let usual_word = if word_gaps.len() >= 2 {
        word_gaps[(word_gaps.len() - 1) / 2]
    } else {
        0.3 * size
    }
    .max(0.2 * size);
    let wide = (WIDE_GAP_EM * size).max(WIDE_GAP_RATIO * usual_word);

    let mut segs = Vec::new();
    let mut cur: Vec<&Glyph> = Vec::new();
    let mut text = String::new();
    let mut gi = 0;
    let mut pending_space = false;
    let mut starts: Vec<WordStart> = Vec::new();
    let flush = |cur: &mut Vec<&Glyph>,
                 text: &mut String,
                 starts: &mut Vec<WordStart>,
                 segs: &mut Vec<Segment>| {
        if cur.is_empty() {
            return;
        }
        let inked: Vec<&&Glyph> = cur.iter().filter(|g| ink(g)).collect();
        let bold_chars = inked.iter().filter(|g| g.bold).count();
        let first = cur[0];
        let last = cur[cur.len() - 1];
        segs.push(Segment {
            x0: first.x,
            x1: last.x + advance(last),
            y: cur.iter().map(|g| g.y).sum::<f64>() / cur.len() as f64,
            size: median(inked.iter().map(|g| g.size).collect()).unwrap_or(first.size),
            bold: !inked.is_empty() && bold_chars * 2 > inked.len(),
            text: std::mem::take(text),
            wide_starts: std::mem::take(starts),
            inked: inked.len(),
            bold_glyphs: bold_chars,
        });
        cur.clear();
    };
    for g in &row {
        if !ink(g) {
            if g.text.chars().any(char::is_whitespace) {
                pending_space = true;
            }
            continue;
        }
        if !cur.is_empty() {
            let (gap, sp) = gaps[gi];
            gi += 1;
            if gap > wide {
                flush(&mut cur, &mut text, &mut starts, &mut segs);
            } else if is_word_gap(gap, sp || pending_space) && !text.ends_with(' ') {
                text.push(' ');
                if gap >= CELL_GAP_RATIO * usual_word {
                    let p = cur[cur.len() - 1];
                    starts.push(WordStart {
                        byte: text.len(),
                        x: g.x,
                        prev_end: p.x + advance(p),
                        inked_before: cur.len(),
                        bold_before: cur.iter().filter(|c| c.bold).count(),
                        bold: g.bold,
                    });
                }
            }
        }
        pending_space = false;
        for c in g.text.chars() {
            push_char(&mut text, c);
        }
        cur.push(g);
    }
    flush(&mut cur, &mut text, &mut starts, &mut segs);
    segs
}

/// Split segments where a cell boundary inside them lines up with a
/// segment on the row above or below. Two table cells can sit closer than a
/// wide gap ("… Université Lumière Lyon" a few points before "2016 –"), but
/// the next row, where both cells wrap, shows the column ("2018" starting
/// exactly under "2016"). The word after the gap must start within
/// `ALIGN_PT` of that segment and share its weight.
fn split_at_aligned_cells(segs: Vec<Segment>) -> Vec<Segment> {
    const ALIGN_PT: f64 = 0.6;
    // Segment starts by x, to find the aligned ones without a pairwise scan.
    let mut starts: Vec<(f64, f64, f64, bool)> =
        segs.iter().map(|s| (s.x0, s.y, s.size, s.bold)).collect();
    starts.sort_by(|a, b| a.0.total_cmp(&b.0));
    let aligned = |w: &WordStart, y: f64, size: f64| {
        let from = starts.partition_point(|t| t.0 < w.x - ALIGN_PT);
        starts[from..]
            .iter()
            .take_while(|t| t.0 <= w.x + ALIGN_PT)
            // A page with everything at one x must not make this quadratic.
            .take(64)
            .any(|&(_, ty, tsize, tbold)| {
                let dy = (ty - y).abs();
                dy > 0.5 * size.min(tsize) && dy <= 1.6 * size.max(tsize) && tbold == w.bold
            })
    };
    let mut out = Vec::with_capacity(segs.len());
    for mut s in segs {
        let mut tails = Vec::new();
        while let Some(w) = s.wide_starts.pop() {
            if !aligned(&w, s.y, s.size) {
                continue;
            }
            let text = s.text.split_off(w.byte);
            let (inked, bold) = (s.inked - w.inked_before, s.bold_glyphs - w.bold_before);
            tails.push(Segment {
                x0: w.x,
                x1: s.x1,
                y: s.y,
                size: s.size,
                bold: bold * 2 > inked,
                text,
                wide_starts: Vec::new(),
                inked,
                bold_glyphs: bold,
            });
            s.x1 = w.prev_end;
            s.inked = w.inked_before;
            s.bold_glyphs = w.bold_before;
            s.bold = s.bold_glyphs * 2 > s.inked;
        }
        out.push(s);
        out.extend(tails.into_iter().rev());
    }
    for s in &mut out {
        s.text = s.text.split_whitespace().collect::<Vec<_>>().join(" ");
        s.wide_starts = Vec::new();
    }
    out.retain(|s| !s.is_blank());
    out
}

/// Group segments into rows (same baseline), top to bottom.
fn rows_of(mut segs: Vec<Segment>) -> Vec<Vec<Segment>> {
    segs.sort_by(|a, b| a.y.total_cmp(&b.y).then(a.x0.total_cmp(&b.x0)));
    let mut rows: Vec<Vec<Segment>> = Vec::new();
    for s in segs {
        match rows.last_mut() {
            Some(r) if (s.y - r[0].y).abs() < 0.35 * s.size.min(r[0].size) => r.push(s),
            _ => rows.push(vec![s]),
        }
    }
    rows
}

/// Two cells side by side that wrap ("MA Interaction Design, Université
/// Lumière Lyon | 2016 –" over "2 | 2018") read row by row would leave "2"
/// and "2018" on a line of their own. A row of exactly two cells takes the
/// next row's text into them when:
/// - the left cell wrapped: the next row starts at its left edge in its
///   style, and that row's first word would not have fit before the right
///   cell (which is why a line wraps);
/// - the right cell continues only when its line ends mid-phrase (an open
///   range "2016 –", a trailing comma or "and") and the next row has text
///   aligned with it in its style.
///
/// A next row holding anything else (a team beside a location under a title
/// beside its dates) is left as its own row.
fn join_wrapped_cells(rows: &mut Vec<Vec<Segment>>) {
    let same_style =
        |a: &Segment, b: &Segment| a.bold == b.bold && (a.size - b.size).abs() <= 0.05 * a.size;
    let mut i = 0;
    while i + 1 < rows.len() {
        if rows[i].len() != 2 {
            i += 1;
            continue;
        }
        // The left cell's last line ends here (for a cell wrapping again).
        let mut left_end = rows[i][0].x1;
        while i + 1 < rows.len() {
            let (head, tail) = rows.split_at_mut(i + 1);
            let (a, b) = (&mut head[i], &mut tail[0]);
            let (l1, r1) = (&a[0], &a[1]);
            let dy = b[0].y - l1.y.max(r1.y);
            if b.len() > 2 || dy <= 0.0 || dy > 1.6 * l1.size.max(r1.size) {
                break;
            }
            let l2 = b
                .iter()
                .position(|s| (s.x0 - l1.x0).abs() < 1.0 && same_style(l1, s) && s.x1 < r1.x0);
            let left_wrapped = l2.is_some_and(|k| {
                let s = &b[k];
                let chars = s.text.chars().count().max(1) as f64;
                let first = s.text.split(' ').next().unwrap_or("").chars().count() as f64;
                let word = (s.x1 - s.x0) * first / chars;
                left_end + 0.25 * s.size + word > r1.x0
            });
            let r2 = b.iter().enumerate().position(|(k, s)| {
                Some(k) != l2
                    && s.x0 >= r1.x0 - 1.0
                    && ((s.x0 - r1.x0).abs() < 1.0 || (s.x1 - r1.x1).abs() < 1.0)
                    && same_style(r1, s)
            });
            // A cell, not a paragraph line beside a narrow date column.
            let right = r2.filter(|_| r1.x1 - r1.x0 <= l1.x1 - l1.x0 && ends_mid_phrase(&r1.text));
            let left = l2.filter(|_| left_wrapped && (b.len() == 1 || right.is_some()));
            if left.is_none() && right.is_none() {
                break;
            }
            // The row is in x order and the two are distinct, so the right
            // one lies after the left: taking it first keeps the left's index.
            let mut y = a[0].y.max(a[1].y);
            if let Some(k) = right {
                let s = b.remove(k);
                y = y.max(s.y);
                merge_into(&mut a[1], s);
            }
            if let Some(k) = left {
                let s = b.remove(k);
                left_end = s.x1;
                y = y.max(s.y);
                merge_into(&mut a[0], s);
            }
            let emptied = b.is_empty();
            if emptied {
                // Both cells now end on the last row taken, so the gap to
                // what follows is measured from there.
                a[0].y = y;
                a[1].y = y;
                rows.remove(i + 1);
            }
            if left.is_none() || !emptied {
                break;
            }
        }
        i += 1;
    }
}

/// A line that ends mid-phrase: an open range ("2016 –", "2016-") or a
/// list going on; not a word hyphenated at the line's end.
fn ends_mid_phrase(text: &str) -> bool {
    let t = text.trim_end();
    let last = t.rsplit(' ').next().unwrap_or("").to_lowercase();
    let open_range = t
        .strip_suffix('-')
        .is_some_and(|s| s.ends_with(|c: char| c == ' ' || c.is_ascii_digit()));
    open_range
        || t.ends_with(['–', '—', ',', '&', '/'])
        || matches!(last.as_str(), "to" | "and" | "until")
}

/// A cell's next line appended to it (rejoining a word hyphenated at the
/// line's end).
fn merge_into(a: &mut Segment, b: Segment) {
    let (head, rest) = b.text.split_once(' ').unwrap_or((&b.text, ""));
    a.text = match hyphen_joined(&a.text, head) {
        Some(joined) if rest.is_empty() => joined,
        Some(joined) => format!("{joined} {rest}"),
        None => format!("{} {}", a.text, b.text),
    };
    a.x0 = a.x0.min(b.x0);
    a.x1 = a.x1.max(b.x1);
    a.inked += b.inked;
    a.bold_glyphs += b.bold_glyphs;
}

/// Split a page's segments into flows read one after another: full-width
/// text above, the columns left to right, full-width text below.
fn reading_order(segs: Vec<Segment>) -> Vec<Vec<Segment>> {
    let mut out = Vec::new();
    order_region(segs, 0, &mut out);
    out
}

/// Read a region: split at a column gutter if it has one (each column read
/// in turn), otherwise into bands at wide vertical gaps, each band read the
/// same way (a header with the name on the left and contact lines stacked on
/// the right is a band with a gutter of its own).
fn order_region(segs: Vec<Segment>, depth: usize, out: &mut Vec<Vec<Segment>>) {
    if depth >= 6 || segs.len() < 4 {
        out.push(segs);
        return;
    }
    let Some(g) = find_gutter(&segs) else {
        let bands = bands_of(segs);
        if bands.len() == 1 {
            out.extend(bands);
        } else {
            for b in bands {
                order_region(b, depth + 1, out);
            }
        }
        return;
    };
    let (mut left, mut right, mut across) = (Vec::new(), Vec::new(), Vec::new());
    for s in segs {
        if s.x1 <= g {
            left.push(s)
        } else if s.x0 >= g {
            right.push(s)
        } else {
            across.push(s)
        }
    }
    let top = left
        .iter()
        .chain(&right)
        .map(|s| s.y)
        .fold(f64::INFINITY, f64::min);
    let bottom = left
        .iter()
        .chain(&right)
        .map(|s| s.y)
        .fold(f64::NEG_INFINITY, f64::max);
    // Text crossing the gutter above or below the columns spans the page;
    // within them, it belongs to the column it starts in.
    let (mut above, mut below) = (Vec::new(), Vec::new());
    for s in across {
        if s.y < top {
            above.push(s)
        } else if s.y > bottom {
            below.push(s)
        } else if s.x0 < g {
            left.push(s)
        } else {
            right.push(s)
        }
    }
    if !above.is_empty() {
        out.push(above);
    }
    order_region(left, depth + 1, out);
    order_region(right, depth + 1, out);
    if !below.is_empty() {
        out.push(below);
    }
}

/// Split a region into bands of rows at vertical gaps wider than a line's
/// usual spacing.
fn bands_of(segs: Vec<Segment>) -> Vec<Vec<Segment>> {
    let rows = rows_of(segs);
    let mut bands: Vec<Vec<Segment>> = Vec::new();
    let mut prev_bottom: Option<f64> = None;
    for row in rows {
        let size = row.iter().map(|s| s.size).fold(0.0, f64::max);
        let y = row[0].y;
        let (top, bottom) = (y - 0.8 * size, y + 0.25 * size);
        let gap = prev_bottom.map(|b| top - b);
        let body = row.iter().map(|s| s.size).fold(f64::INFINITY, f64::min);
        match (bands.last_mut(), gap) {
            (Some(b), Some(g)) if g < 0.6 * body => b.extend(row),
            _ => bands.push(row),
        }
        prev_bottom = Some(prev_bottom.map_or(bottom, |p: f64| p.max(bottom)));
    }
    bands
}

/// A vertical gutter: an x that at least two rows sit wholly on each side
/// of, over a shared vertical span, that almost no segment crosses, and that
/// is not a table (rows on the left mostly paired with a row on the right at
/// the same baseline).
fn find_gutter(segs: &[Segment]) -> Option<f64> {
    if segs.len() < 4 {
        return None;
    }
    let lo = segs.iter().map(|s| s.x0).fold(f64::INFINITY, f64::min);
    let hi = segs.iter().map(|s| s.x1).fold(f64::NEG_INFINITY, f64::max);
    // Candidate gutters: just right of each segment's end.
    let mut cands: Vec<f64> = segs.iter().map(|s| s.x1 + 0.5).collect();
    cands.sort_by(f64::total_cmp);
    cands.dedup_by(|a, b| (*a - *b).abs() < 1.0);
    let mut best: Option<(f64, f64)> = None; // (score, x)
    for &x in &cands {
        if x <= lo + 20.0 || x >= hi - 20.0 {
            continue;
        }
        let crossing = segs.iter().filter(|s| s.x0 < x && s.x1 > x).count();
        let left: Vec<&Segment> = segs.iter().filter(|s| s.x1 <= x).collect();
        let right: Vec<&Segment> = segs.iter().filter(|s| s.x0 >= x).collect();
        if left.len() < 2 || right.len() < 2 {
            continue;
        }
        if crossing > 2 && crossing * 10 > segs.len() {
            continue;
        }
        // The two sides must run alongside each other.
        let span = |v: &[&Segment]| {
            let a = v.iter().map(|s| s.y).fold(f64::INFINITY, f64::min);
            let b = v.iter().map(|s| s.y).fold(f64::NEG_INFINITY, f64::max);
            (a, b)
        };
        let (la, lb) = span(&left);
        let (ra, rb) = span(&right);
        let overlap = lb.min(rb) - la.max(ra);
        let shorter = (lb - la).min(rb - ra);
        if shorter <= 0.0 || overlap < 0.5 * shorter {
            continue;
        }
        // The empty band: from the rightmost left edge to the leftmost right start.
        let band = right.iter().map(|s| s.x0).fold(f64::INFINITY, f64::min)
            - left.iter().map(|s| s.x1).fold(f64::NEG_INFINITY, f64::max);
        if band < 6.0 {
            continue;
        }
        // Table rows: a left segment with a right segment on exactly its
        // baseline (two columns on one line grid share baselines only by
        // chance, and a tight tolerance keeps that chance small).
        let paired = left
            .iter()
            .filter(|l| {
                right
                    .iter()
                    .any(|r| (r.y - l.y).abs() < 0.12 * l.size.min(r.size))
            })
            .count();
        if paired * 10 > left.len() * 6 {
            continue;
        }
        let score = band - 200.0 * crossing as f64;
        if best.is_none_or(|(s, _)| score > s) {
            best = Some((score, x));
        }
    }
    best.map(|(_, x)| x)
}

/// Normalise a line for repetition checks: digits are not part of a
/// running header's identity ("Page 1 of 2" repeats as "Page # of #").
fn shape(text: &str) -> String {
    let mut out = String::new();
    let mut in_digits = false;
    for c in text.chars() {
        if c.is_ascii_digit() {
            if !in_digits {
                out.push('#');
            }
            in_digits = true;
        } else {
            in_digits = false;
            out.extend(c.to_lowercase());
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// "3", "- 3 -", "3/4", "3 of 4", "Page 3", "Page 3 of 4".
pub fn is_page_number(text: &str) -> bool {
    let t = text
        .trim()
        .trim_matches(|c: char| c == '-' || c == '–' || c.is_whitespace());
    let t = t
        .strip_prefix("Page")
        .or_else(|| t.strip_prefix("page"))
        .or_else(|| t.strip_prefix("PAGE"))
        .unwrap_or(t)
        .trim();
    let parts: Vec<&str> = t
        .split(|c: char| c == '/' || c.is_whitespace())
        .filter(|p| !p.is_empty() && !p.eq_ignore_ascii_case("of"))
        .collect();
    !parts.is_empty()
        && parts.len() <= 2
        && parts
            .iter()
            .all(|p| p.len() <= 3 && p.chars().all(|c| c.is_ascii_digit()))
}

/// Drop running headers and footers: in the top or bottom margin band of a
/// page, page numbers always, and other lines when their shape repeats in
/// the same band on another page.
fn drop_running(per_page: &mut [Vec<Segment>], pages: &[Page]) {
    let band = |page: &Page, s: &Segment| -> Option<bool> {
        let h = page.height.max(1.0);
        if s.y < 0.09 * h {
            Some(true)
        } else if s.y > 0.91 * h {
            Some(false)
        } else {
            None
        }
    };
    let mut seen: std::collections::HashMap<(bool, String), usize> = Default::default();
    for (segs, page) in per_page.iter().zip(pages) {
        let mut here = std::collections::HashSet::new();
        for s in segs {
            if let Some(top) = band(page, s) {
                here.insert((top, shape(&s.text)));
            }
        }
        for k in here {
            *seen.entry(k).or_default() += 1;
        }
    }
    for (segs, page) in per_page.iter_mut().zip(pages) {
        // The outermost rows only: a header is above everything else, a
        // footer below everything else.
        let ys: Vec<f64> = segs.iter().map(|s| s.y).collect();
        segs.retain(|s| {
            let Some(top) = band(page, s) else {
                return true;
            };
            let outer = if top {
                ys.iter().filter(|&&y| y < s.y - 0.5 * s.size).count() <= 1
            } else {
                ys.iter().filter(|&&y| y > s.y + 0.5 * s.size).count() <= 1
            };
            if !outer {
                return true;
            }
            let repeated = seen.get(&(top, shape(&s.text))).copied().unwrap_or(0) >= 2;
            !(is_page_number(&s.text) || repeated)
        });
    }
}

/// "submis-" at a line's end and "sions" starting the next line of the same
/// flow become "submissions" on the first line.
fn join_hyphenation(lines: &mut [PdfLine]) {
    for i in 0..lines.len().saturating_sub(1) {
        let (a, b) = lines.split_at_mut(i + 1);
        let (cur, next) = (&mut a[i], &mut b[0]);
        let same_row = cur.page == next.page && (cur.y - next.y).abs() < 0.35 * cur.size;
        if same_row || next.page != cur.page || next.y < cur.y {
            continue;
        }
        // Next line must start under this one (same flow: near its left
        // edge, or indented under it, as a paragraph beside a date column
        // is) and not far below it.
        if next.y - cur.y > 2.5 * cur.size
            || next.x < cur.x - 3.0 * cur.size
            || next.x > cur.x + 0.5 * cur.width
        {
            continue;
        }
        let (head, rest) = match next.text.split_once(' ') {
            Some((h, r)) => (h.to_string(), r.to_string()),
            None => (next.text.clone(), String::new()),
        };
        let Some(joined) = hyphen_joined(&cur.text, &head) else {
            continue;
        };
        cur.text = joined;
        next.text = rest;
    }
}

/// `line` ending in a hyphen after a letter, joined with the next line's
/// first word when that starts in lower case. A compound broken at one of
/// its own hyphens ("state-of-the-" / "art") keeps it; a word hyphenated to
/// fit the line ("submis-" / "sions") is joined.
fn hyphen_joined(line: &str, head: &str) -> Option<String> {
    let stem = line
        .strip_suffix('-')
        .or_else(|| line.strip_suffix('\u{2010}'))?;
    if !stem.chars().last().is_some_and(char::is_alphabetic)
        || !head.chars().next().is_some_and(char::is_lowercase)
    {
        return None;
    }
    let compound = stem
        .rsplit(' ')
        .next()
        .is_some_and(|w| w.contains(['-', '\u{2010}']));
    Some(if compound {
        format!("{stem}-{head}")
    } else {
        format!("{stem}{head}")
    })
}

/// The size most of the document's characters are set in.
fn body_size(lines: &[PdfLine]) -> Option<f64> {
    let mut by_size: Vec<(f64, usize)> = Vec::new();
    for l in lines {
        let n = l.text.chars().count();
        match by_size.iter_mut().find(|(s, _)| (*s - l.size).abs() < 0.25) {
            Some((_, c)) => *c += n,
            None => by_size.push((l.size, n)),
        }
    }
    by_size.into_iter().max_by_key(|&(_, n)| n).map(|(s, _)| s)
}

/// A title set well above the body size that wraps (a name in a narrow
/// sidebar: "Zeynep" above "Yılmaz") is one line: consecutive single-segment
/// rows of the same flow in the same size and weight, one line apart.
fn join_wrapped_titles(lines: &mut [PdfLine]) {
    let Some(body) = body_size(lines) else {
        return;
    };
    let alone = |lines: &[PdfLine], i: usize| {
        let row = |j: usize| {
            lines[j].page == lines[i].page && (lines[j].y - lines[i].y).abs() < 0.35 * lines[i].size
        };
        let shares_row = (i > 0 && row(i - 1)) || (i + 1 < lines.len() && row(i + 1));
        !shares_row
    };
    let mut i = 0;
    while i + 1 < lines.len() {
        let (a, b) = (&lines[i], &lines[i + 1]);
        let joinable = a.size >= 1.3 * body
            && (a.size - b.size).abs() < 0.02 * a.size
            && a.bold == b.bold
            && a.page == b.page
            && b.y > a.y
            && b.y - a.y <= 1.5 * a.size
            && !a.text.is_empty()
            && alone(lines, i)
            && alone(lines, i + 1);
        if joinable {
            let rest = std::mem::take(&mut lines[i + 1].text);
            let right = (lines[i].x + lines[i].width).max(lines[i + 1].x + lines[i + 1].width);
            let left = lines[i].x.min(lines[i + 1].x);
            // Its baseline is the last row's, so the gap to what follows is
            // measured from where the title ends.
            let y = lines[i + 1].y;
            let a = &mut lines[i];
            a.y = y;
            a.text = format!("{} {rest}", a.text);
            a.x = left;
            a.width = right - left;
            i += 2;
        } else {
            i += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Glyphs for `text` from `x` on baseline `y`: each character 0.5 em
    /// wide plus `track` ems of letter spacing; spaces are space glyphs.
    fn run(text: &str, x: f64, y: f64, size: f64, track: f64) -> Vec<Glyph> {
        let mut out = Vec::new();
        let mut at = x;
        for c in text.chars() {
            out.push(Glyph {
                x: at,
                y,
                w: 0.5 * size,
                size,
                bold: false,
                text: c.to_string(),
            });
            at += (0.5 + track) * size;
        }
        out
    }

    fn page(glyphs: Vec<Glyph>) -> Page {
        Page {
            width: 612.0,
            height: 792.0,
            glyphs,
        }
    }

    fn text_of(pages: &[Page]) -> String {
        layout_text(&assemble(pages), " | ")
    }

    #[test]
    fn letter_spaced_capitals_are_words_and_wide_gaps_split_segments() {
        let mut g = run("ANA LIMA", 50.0, 100.0, 20.0, 0.3);
        g.extend(run("Role title", 50.0, 130.0, 10.0, 0.0));
        g.extend(run("2019 – 2021", 400.0, 130.0, 10.0, 0.0));
        let l = assemble(&[page(g)]);
        let texts: Vec<&str> = l.lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts, ["ANA LIMA", "Role title", "2019 – 2021"]);
        assert_eq!(l.lines[1].y, l.lines[2].y);
    }

    #[test]
    fn a_large_title_that_wraps_is_one_line_a_name_over_a_subtitle_is_not() {
        let mut g = run("Marta", 40.0, 60.0, 24.0, 0.0);
        g.extend(run("Kowalczyk-Lis", 40.0, 88.0, 24.0, 0.0));
        g.extend(run("Data Engineer", 40.0, 112.0, 14.0, 0.0));
        for i in 0..6 {
            g.extend(run(
                "body text line here",
                40.0,
                140.0 + 13.0 * i as f64,
                10.0,
                0.0,
            ));
        }
        let text = text_of(&[page(g)]);
        assert!(
            text.starts_with("Marta Kowalczyk-Lis\nData Engineer\n"),
            "{text}"
        );
    }

    fn bold(mut g: Vec<Glyph>) -> Vec<Glyph> {
        for x in &mut g {
            x.bold = true;
        }
        g
    }

    #[test]
    fn two_cells_that_wrap_side_by_side_are_each_read_whole() {
        // A bold degree cell 7 pt (1.4 word gaps) before its date cell, too
        // close for a wide gap; both wrap, and the next row shows the column.
        let mut g = bold(run(
            "BSc Physics, Universidad Nacional",
            50.0,
            100.0,
            10.0,
            0.0,
        ));
        g.extend(run("2009 –", 222.0, 100.0, 10.0, 0.0));
        g.extend(bold(run("de Colombia", 50.0, 113.0, 10.0, 0.0)));
        g.extend(run("2013", 222.0, 113.0, 10.0, 0.0));
        g.extend(run("Thesis on cosmic rays", 50.0, 126.0, 10.0, 0.0));
        let l = assemble(&[page(g)]);
        assert_eq!(
            layout_text(&l, " | "),
            "BSc Physics, Universidad Nacional de Colombia | 2009 – 2013\nThesis on cosmic rays\n"
        );
        assert!(l.lines[0].bold && !l.lines[1].bold, "{:?}", l.lines);
        // Both cells end on the second row: no paragraph gap before the next.
        assert_eq!(l.lines[0].y, 113.0);
    }

    #[test]
    fn a_row_beside_its_title_row_is_not_a_wrapped_cell() {
        // Title and dates, then team and location: each row keeps its own.
        let mut g = bold(run("Staff Engineer, Nordwind", 50.0, 100.0, 10.0, 0.0));
        g.extend(run("2018 – 2021", 505.0, 100.0, 10.0, 0.0));
        g.extend(run("Payments team", 50.0, 113.0, 10.0, 0.0));
        g.extend(run("Berlin", 530.0, 113.0, 10.0, 0.0));
        assert_eq!(
            text_of(&[page(g)]),
            "Staff Engineer, Nordwind | 2018 – 2021\nPayments team | Berlin\n"
        );
        // A long title whose next row starts in its style, but whose first
        // word would have fit: a second line of its own, not a wrap.
        let mut g = bold(run("Lead, Nordwind", 50.0, 100.0, 10.0, 0.0));
        g.extend(run("2018 – 2021", 505.0, 100.0, 10.0, 0.0));
        g.extend(bold(run("Platform group", 50.0, 113.0, 10.0, 0.0)));
        assert_eq!(
            text_of(&[page(g)]),
            "Lead, Nordwind | 2018 – 2021\nPlatform group\n"
        );
    }

    #[test]
    fn an_open_range_continues_on_the_next_row() {
        let mut g = bold(run(
            "Research Assistant, Optics Lab",
            50.0,
            100.0,
            10.0,
            0.0,
        ));
        g.extend(run("Jun 2022 –", 510.0, 100.0, 10.0, 0.0));
        g.extend(run("Present", 525.0, 113.0, 10.0, 0.0));
        // Bullets fill the line, as wrapped ones do.
        let bullet = "Built a spectrometer for the survey of distant stars, its data pipeline and the public archive";
        g.extend(run(bullet, 50.0, 126.0, 10.0, 0.0));
        g.extend(bold(run("Intern, Optics Lab", 50.0, 152.0, 10.0, 0.0)));
        g.extend(run("2021 – 2022", 505.0, 152.0, 10.0, 0.0));
        g.extend(run(bullet, 50.0, 165.0, 10.0, 0.0));
        assert_eq!(
            text_of(&[page(g)]),
            format!(
                "Research Assistant, Optics Lab | Jun 2022 – Present\n{bullet}\n\n\
                 Intern, Optics Lab | 2021 – 2022\n{bullet}\n"
            )
        );
    }

    #[test]
    fn even_word_gaps_are_never_split_by_a_segment_below_them() {
        // "audit" starts at x 90, exactly where the row below has a segment,
        // but every gap of the row is the usual one.
        let mut g = run("Led the audit of payroll systems", 50.0, 100.0, 10.0, 0.0);
        g.extend(run("Ow", 50.0, 113.0, 10.0, 0.0));
        g.extend(run("audit", 90.0, 113.0, 10.0, 0.0));
        let l = assemble(&[page(g)]);
        assert_eq!(l.lines[0].text, "Led the audit of payroll systems");
    }

    #[test]
    fn a_loosely_justified_row_stays_whole() {
        // Five words, every gap stretched to 2.2 em (beyond the wide gap).
        let mut g = Vec::new();
        let mut x = 50.0;
        for w in ["Led", "the", "audit", "of", "payroll"] {
            g.extend(run(w, x, 100.0, 10.0, 0.0));
            x += (0.5 * w.chars().count() as f64 + 2.2) * 10.0;
        }
        assert_eq!(text_of(&[page(g)]), "Led the audit of payroll\n");
    }

    #[test]
    fn a_space_that_does_not_advance_is_not_a_break() {
        // "care" + zero-advance " " + "ful": one word.
        let mut g = run("care", 50.0, 100.0, 10.0, 0.0);
        g.push(Glyph {
            x: 70.0,
            y: 100.0,
            w: 3.0,
            size: 10.0,
            bold: false,
            text: " ".into(),
        });
        g.extend(run("ful work", 70.0, 100.0, 10.0, 0.0));
        assert_eq!(text_of(&[page(g)]), "careful work\n");
    }

    #[test]
    fn a_label_value_table_reads_row_by_row_but_columns_read_down() {
        // Table: every label shares its value's baseline exactly.
        let mut t = Vec::new();
        for (i, (k, v)) in [
            ("Tools", "Git, Make"),
            ("Cloud", "GCP"),
            ("Data", "dbt"),
            ("Web", "Vue"),
        ]
        .iter()
        .enumerate()
        {
            let y = 100.0 + 14.0 * i as f64;
            t.extend(run(k, 50.0, y, 10.0, 0.0));
            t.extend(run(v, 200.0, y, 10.0, 0.0));
        }
        assert_eq!(
            text_of(&[page(t)]),
            "Tools | Git, Make\nCloud | GCP\nData | dbt\nWeb | Vue\n"
        );
        // Columns: independent line grids.
        let mut c = Vec::new();
        for (i, w) in ["alpha", "beta", "gamma", "delta"].iter().enumerate() {
            c.extend(run(w, 50.0, 100.0 + 14.0 * i as f64, 10.0, 0.0));
        }
        for (i, w) in ["one", "two", "three", "four", "five"].iter().enumerate() {
            c.extend(run(w, 300.0, 105.0 + 12.0 * i as f64, 10.0, 0.0));
        }
        let text = text_of(&[page(c)]);
        let words: Vec<&str> = text.split_whitespace().collect();
        assert_eq!(
            words,
            ["alpha", "beta", "gamma", "delta", "one", "two", "three", "four", "five"]
        );
    }

    #[test]
    fn repeated_margin_lines_and_page_numbers_go_body_lines_stay() {
        let mk = |n: usize| {
            let mut g = run("Ana Lima CV", 250.0, 30.0, 8.0, 0.0);
            g.extend(run(
                &format!("Body text on page {n}"),
                50.0,
                300.0,
                10.0,
                0.0,
            ));
            // The same words in the body are kept.
            g.extend(run("Ana Lima CV", 50.0, 320.0, 10.0, 0.0));
            g.extend(run(&format!("{n}/2"), 300.0, 770.0, 8.0, 0.0));
            page(g)
        };
        let text = text_of(&[mk(1), mk(2)]);
        assert_eq!(
            text,
            "Body text on page 1\nAna Lima CV\n\nBody text on page 2\nAna Lima CV\n"
        );
        // On a single page, a top line is not running (nothing repeats it).
        let one = text_of(&[mk(1)]);
        assert!(one.starts_with("Ana Lima CV\n"), "{one}");
        assert!(!one.contains("1/2"), "{one}");
    }

    #[test]
    fn hyphenation_joins_only_before_a_lowercase_continuation() {
        let mut g = run("a well-known inter-", 50.0, 100.0, 10.0, 0.0);
        g.extend(run("national team and Jean-", 50.0, 114.0, 10.0, 0.0));
        g.extend(run("Paul Sartre", 50.0, 128.0, 10.0, 0.0));
        assert_eq!(
            text_of(&[page(g)]),
            "a well-known international\nteam and Jean-\nPaul Sartre\n"
        );
    }

    #[test]
    fn a_compound_broken_at_its_hyphen_keeps_it_beside_a_date_column() {
        // A paragraph that starts beside a left date column ("Present …")
        // and continues under it, indented: "mod-" / "eling" joins, and
        // "state-of-the-" / "art" keeps its hyphen.
        let mut g = run("2021 – Lead, Orbit", 40.0, 100.0, 10.0, 0.0);
        g.extend(run(
            "Present Built the billing and invoicing mod-",
            40.0,
            114.0,
            10.0,
            0.0,
        ));
        g.extend(run(
            "eling tools that are state-of-the-",
            110.0,
            128.0,
            10.0,
            0.0,
        ));
        g.extend(run(
            "art for the whole team and its users",
            110.0,
            142.0,
            10.0,
            0.0,
        ));
        let text = text_of(&[page(g)]);
        assert!(text.contains("invoicing modeling\n"), "{text}");
        assert!(text.contains("state-of-the-art\n"), "{text}");
    }

    #[test]
    fn page_numbers() {
        for t in [
            "3",
            "- 3 -",
            "3/4",
            "3 of 4",
            "Page 3",
            "Page 3 of 4",
            "1 / 2",
        ] {
            assert!(is_page_number(t), "{t}");
        }
        for t in ["2019", "Page Layout", "3 years", "Python 3"] {
            assert!(!is_page_number(t), "{t}");
        }
    }
}
