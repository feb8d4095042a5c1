#!/usr/bin/env bash
# Runs the store benchmarks (append throughput, replay latency) against
# SQLite, memory and a throwaway PostgreSQL server started with production
# durability (fsync and synchronous_commit on). Extra arguments go to
# criterion, e.g. `scripts/bench-store.sh -- postgres` for PostgreSQL only.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${TAILOR_TEST_DATABASE_URL:-}" ]; then
  pgdir="$(mktemp -d)"
  chmod 755 "$pgdir"
  root="$PWD"
  trap '"$root/scripts/postgres.sh" stop "$pgdir/pg"; rm -rf "$pgdir"' EXIT
  TAILOR_TEST_DATABASE_URL="$(scripts/postgres.sh start "$pgdir/pg" --durable)"
  export TAILOR_TEST_DATABASE_URL
fi
cargo bench -p tailor-server --bench store "$@"
