#!/usr/bin/env bash
# Builds Tailor (release) and starts it at http://127.0.0.1:3000 on its
# embedded defaults. Honours TAILOR_ADDR, TAILOR_DATA_DIR, TAILOR_HEARTBEAT_SECS,
# TAILOR_ALLOW_PRIVATE_URLS, TAILOR_RETENTION_DAYS and the rest (see README);
# arguments are passed to the server, e.g. scripts/run.sh --addr 127.0.0.1:8080
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-tools.sh release
export PATH="$HOME/.cargo/bin:$PWD/target/tools/node_modules/.bin:$PATH"
scripts/build-site.sh release
export LEPTOS_SITE_ROOT="${LEPTOS_SITE_ROOT:-target/site}"
export LEPTOS_ENV="${LEPTOS_ENV:-PROD}"
exec target/release/tailor "$@"
