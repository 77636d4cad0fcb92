# shellcheck shell=bash
# A soak (issue 15): a mixed workload (bench/suites/soak/mixed.lua: 60 % GET /users/me, 20 %
# POST /orders, 20 % a catalog search) at SOAK_LOAD % (70) of the mix's peak for SOAK_DURATION
# (30m), sampling every SOAK_SAMPLE_SECONDS (30) nelo's resident memory and open descriptors
# (/proc) and, from the admin /metrics, the database pool and open connections. Reports whether
# each stayed flat after the first sample (the warm-up) and whether any error happened (a
# non-2xx answer, a socket error, an error line in nelo's log). Shorter: SOAK_DURATION=3m.

BENCH_DB_CONNECTIONS="${BENCH_DB_CONNECTIONS:-16}"
SOAK_DURATION="${SOAK_DURATION:-30m}"
SOAK_SAMPLE_SECONDS="${SOAK_SAMPLE_SECONDS:-30}"
SOAK_LOAD="${SOAK_LOAD:-70}"
SOAK_CONNECTIONS="${SOAK_CONNECTIONS:-$BENCH_WRK_CONNECTIONS}"
SOAK_RSS_GROWTH_KB="${SOAK_RSS_GROWTH_KB:-32768}"  # tolerated growth after the warm-up
SOAK_FD_GROWTH="${SOAK_FD_GROWTH:-8}"

# shellcheck source=bench/suites/orders.sh
source "$BENCH_DIR/suites/orders.sh"

suite_describe() {
  echo "mixed workload at $SOAK_LOAD % of its peak for $SOAK_DURATION: RSS, open files, pool flat; no error"
}

soak_seconds() {  # 90s, 3m, 1h -> seconds
  awk -v d="$1" 'BEGIN { n = d + 0; if (d ~ /h$/) n *= 3600; else if (d ~ /m$/) n *= 60; printf "%d", n }'
}

# soak_sample ELAPSED: one line "elapsed rss_kb fds pool_connections pool_in_use connections_open requests".
soak_sample() {
  local rss fds
  rss="$(awk '/^VmRSS:/ { print $2 }' "/proc/$BENCH_NELO_PID/status" 2>/dev/null)"
  fds="$(find "/proc/$BENCH_NELO_PID/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)"
  printf '%s %s %s %s %s %s %s\n' "$1" "${rss:-0}" "$fds" "$(bench_metric nelo_db_pool_connections)" \
    "$(bench_metric nelo_db_pool_in_use)" "$(bench_metric nelo_http_connections_open)" \
    "$(bench_metric nelo_http_requests_total)"
}

suite_run() {
  command -v jq >/dev/null || nelo_die "jq is missing (scripts/lib/deps.sh installs it)"
  bench_build nelo
  bench_start_pg
  # One access token serves the whole run (wrk does not refresh): it must outlive the soak, or
  # every request past the default 15 minutes is a 401 and the soak measures nothing.
  bench_start_nelo NELO_DB_POOL_SIZE="$BENCH_DB_CONNECTIONS" NELO_JWT_ACCESS_TTL_SECONDS=86400
  orders_setup
  local script="$BENCH_DIR/suites/soak/mixed.lua" url="http://127.0.0.1:$NELO_PORT/"
  export LOAD_TOKEN="$ORDER_TOKEN" LOAD_BODY="$ORDER_BODY" LOAD_DELAY_MS=0

  # The mix's peak, closed loop.
  bench_wrk "mixed peak" "$url" -s "$script"
  local peak=$WRK_RPS p50 out="$BENCH_TMP/wrk-mixed_peak.txt"
  p50="$(bench_latency_ms "$(awk '$1 == "50%" { print $2 }' "$out")")"
  local offered=$((peak * SOAK_LOAD / 100)) delay
  delay="$(awk -v n="$SOAK_CONNECTIONS" -v r="$offered" -v l="$p50" \
    'BEGIN { d = n * 1000 / (r > 0 ? r : 1) - l; printf "%d", (d < 1 ? 1 : d) }')"
  local total_s; total_s="$(soak_seconds "$SOAK_DURATION")"
  psql -q -v ON_ERROR_STOP=1 -c "CHECKPOINT" "$BENCH_DATABASE_URL" || nelo_die "CHECKPOINT failed"
  nelo_say "soak: $SOAK_DURATION at $SOAK_LOAD % of $peak/s (~$offered/s: $SOAK_CONNECTIONS connections," \
    "mean think time $delay ms), a sample every $SOAK_SAMPLE_SECONDS s"

  local load_out="$BENCH_TMP/soak-wrk.txt" samples="$BENCH_TMP/soak-samples.txt"
  local errors_before; errors_before="$(grep -c '"level":"error"' "$BENCH_TMP/nelo.log" || true)"
  LOAD_DELAY_MS=$delay wrk -t"$BENCH_WRK_THREADS" -c"$SOAK_CONNECTIONS" -d"${total_s}s" --latency -s "$script" "$url" \
    >"$load_out" 2>&1 &
  local load_pid=$! started=$SECONDS
  printf '    %8s %10s %6s %6s %6s %6s %12s\n' "elapsed" "rss_kb" "fds" "pool" "in_use" "conns" "requests" >&2
  while kill -0 "$load_pid" 2>/dev/null; do
    soak_sample $((SECONDS - started)) | tee -a "$samples" | awk '{ printf "    %8s %10s %6s %6s %6s %6s %12s\n", $1, $2, $3, $4, $5, $6, $7 }' >&2
    local waited=0
    while [ "$waited" -lt "$SOAK_SAMPLE_SECONDS" ] && kill -0 "$load_pid" 2>/dev/null; do sleep 1; waited=$((waited + 1)); done
  done
  wait "$load_pid" || { cat "$load_out" >&2; nelo_die "wrk failed"; }
  soak_sample $((SECONDS - started)) >>"$samples"

  local rps p99 non2xx socket_errors log_errors
  rps="$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$load_out")"
  p99="$(bench_latency_ms "$(awk '$1 == "99%" { print $2 }' "$load_out")")"
  non2xx="$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$load_out")"; non2xx="${non2xx:-0}"
  socket_errors="$(awk '/Socket errors:/ { gsub(",", ""); print $4 + $6 + $8 + $10 }' "$load_out")"; socket_errors="${socket_errors:-0}"
  log_errors=$(( $(grep -c '"level":"error"' "$BENCH_TMP/nelo.log" || true) - errors_before ))

  # Flat: from the first sample (after the warm-up) to the last, within the tolerances.
  local verdict=PASS flat
  flat="$(awk -v rss_tol="$SOAK_RSS_GROWTH_KB" -v fd_tol="$SOAK_FD_GROWTH" -v pool_max="$BENCH_DB_CONNECTIONS" '
    NR == 2 { rss0 = $2; fd0 = $3 }
    NR >= 2 { if ($2 > rss_max) rss_max = $2; if ($3 > fd_max) fd_max = $3; if ($4 > pool_hi) pool_hi = $4; last_rss = $2; last_fd = $3 }
    END {
      if (NR < 3) { print "too_few_samples"; exit }
      rss_ok = (rss_max - rss0 <= rss_tol); fd_ok = (fd_max - fd0 <= fd_tol); pool_ok = (pool_hi <= pool_max)
      printf "rss_kb=%d..%d(%s) fds=%d..%d(%s) pool_max=%d(%s)", rss0, rss_max, rss_ok ? "flat" : "GREW", fd0, fd_max,
        fd_ok ? "flat" : "GREW", pool_hi, pool_ok ? "bounded" : "OVER"
    }' "$samples")"
  case "$flat" in *GREW*|*OVER*|too_few*) verdict=DRIFT ;; esac
  [ "$non2xx" -eq 0 ] && [ "$socket_errors" -eq 0 ] && [ "$log_errors" -le 0 ] ||
    verdict="ERRORS(non2xx=$non2xx socket=$socket_errors log=$log_errors)"

  echo
  printf 'soak %s at %s%% of the mix peak (%s/s): %s req/s, p99 %s ms\n' "$SOAK_DURATION" "$SOAK_LOAD" "$peak" "$rps" "$p99"
  printf '  %s\n  errors: non-2xx %s, socket %s, nelo error log lines %s\n  %s\n\n' "$flat" "$non2xx" \
    "$socket_errors" "$log_errors" "$verdict"
  bench_record "duration=$SOAK_DURATION load=$SOAK_LOAD% connections=$SOAK_CONNECTIONS pool=$BENCH_DB_CONNECTIONS" \
    "peak_rps=$peak rps=$rps p99_ms=$p99 samples=$(wc -l <"$samples") $flat non2xx=$non2xx socket_errors=$socket_errors" \
    "log_errors=$log_errors $verdict"
  if [ "$verdict" != PASS ] && [ "${NELO_BENCH_STRICT:-0}" = 1 ]; then return 1; fi
  return 0
}
