#!/usr/bin/env bash
# Runs every test: formatting and lints, the Rust unit and integration tests,
# then the Playwright suite against the real server in Debian's Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-tools.sh test
export PATH="$HOME/.cargo/bin:$PWD/target/tools/node_modules/.bin:$PATH"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
# A one-off build (CI) gains nothing from incremental state but disk use.
if [ -n "${CI:-}" ]; then export CARGO_INCREMENTAL=0; fi

echo "==> cargo fmt --check"
cargo fmt --all -- --check

echo "==> Rust tests"
cargo test --workspace --locked

echo "==> build the site and the server for the browser tests"
scripts/build-site.sh dev

echo "==> browser tests (Playwright, Debian's Chromium)"
cd end2end
npx playwright test
