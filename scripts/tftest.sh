#!/usr/bin/env bash
# Runs the `terraform test` files of examples/ (e.g. examples/portfolio/policy.tftest.hcl) on
# the current Terraform (1.16.4, built by scripts/install-clis.sh) with this build of the
# provider, as a vendor runs them: offline, with no credentials. Each example is copied to a
# temporary folder, so nothing (.terraform, lock file) lands in the work tree.
# Usage: scripts/tftest.sh [terraform-current|tofu]   (default: terraform-current)
set -euo pipefail
cd "$(dirname "$0")/.."

cli_name=${1:-terraform-current}
cli=$(scripts/install-clis.sh "$cli_name" | cut -d= -f2)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export TF_CLI_CONFIG_FILE="$work/cli.tfrc" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1

go build -o "$work/bin/terraform-provider-marketplace" .
# The provider comes from this build (dev_overrides).
scripts/dev-overrides.sh "$work" >/dev/null

dirs=$(find examples -name '*.tftest.hcl' -printf '%h\n' | sort -u)
[ -n "$dirs" ] || { echo "no *.tftest.hcl under examples/" >&2; exit 1; }
for dir in $dirs; do
  copy="$work/config/$dir"
  mkdir -p "$copy"
  cp -R "$dir/." "$copy/"
  echo "=== $("$cli" version | head -n 1) test in $dir"
  # No credentials, and an API address where nothing listens: a test that reached the
  # Marketplace would fail instead of passing by luck.
  (cd "$copy" && env -u MARKETPLACE_EMAIL -u MARKETPLACE_API_TOKEN \
    MARKETPLACE_BASE_URL=http://127.0.0.1:9 "$cli" test -no-color)
done
