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
# The splitter and namer of the bundle (tools/bundle), built for this machine.
cargo build --locked -p tailor-bundle --bin tailor-bundle
bundle=target/debug/tailor-bundle
input="target/wasm32-unknown-unknown/$wasm_dir/tailor_app.wasm"
# The bundle before it gets its final names: the main module and its glue,
# the split loader, the chunks of the lazy pages (app/src/lib.rs), the
# manifest of which chunks each page needs.
stage="target/wasm-bindgen/$profile"
mkdir -p "$stage" "$pkg"
# Splitting, wasm-bindgen and wasm-opt take a while: skip them when the
# bundle they would make is already there, made from this very input.
stamp="$stage/.made-from"
made_from="$profile $(stat -c '%s %Y' "$input") $(stat -c '%s %Y' "$bundle") wasm-opt:$(command -v wasm-opt || echo none)"
if [ ! -d "$stage/pkg" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$made_from" ]; then
  rm -f "$stamp"
  "$bundle" split "$input" "$stage"
  # tailor.js and tailor_bg.wasm get their final names from the namer (tools/bundle).
  wasm-bindgen --target web --no-typescript --keep-lld-exports --out-dir "$stage/pkg" \
    --out-name "tailor" "$stage/main/tailor_split.wasm"
  if [ "$profile" = release ]; then
    if command -v wasm-opt >/dev/null 2>&1; then
      # One wasm-opt per core: the main module and each chunk.
      find "$stage/pkg" -name '*.wasm' -print0 | xargs -0 -P "$(nproc)" -I{} \
        wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
          --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue \
          {} -o {}
    else
      echo "!!! wasm-opt is not installed (scripts/ensure-tools.sh release installs it):" >&2
      echo "!!! the release bundle is left unoptimised, about twice its size" >&2
    fi
  fi
  echo "$made_from" > "$stamp"
fi

# Final names (<stem>.<hash>.<ext>), so the server can let browsers keep the
# files for a year (server/src/site.rs): the bundle's files by one hash, as
# they name each other, the stylesheet by its own. Each file gets its
# Brotli and gzip forms beside it; the names go into the site root's
# hash.txt in Leptos' format.
compress() { # file: file.br and file.gz, unless already made from it
  local f="$1"
  if [ ! -f "$f.br" ] || [ "$f" -nt "$f.br" ] || [ ! -f "$f.gz" ] || [ "$f" -nt "$f.gz" ]; then
    brotli -q "$brotli_quality" -f -o "$f.br" "$f"
    gzip -9 -n -c "$f" > "$f.gz"
    # One Last-Modified whichever form is served.
    touch -r "$f" "$f.br" "$f.gz"
  fi
}
hashes=$("$bundle" name "$stage/pkg" "$pkg")
bundle_hash=$(printf '%s\n' "$hashes" | sed -n 's/^js: //p')
css_hash=$(sha256sum style/main.css | cut -c1-20)
css="tailor.$css_hash.css"
[ -f "$pkg/$css" ] && cmp -s style/main.css "$pkg/$css" || cp style/main.css "$pkg/$css"
hashes+=$'\n'"css: $css_hash"$'\n'
keep=()
for f in "$pkg"/*."$bundle_hash".* "$pkg/$css"; do
  case "$f" in *.br|*.gz) continue ;; esac
  # The manifest is read by the server, not fetched by browsers.
  case "$f" in *manifest*) keep+=("$(basename "$f")"); continue ;; esac
  compress "$f"
  keep+=("$(basename "$f")" "$(basename "$f").br" "$(basename "$f").gz")
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
