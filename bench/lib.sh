# shellcheck shell=bash
# Shared by every benchmark suite (bench/suites/<name>.sh, run by `bench/run <name>`): build,
# start servers and databases on free ports, drive wrk or pgbench, parse, record, clean up.
# Everything started here is stopped on exit, success or not.

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$BENCH_DIR/../scripts/lib/common.sh"
source "$NELO_ROOT/scripts/lib/deps.sh"
source "$NELO_ROOT/scripts/lib/pg.sh"

# Settings, identical for every target of a suite (override from the environment).
BENCH_WRK_THREADS="${BENCH_WRK_THREADS:-2}"
BENCH_WRK_CONNECTIONS="${BENCH_WRK_CONNECTIONS:-50}"
BENCH_WRK_DURATION="${BENCH_WRK_DURATION:-10s}"
BENCH_WARMUP="${BENCH_WARMUP:-3s}"
BENCH_ROUNDS="${BENCH_ROUNDS:-2}"          # targets alternate; each keeps its best round
BENCH_BUILD_DIR="${NELO_BUILD_DIR:-$NELO_ROOT/build}"
BENCH_RESULTS_DIR="${BENCH_RESULTS_DIR:-$BENCH_DIR/results}"
# The nelo binary measured: this tree's build unless bench/ab points at another build's.
BENCH_NELO_BIN="${BENCH_NELO_BIN:-$BENCH_BUILD_DIR/nelo}"
BENCH_BUILD_LABEL="${BENCH_BUILD_LABEL:-}"  # e.g. before/after (bench/ab), recorded with the figures

BENCH_NAME=""
BENCH_TMP=""
BENCH_PIDS=()
BENCH_PG_DATA=""
BENCH_NELO_PID=""

bench_init() {
  BENCH_NAME="$1"
  BENCH_TMP="$(mktemp -d "${TMPDIR:-/tmp}/nelo-bench.XXXXXX")"
  chmod 755 "$BENCH_TMP"
  trap bench_cleanup EXIT
  trap 'nelo_warn "interrupted"; exit 130' INT
  trap 'exit 143' TERM
}

bench_cleanup() {
  local status=$?
  trap - EXIT INT TERM
  local pid
  for pid in "${BENCH_PIDS[@]}"; do
    kill -TERM "$pid" 2>/dev/null || continue
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  [ -n "$BENCH_PG_DATA" ] && nelo_pg_stop "$BENCH_PG_DATA"
  [ -n "$BENCH_TMP" ] && rm -rf "$BENCH_TMP"
  exit "$status"
}

# bench_build TARGET...: Release build into build/ (shared with ./scripts/run).
bench_build() {
  nelo_install_deps || nelo_die "could not install the Debian packages"
  nelo_build "$BENCH_BUILD_DIR" Release "$@"
}

# bench_start_pg: a throwaway cluster with database `nelo`; sets BENCH_PG_PORT, BENCH_DATABASE_URL.
bench_start_pg() {
  BENCH_PG_DATA="$BENCH_TMP/pg"
  BENCH_PG_PORT="$(nelo_free_port)"
  nelo_pg_init "$BENCH_PG_DATA" || nelo_die "initdb failed"
  nelo_pg_start "$BENCH_PG_DATA" "$BENCH_PG_PORT" || nelo_die "PostgreSQL did not start"
  nelo_pg_createdb "$BENCH_PG_PORT" nelo
  BENCH_DATABASE_URL="$(nelo_pg_url "$BENCH_PG_PORT" nelo)"
  nelo_say "PostgreSQL on port $BENCH_PG_PORT"
}

# bench_spawn NAME CMD...: runs CMD in the background (output in $BENCH_TMP/NAME.log); sets BENCH_LAST_PID.
bench_spawn() {
  local name="$1"; shift
  "$@" >"$BENCH_TMP/$name.log" 2>&1 &
  BENCH_LAST_PID=$!
  BENCH_PIDS+=("$BENCH_LAST_PID")
}

# bench_stop_last: stops the process bench_spawn started last (TERM, then KILL after 5 s).
bench_stop_last() {
  local pid="$BENCH_LAST_PID"
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# bench_wait_http URL PID [SECONDS]: until URL answers 2xx; fails if PID died.
bench_wait_http() {
  local url="$1" pid="$2" limit="${3:-30}"
  for _ in $(seq 1 $((limit * 10))); do
    curl -fsS -o /dev/null "$url" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

# bench_start_hello: the minimal Beast server; sets HELLO_PORT.
bench_start_hello() {
  HELLO_PORT="$(nelo_free_port)"
  bench_spawn hello "$BENCH_BUILD_DIR/bench/nelo_bench_hello" "$HELLO_PORT" "${NELO_HTTP_THREADS:-$(nproc)}"
  bench_wait_http "http://127.0.0.1:$HELLO_PORT/" "$BENCH_LAST_PID" ||
    { cat "$BENCH_TMP/hello.log" >&2; nelo_die "the hello server did not start"; }
  nelo_say "hello server on port $HELLO_PORT"
}

# bench_start_nelo [VAR=VALUE...]: `nelo serve` on the benchmark database, logs at warn (not
# measuring a terminal), a throwaway key-encryption key unless one is given; sets NELO_PORT and
# NELO_ADMIN_PORT (the admin listener: /metrics).
bench_start_nelo() {
  NELO_PORT="$(nelo_free_port)"
  NELO_ADMIN_PORT="$(nelo_free_port)"
  bench_spawn nelo env DATABASE_URL="$BENCH_DATABASE_URL" NELO_HTTP_PORT="$NELO_PORT" \
    NELO_ADMIN_PORT="$NELO_ADMIN_PORT" \
    NELO_LOG_LEVEL="${BENCH_NELO_LOG_LEVEL:-warn}" NELO_LOG_FORMAT=json \
    NELO_JWT_KEY_ENCRYPTION_KEY="$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')" "$@" "$BENCH_NELO_BIN" serve
  bench_wait_http "http://127.0.0.1:$NELO_PORT/health/live" "$BENCH_LAST_PID" 60 ||
    { tail -n 30 "$BENCH_TMP/nelo.log" >&2; nelo_die "nelo did not start"; }
  BENCH_NELO_PID="$BENCH_LAST_PID"  # env exec'd nelo: the same process
  nelo_say "nelo on port $NELO_PORT"
}

# bench_metric NAME: the sum of a metric's samples (all label sets) on nelo's admin /metrics.
bench_metric() {
  curl -fsS "http://127.0.0.1:$NELO_ADMIN_PORT/metrics" 2>/dev/null |
    awk -v name="$1" '$1 == name || index($1, name "{") == 1 { sum += $NF; found = 1 } END { if (found) printf "%.0f", sum; else print "-" }'
}

# bench_admin_token: prints an access token of the benchmark server's admin, made once with
# `nelo admin create` (admins cannot register); it approves the merchant and driver roles that
# benchmark accounts apply for, as on a real platform.
bench_admin_token() {
  local email=admin@bench.nelo.test password="benchmark admin password"
  printf '%s\n' "$password" | DATABASE_URL="$BENCH_DATABASE_URL" "$BENCH_NELO_BIN" admin create \
    --email "$email" --name "Bench admin" >/dev/null 2>&1 || true  # exists already on a second call
  curl -fsS -X POST "http://127.0.0.1:$NELO_PORT/api/v1/auth/login" -H 'Content-Type: application/json' \
    -d "{\"email\":\"$email\",\"password\":\"$password\"}" | jq -r .access_token
}

# bench_latency_ms "2.47ms" -> 2.470 (wrk prints us, ms or s).
bench_latency_ms() {
  awk -v v="$1" 'BEGIN {
    n = v + 0
    if (v ~ /us$/) n = n / 1000; else if (v ~ /ms$/) n = n; else if (v ~ /m$/) n = n * 60000; else if (v ~ /s$/) n = n * 1000
    printf "%.3f", n }'
}

# bench_cpu_ticks PID...: user + system clock ticks the processes have used so far (0 for gone ones).
bench_cpu_ticks() {
  local pid total=0 t
  for pid in "$@"; do
    # Fields after the parenthesised command name: utime and stime are the 12th and 13th.
    t="$(sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null | awk '{ print $12 + $13 }')" || t=0
    total=$((total + ${t:-0}))
  done
  echo "$total"
}

# bench_pg_pids: the benchmark cluster's postmaster and every process it started.
bench_pg_pids() {
  [ -n "$BENCH_PG_DATA" ] && [ -f "$BENCH_PG_DATA/postmaster.pid" ] || return 0
  local postmaster; postmaster="$(head -n 1 "$BENCH_PG_DATA/postmaster.pid")"
  echo "$postmaster"
  ps -o pid= --ppid "$postmaster" 2>/dev/null | awk '{ print $1 }' || true  # ps pads short pids
}

# bench_children_ticks: sets BENCH_CHILD_TICKS to the CPU clock ticks (user + system) of this
# shell's finished children so far. (`times` must run in this shell, not in a $(...) subshell.)
bench_children_ticks() {
  times >"$BENCH_TMP/times.txt"
  BENCH_CHILD_TICKS="$(awk -v hz="$(getconf CLK_TCK)" 'NR == 2 {
    split($1, u, /[ms]/); split($2, s, /[ms]/)
    printf "%.0f", ((u[1] * 60 + u[2]) + (s[1] * 60 + s[2])) * hz }' "$BENCH_TMP/times.txt")"
}

# bench_wrk LABEL URL [wrk args...]: a warm-up, then the measured run with the suite's settings.
# Sets WRK_RPS, WRK_P99_MS, WRK_ERRORS (socket errors + non-2xx/3xx responses) and
# WRK_CPU_US="nelo/postgres/wrk": CPU per request in microseconds over the measured run (from
# /proc; nelo's part is 0 when the suite started no nelo), printed too.
bench_wrk() {
  local label="$1" url="$2"; shift 2
  wrk -t"$BENCH_WRK_THREADS" -c"$BENCH_WRK_CONNECTIONS" -d"$BENCH_WARMUP" "$@" "$url" >/dev/null 2>&1 || true
  local out; out="$BENCH_TMP/wrk-$(printf '%s' "$label" | tr -c 'A-Za-z0-9_.-' '_').txt"
  local pg_pids nelo0 pg0 wrk0 nelo1 pg1 wrk1
  mapfile -t pg_pids < <(bench_pg_pids)
  bench_children_ticks
  nelo0="$(bench_cpu_ticks "$BENCH_NELO_PID")" pg0="$(bench_cpu_ticks "${pg_pids[@]}")" wrk0="$BENCH_CHILD_TICKS"
  wrk -t"$BENCH_WRK_THREADS" -c"$BENCH_WRK_CONNECTIONS" -d"$BENCH_WRK_DURATION" --latency "$@" "$url" >"$out" 2>&1 ||
    { cat "$out" >&2; nelo_die "wrk failed against $url"; }
  bench_children_ticks
  nelo1="$(bench_cpu_ticks "$BENCH_NELO_PID")" pg1="$(bench_cpu_ticks "${pg_pids[@]}")" wrk1="$BENCH_CHILD_TICKS"
  WRK_RPS="$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$out")"
  WRK_P99_MS="$(bench_latency_ms "$(awk '$1 == "99%" { print $2 }' "$out")")"
  WRK_ERRORS="$(awk '/Non-2xx or 3xx responses:/ { n += $NF } /Socket errors:/ { gsub(",", ""); n += $4 + $6 + $8 + $10 } END { print n + 0 }' "$out")"
  [ -n "$WRK_RPS" ] || { cat "$out" >&2; nelo_die "could not read wrk's output"; }
  local requests; requests="$(awk '/requests in/ { print $1; exit }' "$out")"
  WRK_CPU_US="$(awk -v n="$((nelo1 - nelo0))" -v p="$((pg1 - pg0))" -v w="$((wrk1 - wrk0))" -v r="${requests:-0}" \
    -v hz="$(getconf CLK_TCK)" 'BEGIN { if (r <= 0) { print "0/0/0"; exit }
      f = 1e6 / hz / r; printf "%.0f/%.0f/%.0f", n * f, p * f, w * f }')"
  printf '    %-28s %10s req/s   p99 %8s ms   errors %s   cpu us/req nelo/pg/wrk %s\n' "$label" "$WRK_RPS" \
    "$WRK_P99_MS" "$WRK_ERRORS" "$WRK_CPU_US" >&2
}

# bench_pgbench LABEL [pgbench args...]: against the benchmark database; sets PGBENCH_TPS.
bench_pgbench() {
  local label="$1"; shift
  local out; out="$BENCH_TMP/pgbench-$(printf '%s' "$label" | tr -c 'A-Za-z0-9_.-' '_').txt"
  pgbench "$@" "$BENCH_DATABASE_URL" >"$out" 2>&1 || { cat "$out" >&2; nelo_die "pgbench failed"; }
  PGBENCH_TPS="$(awk '/^tps = / { printf "%.0f", $3 }' "$out" | tail -n 1)"
  printf '    %-28s %10s tps\n' "$label" "$PGBENCH_TPS" >&2
}

# bench_sql SQL: the answer of one query on the benchmark database, unaligned (`a|b` per row).
bench_sql() { psql -At -v ON_ERROR_STOP=1 -c "$1" "$BENCH_DATABASE_URL" || nelo_die "query failed: $1"; }

# bench_drain_bus: waits (up to 10 min) until no event delivery of any module is pending, so that
# a phase is not measured while the bus still works off the one before (a burst of orders leaves
# several deliveries per order: deliveries, payments, notifications, realtime). Each publisher's
# pending_deliveries() counts its streams' backlogs and its pending delivery rows.
bench_drain_bus() {
  local schemas pending waited=0 query
  query="SELECT string_agg(format('SELECT %I.pending_deliveries()', routine_schema), ' UNION ALL ')
         FROM information_schema.routines WHERE routine_name = 'pending_deliveries'"
  schemas="$(bench_sql "$query")"
  [ -n "$schemas" ] || return 0
  while :; do
    pending="$(bench_sql "SELECT sum(count) FROM ($schemas) AS p (count)")"
    [ "${pending:-0}" -gt 0 ] && [ "$waited" -lt 1200 ] || break
    sleep 0.5; waited=$((waited + 1))
  done
  nelo_say "event bus drained ($((waited / 2)) s; ${pending:-0} deliveries pending)"
}

# bench_ratio A B -> A/B with two decimals; bench_at_least X Y -> true when X >= Y.
bench_ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "0.00" }'; }
bench_at_least() { awk -v x="$1" -v y="$2" 'BEGIN { exit !(x >= y) }'; }

bench_machine() {
  local cpu
  cpu="$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null)"
  printf 'host=%s cpu="%s" cores=%s kernel=%s commit=%s' "$(hostname 2>/dev/null || echo '?')" "${cpu:-?}" \
    "$(nproc)" "$(uname -r)" "$(git -C "$NELO_ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')"
  if [ -n "$BENCH_BUILD_LABEL" ]; then printf ' build=%s' "$BENCH_BUILD_LABEL"; fi
}

# bench_record TEXT: appends one dated line to bench/results/<suite>.txt.
bench_record() {
  mkdir -p "$BENCH_RESULTS_DIR"
  local file="$BENCH_RESULTS_DIR/$BENCH_NAME.txt"
  printf '%s %s %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" "$(bench_machine)" >>"$file"
  nelo_say "recorded in ${file#"$NELO_ROOT"/}"
}
