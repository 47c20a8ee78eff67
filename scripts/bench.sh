#!/usr/bin/env bash
# make bench: the provider against the CLI floor, on Terraform and OpenTofu, for N = 10, 100
# and 500 resources (BENCH_N to change), each measured BENCH_REPEAT times (default 3; the
# table shows medians), then the rate-limit rows (OpenTofu, emulator at 2 and 10 requests a second),
# then the Go benchmarks of the hot paths.
# Prints a table and writes bench.csv. Takes several minutes; not part of make test.
set -euo pipefail
cd "$(dirname "$0")/.."
declare -A CLI
while IFS='=' read -r name path; do CLI[$name]=$path; done < <(scripts/install-clis.sh all)
echo "machine: $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(go version)"
go run ./cmd/marketplace-bench -clis "tofu=${CLI[tofu]},terraform=${CLI[terraform]}" -n "${BENCH_N:-10,100,500}" \
  -csv "${BENCH_CSV:-bench.csv}" -parallelism "${BENCH_PARALLELISM:-10}" -repeat "${BENCH_REPEAT:-3}"
echo
# The rate-limit rows: 60 resources against an emulator that accepts 2, then 10, requests a
# second (burst 5), OpenTofu, -parallelism=10 (BENCH_RATE_LIMIT=0 skips them; BENCH_RATES to
# change the rates). Each command should stay within 1.3x of (requests needed / rate).
if [ "${BENCH_RATE_LIMIT:-1}" != 0 ]; then
  for rate in ${BENCH_RATES:-2 10}; do
    go run ./cmd/marketplace-bench -clis "tofu=${CLI[tofu]}" -n 60 -variants provider -parallelism 10 \
      -repeat "${BENCH_REPEAT:-3}" -emulator-args "-rate-limit $rate -rate-burst 5" -csv "${BENCH_RATE_CSV:-bench-rate-limit}-$rate.csv"
  done
fi
echo
go test -run '^$' -bench . -benchmem ./internal/provider
