#!/usr/bin/env bash
# The PDF reading benchmark: renders the benchmark resumes with three
# producers, reads every PDF (and the corpus PDFs) with Tailor's old and new
# readers and with poppler's pdftotext, and writes the results table to
# server/benches/pdf-reading.md (between the RESULTS markers).
set -euo pipefail
cd "$(dirname "$0")/../.."
VENV=target/pdf-bench/venv
OUT=target/pdf-bench/out
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q 'weasyprint==70.0' 'fpdf2==2.8.9' 'rapidfuzz>=3' 'pdf-oxide==0.3.78'
fi
# Release profile: the times per page are the server's, not a debug build's.
cargo build --release -q -p tailor-server --example pdf_read
(cd scripts/pdf-bench && "../../$VENV/bin/python" generate.py "../../$OUT")
TABLE=$(cd scripts/pdf-bench && PDF_READ_RUNS="${PDF_READ_RUNS:-5}" "../../$VENV/bin/python" bench.py \
  "../../$OUT" ../../target/release/examples/pdf_read ../../server/tests/fixtures/corpus/resumes)
MD=server/benches/pdf-reading.md
python3 - "$MD" "$TABLE" <<'PY'
import sys
path, table = sys.argv[1], sys.argv[2]
s = open(path).read()
a, b = s.index("<!-- RESULTS -->"), s.index("<!-- /RESULTS -->")
open(path, "w").write(s[: a + len("<!-- RESULTS -->")] + "\n" + table + "\n" + s[b:])
PY
echo "wrote $MD"
