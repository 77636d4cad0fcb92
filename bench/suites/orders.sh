# shellcheck shell=bash
# Orders, through HTTP with a customer's token, against PostgreSQL doing the minimum:
#   1. POST /api/v1/orders (cash, three lines, a unique Idempotency-Key each) at saturation vs
#      pgbench running the fixed reference transaction (bench/suites/orders/reference.sql: one
#      order row with JSONB snapshots, three item rows, one outbox row) with as many clients as
#      nelo has database connections. Target: >= 0.5 of the pgbench rate.
#   2. The same POST paced at 80% of the rate nelo reached: p99 <= 25 ms. (wrk is closed-loop:
#      each connection waits ORDER_DELAY_MS after every answer; the achieved rate is printed.)
#   3. GET /api/v1/orders/{id}, going round the 2000 newest orders, vs pgbench -S -M prepared (a
#      random row of 1M each). Target: >= 0.5.
# Placing an order does more than the reference: it asks users and catalog (in-process), checks
# the merchant's hours (in SQL) and radius (a geodesic in process), claims and stores the
# idempotency key, writes the status history and two events (order.created, order.placed) and
# keeps five list indexes.

BENCH_TARGET_RATIO="${BENCH_TARGET_RATIO:-0.5}"
BENCH_TARGET_P99_MS="${BENCH_TARGET_P99_MS:-25}"
BENCH_DB_CONNECTIONS="${BENCH_DB_CONNECTIONS:-16}"

suite_describe() {
  echo "POST /api/v1/orders vs a reference pgbench transaction, p99 at 80% load, GET /orders/{id} vs pgbench -S"
}

# orders_api METHOD PATH TOKEN [BODY]: prints the response body; dies on a non-2xx answer.
orders_api() {
  local method="$1" path="$2" token="$3" body="${4:-}"
  local args=(-sS -X "$method" "http://127.0.0.1:$NELO_PORT$path" -H 'Content-Type: application/json'
              -w '\n%{http_code}')
  [ -z "$token" ] || args+=(-H "Authorization: Bearer $token")
  [ -z "$body" ] || args+=(-d "$body")
  [ "$method" != POST ] || [ "$path" != /api/v1/orders ] || args+=(-H "Idempotency-Key: setup-$RANDOM$RANDOM")
  local out status
  out="$(curl "${args[@]}")" || nelo_die "$method $path: curl failed"
  status="${out##*$'\n'}"
  case "$status" in 2??) printf '%s' "${out%$'\n'*}" ;; *) nelo_die "$method $path answered $status: ${out%$'\n'*}" ;; esac
}

# orders_account EMAIL ROLE: registers (role customer|merchant: a merchant's application is
# approved by the admin) and prints an access token.
orders_account() {
  local application
  application="$(orders_api POST /api/v1/auth/register "" \
    "{\"email\":\"$1\",\"password\":\"benchmark password\",\"name\":\"Bench $2\",\"role\":\"$2\"}" |
    jq -r '.role_application.id // empty')"
  if [ -n "$application" ]; then
    orders_api POST "/api/v1/auth/role-applications/$application/approve" "$(bench_admin_token)" '{}' >/dev/null
  fi
  orders_api POST /api/v1/auth/login "" "{\"email\":\"$1\",\"password\":\"benchmark password\"}" | jq -r .access_token
}

orders_setup() {
  local merchant_token customer_token merchant_id address_id hours day products=() i
  merchant_token="$(orders_account merchant@bench.nelo.test merchant)"
  hours="{"
  for day in monday tuesday wednesday thursday friday saturday sunday; do
    hours+="\"$day\":[{\"opens\":\"00:00\",\"closes\":\"24:00\"}],"
  done
  hours="${hours%,}}"
  merchant_id="$(orders_api POST /api/v1/catalog/merchants "$merchant_token" "{
    \"name\":\"Chez Bench\",\"description\":\"Benchmark kitchen\",\"address\":\"1 place du Bench, 75001 Paris\",
    \"lat\":48.8606,\"lng\":2.3376,\"phone\":\"+33140000000\",\"opening_hours\":$hours,
    \"time_zone\":\"Europe/Paris\",\"prep_time_minutes\":15,\"min_order\":{\"amount\":1000,\"currency\":\"EUR\"},
    \"delivery_radius_m\":5000}" | jq -r .id)"
  for i in 1 2 3; do
    products+=("$(orders_api POST "/api/v1/catalog/merchants/$merchant_id/products" "$merchant_token" \
      "{\"name\":\"Dish $i\",\"description\":\"Benchmark dish\",\"price\":{\"amount\":$((600 + i * 250)),\"currency\":\"EUR\"},\"available\":true,\"category\":\"Mains\"}" |
      jq -r .id)")
  done
  customer_token="$(orders_account customer@bench.nelo.test customer)"
  for _ in $(seq 1 50); do  # the profile arrives through the event bus
    curl -fsS -o /dev/null -H "Authorization: Bearer $customer_token" \
      "http://127.0.0.1:$NELO_PORT/api/v1/users/me" 2>/dev/null && break
    sleep 0.1
  done
  address_id="$(orders_api POST /api/v1/users/me/addresses "$customer_token" '{
    "label":"Home","line1":"12 rue de Rivoli","city":"Paris","postal_code":"75004","country":"FR",
    "lat":48.8556,"lng":2.3601,"is_default":true}' | jq -r .id)"
  ORDER_TOKEN="$customer_token"
  ORDER_BODY="{\"merchant_id\":\"$merchant_id\",\"address_id\":\"$address_id\",\"payment\":{\"method\":\"cash\"},\"items\":[{\"product_id\":\"${products[0]}\",\"quantity\":1},{\"product_id\":\"${products[1]}\",\"quantity\":1},{\"product_id\":\"${products[2]}\",\"quantity\":2}]}"
  ORDER_ID="$(orders_api POST /api/v1/orders "$customer_token" "$ORDER_BODY" | jq -r .id)"
  [ -n "$ORDER_ID" ] && [ "$ORDER_ID" != null ] || nelo_die "could not place the first order"
  export ORDER_TOKEN ORDER_BODY
}

# orders_read_list: ORDER_IDS_FILE lists the newest 2000 orders (the first round placed them), which
# the reads go round, as pgbench -S picks its rows at random.
orders_read_list() {
  ORDER_IDS_FILE="$BENCH_TMP/order-ids.txt"
  psql -At -v ON_ERROR_STOP=1 "$BENCH_DATABASE_URL" \
    -c "SELECT id FROM orders.orders ORDER BY created_at DESC LIMIT 2000" >"$ORDER_IDS_FILE" ||
    nelo_die "could not list the orders to read"
  export ORDER_IDS_FILE
}

suite_run() {
  command -v jq >/dev/null || nelo_die "jq is missing (scripts/lib/deps.sh installs it)"
  bench_build nelo
  bench_start_pg
  bench_start_nelo NELO_DB_POOL_SIZE="$BENCH_DB_CONNECTIONS" \
    NELO_JWT_KEY_ENCRYPTION_KEY="$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')"
  orders_setup
  nelo_say "pgbench -i -s 10 and the reference tables"
  pgbench -i -q -s 10 "$BENCH_DATABASE_URL" >"$BENCH_TMP/pgbench-init.txt" 2>&1 || nelo_die "pgbench -i failed"
  psql -q -v ON_ERROR_STOP=1 -f "$BENCH_DIR/suites/orders/reference_schema.sql" "$BENCH_DATABASE_URL" ||
    nelo_die "could not create the reference tables"

  local script="$BENCH_DIR/suites/orders/place_order.lua"
  local wrk_settings="-t$BENCH_WRK_THREADS -c$BENCH_WRK_CONNECTIONS -d$BENCH_WRK_DURATION"
  local ref_settings="-n -M prepared -c $BENCH_DB_CONNECTIONS -j $BENCH_WRK_THREADS -T ${BENCH_WRK_DURATION%s}"
  nelo_say "wrk $wrk_settings; pgbench $ref_settings; best of $BENCH_ROUNDS rounds"
  local ref_tps=0 place_rps=0 place_p99=0 place_cpu=0/0/0 sel_tps=0 get_rps=0 get_p99=0 get_cpu=0/0/0 errors=0 round
  for round in $(seq 1 "$BENCH_ROUNDS"); do
    nelo_say "round $round"
    # shellcheck disable=SC2086
    bench_pgbench "pgbench reference order tx" $ref_settings -f "$BENCH_DIR/suites/orders/reference.sql"
    if [ "$PGBENCH_TPS" -gt "$ref_tps" ]; then ref_tps=$PGBENCH_TPS; fi
    ORDER_DELAY_MS=0 bench_wrk "nelo POST /orders" "http://127.0.0.1:$NELO_PORT/api/v1/orders" -s "$script"
    errors=$((errors + WRK_ERRORS))
    if [ "$WRK_RPS" -gt "$place_rps" ]; then place_rps=$WRK_RPS; place_p99=$WRK_P99_MS; place_cpu=$WRK_CPU_US; fi
    bench_drain_bus  # the reads are measured on a quiet bus, not behind the burst's events
    # shellcheck disable=SC2086
    bench_pgbench "pgbench -S -M prepared" -S -M prepared -c "$BENCH_DB_CONNECTIONS" -j "$BENCH_WRK_THREADS" \
      -T "${BENCH_WRK_DURATION%s}"
    if [ "$PGBENCH_TPS" -gt "$sel_tps" ]; then sel_tps=$PGBENCH_TPS; fi
    orders_read_list
    # The script writes each request's path; the URL only names the server.
    bench_wrk "nelo GET /orders/{id}" "http://127.0.0.1:$NELO_PORT/" -s "$BENCH_DIR/suites/orders/get_order.lua"
    errors=$((errors + WRK_ERRORS))
    if [ "$WRK_RPS" -gt "$get_rps" ]; then get_rps=$WRK_RPS; get_p99=$WRK_P99_MS; get_cpu=$WRK_CPU_US; fi
  done

  # 80% of the saturating rate: each of the connections waits so that together they offer it.
  # It starts after a CHECKPOINT, like each phase from a known state: the saturating phases
  # write ~1.5 GB of WAL, and the checkpoint that volume starts would otherwise be flushing
  # during this phase, or not, depending on the host's disk (docs/benchmarks.md).
  bench_drain_bus
  psql -q -v ON_ERROR_STOP=1 -c "CHECKPOINT" "$BENCH_DATABASE_URL" || nelo_die "CHECKPOINT failed"
  local offered delay paced_rps paced_p99
  offered=$(( place_rps * 8 / 10 ))
  delay=$(( BENCH_WRK_CONNECTIONS * 1000 / (offered > 0 ? offered : 1) ))
  nelo_say "paced: $BENCH_WRK_CONNECTIONS connections, ${delay} ms between requests (~$offered/s offered)"
  ORDER_DELAY_MS=$delay bench_wrk "nelo POST /orders at 80%" "http://127.0.0.1:$NELO_PORT/api/v1/orders" -s "$script"
  errors=$((errors + WRK_ERRORS))
  paced_rps=$WRK_RPS paced_p99=$WRK_P99_MS

  local place_ratio get_ratio verdict=PASS
  place_ratio="$(bench_ratio "$place_rps" "$ref_tps")"
  get_ratio="$(bench_ratio "$get_rps" "$sel_tps")"
  bench_at_least "$place_ratio" "$BENCH_TARGET_RATIO" || verdict=BELOW_TARGET
  bench_at_least "$get_ratio" "$BENCH_TARGET_RATIO" || verdict=BELOW_TARGET
  bench_at_least "$BENCH_TARGET_P99_MS" "$paced_p99" || verdict=BELOW_TARGET
  [ "$errors" -eq 0 ] || verdict="$verdict(errors=$errors)"
  echo
  printf '%-36s %12s %12s\n' "" "per second" "p99 (ms)"
  printf '%-36s %12s %12s\n' "pgbench reference order transaction" "$ref_tps" "-"
  printf '%-36s %12s %12s\n' "nelo POST /api/v1/orders" "$place_rps" "$place_p99"
  printf '%-36s %12s %12s\n' "nelo POST /api/v1/orders at 80%" "$paced_rps" "$paced_p99"
  printf '%-36s %12s %12s\n' "pgbench -S -M prepared" "$sel_tps" "-"
  printf '%-36s %12s %12s\n' "nelo GET /api/v1/orders/{id}" "$get_rps" "$get_p99"
  printf 'ratios: create %s, read %s (target >= %s); p99 at 80%%: %s ms (target <= %s): %s\n\n' \
    "$place_ratio" "$get_ratio" "$BENCH_TARGET_RATIO" "$paced_p99" "$BENCH_TARGET_P99_MS" "$verdict"

  bench_record "wrk=\"$wrk_settings\" pgbench=\"$ref_settings\" rounds=$BENCH_ROUNDS ref_tps=$ref_tps select_tps=$sel_tps" \
    "create_rps=$place_rps create_p99_ms=$place_p99 create_cpu_us_nelo_pg_wrk=$place_cpu" \
    "paced_rps=$paced_rps paced_p99_ms=$paced_p99" \
    "get_rps=$get_rps get_p99_ms=$get_p99 get_cpu_us_nelo_pg_wrk=$get_cpu create_ratio=$place_ratio get_ratio=$get_ratio $verdict"
  if [ "$verdict" != PASS ] && [ "${NELO_BENCH_STRICT:-0}" = 1 ]; then return 1; fi
  return 0
}
