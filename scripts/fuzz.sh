#!/usr/bin/env bash
# Fuzzes each reader that meets untrusted bytes (PDF, DOCX, text/Markdown,
# HTML job page) for a fixed time with cargo-fuzz (libFuzzer), starting from
# the test fixtures. Not part of CI: it needs a nightly toolchain and builds
# the server's whole dependency tree with fuzzing instrumentation.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]    (default 120 s, all four)
#
# A crash, an abort, a stack overflow, more than 2 GiB of memory or one input
# taking over 10 s is a finding: libFuzzer stops and saves the input under
# fuzz/artifacts/TARGET/. Reproduce one with
#   cargo +nightly fuzz run --fuzz-dir fuzz -s none TARGET fuzz/artifacts/TARGET/FILE
# Results of the last run are in fuzz/RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-120}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(pdf docx text html_posting)

rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked

# Seeds: copies of the fixtures, in a corpus libFuzzer may grow.
work=target/fuzz-corpus
seed() {
  local target="$1"; shift
  mkdir -p "$work/$target"
  for f in "$@"; do cp -n "$f" "$work/$target/" 2>/dev/null || true; done
}
mapfile -t pdfs < <(find server/tests/fixtures -name '*.pdf')
mapfile -t docxs < <(find server/tests/fixtures -name '*.docx')
mapfile -t texts < <(find server/tests/fixtures/corpus/resumes -name '*.txt' -o -name '*.md')
mapfile -t pages < <(find server/tests/fixtures/corpus/jobs -type f)
seed pdf "${pdfs[@]}"
seed docx "${docxs[@]}"
seed text "${texts[@]}"
seed html_posting "${pages[@]}"

# No sanitizer: the code is safe Rust (the crates' own unsafe is small);
# what the fuzzer looks for is panics, aborts, overflows, hangs and memory.
cargo +nightly fuzz build --fuzz-dir fuzz -s none
status=0
for t in "${targets[@]}"; do
  echo "==> fuzzing $t for ${secs}s"
  # The whole log is kept: a finding's panic message comes before the
  # harness's own lines.
  if cargo +nightly fuzz run --fuzz-dir fuzz -s none "$t" "$work/$t" -- \
      -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 -max_len=262144 \
      -print_final_stats=1 >"target/fuzz-$t.log" 2>&1; then
    tail -8 "target/fuzz-$t.log"
  else
    grep -m1 -B2 -A12 "panicked\|ERROR: libFuzzer" "target/fuzz-$t.log" || tail -40 "target/fuzz-$t.log"
    echo "!!! $t: a finding, saved under fuzz/artifacts/$t/ (whole log: target/fuzz-$t.log)" >&2
    status=1
  fi
done
exit $status
