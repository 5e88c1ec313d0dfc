#!/usr/bin/env bash
# The whole Comptoir platform on one machine, without Docker: PostgreSQL and Redis from the Debian
# packages, with their data under var/, and the Comptoir processes in the background.
#
#   scripts/platform.sh up       install deps, build, start PostgreSQL + Redis, migrate, seed,
#                                start every process, wait for /health, print the URLs
#   scripts/platform.sh run      up, then stream the logs; Ctrl-C stops everything (down)
#   scripts/platform.sh down     stop everything; all data stays in var/
#   scripts/platform.sh status   what runs, with pids, ports and /ready
#   scripts/platform.sh logs     tail -F the process logs
#   scripts/platform.sh psql [SERVICE] [psql args...]
#                                psql as superuser, or as SERVICE's role on its own database
#   scripts/platform.sh env      print the path of the env file (source it to run the binary by hand)
#   scripts/platform.sh prometheus-config
#                                print the Prometheus configuration `up` writes (var/monitoring/prometheus.yml)
#
# Settings (environment):
#   COMPTOIR_PRESET=release      CMake preset whose binary is run (build/<preset>/apps/comptoir/comptoir)
#   COMPTOIR_MODE=split          split: one process per service (cart ×3); all: one process, every service
#   COMPTOIR_PG_PORT=55432       COMPTOIR_REDIS_PORT=6380      COMPTOIR_LOG_LEVEL=info
#   COMPTOIR_SKIP_DEPS=1         do not run scripts/install-deps.sh
#   COMPTOIR_SKIP_BUILD=1        do not build (use the binary as it is)
#   COMPTOIR_MONITORING=0        do not start Prometheus, Alertmanager, the exporters and the alert receiver
#   COMPTOIR_PROMETHEUS_PORT=9090  COMPTOIR_ALERTMANAGER_PORT=9093  COMPTOIR_ALERT_RECEIVER_PORT=9095
#   COMPTOIR_POSTGRES_EXPORTER_PORT=9187  COMPTOIR_REDIS_EXPORTER_PORT=9121
#   COMPTOIR_BIN=path            the comptoir binary to run (default build/<preset>/apps/comptoir/comptoir)
#   COMPTOIR_VAR=dir             where state lives (default var/)
#
# See docs/running-locally.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
umask 022  # the postgres user must be able to enter var/ (secrets/ gets 700 of its own)

PRESET=${COMPTOIR_PRESET:-release}
MODE=${COMPTOIR_MODE:-split}
BIN=${COMPTOIR_BIN:-build/$PRESET/apps/comptoir/comptoir}
[[ $BIN == /* ]] || BIN="$ROOT/$BIN"
PG_PORT=${COMPTOIR_PG_PORT:-55432}
REDIS_PORT=${COMPTOIR_REDIS_PORT:-6380}
LOG_LEVEL=${COMPTOIR_LOG_LEVEL:-info}
PG_BINDIR=${COMPTOIR_PG_BINDIR:-/usr/lib/postgresql/15/bin}

VAR=${COMPTOIR_VAR:-$ROOT/var}
RUN_DIR="$VAR/run"      # pid files
LOG_DIR="$VAR/log"      # one log per process, redis.log
SECRETS="$VAR/secrets"  # <service>.pw, <service>.client_secret, jwt_signing.pem/jwt_public.pem: generated once
ENV_FILE="$VAR/env"
REDIS_DIR="$VAR/redis"
PG_DIR="$VAR/pg"        # data/ (the cluster), run/ (unix socket), postgresql.log
MON_DIR="$VAR/monitoring"  # prometheus.yml, alertmanager.yml (written at every start)
PROM_DATA="$VAR/prometheus"   # Prometheus's TSDB
AM_DATA="$VAR/alertmanager"   # Alertmanager's silences and notification log
MONITORING=${COMPTOIR_MONITORING:-1}
PROM_PORT=${COMPTOIR_PROMETHEUS_PORT:-9090}
AM_PORT=${COMPTOIR_ALERTMANAGER_PORT:-9093}
RECEIVER_PORT=${COMPTOIR_ALERT_RECEIVER_PORT:-9095}
PG_EXPORTER_PORT=${COMPTOIR_POSTGRES_EXPORTER_PORT:-9187}
REDIS_EXPORTER_PORT=${COMPTOIR_REDIS_EXPORTER_PORT:-9121}

# ---------------------------------------------------------------------------------------------
# The process table.
#
# HTTP port(s) of each service; a service with several ports runs as several instances
# (<name>-1, <name>-2, ...), each given its port through COMPTOIR_<NAME>_HTTP_PORT.
declare -A SERVICE_PORTS=(
  [product]=8001 [inventory]=8002 [sales]=8003 [reporting]=8004 [customer]=8005
  [cart]="8006 8016 8026" [order]=8007 [payment]=8009 [web]=8008
)
# Services without a PostgreSQL database of their own.
NO_DATABASE=" cart web "
# Processes that are not services, started after the services, one per line:
#   "name|port|health path|command (words, no quoting; 'comptoir' stands for the binary)"
EXTRA_PROCESSES=(
  "gateway|8011|/status/ready|comptoir gateway --config deploy/kong.yml --listen 127.0.0.1:8080 --admin-listen 127.0.0.1:8011 --access-log"
)
# ---------------------------------------------------------------------------------------------

if [[ -t 1 ]]; then
  say() { printf '\033[1mplatform:\033[0m %s\n' "$*"; }
else
  say() { printf 'platform: %s\n' "$*"; }
fi
die() { printf 'platform: error: %s\n' "$*" >&2; exit 1; }
is_root() { [[ $(id -u) -eq 0 ]]; }

# --- services and processes ------------------------------------------------------------------

require_binary() {
  [[ -x $BIN ]] || die "$BIN does not exist yet: build it (cmake --preset $PRESET && cmake --build --preset $PRESET), or run without COMPTOIR_SKIP_BUILD"
}

# Names of the services compiled into the binary (cached per run).
SERVICES_CACHE=""
services() {
  if [[ -z $SERVICES_CACHE ]]; then
    require_binary
    SERVICES_CACHE=$("$BIN" services | tr -d '\r' | awk 'NF { print $1 }')
    [[ -n $SERVICES_CACHE ]] || die "'$BIN services' printed no service"
  fi
  printf '%s\n' "$SERVICES_CACHE"
}

has_database() { [[ $NO_DATABASE != *" $1 "* ]]; }
upper() { tr '[:lower:]-' '[:upper:]_' <<<"$1"; }
first_port() { local -a p; read -ra p <<<"${SERVICE_PORTS[$1]:-}"; printf '%s' "${p[0]:-}"; }

# Prints the process table, one "name|port|health path|command" per line.
process_table() {
  local svc ports port i
  if [[ $MODE == all ]]; then
    # The monolith serves every service on that service's usual (first) port.
    local -a all_ports=()
    for svc in $(services); do all_ports+=("$(first_port "$svc")"); done
    echo "comptoir|${all_ports[*]}|/health|comptoir serve --service all"
  else
    for svc in $(services); do
      ports=${SERVICE_PORTS[$svc]}  # load_services checked it is there
      set -- $ports
      if (($# == 1)); then
        echo "$svc|$1|/health|comptoir serve --service $svc"
      else
        i=1
        for port in $ports; do
          echo "$svc-$i|$port|/health|env COMPTOIR_$(upper "$svc")_HTTP_PORT=$port COMPTOIR_$(upper "$svc")_INSTANCE_ID=$svc-$i comptoir serve --service $svc"
          i=$((i + 1))
        done
      fi
    done
  fi
  local p
  for p in "${EXTRA_PROCESSES[@]}"; do echo "$p"; done
  if [[ $MONITORING == 1 ]]; then monitoring_processes; fi
}

# The local monitoring, started after the services (docs/operations.md): the alert receiver, Alertmanager
# routing to it, the PostgreSQL and Redis exporters, and Prometheus scraping all of them.
monitoring_processes() {
  # The exporter reaches PostgreSQL as the superuser over the cluster's private unix socket.
  local dsn="postgresql://postgres@/postgres?host=$(pg_sock)&port=$PG_PORT&sslmode=disable"
  echo "alert-receiver|$RECEIVER_PORT|/health|comptoir alert-receiver --listen 127.0.0.1:$RECEIVER_PORT"
  echo "alertmanager|$AM_PORT|/-/ready|prometheus-alertmanager --config.file=$MON_DIR/alertmanager.yml --storage.path=$AM_DATA --web.listen-address=127.0.0.1:$AM_PORT --cluster.listen-address="
  echo "postgres-exporter|$PG_EXPORTER_PORT|/metrics|env DATA_SOURCE_NAME=$dsn prometheus-postgres-exporter --web.listen-address=127.0.0.1:$PG_EXPORTER_PORT"
  echo "redis-exporter|$REDIS_EXPORTER_PORT|/metrics|prometheus-redis-exporter --redis.addr=redis://127.0.0.1:$REDIS_PORT --web.listen-address=127.0.0.1:$REDIS_EXPORTER_PORT"
  echo "prometheus|$PROM_PORT|/-/ready|prometheus --config.file=$MON_DIR/prometheus.yml --storage.tsdb.path=$PROM_DATA --web.listen-address=127.0.0.1:$PROM_PORT --storage.tsdb.retention.time=15d"
}

# The Prometheus configuration of the local platform, from the process table: one job per service (each
# instance of a service with several gets the label instance_id, e.g. cart-2), the gateway's Admin API, the
# exporters, Alertmanager and the receiver; the rules of deploy/prometheus/rules.
prometheus_config() {
  local svc port i
  local -a ports
  cat <<YAML
# Written by scripts/platform.sh at every start, from its process table; edit the script, not this file.
global:
  scrape_interval: 5s
  scrape_timeout: 4s
  evaluation_interval: 5s
rule_files:
  - $ROOT/deploy/prometheus/rules/*.yml
alerting:
  alertmanagers:
    - static_configs:
        - targets: ['127.0.0.1:$AM_PORT']
scrape_configs:
YAML
  for svc in $(services); do
    echo "  - job_name: $svc"
    echo "    static_configs:"
    if [[ $MODE == all ]]; then
      echo "      - targets: ['127.0.0.1:$(first_port "$svc")']"
      continue
    fi
    read -ra ports <<<"${SERVICE_PORTS[$svc]}"
    if ((${#ports[@]} == 1)); then
      echo "      - targets: ['127.0.0.1:${ports[0]}']"
    else
      i=1
      for port in "${ports[@]}"; do
        echo "      - targets: ['127.0.0.1:$port']"
        echo "        labels: {instance_id: '$svc-$i'}"
        i=$((i + 1))
      done
    fi
  done
  local job
  for job in gateway:8011 postgres:$PG_EXPORTER_PORT redis:$REDIS_EXPORTER_PORT alertmanager:$AM_PORT \
    alert-receiver:$RECEIVER_PORT prometheus:$PROM_PORT; do
    echo "  - job_name: ${job%%:*}"
    echo "    static_configs:"
    echo "      - targets: ['127.0.0.1:${job#*:}']"
    # The gateway's /metrics is on its Admin API, which needs the admin token (ADR 0070).
    if [[ ${job%%:*} == gateway ]]; then
      echo "    authorization: {type: Bearer, credentials_file: '$SECRETS/gateway-admin.pw'}"
    fi
  done
}

write_monitoring_config() {
  mkdir -p "$MON_DIR" "$PROM_DATA" "$AM_DATA"
  prometheus_config >"$MON_DIR/prometheus.yml"
  # The route of deploy/alertmanager/alertmanager.yml, pointed at this platform's receiver port.
  sed "s#http://127.0.0.1:9095/alerts#http://127.0.0.1:$RECEIVER_PORT/alerts#" \
    "$ROOT/deploy/alertmanager/alertmanager.yml" >"$MON_DIR/alertmanager.yml"
}

# kill -0 also succeeds on a zombie (a container's pid 1 may never reap one): look at /proc too.
alive() { kill -0 "$1" 2>/dev/null && ! grep -qs '^[0-9]* ([^)]*) Z' "/proc/$1/stat"; }

pid_of() { # name -> pid if that process runs, else nothing (and a stale pidfile is removed)
  local f="$RUN_DIR/$1.pid" pid
  [[ -f $f ]] || return 0
  pid=$(<"$f")
  if [[ $pid =~ ^[0-9]+$ ]] && alive "$pid"; then
    echo "$pid"
  else
    rm -f "$f"
  fi
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

http_code() { # port path -> HTTP status code (000 when nothing answers)
  curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$1$2" || true
}

start_process() { # name ports health command...
  local name=$1 ports=$2 health=$3
  shift 3
  local -a cmd=("$@")
  # 'comptoir' stands for the binary: the command itself, or after `env NAME=value...`.
  local i
  for i in "${!cmd[@]}"; do
    if [[ ${cmd[$i]} == comptoir ]]; then cmd[$i]="$BIN"; break; fi
    [[ $i -eq 0 && ${cmd[0]} != env ]] && break
  done

  local pid
  pid=$(pid_of "$name")
  if [[ -n $pid ]]; then
    # The web service reads web/'s build once, at start: a new build restarts it too. Processes that are not
    # the comptoir binary (Prometheus, the exporters) are not restarted for a new build.
    if [[ " ${cmd[*]} " == *" $BIN "* && $BIN -nt $RUN_DIR/$name.pid ]] ||
       [[ ($name == web || $name == comptoir) && $ROOT/build/$PRESET/web/dist/index.html -nt $RUN_DIR/$name.pid ]]; then
      say "$name: rebuilt since it started, restarting"
      stop_pid "$name" "$pid"
    else
      return 0
    fi
  fi
  local port
  for port in $ports; do
    port_open "$port" && die "port $port (for $name) is already taken by another program$(port_hint "$name")"
  done
  say "starting $name (${ports// /, }), log var/log/$name.log"
  printf '\n===== %s starting: %s =====\n' "$(date '+%F %T')" "${cmd[*]}" >>"$LOG_DIR/$name.log"
  # setsid: its own session, so a Ctrl-C in this terminal does not reach it; `down` stops it.
  setsid "${cmd[@]}" >>"$LOG_DIR/$name.log" 2>&1 </dev/null &
  echo $! >"$RUN_DIR/$name.pid"
  echo "$ports" >"$RUN_DIR/$name.ports"  # what `status` shows, whatever the settings are by then
}

port_hint() { # name -> advice when a monitoring port is taken (Debian starts its own services on install)
  case $1 in
    prometheus | alertmanager | postgres-exporter | redis-exporter)
      echo " (Debian's own $1 service? stop it (systemctl disable --now), or set COMPTOIR_*_PORT; COMPTOIR_MONITORING=0 skips monitoring)" ;;
  esac
}

wait_healthy() { # name ports health
  local name=$1 ports=$2 health=$3 port deadline=$((SECONDS + 60))
  for port in $ports; do
    until [[ $(http_code "$port" "$health") == 200 ]]; do
      if [[ -z $(pid_of "$name") ]]; then
        tail -n 30 "$LOG_DIR/$name.log" >&2 || true
        die "$name exited during start-up (log above: var/log/$name.log)"
      fi
      ((SECONDS < deadline)) || die "$name did not answer http://127.0.0.1:$port$health within 60 s (var/log/$name.log)"
      sleep 0.3
    done
  done
}

stop_pid() { # name pid: SIGTERM, up to 15 s, then SIGKILL
  local name=$1 pid=$2 i
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 150; i++)); do
    alive "$pid" || break
    sleep 0.1
  done
  if alive "$pid"; then
    say "$name (pid $pid) still running after 15 s, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.2
  fi
  rm -f "$RUN_DIR/$name.pid" "$RUN_DIR/$name.ports"
}

# --- PostgreSQL ------------------------------------------------------------------------------

pg_as_owner() { # run a command as the owner of the cluster (postgres when we are root)
  if is_root; then
    (cd / && runuser -u postgres -- "$@")  # cd: our cwd may be closed to postgres
  else
    "$@"
  fi
}

# Resolved paths: var/pg may be a link the postgres user cannot follow (see pg_setup_dirs).
pg_real() { readlink -f "$PG_DIR"; }
pg_data() { echo "$(pg_real)/data"; }
pg_sock() { echo "$(pg_real)/run"; }
pg_exists() { [[ -f $PG_DIR/data/PG_VERSION ]]; }

pg_setup_dirs() {
  mkdir -p "$PG_DIR"
  if is_root; then
    id postgres >/dev/null 2>&1 || die "no 'postgres' user: is postgresql-15 installed? (scripts/install-deps.sh)"
    # initdb refuses to run as root: the cluster belongs to the postgres user, which must be able
    # to reach var/pg. When the checkout lives under a directory it cannot enter (/root, say),
    # the cluster lives under /var/lib/comptoir/ and var/pg is a link to it.
    if [[ ! -L $PG_DIR ]] && ! runuser -u postgres -- test -x "$PG_DIR" 2>/dev/null; then
      local target
      target="/var/lib/comptoir/pg-$(date +%Y%m%d%H%M%S)-$$"
      say "postgres cannot enter $PG_DIR; keeping the cluster in $target (var/pg links to it)"
      rmdir "$PG_DIR" 2>/dev/null || die "$PG_DIR is not empty and not reachable by postgres"
      mkdir -p "$target"
      ln -s "$target" "$PG_DIR"
    fi
    chown postgres:postgres "$(readlink -f "$PG_DIR")"
  fi
  pg_as_owner mkdir -p "$(pg_data)" "$(pg_sock)"
  pg_as_owner chmod 700 "$(pg_data)" "$(pg_sock)"
}

pg_init() {
  [[ -x $PG_BINDIR/initdb ]] || die "$PG_BINDIR/initdb not found: is postgresql-15 installed? (scripts/install-deps.sh)"
  pg_setup_dirs
  if [[ ! -f $(pg_data)/PG_VERSION ]]; then
    say "creating the PostgreSQL cluster in var/pg/data"
    # Unix socket: trust, but the socket directory is private to the cluster's owner (mode 700).
    # TCP: passwords (scram-sha-256).
    pg_as_owner "$PG_BINDIR/initdb" -D "$(pg_data)" -U postgres --auth-local=trust \
      --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$PG_DIR/initdb.log" 2>&1 ||
      { cat "$PG_DIR/initdb.log" >&2; die "initdb failed"; }
    echo "include_if_exists = 'comptoir.conf'" | pg_as_owner tee -a "$(pg_data)/postgresql.conf" >/dev/null
  fi
  # Rewritten at every start, so that a change of port takes effect.
  pg_as_owner tee "$(pg_data)/comptoir.conf" >/dev/null <<EOF
# Written by scripts/platform.sh at every start; edit the script, not this file.
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$(pg_sock)'
unix_socket_permissions = 0700
max_connections = 200
password_encryption = 'scram-sha-256'
shared_buffers = '128MB'
fsync = on
EOF
}

pg_running() { pg_as_owner "$PG_BINDIR/pg_ctl" status -D "$(pg_data)" >/dev/null 2>&1; }

pg_start() {
  pg_init
  if pg_running; then return 0; fi
  port_open "$PG_PORT" && die "port $PG_PORT is taken by another program (set COMPTOIR_PG_PORT)"
  say "starting PostgreSQL on 127.0.0.1:$PG_PORT"
  pg_as_owner "$PG_BINDIR/pg_ctl" start -D "$(pg_data)" -l "$(pg_real)/postgresql.log" -w -t 60 >/dev/null ||
    { tail -n 30 "$PG_DIR/postgresql.log" >&2 || true; die "PostgreSQL did not start (var/pg/postgresql.log)"; }
}

pg_stop() {
  pg_exists || return 0
  if pg_running; then
    say "stopping PostgreSQL"
    pg_as_owner "$PG_BINDIR/pg_ctl" stop -D "$(pg_data)" -m fast -w -t 60 >/dev/null
  fi
}

superuser_psql() { # psql as the superuser over the unix socket
  psql -X -q -v ON_ERROR_STOP=1 -h "$(pg_sock)" -p "$PG_PORT" -U postgres "$@"
}

secret_of() { # service -> its password, generated once
  local f="$SECRETS/$1.pw"
  if [[ ! -s $f ]]; then
    (umask 077 && openssl rand -hex 24 >"$f")
  fi
  tr -d '\n' <"$f"
}

client_secret_of() { # service -> its client secret for service tokens (ADR 0008), generated once
  local f="$SECRETS/$1.client_secret"
  if [[ ! -s $f ]]; then
    (umask 077 && openssl rand -hex 32 >"$f")
  fi
  tr -d '\n' <"$f"
}

jwt_keys() { # the customer service's Ed25519 key pair (ADR 0008), generated once: it signs, the rest verify
  local key="$SECRETS/jwt_signing.pem" pub="$SECRETS/jwt_public.pem"
  if [[ ! -s $key ]]; then
    (umask 077 && openssl genpkey -algorithm ed25519 -out "$key.tmp" && mv "$key.tmp" "$key")
    rm -f "$pub"
  fi
  if [[ ! -s $pub ]]; then
    (umask 077 && openssl pkey -in "$key" -pubout -out "$pub")
  fi
}

pg_ensure_databases() {
  local svc pw
  for svc in $(services); do
    has_database "$svc" || continue
    pw=$(secret_of "$svc")
    # Role and database named after the service, the database owned by the role; created when
    # missing, never dropped. The password follows var/secrets/<service>.pw. Only the owner may
    # connect: no service reads another's database.
    superuser_psql -d postgres -v name="$svc" -v pw="$pw" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN', :'name')
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'name') \gexec
SELECT format('ALTER ROLE %I LOGIN PASSWORD %L', :'name', :'pw') \gexec
SELECT format('CREATE DATABASE %I OWNER %I ENCODING ''UTF8'' TEMPLATE template0', :'name', :'name')
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'name') \gexec
SELECT format('REVOKE CONNECT, TEMPORARY ON DATABASE %I FROM PUBLIC', :'name') \gexec
SQL
  done
}

# --- Redis -----------------------------------------------------------------------------------

redis_pid() { pid_of redis; }

redis_start() {
  [[ -n $(redis_pid) ]] && return 0
  command -v redis-server >/dev/null || die "redis-server not found (scripts/install-deps.sh)"
  port_open "$REDIS_PORT" && die "port $REDIS_PORT is taken by another program (set COMPTOIR_REDIS_PORT)"
  say "starting Redis on 127.0.0.1:$REDIS_PORT"
  mkdir -p "$REDIS_DIR"
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$REDIS_DIR" \
    --appendonly yes --daemonize yes --pidfile "$RUN_DIR/redis.pid" \
    --logfile "$LOG_DIR/redis.log" --save "3600 1 300 100 60 10000"
  local i
  for ((i = 0; i < 100; i++)); do
    [[ $(redis-cli -p "$REDIS_PORT" ping 2>/dev/null) == PONG ]] && return 0
    sleep 0.1
  done
  die "Redis did not start (var/log/redis.log)"
}

redis_stop() {
  local pid
  pid=$(redis_pid)
  [[ -n $pid ]] || return 0
  say "stopping Redis"
  redis-cli -p "$REDIS_PORT" shutdown >/dev/null 2>&1 || kill -TERM "$pid" 2>/dev/null || true
  local i
  for ((i = 0; i < 150; i++)); do
    alive "$pid" || break
    sleep 0.1
  done
  if alive "$pid"; then kill -KILL "$pid" 2>/dev/null || true; fi
  rm -f "$RUN_DIR/redis.pid"
}

# --- monitoring ------------------------------------------------------------------------------

require_monitoring_tools() {
  local tool
  for tool in prometheus prometheus-alertmanager prometheus-postgres-exporter prometheus-redis-exporter; do
    command -v "$tool" >/dev/null || die "$tool not found (scripts/install-deps.sh installs it; COMPTOIR_MONITORING=0 skips monitoring)"
  done
}

# --- env file --------------------------------------------------------------------------------

write_env() {
  local svc u tmp secret clients=""
  tmp="$ENV_FILE.tmp"
  jwt_keys
  {
    echo "# Written by scripts/platform.sh; source it to run build/$PRESET/apps/comptoir/comptoir by hand."
    echo "export COMPTOIR_PG_PORT=$PG_PORT"
    echo "export COMPTOIR_REDIS_PORT=$REDIS_PORT"
    echo "export COMPTOIR_REDIS_URL=redis://127.0.0.1:$REDIS_PORT"
    echo "export COMPTOIR_LOG_LEVEL=$LOG_LEVEL"
    echo "export COMPTOIR_DOCS_SWAGGER_DIR=$ROOT/web/node_modules/swagger-ui-dist"
    # Tokens (ADR 0008): customer signs with the private key (it alone reads the _FILE setting); the
    # services and the gateway's jwt plugin verify with the public key (a PEM: no quote inside).
    echo "export COMPTOIR_AUTH_SIGNING_KEY_FILE=$SECRETS/jwt_signing.pem"
    echo "export COMPTOIR_AUTH_JWT_PUBLIC_KEY='$(<"$SECRETS/jwt_public.pem")'"
    # The gateway's Admin API credential (Kong-Admin-Token: $(cat var/secrets/gateway-admin.pw)).
    secret_of gateway-admin >/dev/null
    echo "export COMPTOIR_GATEWAY_ADMIN_TOKEN_FILE=$SECRETS/gateway-admin.pw"
    # deploy/kong.yml's rate-limiting budgets, shared by every gateway, live in this Redis.
    echo "export COMPTOIR_GATEWAY_REDIS_PORT=$REDIS_PORT"
    for svc in $(services); do
      u=$(upper "$svc")
      # Each service's own secret for service tokens; customer holds only their SHA-256 digests.
      secret=$(client_secret_of "$svc")
      echo "export COMPTOIR_${u}_CLIENT_SECRET=$secret"
      clients+="${clients:+,}$svc=$(printf '%s' "$secret" | openssl dgst -sha256 -r | awk '{print $1}')"
      echo "export COMPTOIR_${u}_HTTP_PORT=$(first_port "$svc")"
      if has_database "$svc"; then
        echo "export COMPTOIR_${u}_DATABASE_URL=postgresql://$svc:$(secret_of "$svc")@127.0.0.1:$PG_PORT/$svc"
      fi
    done
    echo "export COMPTOIR_CUSTOMER_SERVICE_CLIENTS=$clients"
    # The back office's operations page (ADR 0103): the web service reads this Prometheus and receiver.
    echo "export COMPTOIR_WEB_PROMETHEUS_URL=http://127.0.0.1:$PROM_PORT"
    echo "export COMPTOIR_WEB_ALERT_RECEIVER_URL=http://127.0.0.1:$RECEIVER_PORT"
  } >"$tmp"
  chmod 600 "$tmp"
  mv "$tmp" "$ENV_FILE"
}

load_env() {
  # shellcheck disable=SC1090
  source "$ENV_FILE"
}

# --- commands --------------------------------------------------------------------------------

make_dirs() {
  mkdir -p "$RUN_DIR" "$LOG_DIR" "$REDIS_DIR"
  (umask 077 && mkdir -p "$SECRETS")
}

build() {
  if [[ ${COMPTOIR_SKIP_DEPS:-0} != 1 ]]; then
    "$ROOT/scripts/install-deps.sh"
  fi
  if [[ ${COMPTOIR_SKIP_BUILD:-0} != 1 ]]; then
    say "configuring (cmake --preset $PRESET)"
    cmake --preset "$PRESET" >/dev/null
    say "building (cmake --build --preset $PRESET)"
    cmake --build --preset "$PRESET"
  fi
  require_binary
}

load_services() {
  SERVICES_CACHE=$(services)
  local svc
  for svc in $SERVICES_CACHE; do
    [[ -n ${SERVICE_PORTS[$svc]:-} ]] || die "no port known for service '$svc': add it to SERVICE_PORTS in scripts/platform.sh"
  done
}

cmd_up() {
  build
  load_services
  make_dirs
  pg_start
  redis_start
  pg_ensure_databases
  write_env
  load_env

  if [[ $MONITORING == 1 ]]; then
    require_monitoring_tools
    write_monitoring_config
  fi

  say "migrating"
  "$BIN" migrate --service all
  say "seeding demo data"
  "$BIN" seed --service all

  local name ports health cmd
  local -a words
  while IFS='|' read -r name ports health cmd; do
    read -ra words <<<"$cmd"
    start_process "$name" "$ports" "$health" "${words[@]}"
  done < <(process_table)
  while IFS='|' read -r name ports health cmd; do
    wait_healthy "$name" "$ports" "$health"
  done < <(process_table)

  print_urls
}

print_urls() {
  local name ports health cmd port
  echo
  say "Comptoir is up:"
  printf '  %-12s http://127.0.0.1:8080/\n' shop
  printf '  %-12s http://127.0.0.1:8080/gestion  (demo sign-ins in README.md)\n' "back office"
  while IFS='|' read -r name ports health cmd; do
    case $name in
      prometheus)
        printf '  %-12s http://127.0.0.1:%s (targets /targets, alerts /alerts)\n' "$name" "$ports"
        continue ;;
      alertmanager)
        printf '  %-12s http://127.0.0.1:%s\n' "$name" "$ports"
        continue ;;
      alert-receiver)
        printf '  %-12s http://127.0.0.1:%s/alerts (notifications from Alertmanager)\n' "$name" "$ports"
        continue ;;
      postgres-exporter | redis-exporter)
        printf '  %-12s http://127.0.0.1:%s/metrics\n' "$name" "$ports"
        continue ;;
    esac
    if [[ $name == gateway ]]; then
      printf '  %-12s http://127.0.0.1:8080 (X-API-Key: pos-web-app-2025-frontend-key)  admin http://127.0.0.1:%s (Kong-Admin-Token: var/secrets/gateway-admin.pw)\n' \
        "$name" "$ports"
      continue
    fi
    for port in $ports; do
      printf '  %-12s http://127.0.0.1:%-5s  docs http://127.0.0.1:%s/docs  metrics http://127.0.0.1:%s/metrics\n' \
        "$name" "$port" "$port" "$port"
    done
  done < <(process_table)
  printf '  %-12s postgresql://127.0.0.1:%s (scripts/platform.sh psql [service])\n' postgresql "$PG_PORT"
  printf '  %-12s redis://127.0.0.1:%s\n' redis "$REDIS_PORT"
  echo "  env file     source var/env    logs  var/log/    stop  make down"
}

cmd_down() {
  local f name pid
  # Every process we started has a pid file: stop them all, in parallel, then Redis and PostgreSQL.
  shopt -s nullglob
  for f in "$RUN_DIR"/*.pid; do
    name=$(basename "$f" .pid)
    [[ $name == redis ]] && continue
    pid=$(pid_of "$name")
    [[ -n $pid ]] || continue
    say "stopping $name (pid $pid)"
    stop_pid "$name" "$pid" &
  done
  wait
  shopt -u nullglob
  redis_stop
  pg_stop
}

# The ports a running process was started with (var/run/<name>.ports), else those of the table.
ports_of() { # name table-ports
  local f="$RUN_DIR/$1.ports"
  if [[ -s $f ]]; then tr -d '\n' <"$f"; else printf '%s' "$2"; fi
}

ready_of() { # port path -> "HTTP <code>" or "no answer"
  local code
  code=$(http_code "$1" "$2")
  [[ $code == 000 ]] && echo "no answer" || echo "HTTP $code"
}

cmd_status() {
  local name ports health cmd pid port i svc
  local -a svc_ports names
  printf '%-20s %-9s %-8s %-16s %s\n' PROCESS STATE PID PORT READY
  if [[ -x $BIN ]]; then
    load_services
    # The mode of what runs, not of the settings of this shell: `COMPTOIR_MODE=all make up`, then a
    # plain `make status`, shows the one process serving every service.
    local mode=$MODE
    if [[ -n $(pid_of comptoir) || -s $RUN_DIR/comptoir.ports ]]; then
      mode=all  # running, or started and died (`down` removes the record)
    elif [[ $MODE == all ]]; then
      for svc in $(services); do [[ -n $(pid_of "$svc") || -n $(pid_of "$svc-1") ]] && mode=split; done
    fi
    while IFS='|' read -r name ports health cmd; do
      pid=$(pid_of "$name")
      ports=$(ports_of "$name" "$ports")
      if [[ $name == comptoir ]]; then
        # The monolith: the process, then each service it serves, on that service's port.
        read -ra svc_ports <<<"$ports"
        mapfile -t names < <(services)
        if [[ -n $pid ]]; then
          printf '%-20s %-9s %-8s %-16s %s\n' comptoir running "$pid" "${#svc_ports[@]} ports" "every service, one process"
        else
          printf '%-20s %-9s %-8s %-16s %s\n' comptoir stopped - "${#svc_ports[@]} ports" -
        fi
        for i in "${!names[@]}"; do
          port=${svc_ports[$i]:-?}
          if [[ -n $pid ]]; then
            printf '%-20s %-9s %-8s %-16s %s\n' "  ${names[$i]}" "in comptoir" "$pid" "$port" "$(ready_of "$port" /ready)"
          else
            printf '%-20s %-9s %-8s %-16s %s\n' "  ${names[$i]}" stopped - "$port" -
          fi
        done
        continue
      fi
      # A service answers /ready; another process (the gateway) its own probe.
      local probe=/ready
      [[ $health != /health || $name == alert-receiver ]] && probe=$health
      for port in $ports; do
        if [[ -n $pid ]]; then
          printf '%-20s %-9s %-8s %-16s %s\n' "$name" running "$pid" "$port" "$(ready_of "$port" "$probe")"
        else
          printf '%-20s %-9s %-8s %-16s %s\n' "$name" stopped - "$port" -
        fi
      done
    done < <(MODE=$mode process_table)
  else
    # No binary (not built yet, or `make clean`): show what the pid files know.
    local f
    for f in "$RUN_DIR"/*.pid; do
      [[ -e $f ]] || continue
      name=$(basename "$f" .pid)
      [[ $name == redis ]] && continue
      pid=$(pid_of "$name")
      [[ -n $pid ]] && printf '%-20s %-9s %-8s %-16s %s\n' "$name" running "$pid" "?" "($BIN not built)"
    done
  fi
  if pg_exists && pg_running; then
    pid=$(head -n 1 "$(pg_data)/postmaster.pid" 2>/dev/null || echo '?')
    ready=$("$PG_BINDIR/pg_isready" -h 127.0.0.1 -p "$PG_PORT" -t 2 >/dev/null 2>&1 && echo accepting || echo "not accepting")
    printf '%-20s %-9s %-8s %-16s %s\n' postgresql running "$pid" "$PG_PORT" "$ready"
  elif pg_exists; then
    printf '%-20s %-9s %-8s %-16s %s\n' postgresql stopped - "$PG_PORT" -
  else
    printf '%-20s %-9s %-8s %-16s %s\n' postgresql absent - "$PG_PORT" "(created by up)"
  fi
  pid=$(redis_pid)
  if [[ -n $pid ]]; then
    ready=$(redis-cli -p "$REDIS_PORT" ping 2>/dev/null || true)
    printf '%-20s %-9s %-8s %-16s %s\n' redis running "$pid" "$REDIS_PORT" "${ready:-no answer}"
  else
    printf '%-20s %-9s %-8s %-16s %s\n' redis stopped - "$REDIS_PORT" -
  fi
}

cmd_logs() {
  shopt -s nullglob
  local logs=("$LOG_DIR"/*.log)
  ((${#logs[@]})) || die "no logs in var/log yet"
  exec tail -n 20 -F "${logs[@]}"
}

cmd_run() {
  # A start-up that fails half-way stops what it had started.
  trap 'rc=$?; if ((rc != 0)); then say "start-up failed, stopping what was started"; cmd_down; fi' EXIT
  cmd_up
  trap - EXIT
  local stopping=0
  on_signal() {
    ((stopping)) && return
    stopping=1
    echo
    say "stopping everything (data stays in var/)"
    [[ -n ${TAIL_PID:-} ]] && kill "$TAIL_PID" 2>/dev/null || true
    cmd_down
    exit 0
  }
  trap on_signal INT TERM
  say "streaming logs; Ctrl-C stops the platform"
  tail -n 0 -F "$LOG_DIR"/*.log &
  TAIL_PID=$!
  # `wait` returns when a signal arrives, so the trap runs at once.
  while true; do wait "$TAIL_PID" || true; kill -0 "$TAIL_PID" 2>/dev/null || break; done
  cmd_down
}

cmd_psql() {
  pg_exists && pg_running || die "PostgreSQL is not running (scripts/platform.sh up)"
  if [[ $# -gt 0 && $1 != -* ]]; then
    local svc=$1
    shift
    [[ -s $SECRETS/$svc.pw ]] || die "no database for '$svc' (no var/secrets/$svc.pw)"
    PGPASSWORD=$(tr -d '\n' <"$SECRETS/$svc.pw") exec psql -h 127.0.0.1 -p "$PG_PORT" -U "$svc" -d "$svc" "$@"
  fi
  exec psql -h "$(pg_sock)" -p "$PG_PORT" -U postgres -d postgres "$@"
}

usage() {
  sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
  exit "${1:-0}"
}

case "${1:-}" in
  up) cmd_up ;;
  run) cmd_run ;;
  down) cmd_down ;;
  status) cmd_status ;;
  logs) cmd_logs ;;
  psql) shift; cmd_psql "$@" ;;
  prometheus-config) load_services; prometheus_config ;;
  env) [[ -f $ENV_FILE ]] || die "no var/env yet (scripts/platform.sh up)"; echo "$ENV_FILE" ;;
  -h | --help | help) usage 0 ;;
  *) usage 1 >&2 ;;
esac
