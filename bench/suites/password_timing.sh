# shellcheck shell=bash
# An unknown e-mail must cost a login the same time as a wrong password (no account enumeration
# by timing). The unit and pg tests check that both run the same Argon2id with the same
# parameters, deterministically; this suite measures the wall-clock times themselves, which a busy
# test machine cannot compare reliably (17 ms against 96 ms was seen on an unchanged tree).
# Target: dummy/real between BENCH_TARGET_LOW (0.8) and BENCH_TARGET_HIGH (1.25).

BENCH_TARGET_LOW="${BENCH_TARGET_LOW:-0.8}"
BENCH_TARGET_HIGH="${BENCH_TARGET_HIGH:-1.25}"
BENCH_PASSWORD_RUNS="${BENCH_PASSWORD_RUNS:-15}"

suite_describe() {
  echo "Argon2id: dummy verification (unknown e-mail) vs a real one (target ratio $BENCH_TARGET_LOW..$BENCH_TARGET_HIGH)"
}

suite_run() {
  bench_build nelo_bench_password_timing
  local out ratio verdict
  out="$("$BENCH_BUILD_DIR/bench/nelo_bench_password_timing" "$BENCH_PASSWORD_RUNS")" ||
    nelo_die "the password timing benchmark failed"
  echo "$out"
  ratio="$(printf '%s\n' "$out" | sed -n 's/.*dummy_over_real=\([0-9.]*\).*/\1/p')"
  if bench_at_least "$ratio" "$BENCH_TARGET_LOW" && bench_at_least "$BENCH_TARGET_HIGH" "$ratio"; then
    verdict=PASS
  else
    verdict=OUT_OF_RANGE
  fi
  printf 'dummy/real %s (target %s..%s): %s\n' "$ratio" "$BENCH_TARGET_LOW" "$BENCH_TARGET_HIGH" "$verdict"
  bench_record "runs=$BENCH_PASSWORD_RUNS $(printf '%s\n' "$out" | tail -n 1) $verdict"
}
