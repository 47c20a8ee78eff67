#!/usr/bin/env bash
# Fails when a test skipped on every CLI whose results are in DIR and passed on none: such
# a test has tested nothing. DIR holds NAME.skip and NAME.pass (one test name a line) for
# each CLI, as scripts/testacc.sh writes them.
# Usage: scripts/skip-check.sh DIR | --self-test
set -euo pipefail

if [ "${1:-}" = --self-test ]; then
  # Proof that the check fails a test skipped everywhere and passes one run somewhere.
  t=$(mktemp -d)
  trap 'rm -rf "$t"' EXIT
  printf 'TestAccA\nTestAccB\n' >"$t/old.skip"; printf 'TestAccC\n' >"$t/old.pass"
  printf 'TestAccA\n' >"$t/new.skip"; printf 'TestAccB\nTestAccC\n' >"$t/new.pass"
  out=$("$0" "$t" 2>&1) && { echo "skip-check self-test: TestAccA skipped everywhere and was not refused" >&2; exit 1; }
  grep -q '^  TestAccA$' <<<"$out" && ! grep -q 'TestAccB' <<<"$out" ||
    { echo "skip-check self-test: wrong tests named: $out" >&2; exit 1; }
  : >"$t/new.skip"; printf 'TestAccA\nTestAccB\nTestAccC\n' >"$t/new.pass"
  "$0" "$t" >/dev/null || { echo "skip-check self-test: refused a test that ran" >&2; exit 1; }
  echo "skip-check self-test: ok"
  exit 0
fi
dir=${1:?usage: $0 DIR}
clis=()
for f in "$dir"/*.pass; do
  [ -e "$f" ] || continue
  name=$(basename "$f" .pass)
  clis+=("$name")
done
[ "${#clis[@]}" -gt 0 ] || { echo "skip-check: no results in $dir" >&2; exit 1; }

nowhere=()
while read -r count t; do
  [ "$count" = "${#clis[@]}" ] || continue
  passed=0
  for name in "${clis[@]}"; do grep -qxF "$t" "$dir/$name.pass" && passed=1; done
  [ "$passed" = 1 ] || nowhere+=("$t")
done < <(for name in "${clis[@]}"; do cat "$dir/$name.skip"; done | sort | uniq -c)

if [ "${#nowhere[@]}" -gt 0 ]; then
  echo "FAIL: these tests skipped on every CLI (${clis[*]}) and so tested nothing:" >&2
  printf '  %s\n' "${nowhere[@]}" >&2
  exit 1
fi
echo "=== skip check: every test ran on at least one of ${clis[*]}"
