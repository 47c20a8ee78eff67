#!/usr/bin/env bash
# Prints the CHANGELOG.md section of a release tag (vX.Y.Z, or X.Y.Z): its lines after the
# "## X.Y.Z" heading, up to the next "## " heading. Fails when there is no such section, so
# that a release is never published without notes.
# Usage: scripts/release-notes.sh TAG
set -euo pipefail
cd "$(dirname "$0")/.."
version="${1:?usage: $0 TAG}"
version="${version#v}"
notes=$(awk -v v="$version" '
  /^## / { if (found) exit; if ($2 == v) { found = 1; next } }
  found { print }
' CHANGELOG.md)
if [ -z "$(echo "$notes" | tr -d '[:space:]')" ]; then
  echo "release-notes: CHANGELOG.md has no section \"## $version\"" >&2
  exit 1
fi
printf '%s\n' "$notes"
