# shellcheck shell=bash
# Installs the Debian packages Nelo needs, only those missing (a second run installs nothing).

NELO_DEBIAN_PACKAGES=(
  g++ cmake ninja-build ccache pkg-config git curl ca-certificates
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libpq-dev postgresql-15 postgresql-client-15 postgresql-15-postgis-3
  libsodium-dev libjwt-dev libssl-dev libspdlog-dev libfmt-dev libcli11-dev
  libgtest-dev libgmock-dev libbenchmark-dev wrk
  npm
)

nelo_install_deps() {
  local missing=()
  local pkg
  for pkg in "${NELO_DEBIAN_PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$pkg")
    fi
  done
  # npm may come from a Node.js install outside Debian's packages: accept it.
  if command -v npm >/dev/null 2>&1; then
    local filtered=()
    for pkg in "${missing[@]}"; do [ "$pkg" = npm ] || filtered+=("$pkg"); done
    missing=("${filtered[@]}")
  fi
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "nelo: installing Debian packages: ${missing[*]}" >&2
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  # Package lists may be missing on a fresh machine: refresh once, then install.
  $sudo apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
}
