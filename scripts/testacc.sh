#!/usr/bin/env bash
# Runs the acceptance tests (TF_ACC=1) on each test CLI in turn: Terraform and OpenTofu.
# Usage: scripts/testacc.sh [terraform|tofu|all] -- extra `go test` arguments
# TESTARGS in the environment is passed to go test too (e.g. TESTARGS='-run TestAccResource').
set -euo pipefail
cd "$(dirname "$0")/.."

which_cli="${1:-all}"
[ $# -gt 0 ] && shift
[ "${1:-}" = "--" ] && shift

declare -A CLI
while IFS='=' read -r name path; do CLI[$name]=$path; done < <(scripts/install-clis.sh "$which_cli")

# These machines point TF_CLI_CONFIG_FILE at a file that does not exist; OpenTofu then
# prints a warning before its version and terraform-plugin-testing cannot parse it.
# An empty CLI configuration of our own also keeps the user's one out of the tests.
cli_config=$(mktemp)
trap 'rm -f "$cli_config"' EXIT
export TF_CLI_CONFIG_FILE="$cli_config"
export CHECKPOINT_DISABLE=1

run() { # binary [VAR=value...]
  local bin=$1
  shift
  echo "=== acceptance tests on $("$bin" version | head -n 1) ($bin)"
  # shellcheck disable=SC2086 # TESTARGS is a list of words on purpose
  env "$@" TF_ACC=1 TF_ACC_TERRAFORM_PATH="$bin" \
    go test ./... -run '^TestAcc' -count=1 -timeout 60m -parallel "${TESTPARALLEL:-4}" ${TESTARGS:-} "${EXTRA_ARGS[@]}"
}

EXTRA_ARGS=("$@")
for name in terraform tofu; do
  [ -n "${CLI[$name]:-}" ] || continue
  if [ "$name" = tofu ]; then
    run "${CLI[tofu]}" TF_ACC_PROVIDER_HOST=registry.opentofu.org TF_ACC_PROVIDER_NAMESPACE=hashicorp
  else
    run "${CLI[terraform]}" TF_ACC_PROVIDER_HOST=registry.terraform.io
  fi
done
