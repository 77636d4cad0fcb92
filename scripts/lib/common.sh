# shellcheck shell=bash
# Shared by scripts/run, scripts/test and bench/run: messages, the repository root, the build.

NELO_ROOT="${NELO_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
NELO_JOBS="${NELO_JOBS:-2}"  # 2 cores on the project's machines: never more by default
# Downloads kept between runs (the docs UI, the Dockerfile linter): fetched once, then offline.
NELO_CACHE_DIR="${NELO_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/nelo}"

nelo_say() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }
nelo_warn() { printf '\033[1;33mwarning:\033[0m %s\n' "$*" >&2; }
nelo_die() { printf '\033[1;31merror:\033[0m %s\n' "$*" >&2; exit 1; }

# Plain output when not on a terminal (CI logs).
if [ ! -t 2 ]; then
  nelo_say() { printf '==> %s\n' "$*" >&2; }
  nelo_warn() { printf 'warning: %s\n' "$*" >&2; }
  nelo_die() { printf 'error: %s\n' "$*" >&2; exit 1; }
fi

# ccache: the precompiled headers are only cacheable with this sloppiness.
export CCACHE_SLOPPINESS="${CCACHE_SLOPPINESS:-pch_defines,time_macros,include_file_mtime,include_file_ctime}"
export CCACHE_MAXSIZE="${CCACHE_MAXSIZE:-5G}"
# Paths under the repository hash as relative ones: another clone (CI's) reuses the cache.
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$NELO_ROOT}"

# nelo_build BUILD_DIR BUILD_TYPE [TARGET...]: configures once (again only when the build type
# changed or the cache is gone), then builds incrementally with Ninja and ccache.
nelo_build() {
  local dir="$1" type="$2"; shift 2
  local cached=""
  if [ -f "$dir/CMakeCache.txt" ]; then
    cached="$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$dir/CMakeCache.txt")"
  fi
  if [ ! -f "$dir/build.ninja" ] || [ "$cached" != "$type" ]; then
    nelo_say "configuring $type build in ${dir#"$NELO_ROOT"/}"
    mkdir -p "$dir"
    cmake -S "$NELO_ROOT" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE="$type" >"$dir/configure.log" 2>&1 || {
      cat "$dir/configure.log" >&2
      nelo_die "cmake configure failed (log above)"
    }
  fi
  local targets=()
  local t
  for t in "$@"; do targets+=(--target "$t"); done
  nelo_say "building ${*:-everything} (-j$NELO_JOBS; incremental after the first time)"
  local start=$SECONDS
  cmake --build "$dir" -j "$NELO_JOBS" "${targets[@]}" || nelo_die "build failed"
  nelo_say "build done in $((SECONDS - start)) s"
}
