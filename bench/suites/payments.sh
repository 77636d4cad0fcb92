# shellcheck shell=bash
# Card payments end to end, against the cash orders of the same run:
#   1. POST /api/v1/orders paying cash, at saturation (the orders suite's request): cash orders
#      placed per second (a cash order is placed by its own request).
#   2. The same POST paying by card (tok_visa), at saturation for the same time; then the suite
#      waits until no card order of the phase is still pending_payment and every one's payment
#      has had its webhook handled. Complete card orders per second = card orders placed / (the
#      later of the last placement and the last payment's first webhook handled - start of the
#      phase): the authorization, the sandbox's signed webhook over HTTP to nelo, its intake, the
#      payment.authorized event and the order's placement all count, whichever ends last. Target:
#      >= 0.5 of the cash rate.
#   3. Webhooks handled per second over the same span: the webhook requests nelo answered (its
#      own HTTP metric, duplicates the sandbox sends on purpose included) per second.
# The sandbox runs in process (the default) and posts its webhooks to this nelo over loopback
# HTTP, on the port wrk is saturating: the webhooks queue behind the orders, as they would.

BENCH_TARGET_RATIO="${BENCH_TARGET_RATIO:-0.5}"
BENCH_DB_CONNECTIONS="${BENCH_DB_CONNECTIONS:-16}"
# shellcheck source=bench/suites/orders.sh
source "$BENCH_DIR/suites/orders.sh"

suite_describe() {
  echo "complete card orders per second (created -> authorized by webhook -> placed) vs cash orders, webhooks per second"
}


# payments_webhook_requests: webhook requests nelo has answered so far.
payments_webhook_requests() {
  curl -fsS "http://127.0.0.1:$NELO_ADMIN_PORT/metrics" 2>/dev/null |
    awk '$1 ~ /^nelo_http_requests_total\{/ && $1 ~ /webhooks/ { sum += $NF } END { printf "%.0f", sum }'
}

suite_run() {
  command -v jq >/dev/null || nelo_die "jq is missing (scripts/lib/deps.sh installs it)"
  bench_build nelo
  bench_start_pg
  bench_start_nelo NELO_DB_POOL_SIZE="$BENCH_DB_CONNECTIONS"
  orders_setup
  local cash_body="$ORDER_BODY" card_body
  card_body="$(jq -c '.payment = {"method":"card","token":"tok_visa"}' <<<"$ORDER_BODY")"
  local script="$BENCH_DIR/suites/orders/place_order.lua"
  local wrk_settings="-t$BENCH_WRK_THREADS -c$BENCH_WRK_CONNECTIONS -d$BENCH_WRK_DURATION"
  nelo_say "wrk $wrk_settings; best of $BENCH_ROUNDS rounds"
  local cash_rps=0 card_rps=0 card_requests_rps=0 card_p99=0 webhook_rps=0 span=0 errors=0 stuck=0 round
  local cash_cpu="0/0/0" card_cpu="0/0" card_waits="0/0" pg_pids nelo0 pg0 nelo1 pg1
  for round in $(seq 1 "$BENCH_ROUNDS"); do
    nelo_say "round $round"
    ORDER_BODY="$cash_body" ORDER_DELAY_MS=0 bench_wrk "nelo POST /orders (cash)" \
      "http://127.0.0.1:$NELO_PORT/api/v1/orders" -s "$script"
    errors=$((errors + WRK_ERRORS))
    if [ "$WRK_RPS" -gt "$cash_rps" ]; then cash_rps=$WRK_RPS cash_cpu=$WRK_CPU_US; fi

    bench_drain_bus
    psql -q -v ON_ERROR_STOP=1 -c "CHECKPOINT" "$BENCH_DATABASE_URL" || nelo_die "CHECKPOINT failed"
    local started hooks0 hooks1 waited=0 pending placed seconds rate hooks_rate
    mapfile -t pg_pids < <(bench_pg_pids)
    nelo0="$(bench_cpu_ticks "$BENCH_NELO_PID")" pg0="$(bench_cpu_ticks "${pg_pids[@]}")"
    started="$(bench_sql "SELECT clock_timestamp()")"
    hooks0="$(payments_webhook_requests)"
    ORDER_BODY="$card_body" ORDER_DELAY_MS=0 bench_wrk "nelo POST /orders (card)" \
      "http://127.0.0.1:$NELO_PORT/api/v1/orders" -s "$script"
    errors=$((errors + WRK_ERRORS))
    # Every card order of the phase leaves pending_payment once its webhook is in.
    while :; do
      pending="$(bench_sql "SELECT count(*) FROM orders.orders WHERE payment_method = 'card'
                               AND status = 'pending_payment' AND created_at >= '$started'")"
      [ "$pending" -gt 0 ] && [ "$waited" -lt 600 ] || break
      sleep 0.5; waited=$((waited + 1))
    done
    # ... and until every one's payment has had a webhook handled (the first of its copies).
    local unhooked
    while :; do
      unhooked="$(bench_sql "SELECT count(*) FROM payments.payments p WHERE p.method = 'card'
                               AND p.created_at >= '$started' AND NOT EXISTS (
                                 SELECT 1 FROM payments.provider_events e WHERE e.payment_id = p.id)")"
      [ "$unhooked" -gt 0 ] && [ "$waited" -lt 600 ] || break
      sleep 0.5; waited=$((waited + 1))
    done
    stuck=$((stuck + pending + unhooked))
    # CPU per complete card order over the whole phase, its drain included: steadier than the
    # rate on a shared machine. (The backends that exited meanwhile are not counted.)
    mapfile -t pg_pids < <(bench_pg_pids)
    nelo1="$(bench_cpu_ticks "$BENCH_NELO_PID")" pg1="$(bench_cpu_ticks "${pg_pids[@]}")"
    hooks1="$(payments_webhook_requests)"
    read -r placed seconds < <(bench_sql "SELECT count(*), extract(epoch FROM greatest(max(o.updated_at), (
        SELECT max(first_handled) FROM (
          SELECT min(e.received_at) AS first_handled FROM payments.provider_events e
          JOIN payments.payments p ON p.id = e.payment_id
          WHERE p.method = 'card' AND p.created_at >= '$started' GROUP BY e.payment_id) AS h)) - '$started'::timestamptz)
      FROM orders.orders o WHERE o.payment_method = 'card' AND o.status = 'placed' AND o.created_at >= '$started'" | tr '|' ' ')
    # How long a customer waited at checkout: from the order's creation to its placement.
    local waits
    waits="$(bench_sql "SELECT round(percentile_cont(0.5) WITHIN GROUP (ORDER BY w)::numeric * 1000) || '/' ||
                               round(percentile_cont(0.99) WITHIN GROUP (ORDER BY w)::numeric * 1000)
                        FROM (SELECT extract(epoch FROM updated_at - created_at) AS w FROM orders.orders
                              WHERE payment_method = 'card' AND status = 'placed' AND created_at >= '$started') AS p")"
    rate="$(awk -v n="$placed" -v s="$seconds" 'BEGIN { if (s > 0) printf "%.0f", n / s; else print 0 }')"
    hooks_rate="$(awk -v n="$((hooks1 - hooks0))" -v s="$seconds" 'BEGIN { if (s > 0) printf "%.0f", n / s; else print 0 }')"
    local cpu
    cpu="$(awk -v n="$((nelo1 - nelo0))" -v p="$((pg1 - pg0))" -v r="$placed" -v hz="$(getconf CLK_TCK)" \
      'BEGIN { if (r <= 0) { print "0/0"; exit } f = 1e6 / hz / r; printf "%.0f/%.0f", n * f, p * f }')"
    printf '    %-28s %10s placed in %s s: %s complete card orders/s, %s webhooks/s, %s left pending, cpu us/order nelo/pg %s, placed after p50/p99 %s ms\n' \
      "card orders end to end" "$placed" "$seconds" "$rate" "$hooks_rate" "$((pending + unhooked))" "$cpu" "$waits" >&2
    if [ "$rate" -gt "$card_rps" ]; then
      card_rps=$rate card_requests_rps=$WRK_RPS card_p99=$WRK_P99_MS webhook_rps=$hooks_rate span=$seconds card_cpu=$cpu
      card_waits=$waits
    fi
  done

  local ratio verdict=PASS
  ratio="$(bench_ratio "$card_rps" "$cash_rps")"
  bench_at_least "$ratio" "$BENCH_TARGET_RATIO" || verdict=BELOW_TARGET
  [ "$errors" -eq 0 ] || verdict="$verdict(errors=$errors)"
  [ "$stuck" -eq 0 ] || verdict="$verdict(pending=$stuck)"
  echo
  printf '%-44s %12s %12s\n' "" "per second" "p99 (ms)"
  printf '%-44s %12s %12s\n' "cash orders placed (POST /orders)" "$cash_rps" "-"
  printf '%-44s %12s %12s\n' "card orders accepted (POST /orders, 201)" "$card_requests_rps" "$card_p99"
  printf '%-44s %12s %12s\n' "complete card orders (placed after webhook)" "$card_rps" "-"
  printf '%-44s %12s %12s\n' "webhooks handled" "$webhook_rps" "-"
  printf 'ratio card/cash: %s (target >= %s): %s\n' "$ratio" "$BENCH_TARGET_RATIO" "$verdict"
  printf 'cpu us per order nelo/pg: cash request %s, complete card order %s\n' "${cash_cpu%/*}" "$card_cpu"
  printf 'card order created -> placed, p50/p99 ms: %s\n\n' "$card_waits"

  bench_record "wrk=\"$wrk_settings\" rounds=$BENCH_ROUNDS" "cash_rps=$cash_rps card_requests_rps=$card_requests_rps" \
    "card_p99_ms=$card_p99 card_complete_rps=$card_rps span_s=$span webhook_rps=$webhook_rps ratio=$ratio $verdict" \
    "cash_cpu_us=${cash_cpu%/*} card_cpu_us=$card_cpu placed_after_ms=$card_waits"
  if [ "$verdict" != PASS ] && [ "${NELO_BENCH_STRICT:-0}" = 1 ]; then return 1; fi
  return 0
}
