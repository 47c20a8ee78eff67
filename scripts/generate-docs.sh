#!/usr/bin/env bash
# Regenerates docs/ with tfplugindocs from the schema, templates/ and examples/.
# tfplugindocs runs the Terraform CLI to read the schema; it gets the cached test CLI, so
# nothing is downloaded. With --check, fails if docs/ would change.
set -euo pipefail
cd "$(dirname "$0")/.."
tfplugindocs=$(scripts/install-tools.sh tfplugindocs | cut -d= -f2)
# Current Terraform: it has resource identity and list resources, which the schema the docs
# are made from must hold (Terraform 1.5 has neither, OpenTofu no list resources).
cli=$(scripts/install-clis.sh terraform-current | cut -d= -f2)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/bin/terraform-provider-marketplace" .
scripts/dev-overrides.sh "$work" >/dev/null
mkdir "$work/config"
cat >"$work/config/main.tf" <<'TF'
terraform {
  required_providers {
    marketplace = { source = "marketplace-trust/marketplace" }
  }
}
TF
(cd "$work/config" && TF_CLI_CONFIG_FILE="$work/cli.tfrc" CHECKPOINT_DISABLE=1 "$cli" providers schema -json 2>/dev/null) |
  sed 's#"registry.terraform.io/marketplace-trust/marketplace"#"marketplace"#' >"$work/schema.json"
grep -q '"marketplace_privacy_security"' "$work/schema.json" || { echo "could not read the provider schema" >&2; exit 1; }

"$tfplugindocs" generate --provider-name marketplace --providers-schema "$work/schema.json" \
  --rendered-provider-name "Atlassian Marketplace" >/dev/null
if ! out=$("$tfplugindocs" validate --provider-name marketplace 2>&1); then
  echo "$out" | grep -v '\[DEBUG\]' >&2
  exit 1
fi

if [ "${1:-}" = "--check" ]; then
  if ! git diff --quiet -- docs || [ -n "$(git ls-files --others --exclude-standard docs)" ]; then
    echo "docs/ is out of date: run make generate and commit the result" >&2
    git status --short docs >&2
    git diff --stat -- docs >&2
    exit 1
  fi
  echo "docs/ is up to date"
fi
