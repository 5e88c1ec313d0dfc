#!/usr/bin/env bash
# Backup and restore of every service's database, as docs/deploy.md tells an operator to do it: a cluster
# with the migrated, seeded databases; deploy/backup/pg-backup.sh of each; a fresh cluster (new initdb,
# empty databases owned by each service's role); deploy/backup/pg-restore.sh of each dump. Then every
# table holds the same rows (counts and an md5 of the rows in order), and each service starts on the
# restored database, answers /ready, and (product, inventory) serves the same public answers as before.
#   tests/deploy/backup_restore_test.sh COMPTOIR_BIN   (CTest deploy_backup_restore)
set -euo pipefail
BIN=$(readlink -f "$1")
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PG_BINDIR=${COMPTOIR_PG_BINDIR:-/usr/lib/postgresql/15/bin}
SERVICES=(product inventory sales reporting customer order payment)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/comptoir-restore.XXXXXX")
PIDS=()
as_owner() { if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
  local rc=$? pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for c in a b; do
    [[ -d $WORK/$c/data ]] && as_owner "$PG_BINDIR/pg_ctl" stop -D "$WORK/$c/data" -m immediate -w >/dev/null 2>&1 || true
  done
  if ((rc != 0)); then tail -n 20 "$WORK"/*.log 2>/dev/null || true; fi
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
[[ $(id -u) -eq 0 ]] && chown postgres "$WORK"
chmod 755 "$WORK"

start_cluster() { # name -> port; a new cluster whose databases belong to each service's role
  local name=$1 port
  port=$(free_port)
  as_owner mkdir -p "$WORK/$name"
  as_owner "$PG_BINDIR/initdb" -D "$WORK/$name/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
    -E UTF8 --locale=C.UTF-8 >"$WORK/$name-initdb.log" 2>&1
  as_owner "$PG_BINDIR/pg_ctl" start -D "$WORK/$name/data" -w -t 60 -l "$WORK/$name/postgresql.log" \
    -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$WORK/$name -c fsync=off" >/dev/null
  local svc
  for svc in "${SERVICES[@]}"; do
    psql -X -q -v ON_ERROR_STOP=1 -h "$WORK/$name" -p "$port" -U postgres -d postgres \
      -c "CREATE ROLE \"$svc\" LOGIN PASSWORD 'pw-$svc'" -c "CREATE DATABASE \"$svc\" OWNER \"$svc\" TEMPLATE template0"
  done
  echo "$port"
}
url() { echo "postgresql://$2:pw-$2@127.0.0.1:$1/$2"; }
env_for() { # port -> the database URLs of every service
  local svc
  for svc in "${SERVICES[@]}"; do printf 'COMPTOIR_%s_DATABASE_URL=%s\n' "${svc^^}" "$(url "$1" "$svc")"; done
}
fingerprint() { # port service -> "table rows md5" per table, sorted
  psql -X -q -t -A -d "$(url "$1" "$2")" <<'SQL'
SELECT string_agg(format('%s %s', t.tablename,
         (xpath('/row/c/text()', query_to_xml(format(
           'SELECT count(*) || '' '' || coalesce(md5(string_agg(x::text, ''|'' ORDER BY x::text)), ''-'') AS c FROM %I.%I x',
           t.schemaname, t.tablename), false, true, '')))[1]::text), E'\n' ORDER BY t.tablename)
  FROM pg_tables t WHERE t.schemaname = 'public';
SELECT format('sequence %s %s', sequencename, coalesce(last_value, 0)) FROM pg_sequences
 WHERE schemaname = 'public' ORDER BY sequencename;
SQL
}
# Tokens (ADR 0008): customer holds the private key, the others the public one; sales and order a client secret.
SIGNING_KEY=$(openssl genpkey -algorithm ed25519)
PUBLIC_KEY=$(printf '%s\n' "$SIGNING_KEY" | openssl pkey -pubout)
CLIENT_SECRET=$(openssl rand -hex 32)
serve_and_get() { # db_port service http_port path... -> the bodies, after /ready
  local db=$1 svc=$2 port=$3 pid body i
  shift 3
  local -a keys=("COMPTOIR_AUTH_JWT_PUBLIC_KEY=$PUBLIC_KEY" "COMPTOIR_${svc^^}_CLIENT_SECRET=$CLIENT_SECRET")
  [[ $svc == customer ]] && keys=("COMPTOIR_AUTH_SIGNING_KEY=$SIGNING_KEY")
  env -i PATH="$PATH" $(env_for "$db") "COMPTOIR_${svc^^}_HTTP_PORT=$port" "${keys[@]}" \
    COMPTOIR_HTTP_THREADS=1 COMPTOIR_LOG_LEVEL=warn "$BIN" serve --service "$svc" >>"$WORK/$svc-$db.log" 2>&1 &
  pid=$!
  PIDS+=("$pid")
  for ((i = 0; i < 300; i++)); do
    [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$port/ready" || true) == 200 ]] && break
    kill -0 "$pid" 2>/dev/null || { echo "$svc exited on the cluster at :$db" >&2; return 1; }
    sleep 0.2
  done
  ((i < 300)) || { echo "$svc never became ready on the cluster at :$db" >&2; return 1; }
  for path in "$@"; do curl -fsS --max-time 10 "http://127.0.0.1:$port$path" | sed -E 's/"request_id":"[^"]*"//g'; echo; done
  kill -TERM "$pid"
  wait "$pid" 2>/dev/null || true
}

A=$(start_cluster a)
env -i PATH="$PATH" $(env_for "$A") COMPTOIR_LOG_LEVEL=warn COMPTOIR_AUTH_PASSWORD_MEMLIMIT_KB=8192 \
  COMPTOIR_AUTH_PASSWORD_OPSLIMIT=1 "$BIN" migrate --service all >"$WORK/migrate.log" 2>&1
env -i PATH="$PATH" $(env_for "$A") COMPTOIR_LOG_LEVEL=warn COMPTOIR_AUTH_PASSWORD_MEMLIMIT_KB=8192 \
  COMPTOIR_AUTH_PASSWORD_OPSLIMIT=1 "$BIN" seed --service all >"$WORK/seed.log" 2>&1

for svc in "${SERVICES[@]}"; do
  "$ROOT/deploy/backup/pg-backup.sh" "$(url "$A" "$svc")" "$WORK/$svc.dump" >/dev/null
  fingerprint "$A" "$svc" >"$WORK/$svc.before"
done
B=$(start_cluster b)
for svc in "${SERVICES[@]}"; do
  "$ROOT/deploy/backup/pg-restore.sh" "$(url "$B" "$svc")" "$WORK/$svc.dump" >/dev/null
  fingerprint "$B" "$svc" >"$WORK/$svc.after"
  if ! diff -u "$WORK/$svc.before" "$WORK/$svc.after"; then echo "FAIL: $svc's rows differ after the restore" >&2; exit 1; fi
  rows=$(awk '$1 != "sequence" { n += $2 } END { print n }' "$WORK/$svc.after")
  ((rows > 0)) || { echo "FAIL: $svc has no rows: the check proves nothing" >&2; exit 1; }
  echo "$svc: $(grep -vc '^sequence' "$WORK/$svc.after") tables, $rows rows, sequences, identical after the restore"
done
# A second restore into a database that has tables is refused (nothing is merged over live data).
if "$ROOT/deploy/backup/pg-restore.sh" "$(url "$B" product)" "$WORK/product.dump" 2>/dev/null; then
  echo "FAIL: pg-restore.sh restored over a database that has tables" >&2; exit 1
fi

PORT=$(free_port)
for svc in "${SERVICES[@]}"; do
  paths=()
  [[ $svc == product ]] && paths=("/api/v1/products?per_page=100" "/api/v1/categories")
  [[ $svc == inventory ]] && paths=("/api/v1/locations")
  serve_and_get "$A" "$svc" "$PORT" "${paths[@]}" >"$WORK/$svc.api-before"
  serve_and_get "$B" "$svc" "$PORT" "${paths[@]}" >"$WORK/$svc.api-after"
  diff -u "$WORK/$svc.api-before" "$WORK/$svc.api-after" || { echo "FAIL: $svc answers differently on the restored database" >&2; exit 1; }
  if ((${#paths[@]})); then
    grep -q '"sku"\|"name"' "$WORK/$svc.api-after" || { echo "FAIL: $svc's answer is empty" >&2; exit 1; }
  fi
  echo "$svc: starts on the restored database, ready${paths:+, same answers to ${paths[*]}}"
done
echo "backup_restore_test: 7 databases dumped, restored into a fresh cluster and served: passed"
