#!/usr/bin/env bash
# bench-guide.sh RESULTS: the template of docs/guides/benchmarks.md from the output of one
# scripts/bench.sh run: the method, then the run's tables as they were printed.
set -euo pipefail
results=$1
cat <<'TXT'
---
page_title: "Benchmarks"
subcategory: ""
description: |-
  How make bench measures the provider against the CLI floor, a remote API and a rate limit, and what its last full run measured.
---

# Benchmarks

`make bench` (`scripts/bench.sh`) runs the real CLIs against the local emulator
(`cmd/marketplace-emulator`) and rewrites this page with what it measured. Machines are noisy:
these are measurements, never test assertions.

- **Localhost**: N copies of the API reference's example document (N = 10, 100, 500), an apply
  from empty, a no-change plan, an apply changing every resource and a destroy, on each CLI,
  beside the CLI's floor (the same N as `terraform_data` resources: no provider, no API). Each
  measurement runs 3 times (`BENCH_REPEAT`), provider and floor interleaved; tables show medians.
- **Latency**: the emulator waits 100 ms before every answer, as the Marketplace across the
  internet would; calls and round trips per app (requests of one app that overlap count once),
  beside the least time those round trips allow at the CLI's `-parallelism`.
- **Rate limit**: 60 apps against an emulator that accepts 2, then 10, requests a second; each
  command should stay within 1.2x of (requests needed / rate).
- **Pipelines**: 2 and 4 applies of 40 apps started together against one limit of 10 requests
  a second, a strict bucket (one request every 100 ms) and a bursty one (burst 5); wall time
  over (requests needed / rate), and the apps written exactly once.
- **Go benchmarks** of the hot paths (`go test -bench . ./internal/provider`).

Selective runs: `BENCH_CLIS`, `BENCH_N`, `BENCH_LATENCY`, `BENCH_LATENCY_N`, `BENCH_LOCALHOST=0`,
`BENCH_RATE_LIMIT=0`, `BENCH_PIPELINES=0`, `BENCH_GO=0` (a partial run leaves this page as it
is; `BENCH_DOCS=1` rewrites it all the same).

## What the last full run measured

TXT
# Headings stay headings; everything else as printed (tables are Markdown already); the Go
# benchmarks' lines go in a code block.
awk '
  /^(goos|goarch|pkg|cpu|Benchmark|PASS|ok )/ { if (!code) { print "```"; code = 1 } print; next }
  { if (code) { print "```"; code = 0 } }
  /^## / { sub(/^## /, "### "); print; next }
  { print }
  END { if (code) print "```" }
' "$results"
