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
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)

work=$(mktemp -d /tmp/comptoir-gwbench.XXXXXX)
chmod 755 "$work"  # nginx workers run as an unprivileged user
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -f "$work/backend/nginx.pid" ] && kill "$(cat "$work/backend/nginx.pid")" 2>/dev/null || true
  [ -f "$work/proxy/nginx.pid" ] && kill "$(cat "$work/proxy/nginx.pid")" 2>/dev/null || true
  sleep 0.3
  rm -rf "$work"
}
trap cleanup EXIT

# The backend: a 1 KB JSON document, keep-alive, one worker.
mkdir -p "$work/backend/www/api/v1/products" "$work/proxy"
python3 - "$work/backend/www/api/v1/products/9" <<'PY'
import json, sys
doc = {"id": 9, "sku": "ALIM-0009", "name": "Café", "category_id": 3, "price_cents": 1299, "active": True,
       "description": "Café moulu, torréfaction moyenne, 340 g. " * 18,
       "created_at": "2026-11-25T00:00:00.000000Z", "updated_at": "2026-11-25T00:00:00.000000Z"}
open(sys.argv[1], "w").write(json.dumps(doc, ensure_ascii=False)[:1024])
PY
cat > "$work/backend/nginx.conf" <<CONF
worker_processes 1;
pid $work/backend/nginx.pid;
error_log $work/backend/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  default_type application/json;
  server {
    listen 127.0.0.1:$backend_port;
    root $work/backend/www;
  }
}
CONF
"$nginx_bin" -c "$work/backend/nginx.conf" -e "$work/backend/error.log"

# nginx as a plain reverse proxy with upstream keep-alive, as many workers as gateway threads.
cat > "$work/proxy/nginx.conf" <<CONF
worker_processes $gateway_threads;
pid $work/proxy/nginx.pid;
error_log $work/proxy/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  upstream backend { server 127.0.0.1:$backend_port; keepalive 64; }
  server {
    listen 127.0.0.1:$nginx_port;
    location / {
      proxy_pass http://backend;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$host;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
    }
  }
}
CONF
"$nginx_bin" -c "$work/proxy/nginx.conf" -e "$work/proxy/error.log"

# The gateway: key-auth, correlation-id and prometheus, as in production.
cat > "$work/kong.yml" <<CONF
_format_version: "3.0"
services:
  - name: backend
    url: http://127.0.0.1:$backend_port
    routes:
      - name: products
        paths: [/api/v1/products]
        strip_path: false
consumers:
  - username: bench
    keyauth_credentials:
      - key: pos-test-automation-dev-key-2025
plugins:
  - name: key-auth
    config: { key_names: [X-API-Key] }
  - name: correlation-id
    config: { header_name: X-Request-ID, generator: uuid, echo_downstream: true }
  - name: prometheus
    config: { per_consumer: true, status_code_metrics: true, latency_metrics: true, bandwidth_metrics: true }
CONF
"$bin" gateway --config "$work/kong.yml" --listen "127.0.0.1:$gateway_port" \
  --admin-listen "127.0.0.1:$admin_port" --threads "$gateway_threads" > "$work/gateway.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do
  curl -fs -H 'X-API-Key: pos-test-automation-dev-key-2025' "http://127.0.0.1:$gateway_port/api/v1/products/9" \
    >/dev/null && break
  sleep 0.1
done

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
curl -fs "http://127.0.0.1:$admin_port/metrics" | grep -c '^kong_http_requests_total' >/dev/null
