#!/usr/bin/env bash
# Creates the Secrets that deploy/k8s references (none is in the manifests), in NAMESPACE, with fresh
# values; an existing Secret is kept (rotation: docs/deploy.md). The database Secrets (<service>-db-app)
# are made by CloudNativePG itself. Needs kubectl (pointed at the cluster) and openssl.
#   deploy/k8s/create-secrets.sh NAMESPACE [--demo-keys]
#     --demo-keys   the gateway's API keys are the four demo keys of deploy/kong.yml (dev only: the seed
#                   README's commands then work unchanged); otherwise each consumer gets a random key.
set -euo pipefail
ns=${1:?usage: $0 NAMESPACE [--demo-keys]}
demo=${2:-}
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
rand() { openssl rand -hex "${1:-24}"; }
exists() { kubectl -n "$ns" get secret "$1" >/dev/null 2>&1; }
apply() { # name args... (kubectl create secret generic NAME ARGS), unless it exists
  local name=$1
  shift
  if exists "$name"; then
    echo "create-secrets: $name exists in $ns, kept"
    return 0
  fi
  kubectl -n "$ns" create secret generic "$name" "$@" --dry-run=client -o yaml | kubectl -n "$ns" apply -f - >/dev/null
  echo "create-secrets: $name created in $ns"
}
kubectl get namespace "$ns" >/dev/null 2>&1 || kubectl create namespace "$ns"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chmod 700 "$work"

# Tokens (ADR 0008): the customer service's Ed25519 key pair; only customer reads the private key.
openssl genpkey -algorithm ed25519 -out "$work/signing.pem" 2>/dev/null
openssl pkey -in "$work/signing.pem" -pubout -out "$work/public.pem"
apply comptoir-auth --from-file=jwt-public-key="$work/public.pem"
apply comptoir-auth-signing --from-file=signing-key="$work/signing.pem"

# Each service's client secret for its service tokens, and customer's list of their digests.
args=() clients=""
for svc in product inventory sales reporting customer cart order payment web; do
  secret=$(rand 32)
  args+=(--from-literal="$svc-client-secret=$secret")
  clients+="${clients:+,}$svc=$(printf '%s' "$secret" | openssl dgst -sha256 -r | cut -d' ' -f1)"
done
apply comptoir-clients "${args[@]}" --from-literal=customer-service-clients="$clients"

redis_password=$(rand)
apply comptoir-redis --from-literal=password="$redis_password" \
  --from-literal=url="redis://:$redis_password@comptoir-redis:6379"

# The gateway's Admin API token (ADR 0070): the gateway requires it, the gateway's ServiceMonitor sends it.
apply comptoir-gateway-admin --from-literal=token="$(rand 24)"

# The gateway's API keys, one variable per consumer of deploy/kong.yml (COMPTOIR_API_KEY_<CONSUMER>).
args=()
while IFS='=' read -r var key; do
  [[ $demo == --demo-keys ]] || key=$(rand 24)
  args+=(--from-literal="$var=$key")
done < <(node "$here/../../tools/deploy-check/render.mjs" --api-keys)
apply comptoir-gateway-keys "${args[@]}"
