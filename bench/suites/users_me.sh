# shellcheck shell=bash
# An authenticated read: GET /api/v1/users/me with a valid token (ES256 verification, one
# indexed read in its own transaction under the users role) vs `pgbench -S -M prepared`, the
# primary-key read ceiling of the same PostgreSQL. Both use the same number of database
# connections (BENCH_DB_CONNECTIONS: nelo's pool size and pgbench's clients). Target: >= 0.5.

BENCH_TARGET_RATIO="${BENCH_TARGET_RATIO:-0.5}"
BENCH_DB_CONNECTIONS="${BENCH_DB_CONNECTIONS:-16}"

suite_describe() {
  echo "nelo GET /api/v1/users/me (token + indexed read) vs pgbench -S -M prepared (target ratio >= $BENCH_TARGET_RATIO)"
}

users_me_token() {
  local base="http://127.0.0.1:$NELO_PORT/api/v1/auth"
  curl -fsS -o /dev/null -X POST "$base/register" -H 'Content-Type: application/json' \
    -d '{"email":"bench@nelo.test","password":"benchmark password","name":"Bench"}' ||
    nelo_die "could not register the benchmark user"
  curl -fsS -X POST "$base/login" -H 'Content-Type: application/json' \
    -d '{"email":"bench@nelo.test","password":"benchmark password"}' |
    sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p'
}

suite_run() {
  bench_build nelo
  bench_start_pg
  bench_start_nelo NELO_DB_POOL_SIZE="$BENCH_DB_CONNECTIONS" \
    NELO_JWT_KEY_ENCRYPTION_KEY="$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')"
  local token; token="$(users_me_token)"
  [ -n "$token" ] || nelo_die "no access token"
  local me="http://127.0.0.1:$NELO_PORT/api/v1/users/me" ok=""
  for _ in $(seq 1 50); do  # the profile arrives through the event bus
    curl -fsS -o /dev/null -H "Authorization: Bearer $token" "$me" 2>/dev/null && { ok=1; break; }
    sleep 0.1
  done
  [ -n "$ok" ] || nelo_die "GET /users/me never answered 200"

  nelo_say "pgbench -i -s 10 (reference tables)"
  pgbench -i -q -s 10 "$BENCH_DATABASE_URL" >"$BENCH_TMP/pgbench-init.txt" 2>&1 || nelo_die "pgbench -i failed"

  local wrk_settings="-t$BENCH_WRK_THREADS -c$BENCH_WRK_CONNECTIONS -d$BENCH_WRK_DURATION"
  local pgbench_settings="-S -M prepared -c $BENCH_DB_CONNECTIONS -j $BENCH_WRK_THREADS -T ${BENCH_WRK_DURATION%s}"
  nelo_say "wrk $wrk_settings; pgbench $pgbench_settings; best of $BENCH_ROUNDS rounds"
  local nelo_rps=0 nelo_p99=0 nelo_cpu=0/0/0 pg_tps=0 errors=0 round
  for round in $(seq 1 "$BENCH_ROUNDS"); do
    nelo_say "round $round"
    # shellcheck disable=SC2086
    bench_pgbench "pgbench -S -M prepared" $pgbench_settings
    if [ "$PGBENCH_TPS" -gt "$pg_tps" ]; then pg_tps=$PGBENCH_TPS; fi
    bench_wrk "nelo GET /users/me" "$me" -H "Authorization: Bearer $token"
    errors=$((errors + WRK_ERRORS))
    if [ "$WRK_RPS" -gt "$nelo_rps" ]; then nelo_rps=$WRK_RPS; nelo_p99=$WRK_P99_MS; nelo_cpu=$WRK_CPU_US; fi
  done

  local ratio verdict
  ratio="$(bench_ratio "$nelo_rps" "$pg_tps")"
  if bench_at_least "$ratio" "$BENCH_TARGET_RATIO"; then verdict=PASS; else verdict=BELOW_TARGET; fi
  [ "$errors" -eq 0 ] || verdict="$verdict(errors=$errors)"
  echo
  printf '%-30s %12s %12s\n' "" "per second" "p99 (ms)"
  printf '%-30s %12s %12s\n' "pgbench -S -M prepared" "$pg_tps" "-"
  printf '%-30s %12s %12s\n' "nelo GET /api/v1/users/me" "$nelo_rps" "$nelo_p99"
  printf 'ratio nelo/pgbench: %s (target >= %s): %s\n\n' "$ratio" "$BENCH_TARGET_RATIO" "$verdict"

  bench_record "wrk=\"$wrk_settings\" pgbench=\"$pgbench_settings\" rounds=$BENCH_ROUNDS pgbench_tps=$pg_tps" \
    "nelo_rps=$nelo_rps nelo_p99_ms=$nelo_p99 cpu_us_nelo_pg_wrk=$nelo_cpu ratio=$ratio target=$BENCH_TARGET_RATIO $verdict"
  if [ "$verdict" != PASS ] && [ "${NELO_BENCH_STRICT:-0}" = 1 ]; then return 1; fi
  return 0
}
