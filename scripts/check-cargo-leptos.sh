#!/usr/bin/env bash
# Checks the cargo-leptos path (README: `cargo leptos build`/`watch`/`serve`).
# Always: the [[workspace.metadata.leptos]] table names a binary package, a
# bin target it has, and the executable cargo-leptos will look for
# (target/<profile>/<bin-exe-name>, else <bin-package>). When cargo-leptos is
# installed (not in CI: installing it takes ~11 minutes), also runs
# `cargo leptos build --split` and the browser tests of a whole job against
# the server and site it produced.
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

# Then the browser tests that take a job from the upload form through
# Processing to Review (lazy pages: their code is in split chunks; without
# the hydrated app no event reaches the page), against what it built:
# end2end's Playwright config starts target/debug/tailor on target/site.
# Where Playwright and Debian's Chromium are installed (scripts/test.sh
# installs them).
if [ -d end2end/node_modules/@playwright/test ] && [ -x /usr/bin/chromium ]; then
  (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npx playwright test \
    tests/processing.spec.ts tests/review.spec.ts)
else
  echo "no end2end/node_modules or /usr/bin/chromium: the browser tests did not run (scripts/test.sh installs them)"
fi
