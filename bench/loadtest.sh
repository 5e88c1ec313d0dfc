#!/usr/bin/env bash
# make loadtest: the scenarios of bench/load against two deployments of the same build, both behind the
# gateway, in interleaved rounds (A B, then B A, ...): microservices (one process per service, cart ×3)
# and the monolith (`comptoir serve --service all`). Then bench/results/<date>/report.html and
# summary.md (bench/load/report.mjs). Everything runs on its own ports and its own PostgreSQL and Redis
# (under /tmp), so a local platform on the usual ports is left alone.
#
# Settings (environment):
#   LOADTEST_ROUNDS=2            rounds; each runs every deployment once
#   LOADTEST_FULL=0              1: the profiles at full length (seed-100vu: 10 min), else scaled
#   LOADTEST_SCALE=0.1           factor on every duration when not full
#   LOADTEST_SCENARIOS=...       comma-separated (comptoir-load list); default: all but smoke
#   LOADTEST_DEPLOYMENTS=microservices,monolith
#   LOADTEST_DATA=generated      generated: bench/load/gen-data.sh (5,000 products, 1,000 shoppers, 40
#                                cashiers and 10 managers, a year of sales); demo: the demo seed only
#   LOADTEST_SALES_PER_DAY=40    per store, for the generated year
#   LOADTEST_PORT_PREFIX=2       ports are the usual ones with this digit in front (28001, 28080...)
#   LOADTEST_PG_FAST=0           1: PostgreSQL without fsync (the test fixture's settings); default durable
#   LOADTEST_THREADS=1           comptoir-load event loops
#   LOADTEST_CATCH_UP_SECONDS=900  at most this long for the events to reach reporting before each deployment's load
#   LOADTEST_OUT=bench/results/<UTC date-time>
#   LOADTEST_SKIP_BUILD=1        use build/release as it is
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

rounds=${LOADTEST_ROUNDS:-2}
scale=${LOADTEST_SCALE:-0.1}
scenarios=${LOADTEST_SCENARIOS:-seed-15vu,seed-100vu,pos-sale,online-checkout,dashboard,product-search,stock-lookup,max-products.get,max-products.list,max-products.search,max-inventory.lookup,max-dashboard}
deployments=${LOADTEST_DEPLOYMENTS:-microservices,monolith}
data=${LOADTEST_DATA:-generated}
prefix=${LOADTEST_PORT_PREFIX:-2}
out=${LOADTEST_OUT:-bench/results/$(date -u +%Y-%m-%d-%H%M)}
bin="$root/build/release/apps/comptoir/comptoir"
load="$root/build/release/bench/load/comptoir-load"

say() { printf 'loadtest: %s\n' "$*" >&2; }

if [[ -z ${LOADTEST_SKIP_BUILD:-} ]]; then
  cmake --preset release >/dev/null
  cmake --build --preset release --target comptoir comptoir-load web_assets
fi
[[ -x $bin && -x $load ]] || { say "build/release lacks comptoir or comptoir-load"; exit 1; }
mkdir -p "$out"
out=$(cd "$out" && pwd)

state=$(mktemp -d /tmp/comptoir-loadtest.XXXXXX)
chmod 755 "$state"
mkdir -p "$state/log"
pids=()
stop_all() {
  local pid
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  pids=()
}
cleanup() {
  stop_all
  tests/fixtures/redis.sh stop "$state" >/dev/null 2>&1 || true
  tests/fixtures/pg.sh stop "$state" >/dev/null 2>&1 || true
  mkdir -p "$out/logs" && cp -r "$state/log/." "$out/logs/" 2>/dev/null || true
  rm -rf "$state"
}
trap cleanup EXIT

port() { echo "$prefix$1"; }  # 8001 -> 28001

# --- PostgreSQL, Redis, databases, data ---------------------------------------------------------------
tests/fixtures/pg.sh start "$state" >/dev/null
tests/fixtures/redis.sh start "$state" >/dev/null
pg_port=$(cat "$state/pg/port")
redis_port=$(cat "$state/redis/port")
psql_su() { psql -X -q -v ON_ERROR_STOP=1 "postgresql://postgres@127.0.0.1:$pg_port/${1:-postgres}" "${@:2}"; }
if [[ ${LOADTEST_PG_FAST:-0} != 1 ]]; then
  # The fixture turns durability off for tests; a benchmark of writes keeps it, as in production.
  psql_su postgres -c "ALTER SYSTEM SET fsync = on" -c "ALTER SYSTEM SET synchronous_commit = on" \
    -c "ALTER SYSTEM SET full_page_writes = on" -c "SELECT pg_reload_conf()" >/dev/null
fi

mapfile -t services < <("$bin" services)
declare -A service_port=([product]=8001 [inventory]=8002 [sales]=8003 [reporting]=8004 [customer]=8005
  [cart]=8006 [order]=8007 [web]=8008 [payment]=8009)
no_database=" cart web "
upper() { tr '[:lower:]-' '[:upper:]_' <<<"$1"; }

source bench/auth_common.sh
bench_auth_env "$state" "${services[@]}"
# deploy/kong.yml's shared rate-limiting budgets live in this run's Redis.
export COMPTOIR_GATEWAY_REDIS_PORT=$redis_port
export COMPTOIR_REDIS_URL="redis://127.0.0.1:$redis_port"
export COMPTOIR_LOG_LEVEL=${COMPTOIR_LOG_LEVEL:-warn}
for svc in "${services[@]}"; do
  u=$(upper "$svc")
  export "COMPTOIR_${u}_HTTP_PORT=$(port "${service_port[$svc]}")"
  if [[ $no_database != *" $svc "* ]]; then
    psql_su postgres -c "CREATE DATABASE \"$svc\"" >/dev/null
    export "COMPTOIR_${u}_DATABASE_URL=postgresql://postgres@127.0.0.1:$pg_port/$svc"
  fi
  for peer in "${services[@]}"; do
    [[ $peer == "$svc" ]] && continue
    export "COMPTOIR_${u}_$(upper "$peer")_URL=http://127.0.0.1:$(port "${service_port[$peer]}")"
  done
done
say "migrating and seeding (PostgreSQL :$pg_port, Redis :$redis_port)"
"$bin" migrate --service all >"$state/log/migrate.log" 2>&1
"$bin" seed --service all >"$state/log/seed.log" 2>&1
shoppers=0 cashiers_per_store=0 managers=0
if [[ $data == generated ]]; then
  say "generating the data set (bench/load/gen-data.sh)"
  LOADTEST_PSQL="postgresql://postgres@127.0.0.1:$pg_port" bash bench/load/gen-data.sh | tee "$out/data.txt" >&2
  shoppers=${LOADTEST_SHOPPERS:-1000} cashiers_per_store=${LOADTEST_CASHIERS_PER_STORE:-8} managers=${LOADTEST_MANAGERS:-10}
fi

# --- deployments ----------------------------------------------------------------------------------
# The ports of deploy/kong.yml, with the prefix; the monolith has one cart, so its upstream has one target.
sed -E "s/127\.0\.0\.1:80([0-9]{2})/127.0.0.1:${prefix}80\1/g" deploy/kong.yml >"$state/kong-microservices.yml"
grep -vE "target: 127\.0\.0\.1:${prefix}80(16|26)" "$state/kong-microservices.yml" >"$state/kong-monolith.yml"

wait_http() { # port path name
  for _ in $(seq 1 300); do
    curl -fs -o /dev/null --max-time 1 "http://127.0.0.1:$1$2" && return 0
    sleep 0.2
  done
  say "$3 did not answer on :$1$2 (log: $state/log/$3.log)"
  tail -n 20 "$state/log/$3.log" >&2 || true
  exit 1
}

declare -A process_pid=()
start_process() { # name command...
  local name=$1
  shift
  setsid "$@" >>"$state/log/$name.log" 2>&1 </dev/null &
  pids+=($!)
  process_pid[$name]=$!
}

start_deployment() { # deployment
  process_pid=()
  if [[ $1 == monolith ]]; then
    start_process comptoir "$bin" serve --service all
    for svc in "${services[@]}"; do wait_http "$(port "${service_port[$svc]}")" /health comptoir; done
  else
    for svc in "${services[@]}"; do
      if [[ $svc == cart ]]; then
        local i=1 p
        for p in 8006 8016 8026; do
          start_process "cart-$i" env "COMPTOIR_CART_HTTP_PORT=$(port $p)" "COMPTOIR_CART_INSTANCE_ID=cart-$i" \
            "$bin" serve --service cart
          i=$((i + 1))
        done
      else
        start_process "$svc" "$bin" serve --service "$svc"
      fi
    done
    for svc in "${services[@]}"; do wait_http "$(port "${service_port[$svc]}")" /health "$svc"; done
    wait_http "$(port 8016)" /health cart-2
    wait_http "$(port 8026)" /health cart-3
  fi
  start_process gateway "$bin" gateway --config "$state/kong-$1.yml" --listen "127.0.0.1:$(port 8080)" \
    --admin-listen "127.0.0.1:$(port 8011)" --access-log
  wait_http "$(port 8011)" /status/ready gateway
}

# Waits until the events written so far have reached reporting: every outbox published and the `reporting`
# consumer group of the stream with nothing left to read nor to acknowledge. The generated data set (a year of
# sales, the stock of 5,000 products) is about 100,000 events, which the first deployment would otherwise
# still be relaying and applying during its first scenarios; and a round must not pay for the previous one.
wait_caught_up() {
  local deadline=$((SECONDS + ${LOADTEST_CATCH_UP_SECONDS:-900})) db pending group lag unacked
  local outboxes=()
  for db in "${services[@]}"; do
    [[ $no_database == *" $db "* ]] && continue
    [[ $(psql_su "$db" -tAc "SELECT to_regclass('outbox') IS NOT NULL") == t ]] && outboxes+=("$db")
  done
  while ((SECONDS < deadline)); do
    pending=0
    for db in "${outboxes[@]}"; do
      pending=$((pending + $(psql_su "$db" -tAc "SELECT count(*) FROM outbox WHERE published_at IS NULL")))
    done
    group=$(redis-cli -p "$redis_port" --raw XINFO GROUPS comptoir:events 2>/dev/null | tr '\n' ' ')
    lag=$(awk '{for (i = 1; i < NF; i++) if ($i == "lag") print $(i + 1)}' <<<"$group")
    unacked=$(awk '{for (i = 1; i < NF; i++) if ($i == "pending") print $(i + 1)}' <<<"$group")
    if ((pending == 0)) && [[ ${lag:-x} == 0 && ${unacked:-x} == 0 ]]; then return 0; fi
    sleep 2
  done
  say "the events did not reach reporting within ${LOADTEST_CATCH_UP_SECONDS:-900} s (outboxes: $pending unpublished; stream: $group)"
  exit 1
}

rss_json() { # -> {"process": kB, ...} of the running deployment
  local name sep="" kb
  printf '{'
  for name in "${!process_pid[@]}"; do
    kb=$(awk '/^VmRSS:/ { print $2 }' "/proc/${process_pid[$name]}/status" 2>/dev/null || echo 0)
    printf '%s"%s": %s' "$sep" "$name" "${kb:-0}"
    sep=", "
  done
  printf '}'
}

IFS=, read -ra deployment_list <<<"$deployments"
full_flag=()
[[ ${LOADTEST_FULL:-0} == 1 ]] && full_flag=(--full)
status=0
for ((round = 1; round <= rounds; round++)); do
  order=("${deployment_list[@]}")
  if ((round % 2 == 0)); then  # A B, B A, A B...: drift of a shared machine falls on both
    order=()
    for ((i = ${#deployment_list[@]} - 1; i >= 0; i--)); do order+=("${deployment_list[$i]}"); done
  fi
  for deployment in "${order[@]}"; do
    say "round $round: $deployment"
    start_deployment "$deployment"
    caught_up_at=$SECONDS
    wait_caught_up
    say "round $round: $deployment: events caught up in $((SECONDS - caught_up_at)) s"
    sleep 5  # idle: after start-up, before any load
    idle=$(rss_json)
    rc=0
    "$load" run --base-url "http://127.0.0.1:$(port 8080)" --scenario "$scenarios" "${full_flag[@]}" --scale "$scale" \
      --threads "${LOADTEST_THREADS:-1}" --shoppers "$shoppers" --cashiers-per-store "$cashiers_per_store" --managers "$managers" --label "$deployment" --round "$round" \
      --out "$out/$deployment-$round.json" >"$out/$deployment-$round.txt" || rc=$?
    loaded=$(rss_json)
    printf '{"deployment": "%s", "round": %d, "exit_code": %d, "idle_rss_kb": %s, "rss_after_kb": %s}\n' \
      "$deployment" "$round" "$rc" "$idle" "$loaded" >"$out/$deployment-$round.rss.json"
    say "round $round: $deployment: exit $rc ($(head -c 300 "$out/$deployment-$round.txt" | head -n 1))"
    ((rc == 0)) || status=$rc
    stop_all
    sleep 1
  done
done

node bench/load/report.mjs "$out"
say "report: $out/report.html, summary: $out/summary.md"
exit "$status"
