#!/usr/bin/env bash
# Installs the Go-built tools that make targets use (linters, doc generator, release tool),
# cached outside the work tree by version so that re-runs are instant.
#
# Usage: scripts/install-tools.sh TOOL...   with TOOL one of golangci-lint, tfplugindocs, goreleaser, actionlint,
#        govulncheck, indexdb (builds a Go vulnerability database from OSV files: scripts/vulncheck.sh)
# Prints one line per tool: NAME=PATH
set -euo pipefail

GOLANGCI_LINT_VERSION="${GOLANGCI_LINT_VERSION:-v2.15.0}"
TFPLUGINDOCS_VERSION="${TFPLUGINDOCS_VERSION:-v0.25.0}"
GORELEASER_VERSION="${GORELEASER_VERSION:-v2.15.1}"
ACTIONLINT_VERSION="${ACTIONLINT_VERSION:-v1.7.12}"
GOVULNCHECK_VERSION="${GOVULNCHECK_VERSION:-v1.10.0}"
INDEXDB_VERSION="${INDEXDB_VERSION:-v0.0.0-20261105234957-e22db6528018}" # golang.org/x/vulndb has no tags
CACHE_ROOT="${MARKETPLACE_TOOL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-marketplace/tools}"

install() { # name package version
  local name=$1 pkg=$2 version=$3
  local dir="$CACHE_ROOT/$name-$version"
  if [ ! -x "$dir/$name" ]; then
    echo "install-tools: building $name $version from the Go module proxy" >&2
    local tmp="$dir.tmp.$$"
    rm -rf "$tmp" && mkdir -p "$tmp"
    GOFLAGS=-mod=mod GOBIN="$tmp" go install "$pkg@$version"
    rm -rf "$dir" && mv "$tmp" "$dir"
  fi
  echo "$name=$dir/$name"
}

[ $# -gt 0 ] || { echo "usage: $0 golangci-lint|tfplugindocs|goreleaser|actionlint|govulncheck|indexdb ..." >&2; exit 2; }
for tool in "$@"; do
  case "$tool" in
    golangci-lint) install golangci-lint github.com/golangci/golangci-lint/v2/cmd/golangci-lint "$GOLANGCI_LINT_VERSION" ;;
    tfplugindocs) install tfplugindocs github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs "$TFPLUGINDOCS_VERSION" ;;
    goreleaser) install goreleaser github.com/goreleaser/goreleaser/v2 "$GORELEASER_VERSION" ;;
    actionlint) install actionlint github.com/rhysd/actionlint/cmd/actionlint "$ACTIONLINT_VERSION" ;;
    govulncheck) install govulncheck golang.org/x/vuln/cmd/govulncheck "$GOVULNCHECK_VERSION" ;;
    indexdb) install indexdb golang.org/x/vulndb/cmd/indexdb "$INDEXDB_VERSION" ;;
    *) echo "unknown tool $tool" >&2; exit 2 ;;
  esac
done
