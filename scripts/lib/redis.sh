# shellcheck shell=bash
# A private redis-server: loopback only, a free port, its own folder, no persistence (no RDB
# snapshot, no append-only file: live locations are rebuilt by the next pings), stopped by
# nelo_redis_stop. Used by scripts/test (always: the `redis` suite), scripts/run (with
# NELO_REDIS=1) and bench/run. Redis runs as the invoking user, root included.

NELO_REDIS_SERVER="${NELO_REDIS_SERVER:-/usr/bin/redis-server}"

# nelo_redis_start DIR PORT: starts it in DIR (created; pid file and log there) and waits until
# it answers PING.
nelo_redis_start() {
  local dir="$1" port="$2"
  [ -x "$NELO_REDIS_SERVER" ] || { echo "nelo_redis_start: $NELO_REDIS_SERVER not found (redis-server)" >&2; return 1; }
  mkdir -p "$dir"
  "$NELO_REDIS_SERVER" --bind 127.0.0.1 --port "$port" --dir "$dir" --daemonize yes \
    --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" --save "" --appendonly no \
    --protected-mode yes --databases 1 >/dev/null 2>&1 || {
    echo "nelo_redis_start: redis-server did not start on port $port" >&2
    tail -n 15 "$dir/redis.log" >&2 2>/dev/null || true
    return 1
  }
  local _
  for _ in $(seq 1 100); do
    if [ "$(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null)" = PONG ]; then return 0; fi
    sleep 0.05
  done
  echo "nelo_redis_start: redis-server on port $port does not answer; end of $dir/redis.log:" >&2
  tail -n 15 "$dir/redis.log" >&2 2>/dev/null || true
  nelo_redis_stop "$dir"
  return 1
}

# nelo_redis_stop DIR: stops the server started in DIR (TERM, KILL after 5 s); silent if none.
nelo_redis_stop() {
  local dir="$1" pid _
  [ -f "$dir/redis.pid" ] || return 0
  pid="$(cat "$dir/redis.pid" 2>/dev/null)"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || { rm -f "$dir/redis.pid"; return 0; }
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$dir/redis.pid"
}

# nelo_redis_url PORT: the REDIS_URL of the private server.
nelo_redis_url() {
  echo "redis://127.0.0.1:$1"
}
