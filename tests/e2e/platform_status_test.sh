#!/usr/bin/env bash
# `make status` after `COMPTOIR_MODE=all make up` (issue 11 §6): with the one `comptoir` process serving
# every service, a plain `scripts/platform.sh status` (no COMPTOIR_MODE) shows that process and each
# service's /ready through it, not every service "stopped". The monolith is played by one
# gateway_test_backend process listening on one free port per service, in a state directory of this
# test (COMPTOIR_VAR), so that no fixed port and no running platform are touched.
#   platform_status_test.sh <comptoir binary> <gateway_test_backend binary>
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=$1
backend=$2
state=$(mktemp -d)
pid=""
cleanup() {
  [[ -n $pid ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  rm -rf "$state"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; echo "--- status said:" >&2; cat "$state/status.txt" >&2 || true; exit 1; }

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() {
  local p
  while :; do
    p=$((20000 + RANDOM % 40000))
    port_free "$p" && { echo "$p"; return; }
  done
}

mapfile -t services < <("$bin" services | awk 'NF { print $1 }')
((${#services[@]} > 1)) || fail "'$bin services' listed ${#services[@]} service(s)"
ports=()
args=()
for s in "${services[@]}"; do
  p=$(free_port)
  ports+=("$p")
  args+=(--port "$p")
done
mkdir -p "$state/run" "$state/log"
"$backend" --id comptoir "${args[@]}" >"$state/log/comptoir.log" 2>&1 &
pid=$!
for p in "${ports[@]}"; do
  for _ in $(seq 100); do port_free "$p" || break; sleep 0.05; done
done
# What `up` leaves for the monolith: its pid and the ports it was started with.
echo "$pid" >"$state/run/comptoir.pid"
echo "${ports[*]}" >"$state/run/comptoir.ports"

env -u COMPTOIR_MODE COMPTOIR_VAR="$state" COMPTOIR_BIN="$bin" "$root/scripts/platform.sh" status >"$state/status.txt"

grep -Eq "^comptoir +running +$pid " "$state/status.txt" || fail "the comptoir process is not shown running"
for i in "${!services[@]}"; do
  s=${services[$i]}
  grep -Eq "^  $s +in comptoir +$pid +${ports[$i]} +HTTP 200$" "$state/status.txt" ||
    fail "$s is not shown served by comptoir on ${ports[$i]} with /ready 200"
  if grep -Eq "^$s +stopped" "$state/status.txt"; then fail "$s is listed as stopped"; fi
done
# A service the monolith no longer answers for shows it.
kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
env -u COMPTOIR_MODE COMPTOIR_VAR="$state" COMPTOIR_BIN="$bin" "$root/scripts/platform.sh" status >"$state/status.txt"
grep -Eq "^comptoir +stopped" "$state/status.txt" || fail "a dead monolith is not shown stopped"
echo "ok: ${#services[@]} services shown through the one comptoir process"
