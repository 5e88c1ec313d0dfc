#!/usr/bin/env bash
# Writes deploy/compose/.env with fresh secrets for `docker compose -f deploy/compose/compose.yaml`:
# a password per PostgreSQL, Redis's password, Grafana's admin password, the customer service's Ed25519
# key pair (it signs tokens; everyone else gets the public key), each service's client secret for its
# service tokens and, for customer, their SHA-256 digests; and beside it secrets/gateway-admin-token, the
# gateway's Admin API token. Needs openssl. Never commit either (both are in .gitignore and .dockerignore).
#   deploy/compose/init-env.sh            create them (keeps an existing .env and token; repairs their modes)
#   deploy/compose/init-env.sh --force    replace them (every secret changes: see docs/deploy.md, rotation)
# Who reads what: .env (0600) only the docker CLI, as this user; the token file the gateway (uid 10001)
# and Prometheus (nobody, uid 65534) — see the end of this script.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
env_file="${COMPTOIR_COMPOSE_ENV_FILE:-$here/.env}"
secrets_dir="$(dirname "$env_file")/secrets"
token_file="$secrets_dir/gateway-admin-token"
force=no
[[ ${1:-} == --force ]] && force=yes
command -v openssl >/dev/null || { echo "init-env: openssl is needed" >&2; exit 1; }

rand() { openssl rand -hex "${1:-24}"; }
# A PEM on one line with \n escapes, in double quotes: Compose turns them back into newlines.
pem_line() { awk 'BEGIN { ORS = "" } { print $0 "\\n" }'; }

tmp="$env_file.tmp.$$"
trap 'rm -f "$tmp" "$token_file.tmp.$$"' EXIT
wrote=()
if [[ -e $env_file && $force != yes ]]; then
  echo "init-env: $env_file exists; keeping it (--force replaces every secret)" >&2
else
  key=$(openssl genpkey -algorithm ed25519)
  pub=$(printf '%s\n' "$key" | openssl pkey -pubout)
  services=(product inventory sales reporting customer cart order payment web)
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
  wrote+=("$env_file (0600)")
fi

# The gateway's Admin API token (ADR 0070), a Compose file secret: the gateway (uid 10001) refuses to start
# without it, Prometheus (nobody, uid 65534) sends it to scrape the gateway's /metrics. Without Swarm,
# Compose bind-mounts a file secret with its host owner and mode (the long syntax's uid/gid/mode do not
# apply: docker/compose#9648), and neither reader is this user: the file must be readable by others (0644).
# The 0700 directory around it keeps the host's other users out; the daemon mounts it as root.
(umask 077 && mkdir -p "$secrets_dir")
chmod 700 "$secrets_dir"
if [[ $force == yes || ! -s $token_file ]]; then
  (umask 077 && rand 24 >"$token_file.tmp.$$")
  mv "$token_file.tmp.$$" "$token_file"
  wrote+=("$token_file")
fi
chmod 644 "$token_file"  # also repairs a token written 0600 by an earlier version of this script
trap - EXIT
for f in "${wrote[@]}"; do echo "init-env: wrote $f"; done
echo "init-env: $token_file is 0644 (the gateway and Prometheus read it) in the 0700 directory $secrets_dir"
