#!/usr/bin/env bash
# Installs the Terraform and OpenTofu CLIs that the acceptance tests run on: the matrix is
# Terraform 1.5.7 (the oldest supported), Terraform 1.16.4 (current) and OpenTofu 1.12.6.
#
# Release download sites are out of reach on our machines and in CI, so every CLI is built
# from source fetched through the Go module proxy. Builds are cached outside the work tree,
# keyed by version, so a re-run is instant and a fresh clone reuses them.
#
# Usage: scripts/install-clis.sh [terraform|terraform-current|tofu|all]   (default: all)
# Prints one line per CLI: NAME=PATH, NAME being terraform, terraform-current or tofu.
set -euo pipefail

TERRAFORM_VERSION="${TERRAFORM_VERSION:-1.5.7}"
TERRAFORM_CURRENT_VERSION="${TERRAFORM_CURRENT_VERSION:-1.16.4}"
TOFU_VERSION="${TOFU_VERSION:-1.12.6}"
CACHE_ROOT="${MARKETPLACE_CLI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-marketplace/clis}"

log() { echo "install-clis: $*" >&2; }

# module_source MODULE VERSION: downloads a module through the proxy and prints its folder.
module_source() {
  local src
  src=$(cd "$(mktemp -d)" && GOFLAGS=-mod=mod go mod download -json "$1@v$2" |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [ -n "$src" ] || { log "could not download $1@v$2"; exit 1; }
  echo "$src"
}

# build_terraform VERSION DIR: Terraform up to 1.13 has no replace directive, so
# `go install pkg@version` builds it. From 1.14 on, its go.mod replaces nested modules
# (internal/legacy and the remote-state backends) that the module zip does not hold:
# those lines and those backends' registrations are taken out, then it builds with
# `go build`. The local, http, inmem, remote and cloud backends remain.
build_terraform() {
  local version=$1 dir=$2
  local tmp="$dir.tmp.$$"
  rm -rf "$tmp" && mkdir -p "$tmp"
  local minor=${version#*.}
  minor=${minor%%.*}
  if [ "${version%%.*}" = 1 ] && [ "$minor" -lt 14 ]; then
    # GOFLAGS=-mod=mod: the caller's GOFLAGS must not turn this into a vendored build.
    GOFLAGS=-mod=mod GOBIN="$tmp" go install "github.com/hashicorp/terraform@v$version"
  else
    local src
    src=$(module_source github.com/hashicorp/terraform "$version")
    mkdir -p "$tmp/src"
    cp -R "$src/." "$tmp/src/"
    chmod -R u+w "$tmp/src"
    (
      cd "$tmp/src"
      local missing="internal/legacy"
      for b in azure consul cos gcs kubernetes oss pg s3 oci; do missing="$missing internal/backend/remote-state/$b"; done
      for m in $missing; do
        [ -d "$m" ] && continue
        local q=${m//\//\\/}
        sed -i "/github.com\/hashicorp\/terraform\/$q /d" go.mod
        sed -i "/github.com\/hashicorp\/terraform\/$q\"/d" internal/backend/init/init.go
      done
      # The registrations of the backends taken out: `"name": func() ... backendX.New() },`.
      for b in Azure Consul Cos GCS Kubernetes OSS Pg S3 OCI; do
        sed -i "/backend$b\.New()/d" internal/backend/init/init.go
      done
      GOFLAGS=-mod=mod CGO_ENABLED=0 go build \
        -ldflags "-X github.com/hashicorp/terraform/version.dev=no" -o "$tmp/terraform" .
    )
    rm -rf "$tmp/src"
  fi
  "$tmp/terraform" version | head -n 1 | grep -q "Terraform v$version\$" ||
    { log "the Terraform built does not say it is v$version: $("$tmp/terraform" version | head -n 1)"; exit 1; }
  rm -rf "$dir" && mv "$tmp" "$dir"
}

install_terraform() { # NAME VERSION
  local name=$1 version=$2
  local dir="$CACHE_ROOT/terraform-$version"
  if [ ! -x "$dir/terraform" ]; then
    log "building Terraform $version from the Go module proxy (3 to 6 minutes cold)"
    build_terraform "$version" "$dir"
  fi
  echo "$name=$dir/terraform"
}

install_tofu() {
  local dir="$CACHE_ROOT/tofu-$TOFU_VERSION"
  if [ ! -x "$dir/tofu" ]; then
    log "building OpenTofu $TOFU_VERSION from the Go module proxy (about 7 minutes cold)"
    # OpenTofu's go.mod has a replace directive, so `go install pkg@version` refuses it:
    # download the module, copy it somewhere writable and build inside it.
    local src
    src=$(module_source github.com/opentofu/opentofu "$TOFU_VERSION")
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
  terraform) install_terraform terraform "$TERRAFORM_VERSION" ;;
  terraform-current) install_terraform terraform-current "$TERRAFORM_CURRENT_VERSION" ;;
  tofu) install_tofu ;;
  all)
    install_terraform terraform "$TERRAFORM_VERSION"
    install_terraform terraform-current "$TERRAFORM_CURRENT_VERSION"
    install_tofu
    ;;
  *) echo "usage: $0 [terraform|terraform-current|tofu|all]" >&2; exit 2 ;;
esac
