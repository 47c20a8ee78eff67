#!/usr/bin/env bash
# govulncheck over the whole module: fails when code of this repository reaches a known
# vulnerability, in a dependency or in the standard library of the Go that builds it.
#
# The vulnerability database, first that answers:
#   1. $GOVULNDB, when set (a URL, e.g. file:///path/to/db);
#   2. https://vuln.go.dev;
#   3. the same reports built into a local database from the golang.org/x/vulndb module
#      (its data/osv folder), fetched through the Go module proxy like every other tool
#      here, for machines that reach only the proxy. Its version (a date) is printed.
# When none answers, it says "vulnerability database unreachable: skipped" and exits 0. A
# vulnerability found fails the run, whichever database found it.
set -euo pipefail
cd "$(dirname "$0")/.."
CACHE_ROOT="${MARKETPLACE_TOOL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-marketplace/tools}"

govulncheck=$(scripts/install-tools.sh govulncheck | cut -d= -f2)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

vuln_go_dev_answers() {
  command -v curl >/dev/null && curl -fsS --max-time 10 -o /dev/null https://vuln.go.dev/index/db.json 2>/dev/null
}

# module_db: builds (once per version, cached) the database of golang.org/x/vulndb@latest
# and sets db and db_name; fails when the module cannot be had.
module_db() {
  local info version dir indexdb
  info=$(cd "$work" && GOFLAGS=-mod=mod timeout 600 go mod download -json golang.org/x/vulndb@latest 2>/dev/null) || return 1
  version=$(sed -n 's/^[[:space:]]*"Version": "\(.*\)",$/\1/p' <<<"$info")
  dir=$(sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p' <<<"$info")
  [ -n "$version" ] && [ -d "$dir/data/osv" ] || return 1
  local out="$CACHE_ROOT/vulndb-$version"
  if [ ! -f "$out/index/db.json" ]; then
    indexdb=$(scripts/install-tools.sh indexdb | cut -d= -f2)
    echo "vulncheck: indexing golang.org/x/vulndb@$version ($(find "$dir/data/osv" -name '*.json' | wc -l) reports)" >&2
    rm -rf "$out.tmp.$$"
    "$indexdb" -vulns "$dir/data/osv" -out "$out.tmp.$$"
    rm -rf "$out" && mv "$out.tmp.$$" "$out"
  fi
  db="file://$out"
  db_name="golang.org/x/vulndb@$version (through the Go module proxy)"
}

if [ -n "${GOVULNDB:-}" ]; then
  db=$GOVULNDB db_name=$GOVULNDB
elif vuln_go_dev_answers; then
  db=https://vuln.go.dev db_name=https://vuln.go.dev
elif ! module_db; then
  echo "vulncheck: neither https://vuln.go.dev nor golang.org/x/vulndb through the Go module proxy answers"
  echo "vulnerability database unreachable: skipped"
  exit 0
fi

echo "=== $("$govulncheck" -version 2>/dev/null | sed -n 's/^Scanner: //p') ./... against $db_name, with $(go version | cut -d' ' -f3)"
rc=0
"$govulncheck" -db "$db" ./... || rc=$?
case $rc in
  0) echo "vulncheck: no known vulnerability is reachable from this module's code" ;;
  3) echo "vulncheck: vulnerabilities reachable from this module's code (above). Update what each names under \"Fixed in\":" \
    "a module (go get MODULE@VERSION && go mod tidy) or the Go toolchain (the go.mod toolchain line, or the Go that builds)." >&2 ;;
  *) echo "vulncheck: govulncheck failed (exit $rc)" >&2 ;;
esac
exit "$rc"
