# shellcheck shell=bash
# Installs the Debian packages Nelo needs, only those missing (a second run installs nothing and
# needs no network). Works as root, or through sudo for a normal user.

NELO_DEBIAN_PACKAGES=(
  # build
  g++ cmake ninja-build ccache pkg-config git
  # libraries (architecture.md §7)
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libpq-dev libsodium-dev libjwt-dev libssl-dev libspdlog-dev libfmt-dev libcli11-dev
  libgeographiclib-dev  # WGS 84 distances in process (core/geo/geodesic.hpp)
  libgoogle-perftools-dev  # tcmalloc for the server (CMakeLists.txt: NELO_TCMALLOC)
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev wrk
  # the private database: server, PostGIS, psql/pgbench
  postgresql-15 postgresql-client-15 postgresql-15-postgis-3
  # scripts: runuser/setsid (util-linux), ss (iproute2), tar, openssl, curl; jq for the README's tour
  util-linux iproute2 procps tar gzip openssl curl ca-certificates jq
  npm
)

nelo_missing_packages() {
  local pkg
  for pkg in "${NELO_DEBIAN_PACKAGES[@]}"; do
    # npm may come from a Node.js install outside Debian's packages: accept it.
    if [ "$pkg" = npm ] && command -v npm >/dev/null 2>&1; then continue; fi
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
      echo "$pkg"
    fi
  done
}

nelo_install_deps() {
  local missing=()
  mapfile -t missing < <(nelo_missing_packages)
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "==> installing Debian packages: ${missing[*]}" >&2
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "error: not root and no sudo: install ${missing[*]}" >&2; return 1; }
    sudo=(sudo)
  fi
  # Installing the server must not create and start Debian's own cluster on 5432: Nelo runs its
  # own. A drop-in (read by createcluster.conf's include_dir) leaves the package's conffile alone.
  if [ ! -e /etc/postgresql-common/createcluster.d/nelo.conf ]; then
    "${sudo[@]}" mkdir -p /etc/postgresql-common/createcluster.d
    echo "create_main_cluster = false" | "${sudo[@]}" tee /etc/postgresql-common/createcluster.d/nelo.conf >/dev/null
  fi
  # Package lists may be missing or stale on a fresh machine: refresh, then install.
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null ||
    { echo "error: apt-get update failed" >&2; return 1; }
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
    "${missing[@]}" >/tmp/nelo-apt.log 2>&1 ||
    { tail -n 30 /tmp/nelo-apt.log >&2; echo "error: apt-get install failed (log: /tmp/nelo-apt.log)" >&2; return 1; }
  mapfile -t missing < <(nelo_missing_packages)
  if [ ${#missing[@]} -ne 0 ]; then
    echo "error: still missing after install: ${missing[*]}" >&2
    return 1
  fi
  echo "==> Debian packages installed" >&2
}
