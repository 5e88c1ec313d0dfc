#!/usr/bin/env bash
# Installs everything Comptoir needs to build, test and run on Debian 12 (bookworm):
# the Debian packages that are missing (apt-get, only those), then the npm packages of web/ and tools/deploy-check/.
#
# Idempotent and quiet when there is nothing to do. Runs as root, or through sudo when not root.
#   COMPTOIR_SKIP_APT=1   skip the Debian part (a machine you manage yourself)
#   COMPTOIR_SKIP_NPM=1   skip the npm part
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Debian packages. "a|b" means: either one will do, install the first when neither is there.
PACKAGES=(
  # build
  # (mold: the linker of the build, ADR 0180)
  make g++ cmake ninja-build pkg-config ccache mold
  # libraries (Boost 1.81: Asio, Beast, JSON, URL, Describe)
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libpq-dev libhiredis-dev libssl-dev libsodium-dev libjwt-dev libyaml-cpp-dev
  libspdlog-dev libfmt-dev libcli11-dev
  # the console (issue 13): FINAL CUT widgets (with GPM), the offline journal, tmux for its tests
  libfinal-dev libgpm-dev libsqlite3-dev tmux
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev librapidcheck-dev wrk
  # fuzzing (tests/fuzz, the fuzz preset): libFuzzer and the sanitizers' runtimes of clang 16
  clang-16 libclang-rt-16-dev
  # servers run by scripts/platform.sh and by the integration tests
  # (postgresql-15 ships the contrib extensions, unaccent and pg_trgm among them)
  postgresql-15 postgresql-client-15 redis-server "nginx-light|nginx"
  # the local SMTP server of the receipt e-mail tests (services/sales/tests/smtp_sink.py, issue 15)
  python3-aiosmtpd
  # local monitoring (scripts/platform.sh) and the rule/config checks of make test (promtool, amtool)
  prometheus prometheus-alertmanager prometheus-postgres-exporter prometheus-redis-exporter
  # tools used by the scripts
  curl openssl ca-certificates git clang-format
  # the web's browser tests (web/tests/browser): Debian's Chromium driven by playwright-core,
  # with a font that has every glyph of French text
  chromium fonts-dejavu-core
  # the offline checks of deploy/ (Compose validates without a Docker daemon)
  yamllint docker-compose
)

log() { printf 'install-deps: %s\n' "$*"; }

as_root() {
  if [[ $(id -u) -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    log "need root (or sudo) to run: $*" >&2
    exit 1
  fi
}

install_debian_packages() {
  local -a wanted=("${PACKAGES[@]}")
  # Node.js and npm: the machine may already have them (e.g. from NodeSource); only install
  # Debian's when the commands are missing, to avoid fighting another packaging of node.
  command -v node >/dev/null 2>&1 || wanted+=(nodejs)
  command -v npm >/dev/null 2>&1 || wanted+=(npm)
  # kubectl (for `kubectl kustomize`): Debian's is kubernetes-client (1.20, kustomize v2.0.3); a kubectl
  # installed otherwise (a cloud SDK's, say) is kept, as deploy/k8s renders alike with both (ADR 0111).
  command -v kubectl >/dev/null 2>&1 || wanted+=(kubernetes-client)

  # One dpkg-query for all names: "name status" for each package dpkg knows.
  local -a names=()
  local entry
  for entry in "${wanted[@]}"; do
    IFS='|' read -ra alts <<<"$entry"
    names+=("${alts[@]}")
  done
  local -A installed=()
  local name status
  while read -r name status; do
    [[ $status == installed ]] && installed[$name]=1
  done < <(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "${names[@]}" 2>/dev/null || true)

  local -a missing=()
  local alt found
  for entry in "${wanted[@]}"; do
    IFS='|' read -ra alts <<<"$entry"
    found=0
    for alt in "${alts[@]}"; do
      [[ -n ${installed[$alt]:-} ]] && { found=1; break; }
    done
    ((found)) || missing+=("${alts[0]}")
  done
  ((${#missing[@]} == 0)) && return 0

  log "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${missing[@]}"
  # Debian starts its own Prometheus, Alertmanager and exporters when it installs them (on a machine with
  # systemd), on the ports the project's local monitoring uses: stop and disable those we just installed; the
  # project runs its own under var/ (scripts/platform.sh).
  local unit
  for unit in prometheus prometheus-alertmanager prometheus-postgres-exporter prometheus-redis-exporter; do
    [[ " ${missing[*]} " == *" $unit "* ]] || continue
    if command -v systemctl >/dev/null 2>&1 && systemctl is-enabled --quiet "$unit" 2>/dev/null; then
      log "disabling Debian's own $unit service (the platform runs its own)"
      as_root systemctl disable --now "$unit" >/dev/null 2>&1 || true
    fi
  done
  # Note: installing postgresql-15 makes Debian create (and, with an init system, start) its own
  # cluster on port 5432. We leave it alone; the project runs its own clusters under var/ or in
  # the tests' temporary directories.
}

install_web_packages() {
  local web="$ROOT/${1:-web}"
  [[ -f $web/package.json ]] || return 0
  if ! command -v npm >/dev/null 2>&1; then
    log "npm not found; cannot install ${1:-web}/ packages" >&2
    exit 1
  fi
  # npm writes node_modules/.package-lock.json after every install: it is older than
  # package.json / package-lock.json exactly when those changed since the last install.
  local stamp="$web/node_modules/.package-lock.json"
  if [[ -f $stamp && ! $web/package.json -nt $stamp ]] &&
     [[ ! -f $web/package-lock.json || ! $web/package-lock.json -nt $stamp ]]; then
    return 0
  fi
  # --ignore-scripts: nothing we use needs an install script (swagger-ui-dist's only
  # dependency has a telemetry postinstall).
  if [[ -f $web/package-lock.json ]]; then
    log "installing ${1:-web}/ packages (npm ci)"
    (cd "$web" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error)
  else
    log "installing ${1:-web}/ packages (npm install)"
    (cd "$web" && npm install --no-audit --no-fund --ignore-scripts --loglevel=error)
  fi
  mkdir -p "$web/node_modules" && touch "$stamp"
}

# Vite 8 and Vitest 4 need Node.js 20.19 or newer (web/package.json "engines"); Debian 12's own nodejs
# is 18, so a machine that got node from apt here cannot build web/. Say so plainly rather than let
# the web build fail later with a syntax error.
check_node_version() {
  command -v node >/dev/null 2>&1 || return 0
  local version major minor
  version=$(node --version 2>/dev/null | sed 's/^v//')
  IFS=. read -r major minor _ <<<"$version"
  if (( major < 20 || (major == 20 && minor < 19) )); then
    log "Node.js $version is too old for web/ (Vite 8 needs 20.19 or newer, or 22.12+):" >&2
    log "install a newer Node.js (the machine's own, or NodeSource's), then run this again" >&2
    exit 1
  fi
}

[[ ${COMPTOIR_SKIP_APT:-0} == 1 ]] || install_debian_packages
[[ ${COMPTOIR_SKIP_NPM:-0} == 1 ]] || check_node_version
[[ ${COMPTOIR_SKIP_NPM:-0} == 1 ]] || { install_web_packages web; install_web_packages tools/deploy-check; }
