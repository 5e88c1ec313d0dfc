# Shared set-up of the gateway benchmarks (sourced by gateway.sh, gateway_ab.sh,
# gateway_instructions.sh): the static 1 KB JSON backend, nginx as a plain reverse proxy, the
# gateway's kong.yml (key-auth, correlation-id, prometheus) and the clean-up of all of it.
# The caller sets `work` (a fresh directory) before calling these, and adds the pids it starts to
# the `pids` array; gw_cleanup stops everything and removes `work`.

nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
bench_key=pos-test-automation-dev-key-2025
# The gateway refuses to start an Admin API without a credential: the benchmarks' gateways get this one.
export COMPTOIR_GATEWAY_ADMIN_TOKEN=${COMPTOIR_GATEWAY_ADMIN_TOKEN:-bench-admin-token-0123456789abcdef}
pids=()

gw_cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for d in backend proxy; do [ -f "$work/$d/nginx.pid" ] && kill "$(cat "$work/$d/nginx.pid")" 2>/dev/null || true; done
  sleep 0.3
  rm -rf "$work"
}

# gw_backend PORT: nginx (one worker, keep-alive) serving /api/v1/products/9, a 1 KB product document.
gw_backend() {
  local port=$1
  chmod 755 "$work"  # nginx workers run as an unprivileged user
  mkdir -p "$work/backend/www/api/v1/products"
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
  server { listen 127.0.0.1:$port; root $work/backend/www; }
}
CONF
  "$nginx_bin" -c "$work/backend/nginx.conf" -e "$work/backend/error.log"
}

# gw_nginx_proxy PORT BACKEND_PORT WORKERS: nginx as a plain reverse proxy with upstream keep-alive.
gw_nginx_proxy() {
  local port=$1 backend_port=$2 workers=$3
  mkdir -p "$work/proxy"
  cat > "$work/proxy/nginx.conf" <<CONF
worker_processes $workers;
pid $work/proxy/nginx.pid;
error_log $work/proxy/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  upstream backend { server 127.0.0.1:$backend_port; keepalive 64; }
  server {
    listen 127.0.0.1:$port;
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
}

# gw_kong_yml BACKEND_PORT: writes $work/kong.yml, the gateway as in production (key-auth,
# correlation-id, prometheus) in front of the backend.
gw_kong_yml() {
  cat > "$work/kong.yml" <<CONF
_format_version: "3.0"
services:
  - name: backend
    url: http://127.0.0.1:$1
    routes:
      - name: products
        paths: [/api/v1/products]
        strip_path: false
consumers:
  - username: bench
    keyauth_credentials:
      - key: $bench_key
plugins:
  - name: key-auth
    config: { key_names: [X-API-Key] }
  - name: correlation-id
    config: { header_name: X-Request-ID, generator: uuid, echo_downstream: true }
  - name: prometheus
    config: { per_consumer: true, status_code_metrics: true, latency_metrics: true, bandwidth_metrics: true }
CONF
}

# gw_wait_ready PORT...: until each proxy answers the benchmark request (at most 10 s each).
gw_wait_ready() {
  local port
  for port in "$@"; do
    for _ in $(seq 1 100); do
      curl -fs -H "X-API-Key: $bench_key" "http://127.0.0.1:$port/api/v1/products/9" >/dev/null && break
      sleep 0.1
    done
  done
}
