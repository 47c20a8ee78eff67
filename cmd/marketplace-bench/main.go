// Command bench measures what the provider adds on top of the CLI itself: for N resources,
// on each CLI, the wall time of an apply from empty, a no-change plan, an apply changing
// every resource and a destroy, the API calls per resource, and the provider process's
// peak memory; and the same four operations on N terraform_data resources holding the same
// attributes (the CLI floor: no provider process, no API). `make bench` runs it.
//
// Each measurement is repeated (-repeat, provider and floor interleaved, so that a noisy
// moment of a shared machine falls on both alike); the table shows the median wall time,
// the CSV every run.
package main

import (
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

type result struct {
	cli, variant, op string
	n, repeat        int
	wall             time.Duration
	calls            int
	limited          int // answered 429
	peakRSSKiB       int64
}

func main() {
	clis := flag.String("clis", "", "comma-separated name=path of the CLIs to measure (required)")
	sizes := flag.String("n", "10,100,500", "comma-separated resource counts")
	csvPath := flag.String("csv", "bench.csv", "where to write the results as CSV")
	parallelism := flag.Int("parallelism", 10, "the CLI's -parallelism")
	repeats := flag.Int("repeat", 3, "how many times to measure each CLI, N and variant")
	padKiB := flag.Int("pad-kib", 0, "grow each document by this many KiB (in data_access_description), to measure memory on large documents")
	providerEnv := flag.String("provider-env", "", "comma-separated NAME=value set for the CLI and the provider (e.g. GOMEMLIMIT=off)")
	emulatorArgs := flag.String("emulator-args", "", "extra emulator flags, space-separated (e.g. \"-rate-limit 10 -rate-burst 5\")")
	variants := flag.String("variants", "provider,floor", "which variants to measure: provider, floor or both")
	flag.Parse()
	if *clis == "" {
		log.Fatal("-clis is required, e.g. -clis tofu=/path/to/tofu,terraform=/path/to/terraform")
	}
	ctx := context.Background()

	work, err := os.MkdirTemp("", "marketplace-bench-")
	if err != nil {
		log.Fatal(err)
	}
	defer func() { _ = os.RemoveAll(work) }()
	bin := filepath.Join(work, "bin")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin+"/", ".", "./cmd/marketplace-emulator")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		log.Fatalf("go build: %v\n%s", err, out)
	}
	providerBin := filepath.Join(bin, "terraform-provider-marketplace")

	var results []result
	for _, spec := range strings.Split(*clis, ",") {
		name, path, ok := strings.Cut(spec, "=")
		if !ok {
			log.Fatalf("bad -clis entry %q", spec)
		}
		cliName := cliVersion(ctx, path, work)
		for _, field := range strings.Split(*sizes, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(field))
			if err != nil {
				log.Fatal(err)
			}
			for repeat := 1; repeat <= *repeats; repeat++ {
				for _, variant := range strings.Split(*variants, ",") {
					log.Printf("%s, N=%d, %s, run %d of %d", cliName, n, variant, repeat, *repeats)
					rs, err := runScenario(ctx, scenario{
						work: filepath.Join(work, fmt.Sprintf("%s-%d-%s-%d", name, n, variant, repeat)), cli: path, cliName: cliName,
						variant: variant, n: n, repeat: repeat, providerBin: providerBin,
						emulatorBin: filepath.Join(bin, "marketplace-emulator"), parallelism: *parallelism,
						padKiB: *padKiB, extraEnv: splitNonEmpty(*providerEnv), emulatorArgs: strings.Fields(*emulatorArgs),
					})
					if err != nil {
						log.Fatalf("%s N=%d %s: %v", cliName, n, variant, err)
					}
					results = append(results, rs...)
				}
			}
		}
	}
	if strings.Contains(*variants, "floor") {
		printTable(results)
	}
	if strings.Contains(*emulatorArgs, "-rate-limit") {
		printRateLimitTable(results, strings.Fields(*emulatorArgs))
	}
	if err := writeCSV(*csvPath, results); err != nil {
		log.Fatal(err)
	}
	log.Printf("wrote %s", *csvPath)
}

type scenario struct {
	work, cli, cliName, variant string
	n, repeat                   int
	providerBin, emulatorBin    string
	parallelism                 int
	padKiB                      int
	extraEnv                    []string
	emulatorArgs                []string
}

func splitNonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

func runScenario(ctx context.Context, s scenario) ([]result, error) {
	if err := os.MkdirAll(s.work, 0o750); err != nil {
		return nil, err
	}
	ids := make([]string, s.n)
	for i := range ids {
		ids[i] = fmt.Sprintf("00000000-0000-4000-8000-%012d", i)
	}
	env := append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + s.work, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1"}, s.extraEnv...)

	var requests, limited func() int
	if s.variant == "provider" {
		email, token := "bench@example.com", "bench-token"
		emu, err := startEmulator(ctx, s.emulatorBin, s.work, ids, email, token, s.emulatorArgs)
		if err != nil {
			return nil, err
		}
		defer emu.stop()
		requests, limited = emu.requests, emu.limitedCount
		rc := filepath.Join(s.work, "cli.tfrc")
		config := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"marketplace-trust/marketplace\" = %q\n  }\n  direct {}\n}\n",
			filepath.Dir(s.providerBin))
		if err := os.WriteFile(rc, []byte(config), 0o600); err != nil {
			return nil, err
		}
		env = append(env, "TF_CLI_CONFIG_FILE="+rc, "MARKETPLACE_BASE_URL="+emu.url, "MARKETPLACE_EMAIL="+email, "MARKETPLACE_API_TOKEN="+token)
	} else {
		rc := filepath.Join(s.work, "cli.tfrc")
		if err := os.WriteFile(rc, nil, 0o600); err != nil {
			return nil, err
		}
		env = append(env, "TF_CLI_CONFIG_FILE="+rc)
		requests = func() int { return 0 }
		limited = requests
	}
	doc, err := exampleDocument(s.padKiB)
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(s.work, "main.tf"), []byte(configFor(s.variant, doc, ids)), 0o600); err != nil {
		return nil, err
	}

	par := fmt.Sprintf("-parallelism=%d", s.parallelism)
	ops := []struct {
		name string
		args []string
	}{
		{"apply", []string{"apply", "-auto-approve", "-input=false", par, "-var", "revision=1"}},
		{"plan", []string{"plan", "-input=false", "-detailed-exitcode", par, "-var", "revision=1"}},
		{"apply-change", []string{"apply", "-auto-approve", "-input=false", par, "-var", "revision=2"}},
		{"destroy", []string{"destroy", "-auto-approve", "-input=false", par, "-var", "revision=2"}},
	}
	var out []result
	for _, op := range ops {
		before, limitedBefore := requests(), limited()
		watcher := watchPeakRSS(s.providerBin)
		start := time.Now()
		cmd := exec.CommandContext(ctx, s.cli, op.args...)
		cmd.Dir, cmd.Env = s.work, env
		output, err := cmd.CombinedOutput()
		wall := time.Since(start)
		peak := watcher.stop()
		if err != nil {
			return nil, fmt.Errorf("%s: %w\n%s", op.name, err, tail(string(output), 30))
		}
		out = append(out, result{cli: s.cliName, variant: s.variant, op: op.name, n: s.n, repeat: s.repeat, wall: wall,
			calls: requests() - before, limited: limited() - limitedBefore, peakRSSKiB: peak})
	}
	return out, nil
}

// exampleDocument is the common_cloud of the resource example (the API reference's
// example app), with a description that varies with var.revision so that an apply can
// change every resource, grown by padKiB KiB.
func exampleDocument(padKiB int) (string, error) {
	data, err := os.ReadFile("examples/resources/marketplace_privacy_security/resource.tf")
	if err != nil {
		return "", fmt.Errorf("run from the repository root: %w", err)
	}
	text := string(data)
	start := strings.Index(text, "common_cloud = {")
	end := strings.LastIndex(text, "}") // closes the resource; the document ends before it
	if start < 0 || end < start {
		return "", errors.New("no common_cloud block in the resource example")
	}
	doc := strings.TrimSpace(text[start+len("common_cloud = ") : end])
	const description = "This app accesses user data to provide core functionality"
	if !strings.Contains(doc, description) {
		return "", errors.New("the resource example's data_access_description changed; update the bench")
	}
	grown := description + " (revision ${var.revision})"
	if padKiB > 0 {
		grown += fmt.Sprintf(`${join("", [for i in range(%d) : %q])}`, padKiB, strings.Repeat("x", 1024))
	}
	return strings.Replace(doc, description, grown, 1), nil
}

// configFor is the same N documents, either managed by the provider or held by
// terraform_data (which CLIs run in-process).
func configFor(variant, doc string, ids []string) string {
	idList := `["` + strings.Join(ids, `","`) + `"]`
	header := `variable "revision" { type = string }
locals {
  ids = ` + idList + `
  doc = ` + doc + `
}
`
	if variant == "floor" {
		return header + `
resource "terraform_data" "app" {
  for_each = toset(local.ids)
  input = {
    product_id   = each.value
    publish      = false
    common_cloud = local.doc
  }
}
`
	}
	return header + `
terraform {
  required_providers {
    marketplace = { source = "marketplace-trust/marketplace" }
  }
}
provider "marketplace" {}
resource "marketplace_privacy_security" "app" {
  for_each     = toset(local.ids)
  product_id   = each.value
  publish      = false
  common_cloud = local.doc
}
`
}

type emulator struct {
	url     string
	cmd     *exec.Cmd
	lines   atomic.Int64
	limited atomic.Int64
	done    chan struct{}
}

func (e *emulator) requests() int     { return int(e.lines.Load()) }
func (e *emulator) limitedCount() int { return int(e.limited.Load()) }

func (e *emulator) stop() {
	_ = e.cmd.Process.Signal(os.Interrupt)
	<-e.done
}

// startEmulator runs the emulator and counts the request lines it logs.
func startEmulator(ctx context.Context, bin, dir string, ids []string, email, token string, extra []string) (*emulator, error) {
	urlFile := filepath.Join(dir, "emulator.url")
	args := append([]string{"-addr", "127.0.0.1:0", "-url-file", urlFile, "-product", strings.Join(ids, ","),
		"-email", email, "-api-token", token}, extra...)
	cmd := exec.CommandContext(ctx, bin, args...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	e := &emulator{cmd: cmd, done: make(chan struct{})}
	go func() {
		defer close(e.done)
		buf := make([]byte, 64<<10)
		for {
			n, err := stderr.Read(buf)
			e.lines.Add(int64(strings.Count(string(buf[:n]), `"/rest/`)))
			e.limited.Add(int64(strings.Count(string(buf[:n]), `" 429 `)))
			if err != nil {
				_ = cmd.Wait()
				return
			}
		}
	}()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if data, err := os.ReadFile(urlFile); err == nil && strings.HasSuffix(string(data), "\n") {
			e.url = strings.TrimSpace(string(data))
			return e, nil
		}
	}
	e.stop()
	return nil, errors.New("the emulator did not start")
}

// peakWatcher samples the peak resident memory (VmHWM, which the kernel keeps as a high
// water mark) of every process running the provider binary until stopped.
type peakWatcher struct {
	stopCh chan struct{}
	wg     sync.WaitGroup
	peak   atomic.Int64
}

func watchPeakRSS(binary string) *peakWatcher {
	w := &peakWatcher{stopCh: make(chan struct{})}
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		ticker := time.NewTicker(20 * time.Millisecond)
		defer ticker.Stop()
		for {
			w.sample(binary)
			select {
			case <-w.stopCh:
				return
			case <-ticker.C:
			}
		}
	}()
	return w
}

func (w *peakWatcher) sample(binary string) {
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		exe, err := os.Readlink(filepath.Join("/proc", e.Name(), "exe"))
		if err != nil || exe != binary {
			continue
		}
		status, err := os.ReadFile(filepath.Join("/proc", e.Name(), "status"))
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(status), "\n") {
			if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
				kib, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
				for {
					old := w.peak.Load()
					if kib <= old || w.peak.CompareAndSwap(old, kib) {
						break
					}
				}
			}
		}
	}
}

func (w *peakWatcher) stop() int64 {
	close(w.stopCh)
	w.wg.Wait()
	return w.peak.Load()
}

// summary is one cell of the table: a CLI, N, variant and operation over its runs.
type summary struct {
	walls      []time.Duration
	calls      []int
	peakRSSKiB int64
}

func (s *summary) median() time.Duration {
	sorted := slices.Clone(s.walls)
	slices.Sort(sorted)
	return sorted[len(sorted)/2]
}

func printTable(results []result) {
	cells := map[string]*summary{}
	var order []string
	for _, r := range results {
		key := fmt.Sprintf("%s|%d|%s|%s", r.cli, r.n, r.op, r.variant)
		c, ok := cells[key]
		if !ok {
			c = &summary{}
			cells[key] = c
			if r.variant == "provider" {
				order = append(order, key)
			}
		}
		c.walls = append(c.walls, r.wall)
		c.calls = append(c.calls, r.calls)
		c.peakRSSKiB = max(c.peakRSSKiB, r.peakRSSKiB)
	}
	fmt.Printf("\n| CLI | N | operation | provider | floor (terraform_data) | ratio | provider runs | floor runs | API calls / resource | provider peak RSS |\n")
	fmt.Printf("| --- | ---: | --- | ---: | ---: | ---: | --- | --- | ---: | ---: |\n")
	for _, key := range order {
		p := cells[key]
		f := cells[strings.TrimSuffix(key, "|provider")+"|floor"]
		parts := strings.Split(key, "|")
		n, _ := strconv.Atoi(parts[1])
		callsPerResource := fmt.Sprintf("%.2f", float64(p.calls[0])/float64(n))
		if slices.Min(p.calls) != slices.Max(p.calls) { // every run must make the same calls; show it if not
			callsPerResource = fmt.Sprintf("%.2f-%.2f", float64(slices.Min(p.calls))/float64(n), float64(slices.Max(p.calls))/float64(n))
		}
		fmt.Printf("| %s | %d | %s | %.2fs | %.2fs | %.2fx | %s | %s | %s | %.1f MiB |\n", parts[0], n, parts[2],
			p.median().Seconds(), f.median().Seconds(), p.median().Seconds()/f.median().Seconds(), runs(p.walls), runs(f.walls),
			callsPerResource, float64(p.peakRSSKiB)/1024)
	}
}

// printRateLimitTable shows, run by run, how the provider fared against the emulator's
// rate limit: requests sent, those answered 429, and the wall time against the least the
// limit allows for the requests that were needed (those not answered 429).
func printRateLimitTable(results []result, emulatorArgs []string) {
	limit := 0.0
	for i, a := range emulatorArgs {
		if a == "-rate-limit" && i+1 < len(emulatorArgs) {
			limit, _ = strconv.ParseFloat(emulatorArgs[i+1], 64)
		}
	}
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
	_ = w.Write([]string{"cli", "n", "variant", "run", "operation", "wall_seconds", "api_calls", "api_calls_per_resource", "answered_429", "provider_peak_rss_kib"})
	for _, r := range results {
		_ = w.Write([]string{r.cli, strconv.Itoa(r.n), r.variant, strconv.Itoa(r.repeat), r.op, fmt.Sprintf("%.3f", r.wall.Seconds()),
			strconv.Itoa(r.calls), fmt.Sprintf("%.2f", float64(r.calls)/float64(r.n)), strconv.Itoa(r.limited), strconv.FormatInt(r.peakRSSKiB, 10)})
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
