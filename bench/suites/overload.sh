# shellcheck shell=bash
# Admission control under overload (issue 15), for GET /api/v1/users/me and POST /api/v1/orders:
#   1. the peak: wrk closed loop with BENCH_WRK_CONNECTIONS connections (the best rate, its p50
#      and p99);
#   2. twice that rate offered, open loop: Poisson arrivals at 2x the peak handed to whichever of
#      OVERLOAD_CONNECTIONS connections is free (a refused client does not come straight back,
#      nor does a slow answer slow the arrivals down), far more than NELO_HTTP_MAX_IN_FLIGHT
#      (OVERLOAD_MAX_IN_FLIGHT, default: the peak's connections); beside them a probe of
#      OVERLOAD_PROBES connections, one per wrk thread, times every answer by status.
# Figures and targets: goodput (2xx per second at 2x) / peak >= 0.9; refused answers (503) p99
# < 5 ms; p99 of the accepted ones at 2x <= 2x the p99 at peak.

BENCH_DB_CONNECTIONS="${BENCH_DB_CONNECTIONS:-16}"
OVERLOAD_FACTOR="${OVERLOAD_FACTOR:-2}"
OVERLOAD_CONNECTIONS="${OVERLOAD_CONNECTIONS:-$((BENCH_WRK_CONNECTIONS * 8))}"
OVERLOAD_MAX_IN_FLIGHT="${OVERLOAD_MAX_IN_FLIGHT:-$BENCH_WRK_CONNECTIONS}"
OVERLOAD_PROBES="${OVERLOAD_PROBES:-2}"
OVERLOAD_PROBE_DELAY_MS="${OVERLOAD_PROBE_DELAY_MS:-2}"
OVERLOAD_TARGET_GOODPUT="${OVERLOAD_TARGET_GOODPUT:-0.9}"
OVERLOAD_TARGET_REFUSED_MS="${OVERLOAD_TARGET_REFUSED_MS:-5}"
OVERLOAD_TARGET_P99_GROWTH="${OVERLOAD_TARGET_P99_GROWTH:-2}"

# The setup of the orders suite (accounts, a merchant, its menu, an address): its functions only.
# shellcheck source=bench/suites/orders.sh
source "$BENCH_DIR/suites/orders.sh"

suite_describe() {
  echo "GET /users/me and POST /orders at ${OVERLOAD_FACTOR}x their peak: goodput >= $OVERLOAD_TARGET_GOODPUT of peak," \
    "refused < $OVERLOAD_TARGET_REFUSED_MS ms, accepted p99 <= ${OVERLOAD_TARGET_P99_GROWTH}x"
}

# overload_percentile FILE STATUS_REGEX PCT -> the PCT percentile (ms) of the samples whose
# status matches, or "-" when there are none.
overload_percentile() {
  awk -v re="$2" '$1 ~ re { print $2 }' "$1" | sort -n | awk -v p="$3" '
    { v[NR] = $1 } END { if (NR == 0) { print "-"; exit } i = int(NR * p / 100 + 0.999); if (i < 1) i = 1; if (i > NR) i = NR
      printf "%.3f", v[i] / 1000 }'
}

# overload_case LABEL PATH [BODY]: peak, then the offered multiple; prints and records.
overload_case() {
  local label="$1" path="$2" body="${3:-}"
  local url="http://127.0.0.1:$NELO_PORT$path" script="$BENCH_DIR/suites/overload/load.lua"
  export LOAD_PATH="$path" LOAD_TOKEN="$ORDER_TOKEN" LOAD_BODY="$body" LOAD_DELAY_MS=0 LOAD_SAMPLES=""

  # 1. the peak, closed loop
  local peak_rps=0 peak_p99=0 peak_p50=0 round
  for round in $(seq 1 "$BENCH_ROUNDS"); do
    local run="$label peak (round $round)"
    bench_wrk "$run" "$url" -s "$script"
    if [ "$WRK_RPS" -gt "$peak_rps" ]; then
      peak_rps=$WRK_RPS peak_p99=$WRK_P99_MS
      local out; out="$BENCH_TMP/wrk-$(printf '%s' "$run" | tr -c 'A-Za-z0-9_.-' '_').txt"  # bench_wrk's
      peak_p50="$(bench_latency_ms "$(awk '$1 == "50%" { print $2 }' "$out")")"
    fi
  done

  # 2. the offered multiple, open loop, and the timing probe, side by side.
  local offered thread_rate duration_s
  offered=$((peak_rps * OVERLOAD_FACTOR))
  thread_rate=$((offered / BENCH_WRK_THREADS))
  duration_s="${BENCH_WRK_DURATION%s}"
  nelo_say "$label: $offered/s offered open loop over ${OVERLOAD_CONNECTIONS} connections," \
    "$OVERLOAD_PROBES probe connections"
  local samples="$BENCH_TMP/samples-$(printf '%s' "$label" | tr -c 'A-Za-z0-9' '_')"
  local load_out="$BENCH_TMP/load.txt" probe_out="$BENCH_TMP/probe.txt"
  LOAD_RATE=$thread_rate wrk -t"$BENCH_WRK_THREADS" -c"$OVERLOAD_CONNECTIONS" -d"$BENCH_WARMUP" -s "$script" "$url" \
    >/dev/null 2>&1 || true
  LOAD_RATE=$thread_rate wrk -t"$BENCH_WRK_THREADS" -c"$OVERLOAD_CONNECTIONS" -d"$BENCH_WRK_DURATION" -s "$script" "$url" \
    >"$load_out" 2>&1 &
  local load_pid=$!
  LOAD_DELAY_MS=$OVERLOAD_PROBE_DELAY_MS LOAD_SAMPLES="$samples" \
    wrk -t"$OVERLOAD_PROBES" -c"$OVERLOAD_PROBES" -d"$BENCH_WRK_DURATION" -s "$script" "$url" >"$probe_out" 2>&1 ||
    { cat "$probe_out" >&2; nelo_die "the probe failed"; }
  wait "$load_pid" || { cat "$load_out" >&2; nelo_die "wrk failed"; }
  cat "$samples".* >"$samples.all" 2>/dev/null || true

  # 3. the peak again: the tables grew meanwhile (orders, outbox, idempotency keys), so the
  #    baseline is the mean of the peaks measured just before and just after.
  bench_wrk "$label peak (after)" "$url" -s "$script"
  local peak_before=$peak_rps peak_after=$WRK_RPS
  peak_rps=$(((peak_before + peak_after) / 2))

  local total non2xx socket_errors goodput offered_rps ratio accepted_p99 refused_p50 refused_p99 refused_max refused_n other_n
  total="$(awk '/requests in/ { print $1; exit }' "$load_out")"
  non2xx="$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$load_out")"; non2xx="${non2xx:-0}"
  socket_errors="$(awk '/Socket errors:/ { gsub(",", ""); print $4 + $6 + $8 + $10 }' "$load_out")"; socket_errors="${socket_errors:-0}"
  goodput="$(awk -v t="$total" -v n="$non2xx" -v s="$duration_s" 'BEGIN { printf "%.0f", (t - n) / s }')"
  offered_rps="$(awk -v t="$total" -v s="$duration_s" 'BEGIN { printf "%.0f", t / s }')"
  ratio="$(bench_ratio "$goodput" "$peak_rps")"
  accepted_p99="$(overload_percentile "$samples.all" '^2' 99)"
  refused_p50="$(overload_percentile "$samples.all" '^503$' 50)"
  refused_p99="$(overload_percentile "$samples.all" '^503$' 99)"
  refused_max="$(overload_percentile "$samples.all" '^503$' 100)"
  refused_n="$(awk '$1 == 503' "$samples.all" | wc -l)"
  other_n="$(awk '$1 !~ /^2/ && $1 != 503' "$samples.all" | wc -l)"

  local verdict=PASS growth
  growth="$(bench_ratio "$accepted_p99" "$peak_p99")"
  bench_at_least "$ratio" "$OVERLOAD_TARGET_GOODPUT" || verdict=BELOW_TARGET
  if [ "$refused_p99" != "-" ]; then
    bench_at_least "$OVERLOAD_TARGET_REFUSED_MS" "$refused_p99" || verdict=BELOW_TARGET
  fi
  bench_at_least "$OVERLOAD_TARGET_P99_GROWTH" "$growth" || verdict=BELOW_TARGET
  [ "$socket_errors" -eq 0 ] && [ "$other_n" -eq 0 ] || verdict="$verdict(errors: socket=$socket_errors other=$other_n)"

  printf '\n%s\n' "$label"
  printf '  peak (closed loop, %s connections)   %8s req/s   p50 %s ms   p99 %s ms (before %s/s, after %s/s)\n' \
    "$BENCH_WRK_CONNECTIONS" "$peak_rps" "$peak_p50" "$peak_p99" "$peak_before" "$peak_after"
  printf '  offered at %sx, open loop: %s req/s; answered %8s req/s   (%s answered 503: %s)\n' \
    "$OVERLOAD_FACTOR" "$offered" "$offered_rps" "$non2xx" "$(bench_ratio "$non2xx" "$total")"
  printf '  goodput                               %8s req/s   %s of peak (target >= %s)\n' \
    "$goodput" "$ratio" "$OVERLOAD_TARGET_GOODPUT"
  printf '  refused answers (probe, %s)           p50 %s ms   p99 %s ms   max %s ms (target p99 < %s)\n' \
    "$refused_n" "$refused_p50" "$refused_p99" "$refused_max" "$OVERLOAD_TARGET_REFUSED_MS"
  printf '  accepted p99 (probe)                  %s ms = %sx the peak p99 (target <= %sx): %s\n\n' \
    "$accepted_p99" "$growth" "$OVERLOAD_TARGET_P99_GROWTH" "$verdict"

  OVERLOAD_RECORD+=" ${label// /_}:peak_rps=$peak_rps,peak_before_rps=$peak_before,peak_after_rps=$peak_after,peak_p99_ms=$peak_p99,offered_rps=$offered,answered_rps=$offered_rps,goodput_rps=$goodput"
  OVERLOAD_RECORD+=",goodput_ratio=$ratio,refused=$non2xx,refused_p50_ms=$refused_p50,refused_p99_ms=$refused_p99"
  OVERLOAD_RECORD+=",refused_max_ms=$refused_max,accepted_p99_ms=$accepted_p99,p99_growth=$growth,$verdict"
  [ "$verdict" = PASS ] || OVERLOAD_FAILED=1
}

suite_run() {
  command -v jq >/dev/null || nelo_die "jq is missing (scripts/lib/deps.sh installs it)"
  bench_build nelo
  bench_start_pg
  bench_start_nelo NELO_DB_POOL_SIZE="$BENCH_DB_CONNECTIONS" NELO_HTTP_MAX_IN_FLIGHT="$OVERLOAD_MAX_IN_FLIGHT"
  orders_setup
  OVERLOAD_RECORD="" OVERLOAD_FAILED=0
  nelo_say "peak: wrk -t$BENCH_WRK_THREADS -c$BENCH_WRK_CONNECTIONS -d$BENCH_WRK_DURATION, best of $BENCH_ROUNDS;" \
    "NELO_HTTP_MAX_IN_FLIGHT=$OVERLOAD_MAX_IN_FLIGHT"
  overload_case "GET /users/me" /api/v1/users/me
  psql -q -v ON_ERROR_STOP=1 -c "CHECKPOINT" "$BENCH_DATABASE_URL" || nelo_die "CHECKPOINT failed"
  overload_case "POST /orders" /api/v1/orders "$ORDER_BODY"
  local refused; refused="$(bench_metric nelo_http_requests_refused_total)"
  nelo_say "nelo_http_requests_refused_total (admin /metrics): $refused"
  bench_record "wrk=\"-t$BENCH_WRK_THREADS -c$BENCH_WRK_CONNECTIONS -d$BENCH_WRK_DURATION\" rounds=$BENCH_ROUNDS" \
    "factor=$OVERLOAD_FACTOR connections=$OVERLOAD_CONNECTIONS max_in_flight=$OVERLOAD_MAX_IN_FLIGHT" \
    "probes=$OVERLOAD_PROBES pool=$BENCH_DB_CONNECTIONS$OVERLOAD_RECORD refused_total=$refused"
  if [ "$OVERLOAD_FAILED" -ne 0 ] && [ "${NELO_BENCH_STRICT:-0}" = 1 ]; then return 1; fi
  return 0
}
