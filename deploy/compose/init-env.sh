#!/usr/bin/env bash
# Writes deploy/compose/.env with fresh secrets for `docker compose -f deploy/compose/compose.yaml`:
# a password per PostgreSQL, Redis's password, Grafana's admin password, the gateway's admin token, the customer service's Ed25519
# key pair (it signs tokens; everyone else gets the public key), each service's client secret for its
# service tokens and, for customer, their SHA-256 digests. Needs openssl. Never commit the file.
#   deploy/compose/init-env.sh            create .env (refuses to replace an existing one)
#   deploy/compose/init-env.sh --force    replace it (every secret changes: see docs/deploy.md, rotation)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
env_file="${COMPTOIR_COMPOSE_ENV_FILE:-$here/.env}"
if [[ -e $env_file && ${1:-} != --force ]]; then
  echo "init-env: $env_file exists; keeping it (--force replaces every secret)" >&2
  exit 0
fi
command -v openssl >/dev/null || { echo "init-env: openssl is needed" >&2; exit 1; }

rand() { openssl rand -hex "${1:-24}"; }
# A PEM on one line with \n escapes, in double quotes: Compose turns them back into newlines.
pem_line() { awk 'BEGIN { ORS = "" } { print $0 "\\n" }'; }

key=$(openssl genpkey -algorithm ed25519)
pub=$(printf '%s\n' "$key" | openssl pkey -pubout)
services=(product inventory sales reporting customer cart order payment web)

tmp="$env_file.tmp.$$"
trap 'rm -f "$tmp"' EXIT
(
  umask 077
  {
    echo "# Written by deploy/compose/init-env.sh on $(date -u +%FT%TZ). Secrets: never commit this file."
    echo "COMPOSE_PROJECT_NAME=comptoir"
    for svc in product inventory sales reporting customer order payment; do
      echo "COMPTOIR_$(tr '[:lower:]' '[:upper:]' <<<"$svc")_DB_PASSWORD=$(rand)"
    done
    echo "COMPTOIR_REDIS_PASSWORD=$(rand)"
    echo "COMPTOIR_GRAFANA_ADMIN_PASSWORD=$(rand 12)"
    # Tokens (ADR 0008): customer signs with the private key; the services and the gateway verify.
    echo "COMPTOIR_AUTH_SIGNING_KEY=\"$(printf '%s\n' "$key" | pem_line)\""
    echo "COMPTOIR_AUTH_JWT_PUBLIC_KEY=\"$(printf '%s\n' "$pub" | pem_line)\""
    clients=""
    for svc in "${services[@]}"; do
      secret=$(rand 32)
      echo "COMPTOIR_$(tr '[:lower:]' '[:upper:]' <<<"$svc")_CLIENT_SECRET=$secret"
      clients+="${clients:+,}$svc=$(printf '%s' "$secret" | openssl dgst -sha256 -r | cut -d' ' -f1)"
    done
    echo "COMPTOIR_CUSTOMER_SERVICE_CLIENTS=$clients"
  } >"$tmp"
)
mv "$tmp" "$env_file"
trap - EXIT
# The gateway's Admin API token (ADR 0070), a Compose secret file: the gateway requires it, Prometheus
# scrapes the gateway's /metrics with it.
secrets_dir="$(dirname "$env_file")/secrets"
(umask 077 && mkdir -p "$secrets_dir" && rand 24 >"$secrets_dir/gateway-admin-token")
echo "init-env: wrote $env_file and $secrets_dir/gateway-admin-token (mode 600)"
