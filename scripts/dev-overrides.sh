#!/usr/bin/env bash
# dev-overrides.sh WORK: writes WORK/cli.tfrc, a CLI configuration that takes the provider
# from the build in WORK/bin (dev_overrides) and every other provider from its registry, and
# prints its path. These machines point TF_CLI_CONFIG_FILE at a file that does not exist, so
# each script that runs a CLI on a fresh build writes its own with this.
set -euo pipefail
work=$1
cat >"$work/cli.tfrc" <<TFRC
provider_installation {
  dev_overrides {
    "marketplace-trust/marketplace" = "$work/bin"
  }
  direct {}
}
TFRC
echo "$work/cli.tfrc"
