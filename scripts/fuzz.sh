#!/usr/bin/env bash
# Runs every fuzz target of the repository (every `func FuzzXxx(f *testing.F)` in a
# _test.go file) for FUZZTIME each, package by package. Found, not listed: a new target
# runs without anyone remembering to add it here.
# Usage: scripts/fuzz.sh [FUZZTIME]   (default 30s)
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime="${1:-30s}"

targets=$(git ls-files '*_test.go' | xargs grep -H -o '^func Fuzz[A-Za-z0-9_]*(f \*testing\.F)' | sed 's/(f \*testing\.F)$//; s/:func / /')
[ -n "$targets" ] || { echo "fuzz: no fuzz targets found" >&2; exit 1; }
count=0
while read -r file name; do
  pkg="./$(dirname "$file")"
  echo "=== fuzz $name in $pkg for $fuzztime"
  go test -run '^$' -fuzz "^${name}\$" -fuzztime "$fuzztime" "$pkg"
  count=$((count + 1))
done <<<"$targets"
echo "fuzz: $count targets, each for $fuzztime"
