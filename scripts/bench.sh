#!/usr/bin/env bash
# make bench: the provider against the CLI floor (the same operations on terraform_data), on
# each CLI of the matrix, in four parts, each of which can be skipped:
#
# 1. Localhost rows (BENCH_LOCALHOST=0 skips): N = 10, 100 and 500 resources (BENCH_N), the
#    emulator answering at once; apply from empty, no-change plan, apply changing every
#    resource, destroy. For reference: users never talk to a Marketplace on localhost.
# 2. Latency rows (BENCH_LATENCY=0 skips): the emulator waits BENCH_LATENCY (default 100ms)
#    before every answer, as api.atlassian.com across the internet would; N = 10 and 100
#    (BENCH_LATENCY_N); apply from empty (publish=false), apply changing one field of every
#    document, apply publishing (publish false to true, document unchanged), no-change plan,
#    destroy; each with its calls and round trips per app, beside the least time those round
#    trips allow at the CLI's parallelism: ceil(N / parallelism) x round trips x latency + floor.
# 3. Rate-limit rows (BENCH_RATE_LIMIT=0 skips): 60 resources against an emulator that accepts
#    2, then 10, requests a second (BENCH_RATES; burst 5), on BENCH_RATE_CLI (default tofu).
#    Each command should stay within 1.2x of (requests needed / rate).
# 4. Pipelines sharing one limit (BENCH_PIPELINES=0 skips): 2 and 4 applies from empty
#    (BENCH_PIPELINE_COUNTS), BENCH_PIPELINE_N apps each (default 40), started together on
#    BENCH_RATE_CLI against one emulator that accepts 10 requests a second, with a strict
#    bucket (-rate-burst 1: one request every 100 ms) and a bursty one (-rate-burst 5); the
#    table shows wall / (requests needed / rate) and the apps written exactly once. The
#    pipelines run as on one machine: one temporary directory, through which their provider
#    processes share one pacing. BENCH_PIPELINES_APART=1 adds the same runs as on machines
#    of their own (a temporary directory each: nothing shared but the API).
# 5. The Go benchmarks of the hot paths (BENCH_GO=0 skips).
#
# BENCH_CLIS chooses the CLIs (default "tofu terraform terraform-current": OpenTofu 1.12.6,
# Terraform 1.5.7 and 1.16.4, built by scripts/install-clis.sh); BENCH_REPEAT how many times
# each measurement runs (default 3; tables show medians); BENCH_PARALLELISM the CLI's
# -parallelism (default 10, Terraform's). A quick run:
#   BENCH_CLIS=tofu BENCH_LOCALHOST=0 BENCH_LATENCY_N=10 BENCH_REPEAT=1 BENCH_RATE_LIMIT=0 BENCH_PIPELINES=0 BENCH_GO=0 make bench
# Prints tables and writes bench.csv, bench-latency.csv and bench-rate-limit-RATE.csv. A run of
# every part (or BENCH_DOCS=1) also rewrites the guide docs/guides/benchmarks.md (its template
# templates/guides/benchmarks.md.tmpl: the method below, then this run's tables), through
# make generate. Takes a long while in full; not part of make test.
set -euo pipefail
cd "$(dirname "$0")/.."

read -r -a names <<<"${BENCH_CLIS:-tofu terraform terraform-current}"
rate_cli=${BENCH_RATE_CLI:-tofu}
declare -A CLI
needed=("${names[@]}")
[ "${BENCH_RATE_LIMIT:-1}" != 0 ] && needed+=("$rate_cli")
[ "${BENCH_PIPELINES:-1}" != 0 ] && needed+=("$rate_cli")
for name in $(printf '%s\n' "${needed[@]}" | sort -u); do
  while IFS='=' read -r n path; do CLI[$n]=$path; done < <(scripts/install-clis.sh "$name")
done
clis=""
for name in "${names[@]}"; do clis="${clis:+$clis,}$name=${CLI[$name]}"; done
parallelism=${BENCH_PARALLELISM:-10}
repeat=${BENCH_REPEAT:-3}

# Everything below is kept for the guide as well as printed.
results=$(mktemp)
trap 'rm -f "$results"' EXIT
exec 3>&1 > >(tee "$results")
tee_pid=$!
all_parts=1
for part in BENCH_LOCALHOST BENCH_LATENCY BENCH_RATE_LIMIT BENCH_PIPELINES BENCH_GO; do
  [ "${!part:-1}" = 0 ] && all_parts=0
done
[ -n "${BENCH_CLIS:-}${BENCH_N:-}${BENCH_LATENCY_N:-}" ] && all_parts=0

echo "machine: $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(go version)"
if [ "${BENCH_LOCALHOST:-1}" != 0 ]; then
  echo
  echo "## Localhost (no latency)"
  go run ./cmd/marketplace-bench -clis "$clis" -n "${BENCH_N:-10,100,500}" \
    -csv "${BENCH_CSV:-bench.csv}" -parallelism "$parallelism" -repeat "$repeat"
fi
latency=${BENCH_LATENCY:-100ms}
if [ "$latency" != 0 ] && [ -n "$latency" ]; then
  echo
  echo "## Latency $latency"
  go run ./cmd/marketplace-bench -clis "$clis" -n "${BENCH_LATENCY_N:-10,100}" -latency "$latency" \
    -ops apply,apply-change,apply-publish,plan,destroy \
    -csv "${BENCH_LATENCY_CSV:-bench-latency.csv}" -parallelism "$parallelism" -repeat "$repeat"
fi
if [ "${BENCH_RATE_LIMIT:-1}" != 0 ]; then
  for rate in ${BENCH_RATES:-2 10}; do
    echo
    echo "## Rate limit $rate requests a second"
    go run ./cmd/marketplace-bench -clis "$rate_cli=${CLI[$rate_cli]}" -n 60 -variants provider -parallelism 10 \
      -repeat "$repeat" -emulator-args "-rate-limit $rate -rate-burst 5" -csv "${BENCH_RATE_CSV:-bench-rate-limit}-$rate.csv"
  done
fi
if [ "${BENCH_PIPELINES:-1}" != 0 ]; then
  for burst in 1 5; do
    echo
    echo "## Pipelines sharing 10 requests a second, burst $burst"
    go run ./cmd/marketplace-bench -clis "$rate_cli=${CLI[$rate_cli]}" -n "${BENCH_PIPELINE_N:-40}" \
      -pipelines "${BENCH_PIPELINE_COUNTS:-2,4}" -parallelism 10 -repeat "${BENCH_PIPELINE_REPEAT:-1}" \
      -emulator-args "-rate-limit 10 -rate-burst $burst"
    if [ "${BENCH_PIPELINES_APART:-0}" != 0 ]; then
      echo
      echo "## Pipelines sharing 10 requests a second, burst $burst, on machines of their own"
      go run ./cmd/marketplace-bench -clis "$rate_cli=${CLI[$rate_cli]}" -n "${BENCH_PIPELINE_N:-40}" \
        -pipelines "${BENCH_PIPELINE_COUNTS:-2,4}" -parallelism 10 -repeat "${BENCH_PIPELINE_REPEAT:-1}" \
        -emulator-args "-rate-limit 10 -rate-burst $burst" -pipelines-apart
    fi
  done
fi
if [ "${BENCH_GO:-1}" != 0 ]; then
  echo
  go test -run '^$' -bench . -benchmem ./internal/provider
fi

# The guide: the method, then this run's tables (a partial run keeps the guide as it is).
if [ "$all_parts" = 1 ] || [ "${BENCH_DOCS:-0}" = 1 ]; then
  exec 1>&3
  wait "$tee_pid" || true # tee has written all of the run
  scripts/bench-guide.sh "$results" >templates/guides/benchmarks.md.tmpl
  scripts/generate-docs.sh
  echo "bench: rewrote docs/guides/benchmarks.md (commit it with templates/guides/benchmarks.md.tmpl)"
else
  echo "bench: a part was skipped or narrowed: docs/guides/benchmarks.md left as it is (BENCH_DOCS=1 rewrites it)" >&2
fi
