#!/usr/bin/env bash
# The gateway loads the kong.yml files generated for Compose and Kubernetes (render.mjs) with the
# environment each deployment gives it, and refuses the Kubernetes one without its API keys.
#   tests/deploy/kong_rendered_load_test.sh COMPTOIR_BIN   (CTest deploy_kong_rendered_load)
set -euo pipefail
BIN=$(readlink -f "$1")
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
LOG=$(mktemp)
trap 'rm -f "$LOG"' EXIT
KEYS=(COMPTOIR_API_KEY_POS_WEB_APP=k1-0123456789 COMPTOIR_API_KEY_POS_MOBILE_APP=k2-0123456789
      COMPTOIR_API_KEY_POS_TEST_AUTOMATION=k3-0123456789 COMPTOIR_API_KEY_POS_EXT_API=k4-0123456789)
# The customer service's public key and the gateway's Admin API token, as the deployments give them
# (ADR 0008, ADR 0070).
AUTH=("COMPTOIR_AUTH_JWT_PUBLIC_KEY=$(openssl genpkey -algorithm ed25519 | openssl pkey -pubout)"
      COMPTOIR_GATEWAY_ADMIN_TOKEN=deploy-test-admin-token-0123456789)

loads() { # file env... -> 0 when the gateway serves its Admin API with that file
  local file=$1 proxy admin pid i code
  shift
  proxy=$(free_port) admin=$(free_port)
  env -i PATH="$PATH" "$@" "$BIN" gateway --config "$file" --listen "127.0.0.1:$proxy" \
    --admin-listen "127.0.0.1:$admin" --threads 1 >"$LOG" 2>&1 &
  pid=$!
  for ((i = 0; i < 150; i++)); do
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://127.0.0.1:$admin/status/ready" || true)
    if [[ $code == 200 ]]; then kill "$pid"; wait "$pid" 2>/dev/null || true; return 0; fi
    kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 1; }
    sleep 0.2
  done
  kill "$pid"; return 1
}

loads "$ROOT/deploy/compose/kong.yml" "${AUTH[@]}" || { cat "$LOG"; echo "FAIL: the Compose kong.yml does not load"; exit 1; }
echo "compose kong.yml: loaded"
loads "$ROOT/deploy/k8s/base/gateway/kong.yml" "${AUTH[@]}" "${KEYS[@]}" ||
  { cat "$LOG"; echo "FAIL: the Kubernetes kong.yml does not load"; exit 1; }
echo "kubernetes kong.yml: loaded"
if loads "$ROOT/deploy/k8s/base/gateway/kong.yml" "${AUTH[@]}"; then
  echo "FAIL: the Kubernetes kong.yml loaded without its API keys in the environment"; exit 1
fi
grep -q COMPTOIR_API_KEY_ "$LOG" || { cat "$LOG"; echo "FAIL: the refusal does not name the missing key"; exit 1; }
echo "kubernetes kong.yml without COMPTOIR_API_KEY_*: refused"
