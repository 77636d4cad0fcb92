# shellcheck shell=bash
# The Dockerfile linter the deploy image test runs (tests/architecture/deploy_image_test.sh):
# dockerfile-utils, the validator behind editors' Dockerfile support (unknown instructions and
# flags, relative WORKDIR, repeated CMD, deprecated forms, ...). Installed once from the npm
# registry with `npm ci`, every package pinned and checked by scripts/lib/dockerfile-lint's
# lockfile, into the cache folder; later runs reuse it without the network. Debian 12 packages
# no Dockerfile linter (hadolint is not in it); the test adds hadolint-style rules of its own.
NELO_DOCKERFILE_LINT_SPEC="$NELO_ROOT/scripts/lib/dockerfile-lint"

# nelo_dockerfile_lint_dir: where the pinned linter lives (named after its lockfile's content).
nelo_dockerfile_lint_dir() {
  echo "$NELO_CACHE_DIR/dockerfile-lint-$(sha256sum <"$NELO_DOCKERFILE_LINT_SPEC/package-lock.json" | cut -c1-12)"
}

# nelo_dockerfile_lint_bin: prints the linter's path and returns 0 when it is installed.
nelo_dockerfile_lint_bin() {
  local bin; bin="$(nelo_dockerfile_lint_dir)/node_modules/.bin/dockerfile-utils"
  [ -x "$bin" ] && echo "$bin"
}

# nelo_fetch_dockerfile_lint: installs the linter unless it is there; returns 0 when it is.
nelo_fetch_dockerfile_lint() {
  nelo_dockerfile_lint_bin >/dev/null && return 0
  command -v npm >/dev/null 2>&1 || { nelo_warn "npm not found: the Dockerfile lint test will be skipped"; return 1; }
  local dir tmp; dir="$(nelo_dockerfile_lint_dir)"
  mkdir -p "$NELO_CACHE_DIR"
  tmp="$(mktemp -d "$NELO_CACHE_DIR/dockerfile-lint.XXXXXX")"
  cp "$NELO_DOCKERFILE_LINT_SPEC/package.json" "$NELO_DOCKERFILE_LINT_SPEC/package-lock.json" "$tmp/"
  nelo_say "installing the Dockerfile linter (dockerfile-utils, pinned) from the npm registry (once)"
  if ! (cd "$tmp" && npm ci --ignore-scripts --no-audit --no-fund --silent >"$tmp/npm.log" 2>&1); then
    nelo_warn "npm ci failed: $(tail -n 3 "$tmp/npm.log" 2>/dev/null); the Dockerfile lint test will be skipped"
    rm -rf "$tmp"
    return 1
  fi
  rm -rf "$dir"
  mv "$tmp" "$dir"
  nelo_dockerfile_lint_bin >/dev/null
}
