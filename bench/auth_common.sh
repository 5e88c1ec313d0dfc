# Shared by the benchmarks that start Comptoir's own processes (loadtest.sh, product_common.sh): the
# credentials ADR 0008 requires, generated afresh for the run, as scripts/platform.sh makes them for
# `make up` — customer's Ed25519 signing key (only customer reads the _FILE setting; every other process
# verifies with the public key), each service's client secret for its service tokens (customer holds
# their SHA-256 digests), and the gateway's Admin API token.
#   bench_auth_env DIR SERVICE...   writes the key pair into DIR and exports the settings

bench_auth_env() {
  local dir=$1 svc u secret clients=""
  shift
  (umask 077 && openssl genpkey -algorithm ed25519 -out "$dir/jwt_signing.pem" &&
    openssl pkey -in "$dir/jwt_signing.pem" -pubout -out "$dir/jwt_public.pem")
  export COMPTOIR_AUTH_SIGNING_KEY_FILE="$dir/jwt_signing.pem"
  COMPTOIR_AUTH_JWT_PUBLIC_KEY=$(<"$dir/jwt_public.pem")
  export COMPTOIR_AUTH_JWT_PUBLIC_KEY
  for svc in "$@"; do
    u=$(tr '[:lower:]-' '[:upper:]_' <<<"$svc")
    secret=$(openssl rand -hex 32)
    export "COMPTOIR_${u}_CLIENT_SECRET=$secret"
    clients+="${clients:+,}$svc=$(printf '%s' "$secret" | openssl dgst -sha256 -r | awk '{print $1}')"
  done
  export COMPTOIR_CUSTOMER_SERVICE_CLIENTS=$clients
  export COMPTOIR_GATEWAY_ADMIN_TOKEN=${COMPTOIR_GATEWAY_ADMIN_TOKEN:-bench-admin-$(openssl rand -hex 16)}
}
