package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// summary is one cell of the table: a CLI, N, variant and operation over its runs.
type summary struct {
	walls      []time.Duration
	calls      []int
	roundTrips []int
	peakRSSKiB int64
}

// perApp is a count over all apps divided by N, as "2.00", or "2.00-3.00" when the runs
// differ (every run should make the same requests: show it if not).
func perApp(counts []int, n int) string {
	lo, hi := float64(slices.Min(counts))/float64(n), float64(slices.Max(counts))/float64(n)
	if lo == hi {
		return fmt.Sprintf("%.2f", lo)
	}
	return fmt.Sprintf("%.2f-%.2f", lo, hi)
}

func medianInt(values []int) int {
	sorted := slices.Clone(values)
	slices.Sort(sorted)
	return sorted[len(sorted)/2]
}

// cells groups the results by CLI, N, operation and variant; order is the provider's
// keys in the order measured.
func cells(results []result) (map[string]*summary, []string) {
	byKey := map[string]*summary{}
	var order []string
	for _, r := range results {
		key := fmt.Sprintf("%s|%d|%s|%s", r.cli, r.n, r.op, r.variant)
		c, ok := byKey[key]
		if !ok {
			c = &summary{}
			byKey[key] = c
			if r.variant == "provider" {
				order = append(order, key)
			}
		}
		c.walls = append(c.walls, r.wall)
		c.calls = append(c.calls, r.calls)
		c.roundTrips = append(c.roundTrips, r.roundTrips)
		c.peakRSSKiB = max(c.peakRSSKiB, r.peakRSSKiB)
	}
	return byKey, order
}

// printLatencyTable sets each operation at -latency beside the least time its round trips
// allow: ceil(N / parallelism) x round trips per app x latency + the CLI floor.
func printLatencyTable(results []result, latency time.Duration, parallelism int) {
	byKey, order := cells(results)
	fmt.Printf("\nLatency %s a request, -parallelism=%d; least = ceil(N / %d) x round trips per app x %s + floor.\n",
		latency, parallelism, parallelism, latency)
	fmt.Printf("\n| CLI | N | operation | wall | floor (terraform_data) | waits (round trips x latency) | least possible | wall / least | calls / app | round trips / app | runs |\n")
	fmt.Printf("| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n")
	for _, key := range order {
		p := byKey[key]
		f := byKey[strings.TrimSuffix(key, "|provider")+"|floor"]
		parts := strings.Split(key, "|")
		n, _ := strconv.Atoi(parts[1])
		batches := math.Ceil(float64(n) / float64(parallelism))
		waits := time.Duration(batches * float64(medianInt(p.roundTrips)) / float64(n) * float64(latency))
		least := waits + f.median()
		fmt.Printf("| %s | %d | %s | %.2fs | %.2fs | %.2fs | %.2fs | %.2fx | %s | %s | %s |\n", parts[0], n, parts[2],
			p.median().Seconds(), f.median().Seconds(), waits.Seconds(), least.Seconds(), p.median().Seconds()/least.Seconds(),
			perApp(p.calls, n), perApp(p.roundTrips, n), runs(p.walls))
	}
}

func (s *summary) median() time.Duration {
	sorted := slices.Clone(s.walls)
	slices.Sort(sorted)
	return sorted[len(sorted)/2]
}

func printTable(results []result) {
	byKey, order := cells(results)
	fmt.Printf("\n| CLI | N | operation | provider | floor (terraform_data) | ratio | provider runs | floor runs | API calls / resource | provider peak RSS |\n")
	fmt.Printf("| --- | ---: | --- | ---: | ---: | ---: | --- | --- | ---: | ---: |\n")
	for _, key := range order {
		p := byKey[key]
		f := byKey[strings.TrimSuffix(key, "|provider")+"|floor"]
		parts := strings.Split(key, "|")
		n, _ := strconv.Atoi(parts[1])
		callsPerResource := perApp(p.calls, n)
		fmt.Printf("| %s | %d | %s | %.2fs | %.2fs | %.2fx | %s | %s | %s | %.1f MiB |\n", parts[0], n, parts[2],
			p.median().Seconds(), f.median().Seconds(), p.median().Seconds()/f.median().Seconds(), runs(p.walls), runs(f.walls),
			callsPerResource, float64(p.peakRSSKiB)/1024)
	}
}

// printRateLimitTable shows, run by run, how the provider fared against the emulator's
// rate limit: requests sent, those answered 429, and the wall time against the least the
// limit allows for the requests that were needed (those not answered 429).
func printRateLimitTable(results []result, emulatorArgs []string) {
	limit := rateOf(emulatorArgs)
	fmt.Printf("\n| CLI | N | operation | run | wall | requests | answered 429 | share 429 | needed | least time at %g/s | wall / least |\n", limit)
	fmt.Printf("| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	for _, r := range results {
		if r.variant != "provider" {
			continue
		}
		needed := r.calls - r.limited
		least := time.Duration(float64(needed) / limit * float64(time.Second))
		fmt.Printf("| %s | %d | %s | %d | %.2fs | %d | %d | %.1f%% | %d | %.2fs | %.2fx |\n", r.cli, r.n, r.op, r.repeat,
			r.wall.Seconds(), r.calls, r.limited, 100*float64(r.limited)/float64(max(r.calls, 1)), needed, least.Seconds(),
			r.wall.Seconds()/least.Seconds())
	}
}

func runs(walls []time.Duration) string {
	out := make([]string, len(walls))
	for i, w := range walls {
		out[i] = fmt.Sprintf("%.2f", w.Seconds())
	}
	return strings.Join(out, ", ")
}

func writeCSV(path string, results []result) error {
	f, err := os.Create(path) //nolint:gosec // the user names the output file
	if err != nil {
		return err
	}
	w := csv.NewWriter(f)
	_ = w.Write([]string{"cli", "n", "variant", "run", "operation", "latency_ms", "wall_seconds", "api_calls", "api_calls_per_resource",
		"round_trips", "round_trips_per_resource", "answered_429", "provider_peak_rss_kib"})
	for _, r := range results {
		_ = w.Write([]string{r.cli, strconv.Itoa(r.n), r.variant, strconv.Itoa(r.repeat), r.op,
			strconv.FormatFloat(float64(r.latency)/float64(time.Millisecond), 'f', -1, 64), fmt.Sprintf("%.3f", r.wall.Seconds()),
			strconv.Itoa(r.calls), fmt.Sprintf("%.2f", float64(r.calls)/float64(r.n)), strconv.Itoa(r.roundTrips),
			fmt.Sprintf("%.2f", float64(r.roundTrips)/float64(r.n)), strconv.Itoa(r.limited), strconv.FormatInt(r.peakRSSKiB, 10)})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}

func tail(s string, lines int) string {
	all := strings.Split(s, "\n")
	if len(all) > lines {
		all = all[len(all)-lines:]
	}
	return strings.Join(all, "\n")
}

// cliVersion is the CLI's "Terraform v1.5.7" or "OpenTofu v1.12.6" line; run with a CLI
// configuration of our own, since a missing one makes OpenTofu print a warning first.
func cliVersion(ctx context.Context, path, work string) string {
	rc := filepath.Join(work, "version.tfrc")
	_ = os.WriteFile(rc, nil, 0o600)
	cmd := exec.CommandContext(ctx, path, "version")
	cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+rc)
	out, _ := cmd.Output()
	for _, line := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(line, "Terraform v") || strings.HasPrefix(line, "OpenTofu v") {
			return line
		}
	}
	return filepath.Base(path)
}

// rateOf is the emulator's -rate-limit among its flags, 0 when none.
func rateOf(emulatorArgs []string) float64 {
	limit := 0.0
	for i, a := range emulatorArgs {
		if a == "-rate-limit" && i+1 < len(emulatorArgs) {
			limit, _ = strconv.ParseFloat(emulatorArgs[i+1], 64)
		}
	}
	return limit
}
