"""Render every benchmark resume to PDF with three producers and write its
true text. Usage: generate.py OUTDIR

OUTDIR/<id>.html, <id>.truth.txt, <id>.truth.json (lines with kind) and
<id>.<producer>.pdf for producer in chromium, weasyprint, fpdf2.
"""

import html
import json
import os
import subprocess
import sys

from resumes import RESUMES, SHY, true_lines

DEJAVU = "/usr/share/fonts/truetype/dejavu"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")

CSS = """
@page { size: Letter; margin: 0.6in 0.7in; %(running)s }
body { font-family: 'DejaVu Sans', sans-serif; font-size: 10pt; line-height: 1.35; margin: 0; color: #111; }
h1 { font-size: 22pt; margin: 0 0 4pt 0; font-weight: bold; %(spacing)s }
h2 { font-size: 13pt; font-weight: bold; margin: 12pt 0 4pt 0; border-bottom: 1px solid #999; }
p { margin: 0 0 2pt 0; }
.row { display: flex; justify-content: space-between; margin-top: 6pt; }
.row.sub { margin-top: 0; font-style: normal; }
.row b { font-weight: bold; }
.bullet { margin: 1pt 0 1pt 12pt; }
.grid { display: grid; grid-template-columns: 30%% 66%%; column-gap: 4%%; }
.side { background: #eef2f6; padding: 6pt; }
.narrow { width: 3.9in; text-align: justify; }
%(extra)s
"""

RUNNING = """
@top-center { content: "Amara Okafor — Resume"; font-family: 'DejaVu Sans'; font-size: 8pt; color: #555; }
@bottom-center { content: "Page " counter(page) " of " counter(pages); font-family: 'DejaVu Sans'; font-size: 8pt; color: #555; }
"""


def esc(s):
    return html.escape(s).replace(SHY, "&shy;")


def blocks_html(blocks):
    out = []
    for b in blocks:
        k = b[0]
        if k == "name":
            out.append(f"<h1>{esc(b[1])}</h1>")
        elif k == "line":
            out.append(f"<p>{esc(b[1])}</p>")
        elif k == "heading":
            out.append(f"<h2>{esc(b[1])}</h2>")
        elif k == "role":
            out.append(f'<div class="row"><b>{esc(b[1])}</b><span>{esc(b[2])}</span></div>')
        elif k == "sub":
            out.append(f'<div class="row sub"><span>{esc(b[1])}</span><span>{esc(b[2])}</span></div>')
        elif k == "bullet":
            out.append(f'<p class="bullet">• {esc(b[1])}</p>')
        elif k == "para":
            out.append(f"<p>{esc(b[1])}</p>")
    return "\n".join(out)


def make_html(r):
    css = CSS % {
        "running": RUNNING if r["running"] else "",
        "spacing": "letter-spacing: 0.35em;" if r["spaced_name"] else "",
        "extra": ("body { font-size: 11pt; line-height: 1.6; } .bullet { margin: 3pt 0 3pt 12pt; }" if r["running"] else "")
        + (" body { font-family: 'DejaVu Serif', serif; } .rgrid { grid-template-columns: 66% 30%; }" if r.get("serif") else ""),
    }
    if r["columns"] == "right-sidebar":
        body = (f'<div style="text-align:center">{blocks_html(r["blocks_top"])}</div>'
                f'<div class="grid rgrid"><div>{blocks_html(r["blocks"])}</div>'
                f'<div class="side">{blocks_html(r["blocks_right"])}</div></div>')
    elif r["columns"] == "sidebar":
        body = (f'<div class="grid"><div class="side">{blocks_html(r["blocks_left"])}</div>'
                f'<div>{blocks_html(r["blocks"])}</div></div>')
    elif r["columns"] == "narrow":
        body = f'<div class="narrow">{blocks_html(r["blocks"])}</div>'
    else:
        body = blocks_html(r["blocks"])
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{r["id"]}</title>'
            f"<style>{css}</style></head><body>{body}</body></html>")


def chromium(html_path, pdf_path):
    subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                    f"--print-to-pdf={pdf_path}", "file://" + os.path.abspath(html_path)],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)


def weasyprint(html_path, pdf_path):
    import weasyprint as wp
    wp.HTML(filename=html_path).write_pdf(pdf_path)


def fpdf2(r, pdf_path):
    from fpdf import FPDF

    class Doc(FPDF):
        def header(self):
            if r["running"]:
                self.set_font("DejaVu", "", 8)
                self.set_y(8)
                self.cell(0, 5, "Amara Okafor — Resume", align="C")
                self.set_y(self.t_margin)

        def footer(self):
            if r["running"]:
                self.set_font("DejaVu", "", 8)
                self.set_y(-12)
                self.cell(0, 5, f"Page {self.page_no()} of {{nb}}", align="C")

    pdf = Doc(format="Letter", unit="mm")
    pdf.set_margins(18, 16, 18)
    pdf.set_auto_page_break(True, 18)
    face = "Serif" if r.get("serif") else "Sans"
    pdf.add_font("DejaVu", "", f"{DEJAVU}/DejaVu{face}.ttf")
    pdf.add_font("DejaVu", "B", f"{DEJAVU}/DejaVu{face}-Bold.ttf")
    pdf.add_page()
    body = 11 if r["running"] else 10
    lh = body * 0.3528 * (1.6 if r["running"] else 1.35)

    def draw(blocks, x, w):
        for b in blocks:
            k = b[0]
            pdf.set_x(x)
            if k == "name":
                pdf.set_font("DejaVu", "B", 22)
                if r["spaced_name"]:
                    pdf.set_char_spacing(6)
                pdf.multi_cell(w, 10, b[1], new_x="LEFT", new_y="NEXT")
                pdf.set_char_spacing(0)
            elif k == "heading":
                pdf.ln(3)
                pdf.set_x(x)
                pdf.set_font("DejaVu", "B", 13)
                pdf.cell(w, 7, b[1], border="B", new_x="LEFT", new_y="NEXT")
                pdf.ln(1)
            elif k in ("role", "sub"):
                if k == "role":
                    pdf.ln(1.5)
                    pdf.set_x(x)
                y = pdf.get_y()
                pdf.set_font("DejaVu", "B" if k == "role" else "", body)
                if b[1]:
                    pdf.cell(w, lh, b[1])
                left_w = pdf.get_string_width(b[1]) if b[1] else 0
                pdf.set_font("DejaVu", "", body)
                if left_w + pdf.get_string_width(b[2]) + 4 > w:
                    y += lh  # no room beside the title: the right part goes below
                pdf.set_xy(x, y)
                pdf.cell(w, lh, b[2], align="R", new_x="LEFT", new_y="NEXT")
            elif k == "bullet":
                pdf.set_font("DejaVu", "", body)
                pdf.set_x(x + 4)
                pdf.multi_cell(w - 4, lh, "• " + b[1], new_x="LEFT", new_y="NEXT")
            else:  # line, para
                pdf.set_font("DejaVu", "", body)
                align = "J" if r["columns"] == "narrow" and k == "para" else "L"
                pdf.multi_cell(w, lh, b[1], align=align, new_x="LEFT", new_y="NEXT")

    full = pdf.w - pdf.l_margin - pdf.r_margin
    if r["columns"] == "right-sidebar":
        for b in r["blocks_top"]:
            pdf.set_font("DejaVu", "B" if b[0] == "name" else "", 22 if b[0] == "name" else body)
            pdf.cell(full, 10 if b[0] == "name" else lh, b[1], align="C", new_x="LMARGIN", new_y="NEXT")
        top = pdf.get_y()
        draw(r["blocks"], pdf.l_margin, full * 0.64)
        pdf.set_y(top)
        draw(r["blocks_right"], pdf.l_margin + full * 0.70, full * 0.30)
    elif r["columns"] == "sidebar":
        top = pdf.get_y()
        draw(r["blocks_left"], pdf.l_margin, full * 0.30)
        pdf.set_y(top)
        draw(r["blocks"], pdf.l_margin + full * 0.34, full * 0.66)
    elif r["columns"] == "narrow":
        draw(r["blocks"], pdf.l_margin, 100)
    else:
        draw(r["blocks"], pdf.l_margin, full)
    pdf.output(pdf_path)


def encrypted(pdf_path):
    """A PDF that needs a user password to open (the reader must say so)."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_encryption(owner_password="owner-secret", user_password="user-secret")
    pdf.add_font("DejaVu", "", f"{DEJAVU}/DejaVuSans.ttf")
    pdf.add_page()
    pdf.set_font("DejaVu", "", 11)
    pdf.multi_cell(0, 6, "Confidential Candidate\nThis resume text is encrypted with a user password.")
    pdf.output(pdf_path)


def main():
    out = sys.argv[1]
    only = set(sys.argv[2:])
    os.makedirs(out, exist_ok=True)
    for r in RESUMES:
        if only and r["id"] not in only:
            continue
        base = os.path.join(out, r["id"])
        with open(base + ".html", "w") as f:
            f.write(make_html(r))
        lines = true_lines(r)
        with open(base + ".truth.txt", "w") as f:
            f.write("\n".join(t for _, t in lines) + "\n")
        with open(base + ".truth.json", "w") as f:
            json.dump([{"kind": k, "text": t} for k, t in lines], f, ensure_ascii=False, indent=0)
        chromium(base + ".html", base + ".chromium.pdf")
        weasyprint(base + ".html", base + ".weasyprint.pdf")
        fpdf2(r, base + ".fpdf2.pdf")
        print("wrote", base)
    if not only:
        encrypted(os.path.join(out, "encrypted.fpdf2.pdf"))


if __name__ == "__main__":
    main()
