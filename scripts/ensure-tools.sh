#!/usr/bin/env bash
# Installs what building (and, with `test`, testing) Tailor needs, from the
# package registries only, and does nothing slow when it is already there:
#   - the wasm32-unknown-unknown Rust target
#   - wasm-bindgen (crate wasm-bindgen-cli) at exactly Cargo.lock's version
#   - Debian's brotli: the site's files are precompressed at build time
#   - with `release`: wasm-opt (npm package binaryen) for the release bundle
#   - with `test`: Debian's chromium, poppler-utils and postgresql (unless
#     TAILOR_TEST_DATABASE_URL names a server), and end2end/'s npm packages
# Usage: scripts/ensure-tools.sh release|test
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-release}"
tools="$PWD/target/tools"
export PATH="$HOME/.cargo/bin:$tools/node_modules/.bin:$PATH"

say() { printf '==> %s\n' "$*"; }

if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# The CLI refuses a .wasm built by any other wasm-bindgen version.
want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have" != "$want" ]; then
  say "installing wasm-bindgen-cli $want (found: ${have:-none}); a few minutes, once"
  # --locked first; the CLI's own lock file has at times named a crate
  # version the registry no longer serves, so fall back to a fresh resolve.
  # --force: cargo's own record may say "installed" when the binary is gone.
  cargo install wasm-bindgen-cli --version "$want" --locked --force \
    || cargo install wasm-bindgen-cli --version "$want" --force
  have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
  if [ "$have" != "$want" ]; then
    echo "wasm-bindgen $want is needed on PATH, found: ${have:-none}" >&2
    exit 1
  fi
fi

if [ "$mode" = release ] && ! command -v wasm-opt >/dev/null 2>&1; then
  say "installing wasm-opt (npm binaryen) into target/tools"
  mkdir -p "$tools"
  npm install --prefix "$tools" --no-audit --no-fund --silent binaryen@132.0.0
fi

install_debian() { # packages...
  say "installing Debian packages: $*"
  local sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "$@" >/dev/null
}

missing=()
# build-site.sh writes each asset's Brotli form beside it.
command -v brotli >/dev/null 2>&1 || missing+=(brotli)

if [ "$mode" = test ]; then
  # chromium for the browser tests; pdftotext (poppler-utils) to read the PDFs they download.
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
  # A PostgreSQL server for the shared store's tests, unless one is given.
  if [ -z "${TAILOR_TEST_DATABASE_URL:-}" ] && ! scripts/postgres.sh find >/dev/null 2>&1; then
    missing+=(postgresql)
  fi
  # psql creates the browser tests' database.
  command -v psql >/dev/null 2>&1 || missing+=(postgresql-client)
  # openssl makes the test server's TLS certificates.
  command -v openssl >/dev/null 2>&1 || missing+=(openssl)
fi

if [ ${#missing[@]} -gt 0 ]; then
  install_debian "${missing[@]}"
fi

if [ "$mode" = test ]; then
  # Playwright drives the system Chromium; it must never download a browser.
  export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
  stamp=end2end/node_modules/.installed-lock
  if [ ! -f "$stamp" ] || ! cmp -s end2end/package-lock.json "$stamp"; then
    say "installing end2end's npm packages"
    (cd end2end && npm ci --no-audit --no-fund --silent)
    cp end2end/package-lock.json "$stamp"
  fi
fi
