#!/usr/bin/env bash
# The deploy image builds from the project's one package list (no Docker engine runs here, so
# the checks read the files; CTest runs them under the `architecture` label):
#   deploy_image_test.sh check ROOT [NELO_BINARY]  every find_package / pkg_check_modules of the
#       CMake build has its Debian package in scripts/lib/debian-packages.txt (the image's build
#       stage installs it); deploy/Dockerfile installs from that file, never a copy, and keeps
#       hadolint's rules (written here: Debian 12 packages no hadolint); given the built server,
#       every shared library it loads comes with the final stage's packages.
#   deploy_image_test.sh lint ROOT                 dockerfile-utils (scripts/lib/dockerfile_lint.sh)
#       on deploy/Dockerfile; exit 77 (skipped) when it is not installed.
#   deploy_image_test.sh self-check ROOT [NELO_BINARY]  feeds `check` one offender at a time
#       (a missing package, a copied list, `latest`, root, ...) and expects each to fail.
set -uo pipefail

# find_package(<name>) -> the Debian packages that provide it. A name missing here fails the
# check: add it, and its package to the list. (Boost is read apart: find_package(Boost 1.81
# COMPONENTS json) needs libboost1.81-dev and libboost-json1.81-dev.)
declare -A kFindPackage=(
  [spdlog]=libspdlog-dev
  [CLI11]=libcli11-dev
  [Threads]=g++          # glibc's pthreads come with the compiler
  [PkgConfig]=pkg-config
  [OpenSSL]=libssl-dev
  [GTest]="libgtest-dev libgmock-dev"
  [benchmark]=libbenchmark-dev
  [GeographicLib]=libgeographiclib-dev
)
# pkg_check_modules(<prefix> <module>) -> the Debian package that ships <module>.pc.
declare -A kPkgConfig=(
  [libpq]=libpq-dev
  [libsodium]=libsodium-dev
  [libjwt]=libjwt-dev
  [geographiclib]=libgeographiclib-dev
  [libtcmalloc_minimal]=libgoogle-perftools-dev
  [libtcmalloc]=libgoogle-perftools-dev
  [hiredis]=libhiredis-dev
)
LIST_REL=scripts/lib/debian-packages.txt
DOCKERFILE_REL=deploy/Dockerfile

FINDINGS=()
finding() { FINDINGS+=("$*"); }

# --- the list -------------------------------------------------------------------------------

# list_groups ROOT: the [group] names of the list, in order.
list_groups() { sed -n 's/#.*//; s/^[[:space:]]*\[\([a-z0-9-]*\)\][[:space:]]*$/\1/p' "$1/$LIST_REL"; }

# list_packages ROOT GROUP...: through deps.sh, as the scripts and the Dockerfile read it.
list_packages() {
  local root="$1"; shift
  # shellcheck source=/dev/null
  (source "$root/scripts/lib/deps.sh" && nelo_debian_packages "$@")
}

check_list() {
  local root="$1" groups dupes
  [ -f "$root/$LIST_REL" ] || { finding "$LIST_REL is missing"; return; }
  mapfile -t groups < <(list_groups "$root")
  [ ${#groups[@]} -gt 0 ] || { finding "$LIST_REL has no [group]"; return; }
  local all; all="$(list_packages "$root" "${groups[@]}" 2>&1)" || { finding "$LIST_REL does not read: $all"; return; }
  dupes="$(sort <<<"$all" | uniq -d | tr '\n' ' ')"
  [ -z "$dupes" ] || finding "$LIST_REL lists packages twice: $dupes"
  printf '%s\n' "${groups[@]}" | grep -qx runtime || finding "$LIST_REL has no [runtime] group (the image's final stage installs it)"
}

# --- the CMake build's requirements -----------------------------------------------------------

cmake_files() {
  find "$1" \( -path "$1/build*" -o -path "$1/third_party" -o -path "$1/.git" -o -path "$1/.data" \) -prune \
    -o \( -name CMakeLists.txt -o -name '*.cmake' \) -type f -print | sort
}

# cmake_calls FILE...: "file<TAB>command<TAB>arguments" for each find_package and
# pkg_check_modules call, comments dropped, arguments on one line.
cmake_calls() {
  awk '{ sub(/#.*/, ""); text[FILENAME] = text[FILENAME] " " $0 }
    END { for (f in text) { s = text[f]
      while (match(s, /(find_package|pkg_check_modules)[ \t]*\([^)]*\)/)) {
        call = substr(s, RSTART, RLENGTH); before = substr(s, RSTART - 1, 1); s = substr(s, RSTART + RLENGTH)
        if (before ~ /[A-Za-z0-9_]/) continue
        command = call; sub(/[ \t]*\(.*/, "", command)
        sub(/^[^(]*\([ \t]*/, "", call); sub(/[ \t]*\)$/, "", call); gsub(/[ \t]+/, " ", call)
        print f "\t" command "\t" call } } }' "$@"
}

# requirement_packages ROOT: one "package<TAB>what requires it<TAB>file" line per requirement of
# the CMake files ("FINDING<TAB>message" for one it cannot map: it runs in a subshell).
requirement_packages() {
  local root="$1" file rel command call words name version word component module pkg files=()
  mapfile -t files < <(cmake_files "$root")
  [ ${#files[@]} -gt 0 ] || return 0
  while IFS=$'\t' read -r file command call; do
    rel="${file#"$root"/}"
    read -ra words <<<"$call"
    if [ "$command" = pkg_check_modules ]; then
      for word in "${words[@]:1}"; do
        case "$word" in REQUIRED|QUIET|IMPORTED_TARGET|GLOBAL|NO_CMAKE_PATH|NO_CMAKE_ENVIRONMENT_PATH) continue ;; esac
        module="${word%%[<>=]*}"
        if [ -z "${kPkgConfig[$module]+x}" ]; then
          printf 'FINDING\t%s\n' "$rel: pkg_check_modules(... $module): no Debian package known; add it to kPkgConfig in this test and the package to $LIST_REL"
          continue
        fi
        printf '%s\tpkg_check_modules(%s) in %s\t%s\n' "${kPkgConfig[$module]}" "$module" "$rel" "$rel"
      done
      continue
    fi
    name="${words[0]}"
    if [ "$name" = Boost ]; then
      version="${words[1]:-}"
      [[ "$version" =~ ^[0-9]+\.[0-9]+ ]] ||
        { printf 'FINDING\t%s\n' "$rel: find_package(Boost) without a version: pin it (the list names libboost<version>-dev)"; continue; }
      version="${BASH_REMATCH[0]}"
      printf 'libboost%s-dev\tfind_package(Boost %s) in %s\t%s\n' "$version" "$version" "$rel" "$rel"
      local in_components=0
      for word in "${words[@]:2}"; do
        case "$word" in
          COMPONENTS) in_components=1 ;;
          REQUIRED) ;;
          OPTIONAL_COMPONENTS|CONFIG|NO_MODULE|QUIET|EXACT) in_components=0 ;;
          *) if [ "$in_components" = 1 ]; then
               component="${word//_/-}"
               printf 'libboost-%s%s-dev\tfind_package(Boost COMPONENTS %s) in %s\t%s\n' "$component" "$version" "$word" "$rel" "$rel"
             fi ;;
        esac
      done
      continue
    fi
    if [ -z "${kFindPackage[$name]+x}" ]; then
      printf 'FINDING\t%s\n' "$rel: find_package($name): no Debian package known; add it to kFindPackage in this test and the package to $LIST_REL"
      continue
    fi
    for pkg in ${kFindPackage[$name]}; do printf '%s\tfind_package(%s) in %s\t%s\n' "$pkg" "$name" "$rel" "$rel"; done
  done < <(cmake_calls "${files[@]}")
}

# The groups the Dockerfile's stage N (0-based) hands to nelo_debian_packages.
stage_groups() { awk -v n="$2" '$1 == "@stage" { s = $2 } s == n && /nelo_debian_packages/ {
    sub(/.*nelo_debian_packages[ \t]+/, ""); sub(/[>&;|)].*/, ""); print }' <<<"$DOCKER_INSTRUCTIONS" | tr ' ' '\n' | sed '/^$/d'; }

check_requirements() {
  local root="$1" pkg what rel build_groups=() count=0
  local -A listed=() built=()
  local groups=(); mapfile -t groups < <(list_groups "$root")
  for pkg in $(list_packages "$root" "${groups[@]}" 2>/dev/null); do listed[$pkg]=1; done
  mapfile -t build_groups < <(stage_groups "$root" "$BUILD_STAGE")
  if [ ${#build_groups[@]} -gt 0 ]; then
    for pkg in $(list_packages "$root" "${build_groups[@]}" 2>/dev/null); do built[$pkg]=1; done
  fi
  while IFS=$'\t' read -r pkg what rel; do
    count=$((count + 1))
    if [ "$pkg" = FINDING ]; then
      finding "$what"
    elif [ -z "${listed[$pkg]+x}" ]; then
      finding "$what needs $pkg, which $LIST_REL does not list"
    elif [[ "$rel" != tests/* && "$rel" != bench/* ]] && [ -z "${built[$pkg]+x}" ]; then
      finding "$what needs $pkg, which the image's build stage does not install (its groups: ${build_groups[*]:-none})"
    fi
  done < <(requirement_packages "$root")
  [ "$count" -gt 0 ] || finding "found no find_package or pkg_check_modules in the CMake files under $root"
}

# --- the Dockerfile -----------------------------------------------------------------------------

# parse_dockerfile FILE: one instruction a line ("<line> <KEYWORD> <arguments>", continuation
# lines joined, comments dropped) and "@stage N" before each FROM's instructions.
parse_dockerfile() {
  awk '
    function flush() { if (text != "") { print start " " text }; text = "" }
    /^[ \t]*#/ && text == "" { next }
    /^[ \t]*$/ && text == "" { next }
    {
      line = $0
      if (text == "") { start = NR; sub(/^[ \t]+/, "", line)
        split(line, w, /[ \t]+/); kw = toupper(w[1])
        if (kw == "FROM") print "@stage " stage++ }
      else if (line ~ /^[ \t]*#/) next
      cont = sub(/\\[ \t]*$/, "", line)
      text = text (text == "" ? "" : " ") line
      if (!cont) flush()
    }
    END { flush() }' "$1"
}

check_dockerfile() {
  local root="$1" file="$1/$DOCKERFILE_REL"
  [ -f "$file" ] || { finding "$DOCKERFILE_REL is missing"; return; }
  local stage=-1 last_stage line kw args names=() user="" healthcheck=0 pipefail=0 stage_installs=0 stage_copies_list=0
  last_stage="$(grep -c '^@stage' <<<"$DOCKER_INSTRUCTIONS")"; last_stage=$((last_stage - 1))
  [ "$last_stage" -ge 0 ] || { finding "$DOCKERFILE_REL has no FROM"; return; }
  end_stage() {
    [ "$stage" -ge 0 ] || return 0
    if [ "$stage_installs" = 1 ] && [ "$stage_copies_list" = 0 ]; then
      finding "$DOCKERFILE_REL stage $stage installs packages without COPY of $LIST_REL: install from the list, not a copy of it"
    fi
  }
  while read -r line kw args; do
    if [ "$line" = "@stage" ]; then end_stage; stage="$kw"; pipefail=0; stage_installs=0; stage_copies_list=0; user=""; healthcheck=0; continue; fi
    local where="$DOCKERFILE_REL:$line"
    kw="${kw^^}"
    case "$kw" in
      FROM)
        local image="${args%% *}" rest=" ${args#* } "
        [[ "$image" == --platform=* ]] && { image="${rest# }"; image="${image%% *}"; }
        if [ ${#names[@]} -gt 0 ] && printf '%s\n' "${names[@]}" | grep -qxF "$image"; then :  # an earlier stage
        elif [[ "$image" != *:* && "$image" != *@sha256:* ]]; then finding "$where: FROM $image has no tag: pin the base image (hadolint DL3006)"
        elif [[ "$image" == *:latest ]]; then finding "$where: FROM $image: never \`latest\` (DL3007)"
        elif [[ "$image" == debian:* && ! "${image#debian:}" =~ ^(12|bookworm)([.-]|$) ]]; then
          finding "$where: FROM $image: $LIST_REL is for Debian 12 (bookworm), as the scripts are"
        fi
        [[ " $rest " =~ \ [Aa][Ss]\ ([A-Za-z0-9_.-]+) ]] && names+=("${BASH_REMATCH[1]}") ;;
      RUN)
        [[ "$args" =~ apt(-get)?\ +(upgrade|dist-upgrade|full-upgrade) ]] && finding "$where: apt-get ${BASH_REMATCH[2]} in an image: take the base image's updates instead (DL3005)"
        [[ "$args" =~ (^|[^a-z])sudo\  ]] && finding "$where: sudo in a RUN (DL3004)"
        [[ "$args" =~ (^|[;&|][[:space:]]*)cd\  ]] && finding "$where: cd in a RUN: use WORKDIR (DL3003)"
        if [[ "$args" =~ [^|]\|[^|] ]] && [ "$pipefail" = 0 ]; then
          finding "$where: a pipe in a RUN without SHELL [..., \"-o\", \"pipefail\", ...] in its stage (DL4006)"
        fi
        if [[ "$args" =~ apt-get\ +(update|install) ]]; then
          [[ "$args" == *"rm -rf /var/lib/apt/lists/"* ]] || finding "$where: apt-get without rm -rf /var/lib/apt/lists/* in the same RUN (DL3009)"
          [[ "$args" =~ apt-get\ +update ]] && ! [[ "$args" =~ apt-get\ +install ]] && finding "$where: apt-get update alone in a RUN: its lists go stale in the layer cache"
        fi
        if [[ "$args" =~ apt-get\ +install ]]; then
          stage_installs=1
          local install="${args#*apt-get install}" token literal=()
          install="${install%%&&*}"; install="${install%%;*}"; install="${install%%|*}"
          [[ " $install " =~ \ (-y|--yes|--assume-yes|-qy|-yq)\  ]] || finding "$where: apt-get install without -y (DL3014)"
          [[ "$install" == *--no-install-recommends* ]] || finding "$where: apt-get install without --no-install-recommends (DL3015)"
          for token in $install; do
            case "$token" in -*|\\) ;; *) literal+=("$token") ;; esac
          done
          [ ${#literal[@]} -eq 0 ] ||
            finding "$where: apt-get install names packages itself (${literal[*]}): install from $LIST_REL through nelo_debian_packages"
          [[ "$args" == *nelo_debian_packages* ]] || finding "$where: apt-get install without nelo_debian_packages: install from $LIST_REL"
        fi ;;
      SHELL) [[ "$args" == *'"-o", "pipefail"'* || "$args" == *'"-o","pipefail"'* ]] && pipefail=1 ;;
      COPY)
        [[ " $args " == *" $LIST_REL "* ]] && stage_copies_list=1
        if [[ "$args" =~ --from=([A-Za-z0-9_.-]+) ]] && ! printf '%s\n' "${names[@]}" | grep -qxF "${BASH_REMATCH[1]}"; then
          finding "$where: COPY --from=${BASH_REMATCH[1]}: no earlier stage has that name (DL3022)"
        fi ;;
      ADD) finding "$where: ADD: use COPY (DL3020)" ;;
      MAINTAINER) finding "$where: MAINTAINER is deprecated: use a LABEL (DL4000)" ;;
      WORKDIR) [[ "$args" == /* || "$args" == \$* ]] || finding "$where: WORKDIR $args is not absolute (DL3000)" ;;
      USER) user="${args%%:*}" ;;
      HEALTHCHECK) healthcheck=1 ;;
      CMD|ENTRYPOINT) [[ "$args" == \[* ]] || finding "$where: $kw in shell form: use the JSON form so signals reach the server (DL3025)" ;;
    esac
  done <<<"$DOCKER_INSTRUCTIONS"
  end_stage
  # The final stage (stage = last_stage here).
  if [ -z "$user" ]; then finding "$DOCKERFILE_REL: the final stage has no USER: the server would run as root (DL3002)"
  elif [ "$user" = root ] || [ "$user" = 0 ]; then finding "$DOCKERFILE_REL: the final stage's USER is $user (DL3002)"; fi
  if [ "$healthcheck" = 0 ] && ! grep -q '^# *no HEALTHCHECK:' "$file"; then
    finding "$DOCKERFILE_REL: the final stage has no HEALTHCHECK (or a '# no HEALTHCHECK: <why>' comment)"
  fi
  stage_groups "$root" "$last_stage" | grep -qx runtime ||
    finding "$DOCKERFILE_REL: the final stage does not install the [runtime] group of $LIST_REL"
  # The build commands still match the project's build.
  local opt
  while IFS= read -r opt; do
    grep -qE "^[[:space:]]*option\\(${opt}[[:space:]]" "$root/CMakeLists.txt" ||
      finding "$DOCKERFILE_REL: -D$opt: CMakeLists.txt has no option($opt ...)"
  done < <(grep -oE -- '-D(NELO_[A-Z0-9_]+)' "$file" | sed 's/^-D//' | sort -u)
  grep -qE 'cmake --build [^ ]+ --target nelo( |$)' "$file" ||
    finding "$DOCKERFILE_REL: does not build the nelo target"
  if [ -f "$root/scripts/lib/swagger_ui.sh" ]; then
    local docs_dir; docs_dir="$(sed -n 's/^NELO_SWAGGER_UI_DIR="\${NELO_SWAGGER_UI_DIR:-\$NELO_ROOT\/\(.*\)}"$/\1/p' "$root/scripts/lib/swagger_ui.sh")"
    [ -n "$docs_dir" ] && grep -q "COPY --from=[a-z]* [^ ]*/$docs_dir " "$file" ||
      finding "$DOCKERFILE_REL: does not copy the docs UI from where scripts/lib/swagger_ui.sh puts it (${docs_dir:-?})"
  fi
}

# --- the server's shared libraries --------------------------------------------------------------

# Every library the built server loads must come with the final stage's packages (their
# dependencies included) or the base image's (apt and bash, and so libc and libstdc++).
check_runtime_libraries() {
  local root="$1" binary="$2"
  command -v ldd >/dev/null && command -v dpkg >/dev/null && command -v apt-cache >/dev/null || {
    echo "runtime libraries: skipped (no ldd, dpkg or apt-cache here)"; return; }
  local groups=() final provided lib real candidate pkg path needed=() libs=() candidates=()
  mapfile -t groups < <(stage_groups "$root" "$(( $(grep -c '^@stage' <<<"$DOCKER_INSTRUCTIONS") - 1 ))")
  [ ${#groups[@]} -gt 0 ] || return  # check_dockerfile reported it
  final="$(list_packages "$root" "${groups[@]}" 2>/dev/null)" || return
  # shellcheck disable=SC2086
  provided="$( { printf '%s\n' $final apt bash; apt-cache depends --recurse --important $final apt bash 2>/dev/null |
    sed -n 's/^ *\(Pre\)\{0,1\}Depends: <\{0,1\}\([^ >:]*\).*/\2/p; s/^\([a-z0-9][^ :]*\)$/\1/p'; } | sort -u)"
  mapfile -t libs < <(ldd "$binary" | awk '$2 == "=>" && $3 ~ /^\// { print $3 }')
  [ ${#libs[@]} -gt 0 ] || { finding "ldd $binary listed no shared library"; return; }
  # dpkg records /lib and /usr/lib paths apart (usrmerge): ask for every spelling at once.
  for lib in "${libs[@]}"; do
    real="$(realpath "$lib")"
    candidates+=("$lib" "$real" "${lib#/usr}" "/usr${lib#/usr}" "${real#/usr}" "/usr${real#/usr}")
  done
  local -A owner=()
  while IFS= read -r line; do
    pkg="${line%%:*}"; path="${line#*: }"
    owner[$path]="$pkg"
  done < <(dpkg -S "${candidates[@]}" 2>/dev/null | grep -v '^diversion')
  for lib in "${libs[@]}"; do
    real="$(realpath "$lib")"; pkg=""
    for candidate in "$lib" "$real" "${lib#/usr}" "/usr${lib#/usr}" "${real#/usr}" "/usr${real#/usr}"; do
      [ -n "${owner[$candidate]+x}" ] && { pkg="${owner[$candidate]}"; break; }
    done
    [ -n "$pkg" ] || { finding "$binary loads $lib, which no Debian package installed here ships"; continue; }
    grep -qxF "$pkg" <<<"$provided" || needed+=("$pkg ($lib)")
  done
  [ ${#needed[@]} -eq 0 ] ||
    finding "the server loads libraries the image's final stage does not install: ${needed[*]}; add them to [runtime] in $LIST_REL"
  # And [runtime] lists nothing the server does not load: the list says what the image needs.
  local loaded=" ${owner[*]} " unused=()
  for pkg in $(list_packages "$root" runtime 2>/dev/null); do
    [[ "$loaded" == *" $pkg "* ]] || unused+=("$pkg")
  done
  [ ${#unused[@]} -eq 0 ] ||
    finding "[runtime] in $LIST_REL lists packages the server loads no library from: ${unused[*]}"
}

run_check() {
  ROOT="$1"; local binary="${2:-}"
  DOCKER_INSTRUCTIONS=""
  [ -f "$ROOT/$DOCKERFILE_REL" ] && DOCKER_INSTRUCTIONS="$(parse_dockerfile "$ROOT/$DOCKERFILE_REL")"
  # The build stage is the one that runs CMake.
  BUILD_STAGE="$(awk '$1 == "@stage" { s = $2 } $2 == "RUN" && /cmake --build/ { print s; exit }' <<<"$DOCKER_INSTRUCTIONS")"
  [ -n "$BUILD_STAGE" ] || { finding "$DOCKERFILE_REL: no stage runs cmake --build"; BUILD_STAGE=0; }
  check_list "$ROOT"
  check_requirements "$ROOT"
  check_dockerfile "$ROOT"
  if [ -n "$binary" ] && [ -x "$binary" ]; then check_runtime_libraries "$ROOT" "$binary"
  else echo "runtime libraries: skipped (no server binary given)"; fi
  if [ ${#FINDINGS[@]} -gt 0 ]; then
    printf 'FAIL: %s\n' "${FINDINGS[@]}"
    return 1
  fi
  echo "ok: the CMake build's packages are listed, and $DOCKERFILE_REL installs from $LIST_REL and keeps the rules"
}

run_lint() {
  local root="$1" bin out
  export NELO_ROOT="$root"
  # shellcheck source=/dev/null
  source "$root/scripts/lib/common.sh" && source "$root/scripts/lib/dockerfile_lint.sh" || return 1
  bin="$(nelo_dockerfile_lint_bin)" || { echo "skipped: the Dockerfile linter is not installed (./scripts/test installs it)"; return 77; }
  out="$("$bin" lint "$root/$DOCKERFILE_REL" 2>&1)"; local status=$?
  if [ "$status" -ne 0 ] || [ -n "$out" ]; then
    printf 'FAIL: dockerfile-utils lint %s (exit %s):\n%s\n' "$DOCKERFILE_REL" "$status" "$out"
    return 1
  fi
  echo "ok: dockerfile-utils lint $DOCKERFILE_REL: no problem found"
}

# --- self-check -----------------------------------------------------------------------------------

run_self_check() {
  local root="$1" binary="${2:-}" self; self="$(realpath "${BASH_SOURCE[0]}")"
  local work; work="$(mktemp -d "${TMPDIR:-/tmp}/deploy-image-selfcheck.XXXXXX")"
  trap 'rm -rf "$work"' RETURN
  local failures=0 cases=0
  # A copy of what the check reads (made once), offended one way at a time.
  local template="$work/template"
  mkdir -p "$template/scripts/lib" "$template/deploy"
  (cd "$root" && cmake_files . | sed 's|^\./||' | while IFS= read -r f; do
     mkdir -p "$template/$(dirname "$f")"; cp "$f" "$template/$f"; done)
  cp "$root/scripts/lib/deps.sh" "$root/$LIST_REL" "$root/scripts/lib/swagger_ui.sh" "$root/scripts/lib/common.sh" \
    "$root/scripts/lib/dockerfile_lint.sh" "$template/scripts/lib/"
  cp -r "$root/scripts/lib/dockerfile-lint" "$template/scripts/lib/"
  cp "$root/$DOCKERFILE_REL" "$template/deploy/"
  fresh_copy() {
    local dir="$work/$cases"; rm -rf "$dir"; cp -r "$template" "$dir"
    echo "$dir"
  }
  # expect_failure NAME PATTERN COMMAND...: COMMAND (run in a fresh copy) must make the check fail
  # with a finding matching PATTERN.
  expect_failure() {
    local name="$1" pattern="$2"; shift 2
    cases=$((cases + 1))
    local dir out; dir="$(fresh_copy)"
    (cd "$dir" && "$@") || { echo "SELF-CHECK BROKEN: $name: the offence could not be made"; failures=$((failures + 1)); return; }
    if out="$(bash "$self" check "$dir" "${OFFENDER_BINARY:-}" 2>&1)"; then
      echo "SELF-CHECK FAILED: $name: the check passed"; failures=$((failures + 1))
    elif ! grep -qE -- "$pattern" <<<"$out"; then
      printf 'SELF-CHECK FAILED: %s: failed, but without /%s/:\n%s\n' "$name" "$pattern" "$out"; failures=$((failures + 1))
    else
      echo "ok: $name"
    fi
  }
  in_file() { grep -qE -- "$1" "$2" || { echo "offence target /$1/ not in $2" >&2; return 1; }; }
  edit() { local pattern="$1" file="$2" script="$3"; in_file "$pattern" "$file" && sed -i -E "$script" "$file"; }

  # The unchanged copy passes: the offenders fail for what they changed.
  cases=$((cases + 1))
  local out; if out="$(bash "$self" check "$(fresh_copy)" 2>&1)"; then echo "ok: the unchanged copy passes"
  else printf 'SELF-CHECK FAILED: the unchanged copy fails:\n%s\n' "$out"; failures=$((failures + 1)); fi

  local L="$LIST_REL" D="$DOCKERFILE_REL"
  expect_failure "GeographicLib missing from the list" "geographiclib.*libgeographiclib-dev" \
    edit '^libgeographiclib-dev' "$L" '/^libgeographiclib-dev/d'
  expect_failure "tcmalloc missing from the list" "libtcmalloc_minimal.*libgoogle-perftools-dev" \
    edit '^libgoogle-perftools-dev' "$L" '/^libgoogle-perftools-dev/d'
  expect_failure "a library only the tests group lists" "libssl-dev, which the image's build stage does not install" \
    edit '^libssl-dev' "$L" '/^libssl-dev/d; s/^(libgtest-dev)$/\1\nlibssl-dev/'
  expect_failure "a requirement nobody mapped" "find_package\\(Zmq\\): no Debian package known" \
    edit 'find_package\(OpenSSL' CMakeLists.txt 's/^(find_package\(OpenSSL REQUIRED\))/\1\nfind_package(Zmq REQUIRED)/'
  expect_failure "a new pkg-config module" "pkg_check_modules\\(\\.\\.\\. librabbitmq\\)" \
    edit 'pkg_check_modules\(LIBPQ' CMakeLists.txt 's/^(pkg_check_modules\(LIBPQ .*)$/\1\npkg_check_modules(RABBITMQ REQUIRED librabbitmq)/'
  expect_failure "a new Boost component" "libboost-program-options1.81-dev" \
    edit 'COMPONENTS json url' CMakeLists.txt 's/COMPONENTS json url/COMPONENTS json url program_options/'
  expect_failure "a package listed twice" "lists packages twice: curl" \
    edit '^jq$' "$L" 's/^jq$/jq\ncurl/'
  expect_failure "the Dockerfile names packages itself" "names packages itself \\(g\\+\\+ cmake\\)" \
    edit 'xargs --arg-file=/tmp/nelo-deps/packages apt-get install' "$D" \
      '0,/xargs --arg-file=\/tmp\/nelo-deps\/packages apt-get install -y --no-install-recommends/s//apt-get install -y --no-install-recommends g++ cmake/'
  expect_failure "a stage that does not copy the list" "stage 1 installs packages without COPY of $L" \
    edit '^COPY scripts/lib/deps.sh' "$D" '/^FROM debian:12-slim/,$ { /^COPY scripts\/lib\/deps.sh/d }'
  expect_failure "a group the list does not have" "no group \\[runtim\\]|does not install the \\[runtime\\] group" \
    edit 'nelo_debian_packages runtime' "$D" 's/nelo_debian_packages runtime/nelo_debian_packages runtim/'
  expect_failure "the final stage without [runtime]" "does not install the \\[runtime\\] group" \
    edit 'nelo_debian_packages runtime http-client' "$D" 's/nelo_debian_packages runtime http-client/nelo_debian_packages http-client/'
  expect_failure "FROM latest" "never \`latest\`" edit '^FROM debian:12-slim' "$D" 's/^FROM debian:12-slim/FROM debian:latest/'
  expect_failure "FROM without a tag" "has no tag" edit '^FROM debian:12 ' "$D" 's/^FROM debian:12 /FROM debian /'
  expect_failure "FROM another Debian" "is for Debian 12" edit '^FROM debian:12-slim' "$D" 's/^FROM debian:12-slim/FROM debian:11-slim/'
  expect_failure "apt-get upgrade" "DL3005" edit 'apt-get update' "$D" '0,/apt-get update/s//apt-get update \&\& apt-get upgrade -y/'
  expect_failure "recommends installed" "DL3015" edit '--no-install-recommends' "$D" '0,/ --no-install-recommends/s///'
  expect_failure "apt lists kept in the layer" "DL3009" edit 'rm -rf /var/lib/apt/lists/\* /tmp/nelo-deps' "$D" \
    '0,/rm -rf \/var\/lib\/apt\/lists\/\* \/tmp\/nelo-deps/s//rm -rf \/tmp\/nelo-deps/'
  expect_failure "a relative WORKDIR" "DL3000" edit '^WORKDIR /src' "$D" 's/^WORKDIR \/src/WORKDIR src/'
  expect_failure "no USER" "has no USER" edit '^USER nelo' "$D" '/^USER nelo/d'
  expect_failure "USER root" "USER is root" edit '^USER nelo' "$D" 's/^USER nelo/USER root/'
  expect_failure "no HEALTHCHECK" "no HEALTHCHECK" edit '^HEALTHCHECK' "$D" '/^HEALTHCHECK/,/^  CMD/d'
  expect_failure "CMD in shell form" "DL3025" edit '^CMD \["serve"\]' "$D" 's/^CMD \["serve"\]/CMD serve/'
  expect_failure "ADD" "DL3020" edit '^COPY \. \.' "$D" 's/^COPY \. \./ADD . ./'
  expect_failure "a pipe without pipefail" "DL4006" edit '^SHELL' "$D" '/^SHELL/d; s/^(RUN cmake -S)/RUN nproc | cat\n\1/'
  expect_failure "an option CMake no longer has" "no option\\(NELO_BUILD_TESTZ" \
    edit 'NELO_BUILD_TESTS=OFF' "$D" 's/NELO_BUILD_TESTS=OFF/NELO_BUILD_TESTZ=OFF/'
  expect_failure "COPY --from an unknown stage" "DL3022" edit 'COPY --from=build /src/build/nelo' "$D" \
    's/COPY --from=build \/src\/build\/nelo/COPY --from=builder \/src\/build\/nelo/'
  if [ -n "$binary" ] && [ -x "$binary" ]; then
    OFFENDER_BINARY="$binary" expect_failure "a runtime library missing" "does not install: libgeographiclib23" \
      edit '^libgeographiclib23' "$L" '/^libgeographiclib23/d'
    OFFENDER_BINARY="$binary" expect_failure "a runtime package the server does not load" "loads no library from: libjwt0" \
      edit '^libpq5' "$L" 's/^libpq5$/libpq5\nlibjwt0/'
  else
    echo "runtime library offender: skipped (no server binary given)"
  fi

  # The linter, when installed, refuses what hadolint-style rules above do not read.
  cases=$((cases + 1))
  local lint_dir; lint_dir="$(fresh_copy)"
  sed -i -E 's/^HEALTHCHECK --interval=/HEALTHCHECK --intervall=/' "$lint_dir/$DOCKERFILE_REL"
  out="$(bash "$self" lint "$lint_dir" 2>&1)"
  case "$?" in
    77) echo "lint offender: skipped (the linter is not installed)" ;;
    0) echo "SELF-CHECK FAILED: lint passed a HEALTHCHECK with an unknown flag"; failures=$((failures + 1)) ;;
    *) if grep -q "Unknown flag: intervall" <<<"$out"; then echo "ok: the linter refuses an unknown flag"
       else printf 'SELF-CHECK FAILED: lint failed, but not on the unknown flag:\n%s\n' "$out"; failures=$((failures + 1)); fi ;;
  esac

  if [ "$failures" -gt 0 ]; then echo "self-check: $failures of $cases cases FAILED"; return 1; fi
  echo "self-check: all $cases cases behave"
}

case "${1:-}" in
  check) run_check "${2:?root}" "${3:-}" ;;
  lint) run_lint "${2:?root}" ;;
  self-check) run_self_check "${2:?root}" "${3:-}" ;;
  *) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
