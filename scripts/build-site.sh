#!/usr/bin/env bash
# Builds Tailor the way cargo-leptos would, with only cargo and wasm-bindgen:
# the browser bundle (wasm + JS glue), the stylesheet and the static assets
# into target/site (the bundle under content-hashed names, listed in
# target/site/hash.txt, every file beside its .br and .gz forms), then the
# `tailor` server binary.
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

# wasm-opt from scripts/ensure-tools.sh (npm binaryen, in target/tools).
export PATH="$PWD/target/tools/node_modules/.bin:$PATH"
case "$profile" in
  release) brotli_quality=11 ;;
  # The debug bundle is some 17 MB: the best Brotli takes a minute on it.
  dev) brotli_quality=5 ;;
esac
for tool in brotli gzip sha256sum; do
  command -v "$tool" >/dev/null 2>&1 || { echo "$tool is needed: run scripts/ensure-tools.sh" >&2; exit 1; }
done

echo "==> browser bundle ($profile)"
cargo build --locked -p tailor-app --lib --target wasm32-unknown-unknown \
  --no-default-features --features hydrate --profile "$wasm_profile"
input="target/wasm32-unknown-unknown/$wasm_dir/tailor_app.wasm"
# wasm-bindgen's (and wasm-opt's) output, before it gets its hashed names.
stage="target/wasm-bindgen/$profile"
mkdir -p "$stage" "$pkg"
# wasm-bindgen and wasm-opt take a while: skip them when the bundle they
# would make is already there, made from this very input.
stamp="$stage/.made-from"
made_from="$profile $(stat -c '%s %Y' "$input") wasm-opt:$(command -v wasm-opt || echo none)"
if [ ! -f "$stage/tailor_bg.wasm" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$made_from" ]; then
  wasm-bindgen --target web --no-typescript --out-dir "$stage" --out-name tailor "$input"
  if [ "$profile" = release ]; then
    if command -v wasm-opt >/dev/null 2>&1; then
      wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
        --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue \
        "$stage/tailor_bg.wasm" -o "$stage/tailor_bg.wasm"
    else
      echo "!!! wasm-opt is not installed (scripts/ensure-tools.sh release installs it):" >&2
      echo "!!! the release bundle is left unoptimised, about twice its size" >&2
    fi
  fi
  echo "$made_from" > "$stamp"
fi
cp style/main.css "$stage/tailor.css"

# Content-hashed names (tailor.<hash>.wasm), so the server can let browsers
# keep them for a year (server/src/site.rs), each beside its Brotli and
# gzip forms; the names go into the site root's hash.txt in Leptos' format.
compress() { # file: file.br and file.gz, unless already made from it
  local f="$1"
  if [ ! -f "$f.br" ] || [ "$f" -nt "$f.br" ] || [ ! -f "$f.gz" ] || [ "$f" -nt "$f.gz" ]; then
    brotli -q "$brotli_quality" -f -o "$f.br" "$f"
    gzip -9 -n -c "$f" > "$f.gz"
    # One Last-Modified whichever form is served.
    touch -r "$f" "$f.br" "$f.gz"
  fi
}
hashes=""
keep=()
for kind in js wasm css; do
  case "$kind" in
    wasm) src="$stage/tailor_bg.wasm" ;;
    *) src="$stage/tailor.$kind" ;;
  esac
  hash=$(sha256sum "$src" | cut -c1-20)
  name="tailor.$hash.$kind"
  [ -f "$pkg/$name" ] && cmp -s "$src" "$pkg/$name" || cp "$src" "$pkg/$name"
  compress "$pkg/$name"
  keep+=("$name" "$name.br" "$name.gz")
  hashes+="$kind: $hash"$'\n'
done
printf '%s' "$hashes" > "$site/hash.txt.new"
mv -f "$site/hash.txt.new" "$site/hash.txt"
# Earlier builds' files (and the unhashed names of older layouts).
for f in "$pkg"/* "$pkg"/.made-from; do
  [ -e "$f" ] || continue
  name=$(basename "$f")
  printf '%s\n' "${keep[@]}" | grep -qxF "$name" || rm -f "$f"
done
# Timestamps kept: the files' Last-Modified stays the same across builds.
cp -r --preserve=timestamps public/. "$site/"
for f in "$site"/*.svg; do
  [ -f "$f" ] && compress "$f"
done

echo "==> server ($profile)"
cargo build --locked -p tailor-server --bin tailor "${server_flags[@]}"
