# shellcheck shell=bash
# Fetches swagger-ui-dist (the /docs UI) from the npm registry once, pinned and checked, and
# extracts it to third_party/swagger-ui (gitignored). Later runs reuse it without the network.

NELO_SWAGGER_UI_VERSION="5.35.0"
NELO_SWAGGER_UI_INTEGRITY="sha512-U06rpMtW9V3XPGOBeamTUSr0Z09jMX4IJuANpE/EZbAhw0G8CgwrzU4YmXkn/h0wCDNsXdGarTNNHC3sU8yVUQ=="
NELO_SWAGGER_UI_DIR="${NELO_SWAGGER_UI_DIR:-$NELO_ROOT/third_party/swagger-ui}"

# nelo_fetch_swagger_ui: returns 0 when $NELO_SWAGGER_UI_DIR holds the pinned version.
nelo_fetch_swagger_ui() {
  local stamp="$NELO_SWAGGER_UI_DIR/.nelo-version"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$NELO_SWAGGER_UI_VERSION" ] &&
     [ -f "$NELO_SWAGGER_UI_DIR/swagger-ui-bundle.js" ]; then
    return 0
  fi
  command -v npm >/dev/null 2>&1 || { nelo_warn "npm not found: /docs will show a placeholder"; return 1; }
  local tarball="$NELO_CACHE_DIR/swagger-ui-dist-$NELO_SWAGGER_UI_VERSION.tgz"
  mkdir -p "$NELO_CACHE_DIR"
  if [ ! -f "$tarball" ]; then
    nelo_say "fetching swagger-ui-dist@$NELO_SWAGGER_UI_VERSION from the npm registry (once)"
    local tmp; tmp="$(mktemp -d)"
    if ! (cd "$tmp" && npm pack --silent "swagger-ui-dist@$NELO_SWAGGER_UI_VERSION" >/dev/null 2>"$tmp/npm.err"); then
      nelo_warn "npm pack failed: $(tail -n 3 "$tmp/npm.err" 2>/dev/null); /docs will show a placeholder"
      rm -rf "$tmp"
      return 1
    fi
    # Same check as npm's lockfile integrity: sha512 of the tarball, base64.
    local got; got="sha512-$(openssl dgst -sha512 -binary "$tmp"/swagger-ui-dist-*.tgz | base64 -w0)"
    if [ "$got" != "$NELO_SWAGGER_UI_INTEGRITY" ]; then
      nelo_warn "swagger-ui-dist tarball integrity mismatch ($got); not using it"
      rm -rf "$tmp"
      return 1
    fi
    mv "$tmp"/swagger-ui-dist-*.tgz "$tarball"
    rm -rf "$tmp"
  fi
  rm -rf "$NELO_SWAGGER_UI_DIR"
  mkdir -p "$NELO_SWAGGER_UI_DIR"
  # The package's files sit under package/; keep only what a browser loads.
  tar -xzf "$tarball" -C "$NELO_SWAGGER_UI_DIR" --strip-components=1 \
    --wildcards 'package/*.js' 'package/*.css' 'package/*.png' 'package/*.html' 'package/LICENSE' 'package/NOTICE' \
    2>/dev/null || tar -xzf "$tarball" -C "$NELO_SWAGGER_UI_DIR" --strip-components=1
  rm -f "$NELO_SWAGGER_UI_DIR"/*.map
  echo "$NELO_SWAGGER_UI_VERSION" >"$stamp"
  nelo_say "swagger-ui $NELO_SWAGGER_UI_VERSION ready in ${NELO_SWAGGER_UI_DIR#"$NELO_ROOT"/}"
}
