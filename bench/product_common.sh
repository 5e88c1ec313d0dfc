# Shared set-up of the product-service benchmarks (sourced by run.sh and crosscheck.sh): a throw-away
# PostgreSQL (tests/fixtures/pg.sh) with the demo catalogue and the real `comptoir serve --service product`
# on BENCH_PORT (18001). The caller sources this from the repository root, after setting `bin`, then calls
# product_start; the EXIT trap stops everything. Sets `base` (the service's URL) and `state`.

state=$(mktemp -d /tmp/comptoir-bench.XXXXXX)
chmod 755 "$state"
service_pid=""
product_cleanup() {
  [ -n "$service_pid" ] && kill "$service_pid" 2>/dev/null && wait "$service_pid" 2>/dev/null || true
  tests/fixtures/pg.sh stop "$state" >/dev/null 2>&1 || true
  rm -rf "$state"
}
trap product_cleanup EXIT

product_start() {
  source bench/auth_common.sh
  bench_auth_env "$state" product
  tests/fixtures/pg.sh start "$state" >/dev/null
  local pg_port
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
  for _ in $(seq 1 300); do curl -fs "$base/health" >/dev/null && break; sleep 0.1; done
  if ! curl -fs "$base/api/v1/products/1" >/dev/null; then
    echo "bench: the product service did not answer on $base; its log:" >&2
    tail -n 20 "$state/product.log" >&2
    return 1
  fi
}
