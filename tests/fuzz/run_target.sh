#!/usr/bin/env bash
# run_target.sh BINARY SEEDS SECONDS [libFuzzer options...]
# Runs one fuzz target: first every seed of SEEDS (tests/fuzz/corpus/<name>: the regression
# seeds are replayed each time), then new inputs for SECONDS seconds. Fails on a crash, a leak,
# a sanitizer report, an input slower than 10 s, or a property of the target that does not hold;
# the input that did it is kept in the artifacts folder and shown, with how to replay it.
# CTest runs it for each target (label `fuzz`, a few seconds); scripts/fuzz for longer.
#   NELO_FUZZ_SECONDS  overrides SECONDS (0: replay the seeds only)
#   NELO_FUZZ_WORK     the folder new inputs are written to (default: a temporary one, removed)
#   NELO_FUZZ_ARTIFACTS  where failing inputs are kept (default: <BINARY's folder>/artifacts)
set -uo pipefail

binary="${1:?binary}" seeds="${2:?seeds folder}" seconds="${NELO_FUZZ_SECONDS:-${3:?seconds}}"
shift 3
name="$(basename "$binary")"
if [ ! -x "$binary" ]; then
  echo "FAIL: $binary is not built: ./scripts/test builds the fuzz targets (or: scripts/fuzz --build)"
  exit 1
fi
[ -d "$seeds" ] || { echo "FAIL: no seed corpus $seeds"; exit 1; }

artifacts="${NELO_FUZZ_ARTIFACTS:-$(dirname "$binary")/artifacts}"
mkdir -p "$artifacts"
work="${NELO_FUZZ_WORK:-}"
if [ -z "$work" ]; then
  work="$(mktemp -d "${TMPDIR:-/tmp}/nelo-fuzz-$name.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
fi
mkdir -p "$work"

symbolizer="$(command -v llvm-symbolizer-14 || command -v llvm-symbolizer || true)"
[ -z "$symbolizer" ] || export ASAN_SYMBOLIZER_PATH="$symbolizer"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:detect_stack_use_after_return=1:strict_string_checks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

# libFuzzer reads -max_total_time=0 as "no limit".
if [ "$seconds" -eq 0 ]; then length=(-runs=0); else length=(-max_total_time="$seconds"); fi
started="$(mktemp "${TMPDIR:-/tmp}/nelo-fuzz-start.XXXXXX")"  # artifacts newer than this are this run's
log="$work.log"
# New inputs go to $work (first folder); seeds are read from both and never written to.
"$binary" "${length[@]}" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="$artifacts/$name-" "$@" "$work" "$seeds" >"$log" 2>&1
status=$?
stats="$(grep -aE '^stat::number_of_executed_units|^stat::new_units_added' "$log" | sed 's/^stat:://; s/:[[:space:]]*/ /' | paste -sd ' ' -)"
seed_count="$(find "$seeds" -type f | wc -l)"
if [ "$status" -eq 0 ]; then
  rm -f "$log" "$started"
  echo "ok: $name: $seed_count seeds replayed, then ${seconds}s of fuzzing: $stats"
  exit 0
fi
# The report, without libFuzzer's progress lines.
grep -avE '^#[0-9]+[[:space:]]+(NEW|REDUCE|pulse|INITED)|^INFO:|NEW_FUNC' "$log" | tail -n 80
rm -f "$log"
echo
echo "FAIL: $name exited $status (crash, leak, sanitizer report, timeout or a property that does not hold)"
find "$artifacts" -maxdepth 1 -name "$name-*" -type f -newer "$started" -printf '%T@ %p\n' 2>/dev/null | sort -n |
  tail -n 1 | cut -d' ' -f2- | while IFS= read -r input; do
  echo "the input: $input ($(stat -c %s "$input") bytes):"
  head -c 512 "$input" | od -An -c | head -n 12
  echo "replay it: $binary $input"
  echo "once fixed, keep it as a regression seed: cp $input $seeds/<what-it-found>"
done
rm -f "$started"
exit 1
