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

echo "==> cargo clippy (warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings

echo "==> PostgreSQL for the shared store's tests"
# A configured server (TAILOR_TEST_DATABASE_URL), else a throwaway one from
# the installed server binaries (ensure-tools.sh installs Debian's
# postgresql where it can). The tests create and drop their own databases.
if [ -z "${TAILOR_TEST_DATABASE_URL:-}" ]; then
  pgdir="$(mktemp -d)"
  chmod 755 "$pgdir" # the server runs as the postgres user when we are root
  root="$PWD" # the trap runs wherever the script ends up
  trap '"$root/scripts/postgres.sh" stop "$pgdir/pg"; rm -rf "$pgdir"' EXIT
  if TAILOR_TEST_DATABASE_URL="$(scripts/postgres.sh start "$pgdir/pg")"; then
    export TAILOR_TEST_DATABASE_URL
    # The server's CA, for the TLS tests.
    export TAILOR_TEST_DATABASE_CA="$pgdir/pg/tls/ca.pem"
  else
    echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!" >&2
    echo "!!! No PostgreSQL server could be started, and TAILOR_TEST_DATABASE_URL" >&2
    echo "!!! is not set: the PostgreSQL store's tests CANNOT RUN." >&2
    echo "!!! Install Debian's postgresql, or set TAILOR_TEST_DATABASE_URL." >&2
    echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!" >&2
    exit 1
  fi
fi
# From here on a missing server fails the tests rather than skipping them.
export TAILOR_REQUIRE_POSTGRES=1
echo "PostgreSQL for the tests: ${TAILOR_TEST_DATABASE_URL%%@*}@…"

echo "==> Rust tests (HTTP suites on the SQLite store, the default)"
cargo test --workspace --locked

# The router's suites again on the two other stores: the memory store, and
# PostgreSQL with its own wake-up path (NOTIFY plus polling). The server's
# integration tests are one binary; these filters pick the suites' modules.
http_suites=(api:: control:: intake:: results:: stream:: ownership:: web_defences:: decisions:: limits:: api_promises:: fetch_limits:: run_again::)
for store in memory postgres; do
  echo "==> HTTP suites on the $store store"
  TAILOR_TEST_STORE=$store cargo test -p tailor-server --locked --test suite -- "${http_suites[@]}"
done

echo "==> build the site and the server for the browser tests"
scripts/build-site.sh dev

# A fresh database for the browser test with two instances.
TAILOR_E2E_DATABASE_URL="$(python3 -c 'import sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path="/tailor_e2e")))' "$TAILOR_TEST_DATABASE_URL")"
PGOPTIONS="--client-min-messages=warning" psql -q "$TAILOR_TEST_DATABASE_URL" -c "DROP DATABASE IF EXISTS tailor_e2e WITH (FORCE)" -c "CREATE DATABASE tailor_e2e"
export TAILOR_E2E_DATABASE_URL

echo "==> browser tests (Playwright, Debian's Chromium)"
cd end2end
npx playwright test
