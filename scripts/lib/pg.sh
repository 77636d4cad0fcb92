# shellcheck shell=bash
# A private PostgreSQL 15 cluster in a folder of the project's. PostgreSQL refuses to run as
# root, so when invoked as root every server command runs as the postgres user.

NELO_PG_BIN="${NELO_PG_BIN:-/usr/lib/postgresql/15/bin}"
NELO_PG_SUPERUSER="${NELO_PG_SUPERUSER:-nelo}"

nelo_pg_as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# nelo_free_port: prints a TCP port nobody listens on right now.
nelo_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# nelo_pg_init DATADIR: creates the cluster once (trust auth on local sockets and loopback only).
nelo_pg_init() {
  local data="$1"
  if [ -f "$data/PG_VERSION" ]; then return 0; fi
  mkdir -p "$data"
  [ "$(id -u)" -eq 0 ] && chown -R postgres:postgres "$data" && chmod 700 "$data"
  nelo_pg_as_owner "$NELO_PG_BIN/initdb" -D "$data" -U "$NELO_PG_SUPERUSER" --auth=trust \
    --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  cat >>"$data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
max_connections = 200
shared_buffers = 256MB
fsync = ${NELO_PG_FSYNC:-on}
synchronous_commit = ${NELO_PG_SYNC_COMMIT:-on}
CONF
}

# nelo_pg_start DATADIR PORT: starts the cluster (socket in DATADIR) and waits until it accepts.
nelo_pg_start() {
  local data="$1" port="$2"
  nelo_pg_as_owner "$NELO_PG_BIN/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 \
    -o "-p $port -k $data" start >/dev/null
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
