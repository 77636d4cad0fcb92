# shellcheck shell=bash
# Location pings over HTTP: PUT /api/v1/deliveries/drivers/me/location from BENCH_PING_DRIVERS
# online drivers (keep-alive connections, a valid access token each, recorded_at = now), at
# saturation, vs a baseline taking the same requests through the same server: the same body and
# tokens sent to PATCH /api/v1/users/me, an existing authenticated route that refuses it (422:
# unknown fields) without touching the database, so that it costs what every request costs
# (connection, token check, body read and parsed, a JSON answer) and nothing more. Nelo has no
# authenticated no-op route, and adding one to the product for a benchmark would be a route to
# secure and document for nothing (docs/benchmarks.md, "Location pings").
# Targets: >= 25000 pings/s with p99 <= 10 ms, and >= 0.7 of the baseline's rate.

BENCH_TARGET_PINGS="${BENCH_TARGET_PINGS:-25000}"
BENCH_TARGET_P99_MS="${BENCH_TARGET_P99_MS:-10}"
BENCH_TARGET_RATIO="${BENCH_TARGET_RATIO:-0.7}"
BENCH_PING_DRIVERS="${BENCH_PING_DRIVERS:-20}"

suite_describe() {
  echo "PUT /deliveries/drivers/me/location (pings) vs the same body to an authenticated route that does nothing with it"
}

# pings_api METHOD PATH TOKEN [BODY]: prints the response body; dies on a non-2xx answer.
pings_api() {
  local method="$1" path="$2" token="$3" body="${4:-}"
  local args=(-sS -X "$method" "http://127.0.0.1:$NELO_PORT$path" -w '\n%{http_code}')
  [ -z "$token" ] || args+=(-H "Authorization: Bearer $token")
  [ -z "$body" ] || args+=(-H 'Content-Type: application/json' -d "$body")
  local out status
  out="$(curl "${args[@]}")" || nelo_die "$method $path: curl failed"
  status="${out##*$'\n'}"
  case "$status" in 2??) printf '%s' "${out%$'\n'*}" ;; *) nelo_die "$method $path answered $status: ${out%$'\n'*}" ;; esac
}

# pings_setup: BENCH_PING_DRIVERS drivers (applied for, approved by the admin, profile, online);
# their tokens in PING_TOKENS_FILE.
pings_setup() {
  local admin i email application token
  admin="$(bench_admin_token)"
  [ -n "$admin" ] && [ "$admin" != null ] || nelo_die "no admin token"
  PING_TOKENS_FILE="$BENCH_TMP/ping-tokens.txt"
  : >"$PING_TOKENS_FILE"
  for i in $(seq 1 "$BENCH_PING_DRIVERS"); do
    email="driver$i@bench.nelo.test"
    application="$(pings_api POST /api/v1/auth/register "" \
      "{\"email\":\"$email\",\"password\":\"benchmark password\",\"name\":\"Driver $i\",\"role\":\"driver\"}" |
      jq -r '.role_application.id // empty')"
    [ -n "$application" ] || nelo_die "driver $i: no role application"
    pings_api POST "/api/v1/auth/role-applications/$application/approve" "$admin" '{}' >/dev/null
    token="$(pings_api POST /api/v1/auth/login "" "{\"email\":\"$email\",\"password\":\"benchmark password\"}" |
      jq -r .access_token)"
    pings_api PUT /api/v1/deliveries/drivers/me "$token" '{"vehicle":"scooter","capacity":2}' >/dev/null
    pings_api POST /api/v1/deliveries/drivers/me/online "$token" >/dev/null
    printf '%s\n' "$token" >>"$PING_TOKENS_FILE"
  done
  export PING_TOKENS_FILE
  nelo_say "$BENCH_PING_DRIVERS drivers online"
}

suite_run() {
  command -v jq >/dev/null || nelo_die "jq is missing (scripts/lib/deps.sh installs it)"
  bench_build nelo
  bench_start_pg
  bench_start_nelo NELO_AUTH_MAX_REGISTRATIONS_PER_ADDRESS=100000 NELO_JWT_ACCESS_TTL_SECONDS=3600
  pings_setup

  local script="$BENCH_DIR/suites/pings/ping.lua" base="http://127.0.0.1:$NELO_PORT"
  local first; first="$(head -n 1 "$PING_TOKENS_FILE")"
  local sample='{"lat":48.85,"lng":2.35,"accuracy_m":5.0,"heading":90.0,"speed_mps":4.2,"recorded_at":"2026-01-01T00:00:00Z"}'
  # The baseline answers 422 (every field unknown to a profile) and changes nothing.
  local baseline_status
  baseline_status="$(curl -sS -o /dev/null -w '%{http_code}' -X PATCH "$base/api/v1/users/me" \
    -H "Authorization: Bearer $first" -H 'Content-Type: application/json' -d "$sample")"
  [ "$baseline_status" = 422 ] || nelo_die "the baseline PATCH /api/v1/users/me answered $baseline_status, not 422"

  local wrk_settings="-t$BENCH_WRK_THREADS -c$BENCH_WRK_CONNECTIONS -d$BENCH_WRK_DURATION"
  nelo_say "wrk $wrk_settings, $BENCH_PING_DRIVERS drivers; best of $BENCH_ROUNDS rounds"
  local ping_rps=0 ping_p99=0 ping_cpu=0/0/0 base_rps=0 base_p99=0 base_cpu=0/0/0 errors=0 round
  for round in $(seq 1 "$BENCH_ROUNDS"); do
    nelo_say "round $round"
    PING_METHOD=PATCH PING_PATH=/api/v1/users/me bench_wrk "baseline PATCH /users/me (422)" "$base/" -s "$script"
    if [ "$WRK_RPS" -gt "$base_rps" ]; then base_rps=$WRK_RPS; base_p99=$WRK_P99_MS; base_cpu=$WRK_CPU_US; fi
    PING_METHOD=PUT PING_PATH=/api/v1/deliveries/drivers/me/location bench_wrk "nelo PUT .../me/location" "$base/" -s "$script"
    errors=$((errors + WRK_ERRORS))
    if [ "$WRK_RPS" -gt "$ping_rps" ]; then ping_rps=$WRK_RPS; ping_p99=$WRK_P99_MS; ping_cpu=$WRK_CPU_US; fi
  done

  # The write-behind kept up: one row per driver, written within the flush interval.
  sleep 1.5
  local rows stale
  rows="$(bench_sql "SELECT count(*) FROM deliveries.driver_positions")"
  stale="$(bench_sql "SELECT count(*) FROM deliveries.driver_positions WHERE written_at < now() - interval '10 seconds'")"

  local ratio verdict=PASS
  ratio="$(bench_ratio "$ping_rps" "$base_rps")"
  bench_at_least "$ping_rps" "$BENCH_TARGET_PINGS" || verdict=BELOW_TARGET
  bench_at_least "$BENCH_TARGET_P99_MS" "$ping_p99" || verdict=BELOW_TARGET
  bench_at_least "$ratio" "$BENCH_TARGET_RATIO" || verdict=BELOW_TARGET
  [ "$rows" = "$BENCH_PING_DRIVERS" ] && [ "$stale" = 0 ] || verdict="$verdict(positions=$rows,stale=$stale)"
  [ "$errors" -eq 0 ] || verdict="$verdict(errors=$errors)"
  echo
  printf '%-40s %12s %12s\n' "" "per second" "p99 (ms)"
  printf '%-40s %12s %12s\n' "baseline: same body, PATCH /users/me" "$base_rps" "$base_p99"
  printf '%-40s %12s %12s\n' "pings: PUT /deliveries/drivers/me/location" "$ping_rps" "$ping_p99"
  printf 'pings %s/s (target >= %s), p99 %s ms (target <= %s), ratio to the baseline %s (target >= %s): %s\n' \
    "$ping_rps" "$BENCH_TARGET_PINGS" "$ping_p99" "$BENCH_TARGET_P99_MS" "$ratio" "$BENCH_TARGET_RATIO" "$verdict"
  printf 'driver_positions: %s rows (one per driver), %s not rewritten in the last 10 s\n\n' "$rows" "$stale"

  bench_record "wrk=\"$wrk_settings\" drivers=$BENCH_PING_DRIVERS rounds=$BENCH_ROUNDS" \
    "baseline_rps=$base_rps baseline_p99_ms=$base_p99 baseline_cpu_us_nelo_pg_wrk=$base_cpu" \
    "ping_rps=$ping_rps ping_p99_ms=$ping_p99 ping_cpu_us_nelo_pg_wrk=$ping_cpu ratio=$ratio" \
    "targets=$BENCH_TARGET_PINGS/s,p99<=${BENCH_TARGET_P99_MS}ms,ratio>=$BENCH_TARGET_RATIO $verdict"
  if [ "$verdict" != PASS ] && [ "${NELO_BENCH_STRICT:-0}" = 1 ]; then return 1; fi
  return 0
}
