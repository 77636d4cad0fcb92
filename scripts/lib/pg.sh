# shellcheck shell=bash
# A private PostgreSQL 15 cluster in a folder of the project's. PostgreSQL refuses to run as
# root, so when invoked as root every server command runs as the postgres user.
# Used by scripts/run, scripts/test, bench/run and tests/support/pg_cluster.cpp.

NELO_PG_BIN="${NELO_PG_BIN:-/usr/lib/postgresql/15/bin}"
NELO_PG_SUPERUSER="${NELO_PG_SUPERUSER:-nelo}"

nelo_pg_as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# nelo_port_in_use PORT: true when something listens on 127.0.0.1:PORT.
nelo_port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# nelo_free_port: prints a TCP port nobody listens on right now.
nelo_free_port() {
  if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()' && return 0
  fi
  local port
  for _ in $(seq 1 100); do
    port=$((20000 + RANDOM % 30000))
    nelo_port_in_use "$port" || { echo "$port"; return 0; }
  done
  return 1
}

# nelo_pg_init DATADIR: creates the cluster once (trust auth on local sockets and loopback only).
nelo_pg_init() {
  local data="$1"
  if [ -f "$data/PG_VERSION" ]; then return 0; fi
  [ -x "$NELO_PG_BIN/initdb" ] || { echo "nelo_pg_init: $NELO_PG_BIN/initdb not found (postgresql-15)" >&2; return 1; }
  mkdir -p "$data"
  if [ "$(id -u)" -eq 0 ]; then
    chown -R postgres:postgres "$data"
    chmod 700 "$data"
    # The postgres user must be able to reach the folder (mktemp -d makes 0700 parents).
    local parent; parent="$(dirname "$data")"
    if ! runuser -u postgres -- test -x "$parent"; then
      chmod o+x "$parent" 2>/dev/null || true
      runuser -u postgres -- test -x "$parent" || {
        echo "nelo_pg_init: the postgres user cannot reach $data (a parent folder is private);" \
             "choose another folder (NELO_PG_DATA)" >&2
        return 1
      }
    fi
  fi
  local log; log="$(mktemp)"
  chmod 666 "$log"
  local nosync=()
  [ "${NELO_PG_FSYNC:-on}" = off ] && nosync=(--no-sync)  # a throwaway cluster needs no fsync
  if ! nelo_pg_as_owner "$NELO_PG_BIN/initdb" -D "$data" -U "$NELO_PG_SUPERUSER" --auth=trust \
       --encoding=UTF8 --locale=C.UTF-8 "${nosync[@]}" >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    return 1
  fi
  rm -f "$log"
  cat >>"$data/postgresql.conf" <<CONF
# Added by Nelo (scripts/lib/pg.sh)
listen_addresses = '127.0.0.1'
unix_socket_permissions = 0777
max_connections = ${NELO_PG_MAX_CONNECTIONS:-200}
shared_buffers = ${NELO_PG_SHARED_BUFFERS:-256MB}
fsync = ${NELO_PG_FSYNC:-on}
synchronous_commit = ${NELO_PG_SYNC_COMMIT:-on}
full_page_writes = ${NELO_PG_FSYNC:-on}
CONF
}

# nelo_pg_running DATADIR: true when the cluster's postmaster is alive.
nelo_pg_running() {
  [ -f "$1/postmaster.pid" ] || return 1
  nelo_pg_as_owner "$NELO_PG_BIN/pg_ctl" -D "$1" status >/dev/null 2>&1
}

# nelo_pg_start DATADIR PORT: starts the cluster (socket in DATADIR) and waits until it accepts.
nelo_pg_start() {
  local data="$1" port="$2"
  if ! nelo_pg_as_owner "$NELO_PG_BIN/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 \
       -o "-p $port -k $data" start >/dev/null 2>&1; then
    echo "nelo_pg_start: PostgreSQL did not start on port $port; end of $data/server.log:" >&2
    tail -n 15 "$data/server.log" >&2 2>/dev/null || true
    return 1
  fi
}

# nelo_pg_stop DATADIR: fast shutdown; silent if it is not running.
nelo_pg_stop() {
  local data="$1"
  [ -f "$data/postmaster.pid" ] || return 0
  nelo_pg_as_owner "$NELO_PG_BIN/pg_ctl" -D "$data" -m fast -w -t 60 stop >/dev/null 2>&1 || true
}

# nelo_pg_url PORT [DB]: libpq URL for the private cluster.
nelo_pg_url() {
  echo "postgresql://${NELO_PG_SUPERUSER}@127.0.0.1:$1/${2:-postgres}"
}

# nelo_pg_createdb PORT DB: creates the database if it does not exist.
nelo_pg_createdb() {
  local port="$1" db="$2"
  local url; url="$(nelo_pg_url "$port")"
  if ! psql "$url" -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1; then
    psql "$url" -q -c "CREATE DATABASE \"$db\"" >/dev/null
  fi
}
