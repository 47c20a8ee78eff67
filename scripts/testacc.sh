#!/usr/bin/env bash
# Runs the acceptance tests (TF_ACC=1) on each CLI of the matrix in turn: Terraform 1.5.7
# (the oldest supported), Terraform 1.16.4 (current) and OpenTofu 1.12.6.
# Usage: scripts/testacc.sh [terraform|terraform-current|tofu|all] -- extra `go test` arguments
# TESTARGS in the environment is passed to go test too (e.g. TESTARGS='-run TestAccResource').
#
# A test that skips on every CLI that ran fails the run: a feature must be tested somewhere.
set -euo pipefail
cd "$(dirname "$0")/.."

which_cli="${1:-all}"
[ $# -gt 0 ] && shift
[ "${1:-}" = "--" ] && shift

declare -A CLI
while IFS='=' read -r name path; do CLI[$name]=$path; done < <(scripts/install-clis.sh "$which_cli")

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# These machines point TF_CLI_CONFIG_FILE at a file that does not exist; OpenTofu then
# prints a warning before its version and terraform-plugin-testing cannot parse it.
# An empty CLI configuration of our own also keeps the user's one out of the tests.
cli_config="$work/cli.tfrc"
: >"$cli_config"
export TF_CLI_CONFIG_FILE="$cli_config"
export CHECKPOINT_DISABLE=1

ran=()
run() { # name binary [VAR=value...]
  local name=$1 bin=$2
  shift 2
  echo "=== acceptance tests on $("$bin" version | head -n 1) ($bin)"
  # -v, so that every test's PASS or SKIP is known; the RUN/PAUSE/CONT lines are left out
  # of what is shown. The full log is kept for the skip check below.
  # shellcheck disable=SC2086 # TESTARGS is a list of words on purpose
  env "$@" TF_ACC=1 TF_ACC_TERRAFORM_PATH="$bin" \
    go test ./... -v -run '^TestAcc' -count=1 -timeout 60m -parallel "${TESTPARALLEL:-4}" ${TESTARGS:-} "${EXTRA_ARGS[@]}" 2>&1 |
    tee "$work/$name.log" | grep -v -E '^=== (RUN|PAUSE|CONT|NAME)'
  sed -n -E 's/^[[:space:]]*--- SKIP: ([^ ]+).*/\1/p' "$work/$name.log" | sort -u >"$work/$name.skip"
  sed -n -E 's/^[[:space:]]*--- PASS: ([^ ]+).*/\1/p' "$work/$name.log" | sort -u >"$work/$name.pass"
  ran+=("$name")
}

EXTRA_ARGS=("$@")
for name in terraform terraform-current tofu; do
  [ -n "${CLI[$name]:-}" ] || continue
  if [ "$name" = tofu ]; then
    run "$name" "${CLI[$name]}" TF_ACC_PROVIDER_HOST=registry.opentofu.org TF_ACC_PROVIDER_NAMESPACE=hashicorp
  else
    run "$name" "${CLI[$name]}" TF_ACC_PROVIDER_HOST=registry.terraform.io
  fi
done

# A test that skipped on every CLI and passed on none has tested nothing. With one CLI
# asked for, the check is left to whoever gathers the results (the workflow's last job).
if [ -n "${TESTACC_RESULTS:-}" ]; then
  mkdir -p "$TESTACC_RESULTS"
  for name in "${ran[@]}"; do cp "$work/$name.skip" "$work/$name.pass" "$TESTACC_RESULTS/"; done
fi
if [ "$which_cli" = all ]; then
  scripts/skip-check.sh "$work"
fi
