#!/usr/bin/env bash
# Load test of the product service with wrk, straight to the service (no gateway):
#   GET /api/v1/products/{id}  and a search page.
# Starts its own throw-away PostgreSQL (tests/fixtures/pg.sh), builds the release preset, seeds the
# demo catalogue, runs the real `comptoir serve --service product`, and prints one line per scenario.
# Environment: BENCH_DURATION (10s), BENCH_CONNECTIONS (32), BENCH_THREADS (wrk threads, 1),
#              BENCH_SERVER_THREADS (service workers, default one per core), BENCH_ACCESS_LOG (true),
#              BENCH_SKIP_BUILD (use build/release as it is).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

duration=${BENCH_DURATION:-10s}
connections=${BENCH_CONNECTIONS:-32}
wrk_threads=${BENCH_THREADS:-1}

if [ -z "${BENCH_SKIP_BUILD:-}" ]; then
  scripts/install-deps.sh
  cmake --preset release >/dev/null
  cmake --build --preset release --target comptoir
fi
bin="$root/build/release/apps/comptoir/comptoir"

state=$(mktemp -d /tmp/comptoir-bench.XXXXXX)
chmod 755 "$state"
service_pid=""
cleanup() {
  [ -n "$service_pid" ] && kill "$service_pid" 2>/dev/null && wait "$service_pid" 2>/dev/null || true
  tests/fixtures/pg.sh stop "$state" >/dev/null 2>&1 || true
  rm -rf "$state"
}
trap cleanup EXIT

tests/fixtures/pg.sh start "$state" >/dev/null
pg_port=$(cat "$state/pg/port")
psql "postgresql://postgres@127.0.0.1:$pg_port/postgres" -qc "CREATE DATABASE bench_product" >/dev/null
export COMPTOIR_PRODUCT_DATABASE_URL="postgresql://postgres@127.0.0.1:$pg_port/bench_product"
export COMPTOIR_PRODUCT_HTTP_PORT=${BENCH_PORT:-18001}
export COMPTOIR_HTTP_ACCESS_LOG=${BENCH_ACCESS_LOG:-true}
[ -n "${BENCH_SERVER_THREADS:-}" ] && export COMPTOIR_HTTP_THREADS=$BENCH_SERVER_THREADS
"$bin" migrate --service product >/dev/null
"$bin" seed --service product >/dev/null
"$bin" serve --service product > "$state/product.log" 2>&1 &
service_pid=$!
base="http://127.0.0.1:$COMPTOIR_PRODUCT_HTTP_PORT"
for _ in $(seq 1 100); do curl -fs "$base/health" >/dev/null && break; sleep 0.1; done
curl -fs "$base/api/v1/products/1" >/dev/null

run() {
  local name=$1 script=$2
  # Warm-up: fill the connection pools and prepare the statements on every connection.
  wrk -t"$wrk_threads" -c"$connections" -d3s -s "bench/wrk/$script" "$base" >/dev/null
  local line
  line=$(wrk -t"$wrk_threads" -c"$connections" -d"$duration" -s "bench/wrk/$script" "$base" | grep '^RESULT')
  printf '%-22s %s\n' "$name" "${line#RESULT }"
  if ! grep -q ' errors=0 ' <<<"$line"; then
    echo "bench: $name had failed or non-2xx requests; see $state/product.log" >&2
    exit 1
  fi
}

echo "# product service, direct, wrk -t$wrk_threads -c$connections -d$duration, $(nproc) cores, $(date -u +%FT%TZ)"
run "get-by-id" product_by_id.lua
run "search-page" product_search.lua
