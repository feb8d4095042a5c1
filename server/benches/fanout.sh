#!/usr/bin/env bash
# Side-by-side SSE fan-out runs: a release Tailor and the seed-design peer
# (FastAPI + uvicorn/uvloop, ../shared/peers/seed_py/app.py), each loaded by
# the same tool (server/src/bin/sse_load.rs) on this machine. Prints one
# JSON line per run; results go in server/benches/fanout.md.
#   server/benches/fanout.sh                # the scenarios below
#   PEER_VENV=/tmp/venv PEER_APP=path/app.py server/benches/fanout.sh
# Needs: target/release/tailor, target/release/sse-load, and a
# Python venv with fastapi, uvicorn, uvloop and httptools for the peer.
set -euo pipefail
cd "$(dirname "$0")/../.."
TAILOR_PORT="${TAILOR_PORT:-3151}"
PEER_PORT="${PEER_PORT:-3152}"
PEER_VENV="${PEER_VENV:-/tmp/fanout-venv}"
PEER_APP="${PEER_APP:-/work/shared/peers/seed_py/app.py}"
SCENARIOS="${SCENARIOS:-one2000 one10000 jobs500x2 storm2000}"
load=target/release/sse-load
ulimit -n "$(ulimit -Hn)"

data="$(mktemp -d)"
cleanup() {
  [ -n "${tailor_pid:-}" ] && kill "$tailor_pid" 2>/dev/null || true
  [ -n "${peer_pid:-}" ] && kill "$peer_pid" 2>/dev/null || true
  rm -rf "$data"
}
trap cleanup EXIT

start_tailor() {
  [ -n "${tailor_pid:-}" ] && { kill "$tailor_pid"; wait "$tailor_pid" 2>/dev/null || true; }
  rm -rf "$data/tailor"; mkdir -p "$data/tailor"
  TAILOR_DATA_DIR="$data/tailor" RUST_LOG=warn target/release/tailor serve \
    --addr "127.0.0.1:$TAILOR_PORT" --allow-private-urls \
    --max-connections 30000 --max-running-jobs 1024 >"$data/tailor.log" 2>&1 &
  tailor_pid=$!
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$TAILOR_PORT/healthz" >/dev/null && return; sleep 0.1; done
  echo "tailor did not start" >&2; cat "$data/tailor.log" >&2; exit 1
}

start_peer() {
  [ -n "${peer_pid:-}" ] && { kill "$peer_pid"; wait "$peer_pid" 2>/dev/null || true; }
  (cd "$(dirname "$PEER_APP")" && exec "$PEER_VENV/bin/uvicorn" app:app --host 127.0.0.1 \
    --port "$PEER_PORT" --loop uvloop --http httptools --log-level warning --backlog 8192) &
  peer_pid=$!
  for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$PEER_PORT/docs" && return; sleep 0.1; done
  echo "peer did not start" >&2; exit 1
}

run() { # name, then sse_load flags
  local name=$1; shift
  start_tailor
  echo "# $name tailor: $load --base http://127.0.0.1:$TAILOR_PORT $*"
  "$load" --base "http://127.0.0.1:$TAILOR_PORT" --pid "$tailor_pid" "$@"
  if [ -n "${PEER_SKIP:-}" ]; then return; fi
  start_peer
  echo "# $name peer: $load --peer --base http://127.0.0.1:$PEER_PORT $*"
  "$load" --peer --base "http://127.0.0.1:$PEER_PORT" --pid "$peer_pid" "$@"
}

for s in $SCENARIOS; do
  case "$s" in
    one2000) run "$s" --jobs 1 --viewers 2000 --deadline 120 --peer-hold 15 ;;
    one10000) run "$s" --jobs 1 --viewers 10000 --deadline 240 --peer-hold 60 --sources 127.0.0.1,127.0.0.2,127.0.0.3,127.0.0.4 ;;
    jobs500x2) run "$s" --jobs 500 --viewers 2 --deadline 240 --peer-hold 20 ;;
    storm2000) run "$s" --jobs 1 --viewers 2000 --storm 0.5 --storm-after 20 --deadline 120 --peer-hold 15 ;;
    *) echo "unknown scenario $s" >&2; exit 2 ;;
  esac
done
