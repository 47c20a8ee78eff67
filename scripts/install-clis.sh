#!/usr/bin/env bash
# Installs the Terraform and OpenTofu CLIs that the acceptance tests run on.
#
# Release download sites are out of reach on our machines and in CI, so both CLIs are
# built from source fetched through the Go module proxy. Builds are cached outside the
# work tree, keyed by version, so a re-run is instant and a fresh clone reuses them.
#
# Usage: scripts/install-clis.sh [terraform|tofu|all]   (default: all)
# Prints one line per CLI: NAME=PATH
set -euo pipefail

TERRAFORM_VERSION="${TERRAFORM_VERSION:-1.5.7}"
TOFU_VERSION="${TOFU_VERSION:-1.12.6}"
CACHE_ROOT="${MARKETPLACE_CLI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-marketplace/clis}"

log() { echo "install-clis: $*" >&2; }

install_terraform() {
  local dir="$CACHE_ROOT/terraform-$TERRAFORM_VERSION"
  if [ ! -x "$dir/terraform" ]; then
    log "building Terraform $TERRAFORM_VERSION from the Go module proxy (about 3 minutes cold)"
    local tmp="$dir.tmp.$$"
    rm -rf "$tmp" && mkdir -p "$tmp"
    # GOFLAGS=-mod=mod: the caller's GOFLAGS must not turn this into a vendored build.
    GOFLAGS=-mod=mod GOBIN="$tmp" go install "github.com/hashicorp/terraform@v$TERRAFORM_VERSION"
    rm -rf "$dir" && mv "$tmp" "$dir"
  fi
  echo "terraform=$dir/terraform"
}

install_tofu() {
  local dir="$CACHE_ROOT/tofu-$TOFU_VERSION"
  if [ ! -x "$dir/tofu" ]; then
    log "building OpenTofu $TOFU_VERSION from the Go module proxy (about 7 minutes cold)"
    # OpenTofu's go.mod has a replace directive, so `go install pkg@version` refuses it:
    # download the module, copy it somewhere writable and build inside it.
    local src
    src=$(cd "$(mktemp -d)" && GOFLAGS=-mod=mod go mod download -json "github.com/opentofu/opentofu@v$TOFU_VERSION" |
      sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
    [ -n "$src" ] || { log "could not download github.com/opentofu/opentofu@v$TOFU_VERSION"; exit 1; }
    local tmp="$dir.tmp.$$"
    rm -rf "$tmp" && mkdir -p "$tmp/src"
    cp -R "$src/." "$tmp/src/"
    chmod -R u+w "$tmp/src"
    (cd "$tmp/src" && GOFLAGS=-mod=mod CGO_ENABLED=0 go build \
      -ldflags "-X github.com/opentofu/opentofu/version.dev=no" -o "$tmp/tofu" ./cmd/tofu)
    rm -rf "$tmp/src"
    rm -rf "$dir" && mv "$tmp" "$dir"
  fi
  echo "tofu=$dir/tofu"
}

case "${1:-all}" in
  terraform) install_terraform ;;
  tofu) install_tofu ;;
  all) install_terraform; install_tofu ;;
  *) echo "usage: $0 [terraform|tofu|all]" >&2; exit 2 ;;
esac
