#!/usr/bin/env bash
# Checks the cargo-leptos path (README: `cargo leptos build`/`watch`/`serve`).
# Always: the [[workspace.metadata.leptos]] table names a binary package, a
# bin target it has, and the executable cargo-leptos will look for
# (target/<profile>/<bin-exe-name>, else <bin-package>). When cargo-leptos is
# installed (not in CI: installing it takes ~11 minutes), also runs
# `cargo leptos build --split`, serves what it produced and checks that the
# pages are served and hydrate.
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_METADATA="$(cargo metadata --format-version 1 --no-deps)" python3 - <<'PY'
import json, os, sys
meta = json.loads(os.environ["CARGO_METADATA"])
projects = (meta.get("metadata") or {}).get("leptos") or []
if not projects:
    sys.exit("no [[workspace.metadata.leptos]] table")
packages = {x["name"]: x for x in meta["packages"]}
for p in projects:
    pkg = packages.get(p["bin-package"])
    if pkg is None:
        sys.exit("bin-package %r is not a workspace package" % p["bin-package"])
    bins = [t["name"] for t in pkg["targets"] if "bin" in t["kind"]]
    target = p.get("bin-target") or (bins[0] if len(bins) == 1 else None)
    if target not in bins:
        sys.exit("bin-target %r is not one of %s" % (target, bins))
    exe = p.get("bin-exe-name") or p["bin-package"]
    if exe != target:
        sys.exit("cargo-leptos would look for target/<profile>/%s, but cargo builds %s: set bin-exe-name = %r" % (exe, target, target))
    if p["lib-package"] not in packages:
        sys.exit("lib-package %r is not a workspace package" % p["lib-package"])
    print("metadata ok: %s: bin %s/%s -> target/<profile>/%s; lib %s" % (p["name"], p["bin-package"], target, exe, p["lib-package"]))
PY

if ! cargo leptos --version >/dev/null 2>&1; then
  echo "cargo-leptos is not installed: skipped 'cargo leptos build' (install: cargo install cargo-leptos --locked)"
  exit 0
fi
echo "==> cargo leptos build --split ($(cargo leptos --version))"
cargo leptos build --split
test -x target/debug/tailor || { echo "target/debug/tailor missing" >&2; exit 1; }
ls target/site/pkg/ | grep -q '\.wasm$' || { echo "no .wasm in target/site/pkg" >&2; exit 1; }
echo "cargo leptos build --split: ok"

# Serve what it built, as `cargo leptos serve` would (the site's place in
# LEPTOS_* variables), on a throwaway data directory and a free port.
data="$(mktemp -d)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
LEPTOS_SITE_ROOT=target/site LEPTOS_SITE_PKG_DIR=pkg LEPTOS_OUTPUT_NAME=tailor \
  target/debug/tailor --addr "127.0.0.1:$port" --data-dir "$data" >"$data/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$data"' EXIT
base="http://127.0.0.1:$port"
for _ in $(seq 100); do curl -fs -o /dev/null "$base/healthz" && break; sleep 0.2; done
curl -fs "$base/" | grep -q '/pkg/tailor.js' || { echo "the page does not load /pkg/tailor.js" >&2; cat "$data/serve.log" >&2; exit 1; }
for asset in tailor.js tailor.wasm tailor.css; do
  curl -fs -o /dev/null "$base/pkg/$asset" || { echo "/pkg/$asset is not served" >&2; exit 1; }
done
echo "served: / and /pkg/tailor.{js,wasm,css}"
# Hydration of the first page and two lazy ones (their code is in split
# chunks), where the browser tests' Playwright and Debian's Chromium are.
if [ -d end2end/node_modules/playwright ] && [ -x /usr/bin/chromium ]; then
  BASE="$base" node - <<'JS'
const { chromium } = require(process.cwd() + "/end2end/node_modules/playwright");
(async () => {
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"] });
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  for (const [path, heading] of [["/", "Tailor your resume"], ["/jobs", "History"], ["/about", "About Tailor"]]) {
    await page.goto(process.env.BASE + path);
    await page.locator("body[data-hydrated]").waitFor({ timeout: 30000 });
    const h1 = await page.locator("h1").first().innerText();
    if (!h1.includes(heading)) throw new Error(`${path}: heading ${JSON.stringify(h1)}`);
  }
  if (errors.length) throw new Error("page errors: " + errors.join("; "));
  console.log("hydrated: / /jobs /about, no page errors");
  await browser.close();
})().catch((e) => { console.error(e); process.exit(1); });
JS
else
  echo "no end2end/node_modules or /usr/bin/chromium: hydration not checked (scripts/test.sh installs them)"
fi
