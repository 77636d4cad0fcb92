# shellcheck shell=bash
# Logins are slow on purpose (Argon2id, m=19 MiB, t=2) and hashed on a bounded pool
# (NELO_AUTH_HASH_THREADS, default half the cores), so a flood of logins must not take the
# machine from everything else. One run measures GET /api/v1/users/me at the same moderate load:
#   1. alone (the baseline);
#   2. during a hashing flood: BENCH_FLOOD_CONNECTIONS clients logging in with the right
#      password as fast as they can (throttle limits raised so that every login is hashed);
#   3. during a guessing flood: the same clients sending wrong passwords for one account with
#      the default throttle (what an attacker does);
# and reports the login rate, the logins refused, and each flood's p99 next to the baseline.
# Target: p99 of /users/me <= BENCH_TARGET_P99_MS (10 ms) during both floods. (A ratio to a
# 1 ms baseline would punish the flood for the wrk and PostgreSQL it shares two cores with.)

BENCH_TARGET_P99_MS="${BENCH_TARGET_P99_MS:-10}"
BENCH_PROBE_CONNECTIONS="${BENCH_PROBE_CONNECTIONS:-10}"
BENCH_FLOOD_CONNECTIONS="${BENCH_FLOOD_CONNECTIONS:-64}"

suite_describe() {
  echo "p99 of GET /api/v1/users/me during login floods (target <= $BENCH_TARGET_P99_MS ms); login rate"
}

# login_flood_script NAME PASSWORD: a wrk script posting that login.
login_flood_script() {
  cat >"$BENCH_TMP/$1.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"email":"flood@nelo.test","password":"$2"}'
LUA
}

# login_flood_probe LABEL: wrk on /users/me at the probe load; sets WRK_RPS, WRK_P99_MS, WRK_ERRORS.
# One wrk thread: with the flood's own wrk, two would leave the probe measuring its own waits
# for a core as much as nelo's latency.
login_flood_probe() {
  local saved_connections="$BENCH_WRK_CONNECTIONS" saved_threads="$BENCH_WRK_THREADS"
  BENCH_WRK_CONNECTIONS="$BENCH_PROBE_CONNECTIONS" BENCH_WRK_THREADS=1
  bench_wrk "$1" "http://127.0.0.1:$NELO_PORT/api/v1/users/me" -H "Authorization: Bearer $LOGIN_FLOOD_TOKEN"
  BENCH_WRK_CONNECTIONS="$saved_connections" BENCH_WRK_THREADS="$saved_threads"
}

# login_flood_during SCRIPT LABEL: floods /auth/login with SCRIPT while probing; sets FLOOD_P99,
# FLOOD_RPS, FLOOD_ERRORS (probe errors), LOGIN_TOTAL, LOGIN_REFUSED, LOGIN_OK_RPS.
login_flood_during() {
  local seconds=$(( ${BENCH_WRK_DURATION%s} + ${BENCH_WARMUP%s} + 4 ))
  local out="$BENCH_TMP/wrk-flood-$1.txt"
  nelo_say "$2: $BENCH_FLOOD_CONNECTIONS clients for ${seconds}s, probing meanwhile"
  wrk -t1 -c"$BENCH_FLOOD_CONNECTIONS" -d"${seconds}s" -s "$BENCH_TMP/$1.lua" \
    "http://127.0.0.1:$NELO_PORT/api/v1/auth/login" >"$out" 2>&1 &
  local flood_pid=$!
  sleep 2  # let the hashing backlog fill
  login_flood_probe "users/me during $1"
  FLOOD_RPS=$WRK_RPS FLOOD_P99=$WRK_P99_MS FLOOD_ERRORS=$WRK_ERRORS
  wait "$flood_pid" || { cat "$out" >&2; nelo_die "the login flood failed"; }
  LOGIN_TOTAL="$(awk '/requests in/ { print $1 }' "$out")"
  LOGIN_REFUSED="$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$out")"
  LOGIN_REFUSED="${LOGIN_REFUSED:-0}"
  LOGIN_OK_RPS="$(awk -v t="$LOGIN_TOTAL" -v r="$LOGIN_REFUSED" -v s="$seconds" 'BEGIN { printf "%.1f", (t - r) / s }')"
}

# login_flood_serve [VAR=VALUE...]: (re)starts nelo on the benchmark database and logs in.
login_flood_serve() {
  bench_start_nelo NELO_JWT_KEY_ENCRYPTION_KEY="$LOGIN_FLOOD_KEK" "$@"
  local base="http://127.0.0.1:$NELO_PORT/api/v1/auth"
  curl -sS -o /dev/null -X POST "$base/register" -H 'Content-Type: application/json' \
    -d '{"email":"flood@nelo.test","password":"benchmark password","name":"Flood"}' ||
    nelo_die "could not register the benchmark user"
  LOGIN_FLOOD_TOKEN="$(curl -fsS -X POST "$base/login" -H 'Content-Type: application/json' \
    -d '{"email":"flood@nelo.test","password":"benchmark password"}' | sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')"
  [ -n "$LOGIN_FLOOD_TOKEN" ] || nelo_die "no access token"
  local me="http://127.0.0.1:$NELO_PORT/api/v1/users/me" ok=""
  for _ in $(seq 1 50); do  # the profile arrives through the event bus
    curl -fsS -o /dev/null -H "Authorization: Bearer $LOGIN_FLOOD_TOKEN" "$me" 2>/dev/null && { ok=1; break; }
    sleep 0.1
  done
  [ -n "$ok" ] || nelo_die "GET /users/me never answered 200"
}

suite_run() {
  bench_build nelo
  bench_start_pg
  LOGIN_FLOOD_KEK="$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')"
  login_flood_script hashing "benchmark password"
  login_flood_script guessing "not the password"

  # Phases 1 and 2: limits raised so that every login of the flood reaches Argon2.
  login_flood_serve NELO_AUTH_MAX_FAILURES_PER_ACCOUNT=1000 NELO_AUTH_MAX_FAILURES_PER_ADDRESS=100000
  nelo_say "baseline: /users/me with $BENCH_PROBE_CONNECTIONS connections"
  login_flood_probe "users/me alone"
  local base_rps=$WRK_RPS base_p99=$WRK_P99_MS errors=$WRK_ERRORS
  login_flood_during hashing "hashing flood (right password)"
  local hash_rps=$FLOOD_RPS hash_p99=$FLOOD_P99 hash_logins=$LOGIN_OK_RPS hash_total=$LOGIN_TOTAL hash_refused=$LOGIN_REFUSED
  errors=$((errors + FLOOD_ERRORS))

  # Phase 3: default throttle, wrong passwords for one account.
  bench_stop_last
  login_flood_serve
  login_flood_during guessing "guessing flood (wrong password, default throttle)"
  local guess_rps=$FLOOD_RPS guess_p99=$FLOOD_P99 guess_total=$LOGIN_TOTAL guess_refused=$LOGIN_REFUSED
  errors=$((errors + FLOOD_ERRORS))

  local hash_ratio guess_ratio verdict=PASS
  hash_ratio="$(bench_ratio "$hash_p99" "$base_p99")"
  guess_ratio="$(bench_ratio "$guess_p99" "$base_p99")"
  bench_at_least "$BENCH_TARGET_P99_MS" "$hash_p99" || verdict=ABOVE_TARGET
  bench_at_least "$BENCH_TARGET_P99_MS" "$guess_p99" || verdict=ABOVE_TARGET
  [ "$errors" -eq 0 ] || verdict="$verdict(errors=$errors)"
  echo
  printf '%-44s %12s %12s\n' "" "per second" "p99 (ms)"
  printf '%-44s %12s %12s\n' "GET /users/me alone" "$base_rps" "$base_p99"
  printf '%-44s %12s %12s\n' "GET /users/me during the hashing flood" "$hash_rps" "$hash_p99"
  printf '%-44s %12s %12s\n' "GET /users/me during the guessing flood" "$guess_rps" "$guess_p99"
  printf '%-44s %12s %12s\n' "POST /auth/login succeeded (hashing flood)" "$hash_logins" "-"
  printf 'hashing flood: %s logins sent, %s refused (503: hash backlog full)\n' "$hash_total" "$hash_refused"
  printf 'guessing flood: %s guesses sent, %s refused (429: throttled)\n' "$guess_total" "$guess_refused"
  printf 'p99 during the floods: hashing %s ms (x%s), guessing %s ms (x%s); target <= %s ms: %s\n\n' \
    "$hash_p99" "$hash_ratio" "$guess_p99" "$guess_ratio" "$BENCH_TARGET_P99_MS" "$verdict"

  bench_record "probe_connections=$BENCH_PROBE_CONNECTIONS flood_connections=$BENCH_FLOOD_CONNECTIONS" \
    "alone_rps=$base_rps alone_p99_ms=$base_p99 hashing_rps=$hash_rps hashing_p99_ms=$hash_p99" \
    "guessing_rps=$guess_rps guessing_p99_ms=$guess_p99 logins_per_s=$hash_logins" \
    "login_refused=$hash_refused/$hash_total guesses_refused=$guess_refused/$guess_total" \
    "p99_ratio_hashing=$hash_ratio p99_ratio_guessing=$guess_ratio target_p99_ms=$BENCH_TARGET_P99_MS $verdict"
  if [ "$verdict" != PASS ] && [ "${NELO_BENCH_STRICT:-0}" = 1 ]; then return 1; fi
  return 0
}
