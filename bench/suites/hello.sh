# shellcheck shell=bash
# nelo's HTTP stack against the smallest Beast server: GET /health/live (public, no database,
# but through nelo's router, request id, access log at warn, metrics and auth middleware) vs
# the hello server's `/`, same wrk settings, same threads. Target: nelo >= 0.6 of hello.

BENCH_TARGET_RATIO="${BENCH_TARGET_RATIO:-0.6}"

suite_describe() { echo "nelo GET /health/live vs a minimal Beast server (target ratio >= $BENCH_TARGET_RATIO)"; }

suite_run() {
  bench_build nelo nelo_bench_hello
  bench_start_pg  # nelo needs a database to start, not to answer /health/live
  bench_start_hello
  bench_start_nelo

  local wrk_settings="-t$BENCH_WRK_THREADS -c$BENCH_WRK_CONNECTIONS -d$BENCH_WRK_DURATION"
  nelo_say "wrk $wrk_settings --latency, warm-up $BENCH_WARMUP, best of $BENCH_ROUNDS rounds"
  local hello_rps=0 hello_p99=0 nelo_rps=0 nelo_p99=0 errors=0 round
  for round in $(seq 1 "$BENCH_ROUNDS"); do
    nelo_say "round $round"
    bench_wrk "hello GET /" "http://127.0.0.1:$HELLO_PORT/"
    errors=$((errors + WRK_ERRORS))
    if [ "$WRK_RPS" -gt "$hello_rps" ]; then hello_rps=$WRK_RPS; hello_p99=$WRK_P99_MS; fi
    bench_wrk "nelo GET /health/live" "http://127.0.0.1:$NELO_PORT/health/live"
    errors=$((errors + WRK_ERRORS))
    if [ "$WRK_RPS" -gt "$nelo_rps" ]; then nelo_rps=$WRK_RPS; nelo_p99=$WRK_P99_MS; fi
  done

  local ratio verdict
  ratio="$(bench_ratio "$nelo_rps" "$hello_rps")"
  if bench_at_least "$ratio" "$BENCH_TARGET_RATIO"; then verdict=PASS; else verdict=BELOW_TARGET; fi
  [ "$errors" -eq 0 ] || verdict="$verdict(errors=$errors)"
  echo
  printf '%-26s %12s %12s\n' "" "req/s" "p99 (ms)"
  printf '%-26s %12s %12s\n' "hello (minimal Beast)" "$hello_rps" "$hello_p99"
  printf '%-26s %12s %12s\n' "nelo GET /health/live" "$nelo_rps" "$nelo_p99"
  printf 'ratio nelo/hello: %s (target >= %s): %s\n\n' "$ratio" "$BENCH_TARGET_RATIO" "$verdict"

  bench_record "wrk=\"$wrk_settings\" rounds=$BENCH_ROUNDS hello_rps=$hello_rps hello_p99_ms=$hello_p99" \
    "nelo_rps=$nelo_rps nelo_p99_ms=$nelo_p99 ratio=$ratio target=$BENCH_TARGET_RATIO $verdict"

  if [ "$verdict" != PASS ] && [ "${NELO_BENCH_STRICT:-0}" = 1 ]; then
    nelo_warn "below target (NELO_BENCH_STRICT=1)"
    return 1
  fi
  return 0
}
