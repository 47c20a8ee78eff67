#!/usr/bin/env bash
# make demo: builds the provider, starts the local Marketplace emulator, applies
# examples/demo/ with a real CLI (Terraform by default, DEMO_CLI=tofu for OpenTofu),
# prints the live document read back through the data source, and stops the emulator.
# Nothing outside a temporary folder is touched: the CLI runs with a CLI configuration of
# its own (dev_overrides pointing at the fresh build), never the user's.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

cli_name="${DEMO_CLI:-terraform}"
# DEMO_CLI_PATH: a CLI binary to use instead (the e2e test passes the one it tests).
cli="${DEMO_CLI_PATH:-$(scripts/install-clis.sh "$cli_name" | cut -d= -f2)}"

work=$(mktemp -d "${TMPDIR:-/tmp}/marketplace-demo.XXXXXX")
emulator_pid=""
cleanup() {
  if [ -n "$emulator_pid" ]; then kill "$emulator_pid" 2>/dev/null || true; wait "$emulator_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

echo "==> building the provider and the emulator"
go build -o "$work/bin/terraform-provider-marketplace" .
go build -o "$work/marketplace-emulator" ./cmd/marketplace-emulator

# Made-up credentials, valid for this emulator only.
export MARKETPLACE_EMAIL="demo@example.com"
export MARKETPLACE_API_TOKEN="demo-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
product_id="12345678-1234-1234-1234-123456789abc" # the resource example's

echo "==> starting the emulator"
"$work/marketplace-emulator" -addr 127.0.0.1:0 -url-file "$work/url" -product "$product_id" \
  -state-file "$work/emulator-state.json" 2>"$work/emulator.log" &
emulator_pid=$!
for _ in $(seq 1 100); do
  [ -s "$work/url" ] && break
  kill -0 "$emulator_pid" 2>/dev/null || { cat "$work/emulator.log"; exit 1; }
  sleep 0.1
done
[ -s "$work/url" ] || { echo "the emulator did not start" >&2; cat "$work/emulator.log"; exit 1; }
export MARKETPLACE_BASE_URL=$(cat "$work/url")
echo "    $MARKETPLACE_BASE_URL"

scripts/dev-overrides.sh "$work" >/dev/null
export TF_CLI_CONFIG_FILE="$work/cli.tfrc" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1

# The demo's folder holds the provider block, the data source and the outputs; the app is
# the resource example itself, not a copy of it.
cp -R "$repo/examples/demo" "$work/config"
cp "$repo/examples/resources/marketplace_privacy_security/resource.tf" "$work/config/app.tf"
cd "$work/config"
echo "==> $("$cli" version | head -n 1): apply examples/demo (publish = true)"
echo "    its outputs are the live document and properties, read back through the data source"
# -compact-warnings keeps the dev_overrides notice to one line.
"$cli" apply -auto-approve -input=false -compact-warnings

echo "==> a second plan is empty"
"$cli" plan -detailed-exitcode -input=false >/dev/null
echo "    no changes"
echo "==> emulator log"
sed 's/^/    /' "$work/emulator.log"
