#!/usr/bin/env bash
# Builds Tailor the way cargo-leptos would, with only cargo and wasm-bindgen:
# the browser bundle (wasm + JS glue), the stylesheet and the static assets
# into target/site, then the `tailor` server binary.
#   scripts/build-site.sh release   # optimised (what `make run` uses)
#   scripts/build-site.sh dev       # fast to compile (what the tests use)
set -euo pipefail
cd "$(dirname "$0")/.."
profile="${1:-release}"
site=target/site
pkg="$site/pkg"

case "$profile" in
  release) wasm_profile=wasm-release; wasm_dir=wasm-release; server_flags=(--release) ;;
  dev) wasm_profile=dev; wasm_dir=debug; server_flags=() ;;
  *) echo "usage: $0 release|dev" >&2; exit 2 ;;
esac

echo "==> browser bundle ($profile)"
cargo build --locked -p tailor-app --lib --target wasm32-unknown-unknown \
  --no-default-features --features hydrate --profile "$wasm_profile"
mkdir -p "$pkg"
input="target/wasm32-unknown-unknown/$wasm_dir/tailor_app.wasm"
# wasm-bindgen and wasm-opt take a while: skip them when the bundle they
# would make is already there, made from this very input.
stamp="$pkg/.made-from"
made_from="$profile $(stat -c '%s %Y' "$input")"
if [ ! -f "$pkg/tailor.wasm" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$made_from" ]; then
  wasm-bindgen --target web --no-typescript --out-dir "$pkg" --out-name tailor "$input"
  # Leptos' hydration script loads /pkg/<name>.wasm (cargo-leptos' layout).
  mv -f "$pkg/tailor_bg.wasm" "$pkg/tailor.wasm"
  if [ "$profile" = release ] && command -v wasm-opt >/dev/null 2>&1; then
    wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
      --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue \
      "$pkg/tailor.wasm" -o "$pkg/tailor.wasm"
  fi
  echo "$made_from" > "$stamp"
fi
cp style/main.css "$pkg/tailor.css"
cp -r public/. "$site/"

echo "==> server ($profile)"
cargo build --locked -p tailor-server --bin tailor "${server_flags[@]}"
