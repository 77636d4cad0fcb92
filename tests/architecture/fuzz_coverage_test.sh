#!/usr/bin/env bash
# Every module's request readers are fuzzed (docs/testing.md): for each module with an api/v1
# layer, tests/fuzz/<module>_bodies_fuzz.cpp exists and calls every parse_* function its
# api/v1 headers declare, so that a new module, or a new body or query reader, cannot go
# unfuzzed. CTest runs it under the `architecture` label.
#   fuzz_coverage_test.sh check ROOT
#   fuzz_coverage_test.sh self-check ROOT   offends a copy one way at a time, expects failures
set -uo pipefail

run_check() {
  local root="$1" findings=() module_dir module target fn headers
  local modules=0
  for module_dir in "$root"/src/modules/*/api/v1; do
    [ -d "$module_dir" ] || continue
    module="$(basename "$(dirname "$(dirname "$module_dir")")")"
    modules=$((modules + 1))
    target="tests/fuzz/${module}_bodies_fuzz.cpp"
    if [ ! -f "$root/$target" ]; then
      findings+=("module $module has an api/v1 layer but no $target: copy another module's and call its parse_* readers")
      continue
    fi
    mapfile -t headers < <(find "$module_dir" -name '*.hpp' | sort)
    [ ${#headers[@]} -gt 0 ] || continue
    while IFS= read -r fn; do
      grep -qE "\\b${fn}\\s*\\(" "$root/$target" ||
        findings+=("$target does not call $fn (declared in src/modules/$module/api/v1/)")
    done < <(sed 's|//.*||' "${headers[@]}" | grep -ohE '\bparse_[a-z0-9_]+\s*\(' | sed -E 's/\s*\($//' | sort -u)
  done
  [ "$modules" -gt 0 ] || findings+=("no src/modules/*/api/v1 under $root")
  if [ ${#findings[@]} -gt 0 ]; then
    printf 'FAIL: %s\n' "${findings[@]}"
    return 1
  fi
  echo "ok: the request readers of $modules modules are fuzzed"
}

run_self_check() {
  local root="$1" self work failures=0 cases=0 out
  self="$(realpath "${BASH_SOURCE[0]}")"
  work="$(mktemp -d "${TMPDIR:-/tmp}/fuzz-coverage-selfcheck.XXXXXX")"
  trap 'rm -rf "$work"' RETURN
  # A copy of what the check reads: the api/v1 headers and the fuzz targets.
  local f
  while IFS= read -r f; do
    mkdir -p "$work/template/$(dirname "$f")" && cp "$root/$f" "$work/template/$f"
  done < <(cd "$root" && find src/modules -path '*/api/v1/*.hpp'; cd "$root" && find tests/fuzz -maxdepth 1 -name '*_fuzz.cpp')
  expect() {  # expect NAME PATTERN COMMAND...: the check passes when PATTERN is empty, else fails with it
    local name="$1" pattern="$2"; shift 2
    cases=$((cases + 1))
    rm -rf "$work/copy"; cp -r "$work/template" "$work/copy"
    (cd "$work/copy" && "$@") || { echo "SELF-CHECK BROKEN: $name"; failures=$((failures + 1)); return; }
    if out="$(bash "$self" check "$work/copy" 2>&1)"; then
      if [ -z "$pattern" ]; then echo "ok: $name"; else echo "SELF-CHECK FAILED: $name: the check passed"; failures=$((failures + 1)); fi
    elif [ -n "$pattern" ] && grep -qE -- "$pattern" <<<"$out"; then
      echo "ok: $name"
    else
      printf 'SELF-CHECK FAILED: %s:\n%s\n' "$name" "$out"; failures=$((failures + 1))
    fi
  }
  expect "the unchanged copy passes" "" true
  expect "a module without a body fuzz target" "module orders has an api/v1 layer but no tests/fuzz/orders_bodies_fuzz.cpp" \
    rm tests/fuzz/orders_bodies_fuzz.cpp
  expect "a reader the target does not call" "users_bodies_fuzz.cpp does not call parse_new_address" \
    sed -i 's/parse_new_address(\*body)/parse_address_patch(*body)/' tests/fuzz/users_bodies_fuzz.cpp
  expect "a new reader in a new header" "catalog_bodies_fuzz.cpp does not call parse_rating" \
    bash -c 'printf "int parse_rating(int body);\n" > src/modules/catalog/api/v1/rating_schemas.hpp'
  expect "a new module" "module ratings has an api/v1 layer but no" mkdir -p src/modules/ratings/api/v1
  if [ "$failures" -gt 0 ]; then echo "self-check: $failures of $cases cases FAILED"; return 1; fi
  echo "self-check: all $cases cases behave"
}

case "${1:-}" in
  check) run_check "${2:?root}" ;;
  self-check) run_self_check "${2:?root}" ;;
  *) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
