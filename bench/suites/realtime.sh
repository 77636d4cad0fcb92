# shellcheck shell=bash
# The real-time gateway's fan-out (docs/realtime.md): BENCH_RT_CLIENTS WebSocket clients (10 000)
# held by one load client, each subscribed to admin:city, while BENCH_RT_DRIVERS drivers send
# their positions (PUT /api/v1/deliveries/drivers/me/location) at BENCH_RT_RATE pings/s in all;
# every accepted ping reaches every client. Against a bare Beast WebSocket broadcast server doing
# the same fan-out (bench/realtime_broadcast_server.cpp: PUT /publish with the same body reaches
# every client), same clients, same rate, in the same run. Figures: messages delivered per second,
# latency from the ping's recorded_at to its arrival (p50, p99, milliseconds), server memory per
# connection (resident set growth / clients), nelo's delivered rate as a ratio of the reference's, and
# the CPU each side used while measuring (100% = one core; the machine's cores are shared by both).
# Targets: 10 000 clients connected, >= 50 000 delivered messages/s with p99 <= 50 ms.

BENCH_RT_CLIENTS="${BENCH_RT_CLIENTS:-10000}"
BENCH_RT_DRIVERS="${BENCH_RT_DRIVERS:-5}"
BENCH_RT_RATE="${BENCH_RT_RATE:-5}"            # pings per second, all drivers together
BENCH_RT_DURATION="${BENCH_RT_DURATION:-10}"
BENCH_TARGET_DELIVERED="${BENCH_TARGET_DELIVERED:-50000}"
BENCH_TARGET_P99_MS="${BENCH_TARGET_P99_MS:-50}"

suite_describe() {
  echo "WebSocket fan-out of driver positions to $BENCH_RT_CLIENTS clients (admin:city) vs a bare Beast broadcast server"
}

rt_api() {
  local method="$1" path="$2" token="$3" body="${4:-}"
  local args=(-sS -X "$method" "http://127.0.0.1:$NELO_PORT$path" -w '\n%{http_code}')
  [ -z "$token" ] || args+=(-H "Authorization: Bearer $token")
  [ -z "$body" ] || args+=(-H 'Content-Type: application/json' -d "$body")
  local out status
  out="$(curl "${args[@]}")" || nelo_die "$method $path: curl failed"
  status="${out##*$'\n'}"
  case "$status" in 2??) printf '%s' "${out%$'\n'*}" ;; *) nelo_die "$method $path answered $status: ${out%$'\n'*}" ;; esac
}

# rt_drivers ADMIN_TOKEN: BENCH_RT_DRIVERS drivers online; their tokens in RT_TOKENS_FILE.
rt_drivers() {
  local admin="$1" i email application token
  RT_TOKENS_FILE="$BENCH_TMP/rt-tokens.txt"
  : >"$RT_TOKENS_FILE"
  for i in $(seq 1 "$BENCH_RT_DRIVERS"); do
    email="rt-driver$i@bench.nelo.test"
    application="$(rt_api POST /api/v1/auth/register "" \
      "{\"email\":\"$email\",\"password\":\"benchmark password\",\"name\":\"Driver $i\",\"role\":\"driver\"}" |
      jq -r '.role_application.id // empty')"
    [ -n "$application" ] || nelo_die "driver $i: no role application"
    rt_api POST "/api/v1/auth/role-applications/$application/approve" "$admin" '{}' >/dev/null
    token="$(rt_api POST /api/v1/auth/login "" "{\"email\":\"$email\",\"password\":\"benchmark password\"}" |
      jq -r .access_token)"
    rt_api PUT /api/v1/deliveries/drivers/me "$token" '{"vehicle":"scooter","capacity":2}' >/dev/null
    rt_api POST /api/v1/deliveries/drivers/me/online "$token" >/dev/null
    printf '%s\n' "$token" >>"$RT_TOKENS_FILE"
  done
}

# rt_field LINE NAME: the value of NAME=... in the load client's summary line.
rt_field() { printf '%s\n' "$1" | tr ' ' '\n' | awk -F= -v k="$2" '$1 == k { print $2 }'; }

suite_run() {
  command -v jq >/dev/null || nelo_die "jq is missing (scripts/lib/deps.sh installs it)"
  ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" || true
  nelo_say "open files limit: $(ulimit -n)"
  bench_build nelo nelo_bench_realtime_load nelo_bench_realtime_server
  local load="$BENCH_BUILD_DIR/bench/nelo_bench_realtime_load"

  # The reference first: nothing but the fan-out.
  local ref_port; ref_port="$(nelo_free_port)"
  bench_spawn reference "$BENCH_BUILD_DIR/bench/nelo_bench_realtime_server" "$ref_port" "${NELO_HTTP_THREADS:-$(nproc)}"
  local ref_pid="$BENCH_LAST_PID"
  bench_wait_http "http://127.0.0.1:$ref_port/" "$ref_pid" || nelo_die "the reference server did not start"
  nelo_say "reference: $BENCH_RT_CLIENTS clients, $BENCH_RT_RATE publishes/s"
  local ref_out
  ref_out="$("$load" --port "$ref_port" --clients "$BENCH_RT_CLIENTS" --publish-path /publish \
    --publishers "$BENCH_RT_DRIVERS" --rate "$BENCH_RT_RATE" --duration "$BENCH_RT_DURATION" --server-pid "$ref_pid" | tail -n 2)"
  printf '%s\n' "$ref_out"
  bench_stop_last

  bench_start_pg
  bench_start_nelo NELO_AUTH_MAX_REGISTRATIONS_PER_ADDRESS=100000 NELO_JWT_ACCESS_TTL_SECONDS=3600 \
    NELO_HTTP_MAX_CONNECTIONS=$((BENCH_RT_CLIENTS + 1000))
  local admin; admin="$(bench_admin_token)"
  rt_drivers "$admin"
  nelo_say "nelo: $BENCH_RT_CLIENTS clients on admin:city, $BENCH_RT_DRIVERS drivers pinging $BENCH_RT_RATE/s in all"
  local nelo_out
  nelo_out="$("$load" --port "$NELO_PORT" --clients "$BENCH_RT_CLIENTS" --token "$admin" --subscribe admin:city \
    --publish-path /api/v1/deliveries/drivers/me/location --publisher-tokens "$RT_TOKENS_FILE" \
    --rate "$BENCH_RT_RATE" --duration "$BENCH_RT_DURATION" --server-pid "$BENCH_NELO_PID" | tail -n 2)"
  printf '%s\n' "$nelo_out"

  local n_conn n_rate n_p50 n_p99 n_kb r_conn r_rate r_p50 r_p99 r_kb ratio
  n_conn="$(rt_field "$nelo_out" connected)"; n_rate="$(rt_field "$nelo_out" delivered_per_s)"
  n_p50="$(rt_field "$nelo_out" p50_ms)"; n_p99="$(rt_field "$nelo_out" p99_ms)"; n_kb="$(rt_field "$nelo_out" kb_per_connection)"
  r_conn="$(rt_field "$ref_out" connected)"; r_rate="$(rt_field "$ref_out" delivered_per_s)"
  r_p50="$(rt_field "$ref_out" p50_ms)"; r_p99="$(rt_field "$ref_out" p99_ms)"; r_kb="$(rt_field "$ref_out" kb_per_connection)"
  ratio="$(bench_ratio "$n_rate" "$r_rate")"
  local n_scpu n_lcpu r_scpu r_lcpu
  n_scpu="$(rt_field "$nelo_out" server_cpu_pct)"; n_lcpu="$(rt_field "$nelo_out" load_cpu_pct)"
  r_scpu="$(rt_field "$ref_out" server_cpu_pct)"; r_lcpu="$(rt_field "$ref_out" load_cpu_pct)"
  nelo_say "nelo:      $n_conn clients, $n_rate msg/s delivered, p50 $n_p50 ms, p99 $n_p99 ms, $n_kb KiB/connection, CPU server $n_scpu% load client $n_lcpu%"
  nelo_say "reference: $r_conn clients, $r_rate msg/s delivered, p50 $r_p50 ms, p99 $r_p99 ms, $r_kb KiB/connection, CPU server $r_scpu% load client $r_lcpu%"
  nelo_say "ratio nelo/reference (delivered/s): $ratio"
  bench_record "clients=$BENCH_RT_CLIENTS rate=$BENCH_RT_RATE nelo_connected=$n_conn nelo_delivered_per_s=$n_rate nelo_p50_ms=$n_p50 nelo_p99_ms=$n_p99 nelo_kb_per_conn=$n_kb ref_connected=$r_conn ref_delivered_per_s=$r_rate ref_p50_ms=$r_p50 ref_p99_ms=$r_p99 ref_kb_per_conn=$r_kb ratio=$ratio nelo_cpu_pct=$n_scpu nelo_load_cpu_pct=$n_lcpu ref_cpu_pct=$r_scpu ref_load_cpu_pct=$r_lcpu"
  if [ "${NELO_BENCH_STRICT:-0}" = 1 ]; then
    bench_at_least "$n_rate" "$BENCH_TARGET_DELIVERED" || nelo_die "below $BENCH_TARGET_DELIVERED delivered/s"
    bench_at_least "$BENCH_TARGET_P99_MS" "$n_p99" || nelo_die "p99 above $BENCH_TARGET_P99_MS ms"
  fi
}
