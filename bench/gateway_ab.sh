#!/usr/bin/env bash
# A/B benchmark of two gateway binaries against nginx, for a noisy shared machine: the three proxies
# run side by side in front of the same backend and are measured in interleaved rounds (same
# conditions), and besides rps and latency the script reports what noise moves least: the CPU time
# of the proxy process(es) per request served (this VM has no hardware counters for perf stat).
#   bench/gateway_ab.sh BIN_A [BIN_B]     (BIN_B defaults to BIN_A; both are `comptoir` executables)
# Environment: BENCH_DURATION (10s), BENCH_CONNECTIONS (32), BENCH_ROUNDS (3), GATEWAY_THREADS (2).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

bin_a=$(realpath "${1:?usage: bench/gateway_ab.sh BIN_A [BIN_B]}")
bin_b=$(realpath "${2:-$1}")
duration=${BENCH_DURATION:-10s}
connections=${BENCH_CONNECTIONS:-32}
rounds=${BENCH_ROUNDS:-3}
gateway_threads=${GATEWAY_THREADS:-2}
base_port=${BENCH_BASE_PORT:-18300}
backend_port=$base_port
nginx_port=$((base_port + 1))
port_a=$((base_port + 2))
port_b=$((base_port + 3))
hz=$(getconf CLK_TCK)

source bench/gateway_common.sh
work=$(mktemp -d /tmp/comptoir-gwab.XXXXXX)
trap gw_cleanup EXIT

gw_backend "$backend_port"
gw_nginx_proxy "$nginx_port" "$backend_port" "$gateway_threads"
gw_kong_yml "$backend_port"
start_gateway() {
  local bin=$1 port=$2 name=$3
  "$bin" gateway --config "$work/kong.yml" --listen "127.0.0.1:$port" --admin-listen "127.0.0.1:$((port + 100))" \
    --threads "$gateway_threads" > "$work/$name.log" 2>&1 &
  pids+=($!)
}
start_gateway "$bin_a" "$port_a" a
pid_a=${pids[-1]}
start_gateway "$bin_b" "$port_b" b
pid_b=${pids[-1]}
gw_wait_ready "$port_a" "$port_b" "$nginx_port"
nginx_workers() { pgrep -P "$(cat "$work/proxy/nginx.pid")" | paste -sd, -; }
cpu_ticks() {  # utime + stime of the given pids (comma separated), in clock ticks
  local total=0 pid
  for pid in ${1//,/ }; do total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat"))); done
  echo "$total"
}

# One measured run: prints "rps p50 p99 cpu_us_per_req".
measure() {
  trap - EXIT  # runs in a command substitution: the cleanup belongs to the parent
  local port=$1 pids_csv=$2
  wrk -t1 -c"$connections" -d2s -s bench/wrk/plain_get.lua "http://127.0.0.1:$port" >/dev/null
  local before after line requests
  before=$(cpu_ticks "$pids_csv")
  line=$(wrk -t1 -c"$connections" -d"$duration" -s bench/wrk/plain_get.lua "http://127.0.0.1:$port" | grep '^RESULT')
  after=$(cpu_ticks "$pids_csv")
  if ! grep -q ' errors=0 ' <<<"$line"; then echo "bench: errors on port $port: $line" >&2; exit 1; fi
  requests=$(sed -E 's/.*requests=([0-9]+).*/\1/' <<<"$line")
  awk -v line="$line" -v req="$requests" -v ticks=$((after - before)) -v hz="$hz" 'BEGIN {
    match(line, /rps=[0-9]+/); rps = substr(line, RSTART + 4, RLENGTH - 4)
    match(line, /p50_ms=[0-9.]+/); p50 = substr(line, RSTART + 7, RLENGTH - 7)
    match(line, /p99_ms=[0-9.]+/); p99 = substr(line, RSTART + 7, RLENGTH - 7)
    printf "%s %s %s %.1f\n", rps, p50, p99, ticks / hz * 1e6 / req
  }'
}

echo "# gateway A/B: A=$bin_a B=$bin_b, wrk -t1 -c$connections -d$duration x $rounds rounds, $(nproc) cores, $gateway_threads workers, $(date -u +%FT%TZ)"
printf '%-6s %-5s %8s %8s %8s %12s\n' round leg rps p50_ms p99_ms cpu_us/req
for round in $(seq 1 "$rounds"); do
  for leg in A B nginx; do
    case $leg in
      A) result=$(measure "$port_a" "$pid_a") ;;
      B) result=$(measure "$port_b" "$pid_b") ;;
      nginx) result=$(measure "$nginx_port" "$(nginx_workers)") ;;
    esac
    read -r rps p50 p99 cpu <<<"$result"
    printf '%-6s %-5s %8s %8s %8s %12s\n' "$round" "$leg" "$rps" "$p50" "$p99" "$cpu"
  done
done
