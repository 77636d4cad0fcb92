# shellcheck shell=bash
# The fuzz targets' build (tests/fuzz: clang, libFuzzer, ASan, UBSan), apart from the server's
# g++ build. Used by ./scripts/test (which then runs each target briefly under CTest, label
# `fuzz`) and scripts/fuzz (longer runs). Needs common.sh.

NELO_FUZZ_CXX="${NELO_FUZZ_CXX:-clang++-14}"

# nelo_fuzz_build_dir BUILD_DIR: where the fuzz targets of the server build BUILD_DIR live
# (its `fuzz` folder: the CTest tests of BUILD_DIR look there).
nelo_fuzz_build_dir() { echo "$1/fuzz"; }

# nelo_build_fuzz BUILD_DIR [TARGET...]: configures once, then builds incrementally.
nelo_build_fuzz() {
  local dir; dir="$(nelo_fuzz_build_dir "$1")"; shift
  if [ ! -f "$dir/build.ninja" ]; then
    nelo_say "configuring the fuzz targets (clang) in ${dir#"$NELO_ROOT"/}"
    mkdir -p "$dir"
    cmake -S "$NELO_ROOT/tests/fuzz" -B "$dir" -G Ninja -DCMAKE_CXX_COMPILER="$NELO_FUZZ_CXX" \
      >"$dir/configure.log" 2>&1 || {
      cat "$dir/configure.log" >&2
      nelo_die "cmake configure of the fuzz targets failed (log above)"
    }
  fi
  local targets=() t
  for t in "$@"; do targets+=(--target "$t"); done
  nelo_say "building the fuzz targets ${*:-(all)} (-j$NELO_JOBS)"
  local start=$SECONDS
  cmake --build "$dir" -j "$NELO_JOBS" "${targets[@]}" || nelo_die "build of the fuzz targets failed"
  nelo_say "fuzz build done in $((SECONDS - start)) s"
}
