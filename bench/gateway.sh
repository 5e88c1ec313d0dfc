#!/usr/bin/env bash
# Gateway benchmark, in one go on this machine, with wrk against the same backend:
#   (a) the backend directly,
#   (b) the Comptoir gateway with key-auth, correlation-id and prometheus on,
#   (c) nginx from Debian as a plain reverse proxy with upstream keep-alive.
# The backend is nginx serving a fixed 1 KB product JSON, so the comparison measures the proxies.
# Environment: BENCH_DURATION (10s), BENCH_CONNECTIONS (32), BENCH_THREADS (1), GATEWAY_THREADS (2).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

duration=${BENCH_DURATION:-10s}
connections=${BENCH_CONNECTIONS:-32}
wrk_threads=${BENCH_THREADS:-1}
gateway_threads=${GATEWAY_THREADS:-2}
backend_port=${BENCH_BACKEND_PORT:-18100}
gateway_port=${BENCH_GATEWAY_PORT:-18180}
admin_port=${BENCH_ADMIN_PORT:-18111}
nginx_port=${BENCH_NGINX_PORT:-18190}

if [ -z "${BENCH_SKIP_BUILD:-}" ]; then
  scripts/install-deps.sh
  cmake --preset release >/dev/null
  cmake --build --preset release --target comptoir
fi
bin="$root/build/release/apps/comptoir/comptoir"

source bench/gateway_common.sh
work=$(mktemp -d /tmp/comptoir-gwbench.XXXXXX)
trap gw_cleanup EXIT

gw_backend "$backend_port"
gw_nginx_proxy "$nginx_port" "$backend_port" "$gateway_threads"
gw_kong_yml "$backend_port"
"$bin" gateway --config "$work/kong.yml" --listen "127.0.0.1:$gateway_port" \
  --admin-listen "127.0.0.1:$admin_port" --threads "$gateway_threads" > "$work/gateway.log" 2>&1 &
pids+=($!)
gw_wait_ready "$gateway_port"

run() {
  local name=$1 port=$2
  wrk -t"$wrk_threads" -c"$connections" -d3s -s bench/wrk/plain_get.lua "http://127.0.0.1:$port" >/dev/null
  local line
  line=$(wrk -t"$wrk_threads" -c"$connections" -d"$duration" -s bench/wrk/plain_get.lua \
    "http://127.0.0.1:$port" | grep '^RESULT')
  printf '%-34s %s\n' "$name" "${line#RESULT }" >&2
  if ! grep -q ' errors=0 ' <<<"$line"; then
    echo "bench: $name had failed or non-2xx requests; see $work" >&2
    exit 1
  fi
  echo "${line#RESULT }"
}
rps() { sed -E 's/.*rps=([0-9]+).*/\1/' <<<"$1"; }

echo "# gateway benchmark: wrk -t$wrk_threads -c$connections -d$duration, $(nproc) cores, gateway/nginx workers: $gateway_threads, $(date -u +%FT%TZ)" >&2
direct=$(run "(a) backend directly" "$backend_port")
gateway=$(run "(b) gateway (key-auth, corr-id, prom)" "$gateway_port")
nginx=$(run "(c) nginx reverse proxy" "$nginx_port")
awk -v g="$(rps "$gateway")" -v n="$(rps "$nginx")" 'BEGIN { printf "ratio gateway/nginx: %.2f\n", g / n }' >&2
curl -fs -H "Kong-Admin-Token: $COMPTOIR_GATEWAY_ADMIN_TOKEN" "http://127.0.0.1:$admin_port/metrics" | grep -c '^kong_http_requests_total' >/dev/null
