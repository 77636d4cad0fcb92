# shellcheck shell=bash
# The fleet simulator (`nelo demo simulate`) as the load: a city played through the public API
# (drivers pinging, polling offers, accepting and delivering; customers ordering; merchants
# accepting and preparing) at a few increasing order rates, SIM_DURATION seconds of ordering each
# and up to SIM_DRAIN more for the orders in flight. The ratio: orders handed over per minute ÷
# orders placed per minute, over the last two thirds of the ordering (the first third fills the
# pipeline): a platform that keeps up hands orders over as fast as they come. A rate is held when
# that ratio is >= SIM_HELD_RATIO, (nearly) every order placed is delivered by the end of the
# drain, the simulator did offer the rate asked, and no answer was unexpected. Reported for the
# highest rate held: orders delivered per minute, the ratio, and the time to assign a driver
# (p50/p99, real seconds). See docs/benchmarks.md, "simulate".

SIM_RATES="${SIM_RATES:-1200 1800 2400 3600}"  # orders per minute, wall clock
SIM_DURATION="${SIM_DURATION:-24}"            # seconds of ordering per rate
SIM_DRAIN="${SIM_DRAIN:-20}"                  # at most, for the orders in flight
SIM_DRIVERS="${SIM_DRIVERS:-600}"
SIM_CUSTOMERS="${SIM_CUSTOMERS:-20}"
SIM_SPEEDUP="${SIM_SPEEDUP:-300}"
SIM_CONNECTIONS="${SIM_CONNECTIONS:-48}"      # under the server's 64 requests in flight
SIM_HELD_RATIO="${SIM_HELD_RATIO:-0.9}"       # handed over / placed per minute, steady window
SIM_HELD_SHARE="${SIM_HELD_SHARE:-0.95}"      # delivered / placed by the end of the drain

suite_describe() {
  echo "nelo demo simulate at increasing order rates: delivered per minute ÷ placed, assignment p50/p99"
}

# simulate_rate RATE: one run of the simulator, its JSON summary in $BENCH_TMP/sim-RATE.json; the
# CPU seconds nelo, PostgreSQL and the simulator used over it in SIM_CPU ("nelo/pg/sim").
simulate_rate() {
  local rate="$1" out="$BENCH_TMP/sim-$1.json" pg_pids nelo0 pg0 sim0 nelo1 pg1 sim1
  mapfile -t pg_pids < <(bench_pg_pids)
  bench_children_ticks
  nelo0="$(bench_cpu_ticks "$BENCH_NELO_PID")" pg0="$(bench_cpu_ticks "${pg_pids[@]}")" sim0="$BENCH_CHILD_TICKS"
  DATABASE_URL="$BENCH_DATABASE_URL" NELO_JWT_KEY_ENCRYPTION_KEY="$SIM_KEK" NELO_LOG_LEVEL=warn \
    "$BENCH_NELO_BIN" demo simulate --url "http://127.0.0.1:$NELO_PORT" --drivers "$SIM_DRIVERS" \
    --customers "$SIM_CUSTOMERS" --order-rate "$rate" --speedup "$SIM_SPEEDUP" --duration "$SIM_DURATION" \
    --drain "$SIM_DRAIN" --connections "$SIM_CONNECTIONS" --seed "$rate" --json --quiet \
    >"$BENCH_TMP/sim-$rate.out" 2>"$BENCH_TMP/sim-$rate.log" || true  # exit 1 on unexpected answers: read below
  mapfile -t pg_pids < <(bench_pg_pids)
  bench_children_ticks
  nelo1="$(bench_cpu_ticks "$BENCH_NELO_PID")" pg1="$(bench_cpu_ticks "${pg_pids[@]}")" sim1="$BENCH_CHILD_TICKS"
  grep '^{"options"' "$BENCH_TMP/sim-$rate.out" | tail -n 1 >"$out" || true
  [ -s "$out" ] || { cat "$BENCH_TMP/sim-$rate.log" >&2; nelo_die "the simulator gave no summary at $rate/min"; }
  SIM_CPU="$(awk -v n="$((nelo1 - nelo0))" -v p="$((pg1 - pg0))" -v s="$((sim1 - sim0))" -v hz="$(getconf CLK_TCK)" \
    'BEGIN { printf "%.0f/%.0f/%.0f", n / hz, p / hz, s / hz }')"
}

suite_run() {
  command -v jq >/dev/null || nelo_die "jq is missing (scripts/lib/deps.sh installs it)"
  bench_build nelo
  bench_start_pg
  SIM_KEK="$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')"
  # The simulator makes its drivers and customers by registering them: the per-address limit (20
  # an hour) is lifted for this loopback client.
  bench_start_nelo NELO_JWT_KEY_ENCRYPTION_KEY="$SIM_KEK" NELO_AUTH_MAX_REGISTRATIONS_PER_ADDRESS=100000

  nelo_say "$SIM_DRIVERS drivers, $SIM_CUSTOMERS simulated customers, x$SIM_SPEEDUP, ${SIM_DURATION}s of ordering (+ up to ${SIM_DRAIN}s) per rate: $SIM_RATES /min"
  printf '\n%8s %9s %9s %7s %7s %9s %9s %7s %13s  %s\n' "asked" "placed/m" "deliv/m" "ratio" "share" \
    "assign50" "assign99" "errors" "cpu s n/pg/sim" "held" >&2
  local rate held_rate="" held_json="" results=""
  for rate in $SIM_RATES; do
    simulate_rate "$rate"
    local j="$BENCH_TMP/sim-$rate.json" placed_pm delivered_pm ratio share a50 a99 errors offered held=no
    placed_pm="$(jq -r .steady_state.placed_per_minute "$j")" delivered_pm="$(jq -r .steady_state.delivered_per_minute "$j")"
    ratio="$(jq -r .steady_state.ratio "$j")" share="$(jq -r .delivered_share "$j")"
    a50="$(jq -r '.assign_seconds.p50 // "-"' "$j")" a99="$(jq -r '.assign_seconds.p99 // "-"' "$j")"
    errors="$(jq -r .http.errors "$j")" offered="$(jq -r .placed_per_minute "$j")"
    if [ "$errors" = 0 ] && bench_at_least "$ratio" "$SIM_HELD_RATIO" && bench_at_least "$share" "$SIM_HELD_SHARE" &&
      bench_at_least "$offered" "$(awk -v r="$rate" 'BEGIN { print r * 0.9 }')"; then
      held=yes held_rate="$rate" held_json="$j"
    fi
    printf '%8s %9s %9s %7s %7s %9s %9s %7s %13s  %s\n' "$rate" "$placed_pm" "$delivered_pm" "$ratio" "$share" \
      "$a50" "$a99" "$errors" "$SIM_CPU" "$held" >&2
    results="$results $rate:$placed_pm/$delivered_pm/r$ratio/s$share/${a50}s/${a99}s/e$errors/cpu$SIM_CPU"
    if [ "$errors" != 0 ]; then jq -r '.http.error_samples[]' "$j" | head -n 5 | sed 's/^/    unexpected: /' >&2; fi
  done
  echo >&2

  local verdict=PASS per_min=0 ratio=0 a50=- a99=-
  if [ -z "$held_rate" ]; then
    verdict=NOT_HELD
  else
    per_min="$(jq -r .steady_state.delivered_per_minute "$held_json")" ratio="$(jq -r .steady_state.ratio "$held_json")"
    a50="$(jq -r '.assign_seconds.p50' "$held_json")" a99="$(jq -r '.assign_seconds.p99' "$held_json")"
  fi
  printf 'highest rate held: %s orders/min asked: %s delivered per minute, ratio %s, assignment p50 %s s p99 %s s: %s\n\n' \
    "${held_rate:-none}" "$per_min" "$ratio" "$a50" "$a99" "$verdict"
  bench_record "drivers=$SIM_DRIVERS customers=$SIM_CUSTOMERS speedup=$SIM_SPEEDUP duration=${SIM_DURATION}s drain=${SIM_DRAIN}s" \
    "held_rate=${held_rate:-none} delivered_per_min=$per_min ratio=$ratio assign_p50_s=$a50 assign_p99_s=$a99" \
    "runs=\"${results# }\" $verdict"
  if [ "$verdict" != PASS ] && [ "${NELO_BENCH_STRICT:-0}" = 1 ]; then return 1; fi
  return 0
}
