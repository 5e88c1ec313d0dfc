#!/usr/bin/env bash
# Load test of the product service with wrk, straight to the service (no gateway):
#   GET /api/v1/products/{id}, the first page of GET /api/v1/products and a search page.
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

source bench/product_common.sh
product_start

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
run "list-first-page" products_list.lua
run "search-page" product_search.lua
