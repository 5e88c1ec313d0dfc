#!/usr/bin/env bash
# Cross-checks comptoir-load against two independent tools on the same endpoint of the same server
# (GET /api/v1/products/9 on the product service directly, demo catalogue; bench/product_common.sh):
#   closed loop, as fast as it goes, 32 connections: wrk  vs  comptoir-load (constant-vus, 32 VUs)
#   open loop, CROSSCHECK_RATE requests/s:          npm loadtest (--rps)  vs  comptoir-load
#                                                   (constant-arrival-rate)
# Each tool runs CROSSCHECK_ROUNDS times, interleaved, CROSSCHECK_DURATION seconds each, after a warm-up.
# Prints one line per run: tool, mode, requests/s, p50, p95 (loadtest: p90 is not printed; it gives
# 50/90/95/99), p99, errors. The comparison is written in bench/README.md.
# Needs build/release (comptoir, comptoir-load) unless BENCH_SKIP_BUILD is unset; npm's loadtest is
# installed into bench/crosscheck/ from its package-lock.json on first use.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

duration=${CROSSCHECK_DURATION:-15}
rate=${CROSSCHECK_RATE:-2000}
rounds=${CROSSCHECK_ROUNDS:-2}
key=pos-test-automation-dev-key-2025

if [ -z "${BENCH_SKIP_BUILD:-}" ]; then
  cmake --preset release >/dev/null
  cmake --build --preset release --target comptoir comptoir-load
fi
bin="$root/build/release/apps/comptoir/comptoir"
load="$root/build/release/bench/load/comptoir-load"
loadtest="$root/bench/crosscheck/node_modules/.bin/loadtest"
if [ ! -x "$loadtest" ]; then
  (cd bench/crosscheck && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error)
fi

source bench/product_common.sh
product_start
url="$base/api/v1/products/9"

# comptoir-load's JSON → "rps p50 p95 p99 errors" of its one scenario. latency_ms counts from when the request
# should have been sent (open loop); duration_ms from when it was sent, as wrk and loadtest count:
# CROSSCHECK_METRIC=duration_ms prints that one instead.
load_numbers() {
  node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).scenarios[0];
    const q = r.requests, l = q[process.argv[2]];
    console.log([q.rate.toFixed(0), l.med, l.p95, l.p99, q.failed].join(" "));
  ' "$1" "${CROSSCHECK_METRIC:-latency_ms}"
}

run_wrk() {
  local line
  line=$(wrk -t1 -c32 -d"${duration}s" -s bench/wrk/plain_get.lua "$base" | grep '^RESULT')
  # RESULT rps=… p50_ms=… p90_ms=… p99_ms=… max_ms=… errors=…
  sed -E 's/.*rps=([0-9.]+) p50_ms=([0-9.]+) p90_ms=([0-9.]+) p99_ms=([0-9.]+).*errors=([0-9]+).*/\1 \2 p90:\3 \4 \5/' <<<"$line"
}

run_load() {
  local mode=$1 out=$state/load.json
  if [ "$mode" = closed ]; then
    "$load" run -q --base-url "$base" -s max-products.get --executor constant-vus --vus 32 \
      --duration "${duration}s" --api-key "$key" -o "$out" >/dev/null || true
  else
    "$load" run -q --base-url "$base" -s max-products.get --executor constant-arrival-rate --rate "$rate" \
      --pre-allocated-vus 32 --max-vus 256 --duration "${duration}s" --api-key "$key" -o "$out" >/dev/null || true
  fi
  load_numbers "$out"
}

run_loadtest() {
  local text
  text=$("$loadtest" -k -c 32 --rps "$rate" -t "$duration" -H "X-API-Key:$key" "$url" 2>&1)
  local rps p50 p95 p99 errors
  rps=$(sed -nE 's/.*Effective rps: *([0-9.]+).*/\1/p' <<<"$text" | tail -1)
  p50=$(sed -nE 's/.* 50% *([0-9.]+) ms.*/\1/p' <<<"$text" | tail -1)
  p95=$(sed -nE 's/.* 95% *([0-9.]+) ms.*/\1/p' <<<"$text" | tail -1)
  p99=$(sed -nE 's/.* 99% *([0-9.]+) ms.*/\1/p' <<<"$text" | tail -1)
  errors=$(sed -nE 's/.*Total errors: *([0-9]+).*/\1/p' <<<"$text" | tail -1)
  echo "${rps:-?} ${p50:-?} ${p95:-?} ${p99:-?} ${errors:-?}"
}

# Warm-up: pools filled, statements prepared, the catalogue cache loaded.
wrk -t1 -c32 -d3s -s bench/wrk/plain_get.lua "$base" >/dev/null

echo "# GET /api/v1/products/9, product direct, ${duration}s per run, $(nproc) cores, $(date -u +%FT%TZ)"
printf '%-14s %-22s %10s %8s %8s %8s %7s\n' tool mode rps p50_ms p95_ms p99_ms errors
for round in $(seq 1 "$rounds"); do
  read -r a b c d e <<<"$(run_wrk)";                 printf '%-14s %-22s %10s %8s %8s %8s %7s\n' wrk "closed, 32 conn" "$a" "$b" "$c" "$d" "$e"
  read -r a b c d e <<<"$(run_load closed)";         printf '%-14s %-22s %10s %8s %8s %8s %7s\n' comptoir-load "closed, 32 VUs" "$a" "$b" "$c" "$d" "$e"
  read -r a b c d e <<<"$(run_loadtest)";            printf '%-14s %-22s %10s %8s %8s %8s %7s\n' loadtest "open, $rate/s" "$a" "$b" "$c" "$d" "$e"
  read -r a b c d e <<<"$(run_load open)";           printf '%-14s %-22s %10s %8s %8s %8s %7s\n' comptoir-load "open, $rate/s" "$a" "$b" "$c" "$d" "$e"
done
