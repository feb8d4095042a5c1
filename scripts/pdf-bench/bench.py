"""The reading matrix: every generated PDF (and the corpus PDFs) read by
Tailor's old reader (pdf-extract's plain text), its positional reader,
pdf_oxide (a maintained Rust reader, through its PyPI wheel, which wraps the
same Rust core as the crate) and poppler's pdftotext (with and without
-layout) as the reference.

Usage: bench.py OUTDIR PDF_READ_BINARY [CORPUS_DIR] > table.md
"""

import glob
import json
import os
import re
import statistics
import subprocess
import sys
import time
import unicodedata

from rapidfuzz.distance import Levenshtein

from resumes import RESUMES, SHY

PRODUCERS = ["chromium", "weasyprint", "fpdf2"]
READERS = ["old", "new", "pdf_oxide", "pdftotext", "pdftotext-layout"]


def norm(s):
    """Whitespace-normalised text. '|' counts as a separator, not a
    character: the positional reader joins a title and its right-aligned date
    with " | ", the true text with a space."""
    s = unicodedata.normalize("NFC", s).replace(SHY, "")
    s = s.replace("|", " ")
    return " ".join(s.split())


def cer(truth, got):
    t, g = norm(truth), norm(got)
    return Levenshtein.distance(t, g) / max(1, len(t))


def wer(truth, got):
    t, g = norm(truth).split(), norm(got).split()
    return Levenshtein.distance(t, g) / max(1, len(t))


EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"\+?\(?\d[\d ()-]{7,}\d")
MONTHS = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
DATE = re.compile(
    rf"{MONTHS} \d{{4}} – (?:{MONTHS} \d{{4}}|Present)"
    r"|\d{2}/\d{4} – (?:\d{2}/\d{4}|Present)"
    r"|\d{4}-\d{2} — (?:\d{4}-\d{2}|Present)"
    r"|\d{4} – \d{4}"
)


def facts(truth):
    return EMAIL.findall(truth) + [p.strip() for p in PHONE.findall(truth)] + DATE.findall(truth)


def facts_ok(truth, got):
    g = norm(got)
    fs = facts(truth)
    missing = [f for f in fs if norm(f) not in g]
    return len(fs) - len(missing), len(fs), missing


def order_ok(truth_lines, got):
    """Share of consecutive true lines that come out in the same order."""
    g = norm(got)
    pos = []
    last = 0
    for t in truth_lines:
        t = norm(t)[:40]
        # The next occurrence after the previous line's, else the first (a
        # repeated bullet must not count as out of order).
        i = g.find(t, last)
        if i < 0:
            i = g.find(t)
        if i >= 0:
            pos.append(i)
            last = i
    pairs = list(zip(pos, pos[1:]))
    return sum(1 for a, b in pairs if a < b) / max(1, len(pairs))


def truth_segments(r):
    """(text, bold, heading) for each part of each true line."""
    out = []
    blocks = (r.get("blocks_left") or []) + r["blocks"]
    for b in blocks:
        k = b[0]
        if k == "role":
            out.append((b[1], True, False))
            if b[2]:
                out.append((b[2], False, False))
        elif k == "sub":
            out += [(p, False, False) for p in b[1:] if p]
        elif k in ("name", "heading"):
            out.append((b[1], True, True))
        elif k == "bullet":
            out.append(("• " + b[1], False, False))
        else:
            out.append((b[1], False, False))
    return [(norm(t), bo, h) for t, bo, h in out]


def style_scores(r, layout):
    """Bold and heading accuracy over the reader's segments that can be
    matched to one true segment."""
    segs = truth_segments(r)
    lines = layout["lines"]
    if not lines:
        return None, None
    chars = {}
    for l in lines:
        chars[l["size"]] = chars.get(l["size"], 0) + len(l["text"])
    body = max(chars, key=chars.get)
    bold_ok = head_ok = n = 0
    for l in lines:
        t = norm(l["text"])
        if len(t) < 3:
            continue
        match = [s for s in segs if t in s[0]]
        if not match:
            continue
        _, bo, h = match[0]
        n += 1
        bold_ok += l["bold"] == bo
        head_ok += (l["size"] >= 1.15 * body) == h
    return bold_ok / max(1, n), head_ok / max(1, n)


def run_pdftotext(path, layout):
    args = ["pdftotext"] + (["-layout"] if layout else []) + [path, "-"]
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        out = subprocess.run(args, capture_output=True, text=True).stdout
        times.append((time.perf_counter() - t0) * 1000)
    return out, statistics.median(times)


def read_oxide(path):
    """pdf_oxide's page text (its own reading order and column detection),
    the median time of 3 runs (open + every page), and its spans as layout
    lines for the bold/heading scores."""
    import pdf_oxide

    times, text = [], ""
    for _ in range(3):
        t0 = time.perf_counter()
        doc = pdf_oxide.PdfDocument(path)
        text = "\n".join(doc.extract_text(i) for i in range(doc.page_count()))
        times.append((time.perf_counter() - t0) * 1000)
    lines = [dict(text=s.text, size=round(s.font_size, 1), bold=bool(s.is_bold))
             for i in range(doc.page_count()) for s in doc.extract_spans(i)]
    return text, statistics.median(times), dict(lines=lines)


def read_all(binary, paths):
    env = dict(os.environ, PDF_READ_RUNS=os.environ.get("PDF_READ_RUNS", "5"))
    out = subprocess.run([binary] + paths, capture_output=True, text=True, env=env, check=True).stdout
    res = {}
    for line in out.splitlines():
        d = json.loads(line)
        res[d["file"]] = d
    return res


def text_of(v):
    return v["Ok"] if isinstance(v, dict) and "Ok" in v else ""


def main():
    outdir, binary = sys.argv[1], sys.argv[2]
    corpus = sys.argv[3] if len(sys.argv) > 3 else None
    paths = [os.path.join(outdir, f"{r['id']}.{p}.pdf") for r in RESUMES for p in PRODUCERS]
    corpus_pdfs = sorted(glob.glob(os.path.join(corpus, "*.pdf"))) if corpus else []
    ours = read_all(binary, paths + corpus_pdfs)
    rows = []
    agg = {(p, rd): [] for p in PRODUCERS for rd in READERS}
    for r in RESUMES:
        truth = open(os.path.join(outdir, r["id"] + ".truth.txt")).read()
        tlines = [l for l in truth.splitlines() if l.strip()]
        for p in PRODUCERS:
            path = os.path.join(outdir, f"{r['id']}.{p}.pdf")
            d = ours[path]
            pt, pt_ms = run_pdftotext(path, False)
            ptl, ptl_ms = run_pdftotext(path, True)
            pages = max(1, d["pages"])
            ox, ox_ms, ox_layout = read_oxide(path)
            texts = {"old": (text_of(d["old"]), d["ms_old"]), "new": (text_of(d["new"]), d["ms_new"]),
                     "pdf_oxide": (ox, ox_ms), "pdftotext": (pt, pt_ms), "pdftotext-layout": (ptl, ptl_ms)}
            for rd, (t, ms) in texts.items():
                ok, n, missing = facts_ok(truth, t)
                bold = head = None
                if rd == "new" and isinstance(d["layout"], dict) and "Ok" in d["layout"]:
                    bold, head = style_scores(r, d["layout"]["Ok"])
                elif rd == "pdf_oxide":
                    bold, head = style_scores(r, ox_layout)
                row = dict(doc=r["id"], producer=p, reader=rd, cer=cer(truth, t), wer=wer(truth, t),
                           facts=f"{ok}/{n}", missing=missing, order=order_ok(tlines, t),
                           bold=bold, head=head, ms_page=ms / pages)
                rows.append(row)
                agg[(p, rd)].append(row)

    def pct(v):
        return "–" if v is None else f"{100 * v:.2f}%"

    print("## Per producer (mean over the generated resumes)\n")
    print("| producer | reader | CER | WER | facts exact | reading order | bold acc. | heading acc. | median ms/page |")
    print("|---|---|---|---|---|---|---|---|---|")
    for p in PRODUCERS:
        for rd in READERS:
            rs = agg[(p, rd)]
            fok = sum(int(x["facts"].split("/")[0]) for x in rs)
            fn = sum(int(x["facts"].split("/")[1]) for x in rs)
            bolds = [x["bold"] for x in rs if x["bold"] is not None]
            heads = [x["head"] for x in rs if x["head"] is not None]
            print(f"| {p} | {rd} | {pct(statistics.mean(x['cer'] for x in rs))} "
                  f"| {pct(statistics.mean(x['wer'] for x in rs))} | {fok}/{fn} "
                  f"| {pct(statistics.mean(x['order'] for x in rs))} "
                  f"| {pct(statistics.mean(bolds)) if bolds else '–'} | {pct(statistics.mean(heads)) if heads else '–'} "
                  f"| {statistics.median(x['ms_page'] for x in rs):.1f} |")
    print("\n## Per file\n")
    print("| file | reader | CER | WER | facts | order | bold | heading | ms/page | facts missed |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for x in rows:
        print(f"| {x['doc']}.{x['producer']} | {x['reader']} | {pct(x['cer'])} | {pct(x['wer'])} | {x['facts']} "
              f"| {pct(x['order'])} | {pct(x['bold'])} | {pct(x['head'])} | {x['ms_page']:.1f} "
              f"| {'; '.join(x['missing'])[:80]} |")
    if corpus_pdfs:
        print("\n## Corpus PDFs (no true text: distance to plain pdftotext, which was checked by eye)\n")
        print("| file | reader | CER vs pdftotext | WER vs pdftotext | ms/page |")
        print("|---|---|---|---|---|")
        for path in corpus_pdfs:
            d = ours[path]
            ref, _ = run_pdftotext(path, False)
            pages = max(1, d["pages"])
            ox, ox_ms, _ = read_oxide(path)
            for rd, t, ms in [("old", text_of(d["old"]), d["ms_old"]), ("new", text_of(d["new"]), d["ms_new"]),
                              ("pdf_oxide", ox, ox_ms)]:
                print(f"| {os.path.basename(path)} | {rd} | {pct(cer(ref, t))} | {pct(wer(ref, t))} | {ms / pages:.1f} |")


if __name__ == "__main__":
    main()
