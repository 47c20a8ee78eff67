#!/usr/bin/env bash
# Runs the acceptance suite (scripts/testacc.sh) ROUNDS times in a row on each CLI of the
# matrix while a CPU hog keeps every core busy, to prove that no test depends on timing or
# on a quiet machine. The hog is started and stopped here (also when interrupted).
#
# Usage: scripts/stress-test.sh [ROUNDS] [terraform|terraform-current|tofu|all]
#   ROUNDS defaults to 3; STRESS_HOGS sets the number of busy loops (default: nproc).
# Prints one line per run and a summary; exits non-zero when any run failed.
set -euo pipefail
cd "$(dirname "$0")/.."

rounds="${1:-3}"
which_cli="${2:-all}"
hogs="${STRESS_HOGS:-$(nproc)}"
clis=(terraform terraform-current tofu)
[ "$which_cli" = all ] || clis=("$which_cli")

scripts/install-clis.sh "$which_cli" >/dev/null
logs=$(mktemp -d)
hog_pids=()
stop_hogs() {
  for pid in "${hog_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait "${hog_pids[@]}" 2>/dev/null || true
  hog_pids=()
}
trap 'stop_hogs' EXIT INT TERM

for _ in $(seq "$hogs"); do
  (while :; do :; done) &
  hog_pids+=("$!")
done
echo "stress: $hogs busy loop(s) on $(nproc) core(s); $rounds round(s) on ${clis[*]}; logs in $logs"

runs=0 failures=0
start=$SECONDS
for round in $(seq "$rounds"); do
  for cli in "${clis[@]}"; do
    runs=$((runs + 1))
    t0=$SECONDS
    log="$logs/$cli-$round.log"
    if scripts/testacc.sh "$cli" >"$log" 2>&1; then
      result=pass
    else
      result=FAIL
      failures=$((failures + 1))
    fi
    passed=$(grep -c -E '^\s*--- PASS' "$log" || true)
    failed=$(grep -E '^\s*--- FAIL' "$log" | sed -E 's/^\s*--- FAIL: ([^ ]+).*/\1/' | paste -sd, - || true)
    printf 'round %d %-18s %s in %ds (%d tests passed%s)\n' "$round" "$cli" "$result" $((SECONDS - t0)) "$passed" \
      "${failed:+; failed: $failed}"
  done
done
stop_hogs
echo "stress: $runs run(s), $failures failure(s), $((SECONDS - start))s, with $hogs busy loop(s)"
[ "$failures" -eq 0 ]
