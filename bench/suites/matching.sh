# shellcheck shell=bash
# Matching: the 10 drivers nearest a pickup among 100 000 online drivers over 20 x 20 km (Paris),
# while pings stream in (25 000/s: each driver every 4 s) on another thread. The deliveries
# module's in-process live-locations store (a cell grid searched in rings) against PostgreSQL +
# PostGIS answering the same nearest-10 questions with KNN on a GiST index, its positions written
# behind the pings once a second. One query at a time each, BENCH_MATCHING_SECONDS (10) each.
# Targets: in-process p99 <= BENCH_TARGET_P99_MS (5) and PostGIS p99 / in-process p99 >=
# BENCH_TARGET_RATIO (10).

BENCH_TARGET_P99_MS="${BENCH_TARGET_P99_MS:-5}"
BENCH_TARGET_RATIO="${BENCH_TARGET_RATIO:-10}"
BENCH_MATCHING_DRIVERS="${BENCH_MATCHING_DRIVERS:-100000}"
BENCH_MATCHING_SECONDS="${BENCH_MATCHING_SECONDS:-10}"
BENCH_MATCHING_PING_RATE="${BENCH_MATCHING_PING_RATE:-25000}"

suite_describe() {
  echo "nearest-10 among $BENCH_MATCHING_DRIVERS drivers while pings stream: in process vs PostGIS KNN (targets p99 <= $BENCH_TARGET_P99_MS ms, >= ${BENCH_TARGET_RATIO}x)"
}

suite_run() {
  bench_build nelo_bench_matching
  bench_start_pg
  local out result
  out="$("$BENCH_BUILD_DIR/bench/nelo_bench_matching" --database-url "$BENCH_DATABASE_URL" \
    --drivers "$BENCH_MATCHING_DRIVERS" --seconds "$BENCH_MATCHING_SECONDS" --ping-rate "$BENCH_MATCHING_PING_RATE")" ||
    nelo_die "the matching benchmark failed"
  printf '%s\n' "$out" | grep -v '^RESULT '
  result="$(printf '%s\n' "$out" | sed -n 's/^RESULT //p')"
  [ -n "$result" ] || nelo_die "no RESULT line from nelo_bench_matching"
  local p99 ratio verdict=PASS
  p99="$(sed -n 's/.*in_process_p99_ms=\([0-9.]*\).*/\1/p' <<<"$result")"
  ratio="$(sed -n 's/.*p99_ratio=\([0-9.]*\).*/\1/p' <<<"$result")"
  bench_at_least "$BENCH_TARGET_P99_MS" "$p99" || verdict=BELOW_TARGET
  bench_at_least "$ratio" "$BENCH_TARGET_RATIO" || verdict=BELOW_TARGET
  printf 'in-process p99 %s ms (target <= %s), PostGIS/in-process p99 %sx (target >= %s): %s\n' \
    "$p99" "$BENCH_TARGET_P99_MS" "$ratio" "$BENCH_TARGET_RATIO" "$verdict"
  bench_record "seconds=$BENCH_MATCHING_SECONDS $result target_p99_ms=$BENCH_TARGET_P99_MS target_ratio=$BENCH_TARGET_RATIO $verdict"
  if [ "$verdict" != PASS ] && [ "${NELO_BENCH_STRICT:-0}" = 1 ]; then return 1; fi
}
