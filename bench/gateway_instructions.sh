#!/usr/bin/env bash
# Instructions the gateway executes per proxied request (user space, counted by valgrind's
# callgrind), for each `comptoir` binary given: a measure of the proxy's own work that the noise of
# a shared VM does not move (±1 % run to run, where requests/s move ±15 %). Same backend and
# kong.yml as bench/gateway.sh; callgrind counts only after a warm-up, over BENCH_DURATION of wrk
# with BENCH_CONNECTIONS connections. The profile of the last binary stays in $BENCH_PROFILE
# (callgrind_annotate reads it) when that variable is set.
#   bench/gateway_instructions.sh BIN [BIN...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
[ $# -ge 1 ] || { echo "usage: bench/gateway_instructions.sh BIN [BIN...]" >&2; exit 2; }
command -v valgrind >/dev/null || { echo "valgrind is needed (apt-get install valgrind)" >&2; exit 2; }

duration=${BENCH_DURATION:-8s}
connections=${BENCH_CONNECTIONS:-8}
base_port=${BENCH_BASE_PORT:-18600}
backend_port=$base_port
gateway_port=$((base_port + 1))
admin_port=$((base_port + 2))

source bench/gateway_common.sh
work=$(mktemp -d /tmp/comptoir-gwinstr.XXXXXX)
trap gw_cleanup EXIT
gw_backend "$backend_port"
gw_kong_yml "$backend_port"

printf '%-40s %10s %14s %10s\n' binary requests instructions per_request
for bin in "$@"; do
  bin=$(realpath "$bin")
  rm -f "$work"/callgrind.out.*
  # Instrumentation starts off: the start-up and the warm-up are not counted.
  valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$work/callgrind.out.%p" \
    "$bin" gateway --config "$work/kong.yml" --listen "127.0.0.1:$gateway_port" \
    --admin-listen "127.0.0.1:$admin_port" --threads 2 > "$work/gateway.log" 2>&1 &
  vpid=$!
  pids+=("$vpid")
  for _ in $(seq 1 300); do  # slow under valgrind
    curl -fs -H "X-API-Key: $bench_key" "http://127.0.0.1:$gateway_port/api/v1/products/9" >/dev/null && break
    sleep 0.2
  done
  wrk -t1 -c"$connections" -d3s -s bench/wrk/plain_get.lua "http://127.0.0.1:$gateway_port" >/dev/null
  callgrind_control -i on "$vpid" >/dev/null 2>&1
  line=$(wrk -t1 -c"$connections" -d"$duration" -s bench/wrk/plain_get.lua "http://127.0.0.1:$gateway_port" |
    grep '^RESULT')
  callgrind_control -i off "$vpid" >/dev/null 2>&1
  callgrind_control -d "$vpid" >/dev/null 2>&1
  kill "$vpid"
  wait "$vpid" 2>/dev/null || true
  if ! grep -q ' errors=0 ' <<<"$line"; then echo "bench: errors through $bin: $line" >&2; exit 1; fi
  requests=$(sed -E 's/.*requests=([0-9]+).*/\1/' <<<"$line")
  profile=$(ls "$work"/callgrind.out.*.1)
  instructions=$(awk '/^totals:/ {print $2}' "$profile")
  printf '%-40s %10s %14s %10s\n' "$bin" "$requests" "$instructions" $((instructions / requests))
  [ -n "${BENCH_PROFILE:-}" ] && cp "$profile" "$BENCH_PROFILE"
done
