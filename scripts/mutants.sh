#!/usr/bin/env bash
# Mutation testing of the modules that carry the product's promises, with
# cargo-mutants (crates.io): each mutant is a small change to the code (a
# condition inverted, a function returning a default); a test suite that
# still passes on it has missed it. Not part of CI (it rebuilds and tests
# once per mutant); the last results are in mutants/RESULTS.md.
#
#   scripts/mutants.sh [MODULE...]    (default: all of them)
#
# MUTANTS_IN_PLACE=1 mutates this tree itself instead of a scratch copy, so
# each mutant is an incremental rebuild (about 30 s instead of minutes on 2
# cores). Run it only in a worktree of its own (`git worktree add`): the
# tree is edited while it runs, and proptest records the mutants' failures
# in proptest-regressions/ (check those files out again afterwards).
# MUTANTS_ITERATE=1 tests again only what the module's last run missed.
#
# MODULE is one of: reducer, evidence, hub, hub-lib, stream, append, lifecycle.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v cargo-mutants >/dev/null || cargo install cargo-mutants --locked
modules=("$@")
[ ${#modules[@]} -gt 0 ] || modules=(reducer evidence hub stream append lifecycle)
out=target/mutants
mkdir -p "$out"

run() {
  local name="$1"; shift
  echo "==> mutants: $name"
  # Missed mutants make cargo-mutants exit non-zero; the report says which.
  local in_place=()
  [ "${MUTANTS_IN_PLACE:-0}" = 1 ] && in_place=(--in-place)
  # MUTANTS_ITERATE=1: test again only the mutants the last run of this
  # module did not catch (after adding tests, or widening its filter).
  [ "${MUTANTS_ITERATE:-0}" = 1 ] && in_place+=(--iterate)
  cargo mutants --no-shuffle "${in_place[@]}" --output "$out/$name" "$@" || true
}

# The server's integration tests are one binary (`--test suite`); the
# filters after the second `--` pick its modules, and the lib's own tests
# whose module paths match.
for m in "${modules[@]}"; do
  case "$m" in
    reducer) run reducer -p tailor-common -f src/state.rs ;;
    # The evidence check: the rule and the facts it compares (the other
    # validation rules, structure and style, are not promises of truth).
    evidence) run evidence -p tailor-server -f server/src/engine/validate/evidence.rs \
      -f server/src/engine/validate/facts.rs \
      -- --lib --test suite -- validate:: truth_audit:: evidence_prop:: ;;
    # The window's own tests are fanout:: (over real sockets).
    # The hub's own unit tests alone (minutes instead of an hour and more):
    # what they catch is a lower bound for `hub`.
    hub-lib) run hub-lib -p tailor-server -f server/src/hub.rs -- --lib -- hub:: ;;
    hub) run hub -p tailor-server -f server/src/hub.rs -- --lib --test suite -- hub:: stream:: control:: fanout:: ;;
    # With the route's own tests: the cursor at the log's end, and the
    # window's counters (added when a stream ends).
    stream) run stream -p tailor-server -f server/src/routes/stream.rs -- --lib --test suite -- stream:: control:: \
      lifecycle::a_cursor_ahead fanout::a_viewer_inside_the_window fanout::a_viewer_far_behind ;;
    # The append path of the default store: appending (the batching
    # writer, its state cache), reading the log back and the snapshot, and
    # the codec between them and the database; the store's other queries
    # (listing, sharing, retention) are not part of it. Tested by the
    # store's behaviour suite on a SQLite file and the writer's and the
    # codec's own tests.
    append) run append -p tailor-server -f server/src/store/sqlite.rs -f server/src/store/sqlite/writer.rs \
      -f server/src/store/codec.rs \
      --exclude-re '::(list|list_jobs|list_owned|path|access|set_share|adopt_unowned|delete|purge_finished_before|unfinished_jobs|checkpoints|save_checkpoint|result|save_result|inputs)( |$)' \
      --exclude-re 'decode_checkpoints' \
      -- --lib -- store::tests::sqlite store::sqlite store::codec ;;
    # The lifecycle service, through the router; instances:: needs
    # TAILOR_TEST_DATABASE_URL (scripts/postgres.sh) for the notices and
    # takeover between two instances; llm::the_upload_page_names… is the
    # test of a job kept away from the model (start's without_model). The
    # ten-thousand-roles test is skipped: it takes 140 of the set's 150 s
    # (the pipeline over a huge resume in a debug build), tests the
    # pipeline's event cap rather than this module, and would make every
    # mutant cost minutes.
    lifecycle) run lifecycle -p tailor-server -f server/src/jobs.rs -- --test suite -- control:: lifecycle:: restart:: instances:: llm::the_upload_page_names \
      --skip lifecycle::a_resume_with_ten_thousand_roles ;;
    *) echo "unknown module $m" >&2; exit 2 ;;
  esac
done

# One line per module: caught / missed / unviable / timeouts.
for m in "${modules[@]}"; do
  f="$out/$m/mutants.out/outcomes.json"
  [ -f "$f" ] || continue
  python3 - "$m" "$f" <<'PY'
import json, sys
name, path = sys.argv[1], sys.argv[2]
o = json.load(open(path))
caught, missed, unviable, timeout = (o.get(k, 0) for k in ("caught", "missed", "unviable", "timeout"))
viable = caught + missed + timeout
rate = 100.0 * (caught + timeout) / viable if viable else 0.0
print(f"{name}: {caught} caught, {missed} missed, {timeout} timed out, {unviable} unviable; {rate:.0f}% of viable mutants caught")
PY
  grep -h "MISSED" "$out/$m/mutants.out/outcomes.json" >/dev/null 2>&1 || true
  [ -f "$out/$m/mutants.out/missed.txt" ] && sed 's/^/    missed: /' "$out/$m/mutants.out/missed.txt"
done
