#!/usr/bin/env bash
# The pipeline's shell steps, run in the configuration's folder (the workflow's `marketplace`)
# by .github/workflows/marketplace-trust.yml, and by the provider's end-to-end test, so that
# what is tested is what runs.
#
#   scripts/pipeline.sh plan    init, fmt -check, validate, plan -out, show; saves in saved-plan/:
#                               tfplan, plan.txt (the plan's output, posted on the pull request),
#                               show.txt, summary.md (what changes per app in the Marketplace
#                               form's words, posted above the plan; by marketplace-plan-summary),
#                               commit (the commit planned), .terraform.lock.hcl
#   scripts/pipeline.sh apply   applies saved-plan/tfplan, exactly, or refuses and writes nothing:
#                               no saved plan for the commit, a saved plan of another commit, or a
#                               plan that no longer matches (the Marketplace or the state changed
#                               since it was made)
#
# Environment: TF_BIN (default terraform; tofu works too), PLAN_COMMIT (the commit reviewed;
# default: git rev-parse HEAD), SAVED_PLAN_DIR (default saved-plan), PRECHECK (default true;
# false skips apply's comparison with a plan made now, leaving Terraform's and the provider's
# own checks, which refuse app by app), GITHUB_OUTPUT (set by GitHub Actions: plan writes
# changes=true|false and publish=<value>), SUMMARY_BIN (default marketplace-plan-summary, from
# PATH; without it no summary.md is written). Needs jq.
set -euo pipefail

TF=${TF_BIN:-terraform}
SAVED=${SAVED_PLAN_DIR:-saved-plan}
export TF_IN_AUTOMATION=1 TF_INPUT=0

commit() {
  if [ -n "${PLAN_COMMIT:-}" ]; then echo "$PLAN_COMMIT"; else git rev-parse HEAD; fi
}

output() { # name=value for the workflow's later steps
  if [ -n "${GITHUB_OUTPUT:-}" ]; then echo "$1" >>"$GITHUB_OUTPUT"; fi
}

# refuse WHY [WRITTEN]: the apply's refusal, said the same way whatever the cause, then exit 1.
refuse() {
  {
    echo
    echo "pipeline: APPLY REFUSED for commit $(commit)."
    echo "pipeline: $1"
    echo "pipeline: ${2:-Nothing was written to the Marketplace by this job.}"
    echo "pipeline: What to do: re-run the plan job of the pull request (it plans again against"
    echo "pipeline: what the Marketplace and the state hold now and posts the new plan), review that"
    echo "pipeline: plan, then re-run this apply job."
  } >&2
  exit 1
}

# changes PLANFILE: what a plan would do, per resource, as canonical JSON.
changes() {
  "$TF" show -no-color -json "$1" | jq -S '[.resource_changes[]? | {address, actions: .change.actions,
    before: .change.before, after: .change.after, after_unknown: .change.after_unknown}] | sort_by(.address)'
}

plan() {
  local sha code
  sha=$(commit)
  rm -rf "$SAVED"
  mkdir -p "$SAVED"
  "$TF" init -input=false -no-color
  "$TF" fmt -check -recursive
  "$TF" validate -no-color
  set +e
  "$TF" plan -input=false -no-color -lock-timeout=10m -detailed-exitcode -out="$SAVED/tfplan" >"$SAVED/plan.txt" 2>&1
  code=$?
  set -e
  cat "$SAVED/plan.txt"
  case $code in
  0) output changes=false ;;
  2) output changes=true ;;
  *)
    rm -f "$SAVED/tfplan"
    echo "pipeline: the plan failed (exit $code); no plan is saved for commit $sha" >&2
    exit 1
    ;;
  esac
  "$TF" show -no-color "$SAVED/tfplan" >"$SAVED/show.txt"
  local summary
  if summary=$(command -v "${SUMMARY_BIN:-marketplace-plan-summary}"); then
    "$TF" show -no-color -json "$SAVED/tfplan" >"$SAVED/plan.json"
    "$summary" "$SAVED/plan.json" >"$SAVED/summary.md"
  else
    echo "pipeline: ${SUMMARY_BIN:-marketplace-plan-summary} not found: no summary for reviewers" >&2
  fi
  output "publish=$("$TF" show -no-color -json "$SAVED/tfplan" | jq -r '.variables.publish.value | if . == null then "n/a" else tostring end')"
  if [ -f .terraform.lock.hcl ]; then cp .terraform.lock.hcl "$SAVED/.terraform.lock.hcl"; fi
  echo "$sha" >"$SAVED/commit"
  echo "pipeline: plan of commit $sha saved in $SAVED/"
}

apply() {
  local sha planned code
  sha=$(commit)
  if [ ! -f "$SAVED/tfplan" ] || [ ! -f "$SAVED/commit" ]; then
    refuse "No saved plan for this commit ($SAVED/tfplan and $SAVED/commit are missing): the plan job did not run for it, failed, or its artifact expired."
  fi
  planned=$(cat "$SAVED/commit")
  if [ "$planned" != "$sha" ]; then
    refuse "The saved plan is of commit $planned, not of this one: it is not the plan reviewed for this commit."
  fi
  # The providers the plan was made with: the lock file saved with it, read-only.
  if [ -f "$SAVED/.terraform.lock.hcl" ]; then cp "$SAVED/.terraform.lock.hcl" .terraform.lock.hcl; fi
  "$TF" init -input=false -no-color -lockfile=readonly

  # Before writing anything: a plan made now must be the saved plan. A colleague's edit in
  # the Marketplace UI or another apply since the plan makes them differ; the whole apply is
  # then refused (the checks of Terraform and of the provider below refuse only at the
  # write, app by app, so other apps of a stale plan could be written).
  if [ "${PRECHECK:-true}" != false ]; then
    set +e
    "$TF" plan -input=false -no-color -lock-timeout=10m -out="$SAVED/now.tfplan" >"$SAVED/now.txt" 2>&1
    code=$?
    set -e
    if [ $code -ne 0 ]; then
      cat "$SAVED/now.txt" >&2
      refuse "Planning again to check the saved plan failed (above)."
    fi
    local differ
    differ=$(jq -rn --argjson saved "$(changes "$SAVED/tfplan")" --argjson now "$(changes "$SAVED/now.tfplan")" '
      [($saved + $now | map(.address) | unique)[] as $a
        | select(([$saved[] | select(.address == $a)]) != ([$now[] | select(.address == $a)])) | $a] | join(", ")')
    if [ -n "$differ" ]; then
      echo "pipeline: a plan made now differs from the saved plan for: $differ. A plan made now:" >&2
      cat "$SAVED/now.txt" >&2
      refuse "The Marketplace or the state changed since the plan was reviewed (an edit in the Marketplace UI, or another apply), so the saved plan is not what would happen now: $differ."
    fi
  fi

  set +e
  "$TF" apply -input=false -no-color -lock-timeout=10m "$SAVED/tfplan" 2>&1 | tee "$SAVED/apply.txt"
  code=${PIPESTATUS[0]}
  set -e
  [ "$code" -eq 0 ] && return 0
  if grep -q -e "Saved plan is stale" -e "Saved plan does not match the given state" "$SAVED/apply.txt"; then
    refuse "Terraform refused the saved plan: the state changed since the plan was made (another apply ran)."
  fi
  if grep -q -e "The Marketplace changed since the plan" -e "Provider produced inconsistent final plan" "$SAVED/apply.txt"; then
    refuse "The provider refused to write the apps named in the error above: the Marketplace changed since the plan was reviewed (an edit in the Marketplace UI)." \
      "Nothing was written for those apps; any other app of the plan that the output above shows as changed was applied."
  fi
  echo "pipeline: the apply failed (exit $code, above)." >&2
  exit "$code"
}

case "${1:-}" in
plan) plan ;;
apply) apply ;;
*)
  echo "usage: $0 plan|apply" >&2
  exit 2
  ;;
esac
