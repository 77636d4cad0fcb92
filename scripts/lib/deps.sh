# shellcheck shell=bash
# Installs the Debian packages Nelo needs, only those missing (a second run installs nothing and
# needs no network). Works as root, or through sudo for a normal user. The packages are listed
# once, in scripts/lib/debian-packages.txt, which deploy/Dockerfile installs from too.

NELO_DEBIAN_PACKAGES_FILE="${NELO_DEBIAN_PACKAGES_FILE:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/debian-packages.txt}"

# nelo_debian_packages [GROUP...]: the packages of those groups of the list, one a line. With no
# group: what a developer machine needs, every group but [runtime] (which only the image's final
# stage installs). Fails on an unknown group or a malformed line, so a typo in the Dockerfile
# fails its build instead of installing less.
nelo_debian_packages() {
  awk -v wanted="$*" '
    BEGIN { n = split(wanted, w, " "); for (i = 1; i <= n; i++) { want[w[i]] = 1; found[w[i]] = 0 } }
    { sub(/#.*/, "") }
    NF == 0 { next }
    NF == 1 && $1 ~ /^\[[a-z0-9-]+\]$/ { group = substr($1, 2, length($1) - 2); if (group in found) found[group] = 1; next }
    NF != 1 || group == "" {
      print "error: " FILENAME ":" FNR ": one package a line, under a [group]: " $0 > "/dev/stderr"; bad = 1; next }
    (n == 0 && group != "runtime") || (group in want) { print $1 }
    END {
      for (g in found) if (!found[g]) { print "error: no group [" g "] in " FILENAME > "/dev/stderr"; bad = 1 }
      exit bad
    }' "$NELO_DEBIAN_PACKAGES_FILE"
}

nelo_missing_packages() {
  local listing pkg
  listing="$(nelo_debian_packages)" && [ -n "$listing" ] ||
    { echo "error: could not read $NELO_DEBIAN_PACKAGES_FILE" >&2; return 1; }
  for pkg in $listing; do
    # npm may come from a Node.js install outside Debian's packages: accept it.
    if [ "$pkg" = npm ] && command -v npm >/dev/null 2>&1; then continue; fi
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
      echo "$pkg"
    fi
  done
}

nelo_install_deps() {
  local missing=() listing
  listing="$(nelo_missing_packages)" || return 1
  mapfile -t missing < <(printf '%s' "$listing" | sed '/^$/d')
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
  # Nor must it start Debian's redis-server on 6379 (Nelo starts its own, scripts/lib/redis.sh):
  # a policy-rc.d that denies every service start, for this install only, where none exists.
  local policy=/usr/sbin/policy-rc.d policy_added=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\n# Added by Nelo (scripts/lib/deps.sh) during apt-get install: start no service.\nexit 101\n' |
      "${sudo[@]}" tee "$policy" >/dev/null && "${sudo[@]}" chmod 755 "$policy" && policy_added=1
  fi
  drop_policy() { if [ "$policy_added" = 1 ]; then "${sudo[@]}" rm -f "$policy"; fi; }
  # Package lists may be missing or stale on a fresh machine: refresh, then install.
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null ||
    { drop_policy; echo "error: apt-get update failed" >&2; return 1; }
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
    "${missing[@]}" >/tmp/nelo-apt.log 2>&1 || {
    drop_policy
    tail -n 30 /tmp/nelo-apt.log >&2; echo "error: apt-get install failed (log: /tmp/nelo-apt.log)" >&2; return 1; }
  drop_policy
  mapfile -t missing < <(nelo_missing_packages)
  if [ ${#missing[@]} -ne 0 ]; then
    echo "error: still missing after install: ${missing[*]}" >&2
    return 1
  fi
  echo "==> Debian packages installed" >&2
}
