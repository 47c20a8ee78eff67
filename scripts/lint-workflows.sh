#!/usr/bin/env bash
# actionlint over the repository's own workflows and the pipeline vendors copy
# (examples/gitops), after proving on a deliberately broken workflow that it reports errors
# (so that a lint that silently checks nothing cannot pass).
set -euo pipefail
cd "$(dirname "$0")/.."
actionlint=$(scripts/install-tools.sh actionlint | cut -d= -f2)
echo "actionlint $("$actionlint" -version | head -n 1)"
if "$actionlint" -no-color scripts/testdata/broken-workflow.yml >/dev/null 2>&1; then
  echo "lint-workflows: actionlint accepted scripts/testdata/broken-workflow.yml, which has errors" >&2
  exit 1
fi
"$actionlint" -no-color .github/workflows/*.yml examples/gitops/.github/workflows/*.yml
echo "lint-workflows: workflows OK"
