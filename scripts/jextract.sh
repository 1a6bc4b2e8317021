#!/usr/bin/env bash
# jextract.sh — regenerates the FFM bindings of native/include/gla.h (GlaH and the struct classes in
# src/main/java/io/github/gla4j/ffi) with jextract (https://jdk.java.net/jextract/), where it is installed.
# The include list is read from the header itself: every GLA_API function, the structs, every enum value and
# the GLA_VERSION_* / GLA_CPU_* / GLA_DECODE_LINEAR_* / GLA_GATE_PROJ_* macros, so nothing else from stddef.h/stdint.h leaks into the bindings.
# Usage: scripts/jextract.sh            (JEXTRACT=/path/to/jextract to pick a binary)
# Afterwards run BindingsTest: ./mvnw -o test -Dtest=BindingsTest -Dnative.asan.skip=true
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
header="$root/native/include/gla.h"
out="$root/src/main/java"
jextract="${JEXTRACT:-jextract}"

if ! command -v "$jextract" >/dev/null 2>&1; then
    echo "jextract.sh: '$jextract' not found; install jextract and put it on PATH or set JEXTRACT" >&2
    exit 1
fi

# The header without comments, so commented-out names are not picked up.
body="$(sed -e 's://.*$::' "$header" | perl -0pe 's:/\*.*?\*/::gs')"

args=()
while read -r f; do args+=(--include-function "$f"); done < <(
    grep -oE 'GLA_API[[:space:]]+gla_status[[:space:]]+gla_[a-z0-9_]+' <<<"$body" | awk '{print $3}')
for s in gla_dims gla_device_info gla_linear_dims gla_linear_output gla_gate_proj; do args+=(--include-struct "$s"); done
while read -r c; do args+=(--include-constant "$c"); done < <(
    { grep -oE '\bGLA_[A-Z0-9_]+[[:space:]]*=' <<<"$body" | tr -d ' =';
      grep -oE '^#define[[:space:]]+GLA_(VERSION|CPU|DECODE_LINEAR|GATE_PROJ)_[A-Z0-9_]+' <<<"$body" | awk '{print $2}'; } | sort -u)

# Generate aside, then replace: a failing jextract leaves the committed bindings untouched.
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
"$jextract" --target-package io.github.gla4j.ffi --header-class-name GlaH --output "$tmp" "${args[@]}" "$header"
generated=("$tmp"/io/github/gla4j/ffi/*.java)
[[ -e "${generated[0]}" ]] || { echo "jextract.sh: jextract wrote nothing" >&2; exit 1; }
rm -f "$out"/io/github/gla4j/ffi/{GlaH,gla_dims,gla_device_info,gla_linear_dims,gla_linear_output}.java
cp "${generated[@]}" "$out"/io/github/gla4j/ffi/
echo "jextract.sh: regenerated ${#generated[@]} files ($(( ${#args[@]} / 2 )) symbols) into $out/io/github/gla4j/ffi"
