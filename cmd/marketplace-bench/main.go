// Command bench measures what the provider adds on top of the CLI itself: for N resources,
// on each CLI, the wall time of a sequence of operations (-ops; by default an apply from
// empty, a no-change plan, an apply changing every resource and a destroy), the API calls
// per resource, and the provider process's peak memory; and the same operations on N
// terraform_data resources holding the same attributes (the CLI floor: no provider
// process, no API). `make bench` runs it.
//
// With -latency, the emulator waits that long before every answer, as api.atlassian.com
// across the internet would, and the table sets each operation beside the least time its
// round trips allow: a round trip is a wait for one or more requests about the same app
// sent together (the emulator's -trace-file tells when each request began and ended), and
// the CLI runs at most -parallelism resources at once, so the least is
// ceil(N / parallelism) x round trips per app x latency + the CLI floor.
//
// Each measurement is repeated (-repeat, provider and floor interleaved, so that a noisy
// moment of a shared machine falls on both alike); the table shows the median wall time,
// the CSV every run.
package main

import (
	"bufio"
	"cmp"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"math"
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
	latency          time.Duration
	wall             time.Duration
	calls            int
	limited          int // answered 429
	roundTrips       int // over all apps: see roundTrips
	peakRSSKiB       int64
}

// operation is one CLI command of the sequence; the variables it sets stay set for the
// operations after it.
type operation struct {
	name     string
	command  string // apply, plan or destroy
	revision string // "": unchanged
	publish  string // "": unchanged
}

// operations are those -ops can name. The document changes with revision, on every app.
var operations = map[string]operation{
	"apply":         {name: "apply", command: "apply", revision: "1", publish: "false"}, // from empty
	"plan":          {name: "plan", command: "plan"},                                    // must find no change
	"apply-change":  {name: "apply-change", command: "apply", revision: "2"},            // one field of every document
	"apply-publish": {name: "apply-publish", command: "apply", publish: "true"},         // publish false to true, same document
	"destroy":       {name: "destroy", command: "destroy"},
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
	opsFlag := flag.String("ops", "apply,plan,apply-change,destroy", "the operations, in order, from: apply (from empty, publish=false), plan (no change), apply-change (a field of every document), apply-publish (publish=true), destroy")
	latency := flag.Duration("latency", 0, "the emulator waits this long before every answer (e.g. 100ms); the table then shows the least time the round trips allow")
	flag.Parse()
	if *clis == "" {
		log.Fatal("-clis is required, e.g. -clis tofu=/path/to/tofu,terraform=/path/to/terraform")
	}
	var ops []operation
	for _, name := range strings.Split(*opsFlag, ",") {
		op, ok := operations[strings.TrimSpace(name)]
		if !ok {
			log.Fatalf("-ops: unknown operation %q", name)
		}
		ops = append(ops, op)
	}
	if len(ops) == 0 || ops[0].name != "apply" {
		log.Fatal("-ops must begin with apply (from empty)")
	}
	if *latency < 0 {
		log.Fatal("-latency must not be negative")
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
						ops: ops, latency: *latency,
					})
					if err != nil {
						log.Fatalf("%s N=%d %s: %v", cliName, n, variant, err)
					}
					results = append(results, rs...)
				}
			}
		}
	}
	switch {
	case strings.Contains(*variants, "floor") && *latency > 0:
		printLatencyTable(results, *latency, *parallelism)
	case strings.Contains(*variants, "floor"):
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
	ops                         []operation
	latency                     time.Duration
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

	var emu *emulator
	if s.variant == "provider" {
		email, token := "bench@example.com", "bench-token"
		args := s.emulatorArgs
		if s.latency > 0 {
			args = append(slices.Clone(args), "-latency", s.latency.String())
		}
		var err error
		emu, err = startEmulator(ctx, s.emulatorBin, s.work, ids, email, token, args)
		if err != nil {
			return nil, err
		}
		defer emu.stop()
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
	}
	doc, err := exampleDocument(s.padKiB)
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(s.work, "main.tf"), []byte(configFor(s.variant, doc, ids)), 0o600); err != nil {
		return nil, err
	}

	par := fmt.Sprintf("-parallelism=%d", s.parallelism)
	revision, publish := "1", "false"
	var out []result
	for _, op := range s.ops {
		if op.revision != "" {
			revision = op.revision
		}
		if op.publish != "" {
			publish = op.publish
		}
		args := []string{op.command, "-input=false", par, "-var", "revision=" + revision, "-var", "publish=" + publish}
		if op.command == "plan" {
			args = append(args, "-detailed-exitcode") // exit 2, a failure here, if the plan is not empty
		} else {
			args = append(args, "-auto-approve")
		}
		watcher := watchPeakRSS(s.providerBin)
		start := time.Now()
		cmd := exec.CommandContext(ctx, s.cli, args...)
		cmd.Dir, cmd.Env = s.work, env
		output, err := cmd.CombinedOutput()
		wall := time.Since(start)
		peak := watcher.stop()
		if err != nil {
			return nil, fmt.Errorf("%s: %w\n%s", op.name, err, tail(string(output), 30))
		}
		r := result{cli: s.cliName, variant: s.variant, op: op.name, n: s.n, repeat: s.repeat, latency: s.latency,
			wall: wall, peakRSSKiB: peak}
		if emu != nil {
			requests, err := emu.newRequests()
			if err != nil {
				return nil, err
			}
			r.calls, r.limited, r.roundTrips = countRequests(requests)
		}
		out = append(out, r)
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
variable "publish" { type = bool }
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
    publish      = var.publish
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
  publish      = var.publish
  common_cloud = local.doc
}
`
}

type emulator struct {
	url       string
	cmd       *exec.Cmd
	done      chan struct{}
	traceFile string
	offset    int64 // of the trace, up to the requests already counted
}

func (e *emulator) stop() {
	_ = e.cmd.Process.Signal(os.Interrupt)
	<-e.done
}

// traceLine is one request in the emulator's -trace-file.
type traceLine struct {
	Product string `json:"product"`
	Status  int    `json:"status"`
	Start   int64  `json:"start"`
	End     int64  `json:"end"`
}

// newRequests are the requests the emulator answered since the last call. The emulator
// writes a request's line just after its answer, which the CLI may have read and exited
// on: wait until the trace stops growing.
func (e *emulator) newRequests() ([]traceLine, error) {
	size := int64(-1)
	for stable := 0; stable < 2; time.Sleep(30 * time.Millisecond) {
		info, err := os.Stat(e.traceFile)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, err
		}
		now := int64(0)
		if err == nil {
			now = info.Size()
		}
		if now == size {
			stable++
		} else {
			size, stable = now, 0
		}
	}
	f, err := os.Open(e.traceFile)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer func() { _ = f.Close() }()
	if _, err := f.Seek(e.offset, io.SeekStart); err != nil {
		return nil, err
	}
	var lines []traceLine
	scanner := bufio.NewScanner(io.LimitReader(f, size-e.offset))
	for scanner.Scan() {
		var line traceLine
		if err := json.Unmarshal(scanner.Bytes(), &line); err != nil {
			return nil, fmt.Errorf("%s: %w", e.traceFile, err)
		}
		lines = append(lines, line)
	}
	e.offset = size
	return lines, scanner.Err()
}

// countRequests is the requests made, those answered 429, and the round trips: per app,
// the maximal groups of requests that overlap in time (two reads sent together are one
// wait), summed over the apps. Requests naming no app are calls, not round trips of an app.
func countRequests(lines []traceLine) (calls, limited, roundTrips int) {
	byProduct := map[string][]traceLine{}
	for _, l := range lines {
		calls++
		if l.Status == 429 {
			limited++
		}
		if l.Product != "" {
			byProduct[l.Product] = append(byProduct[l.Product], l)
		}
	}
	for _, requests := range byProduct {
		roundTrips += overlapGroups(requests)
	}
	return calls, limited, roundTrips
}

// overlapGroups is the number of maximal groups of overlapping [start, end] intervals.
func overlapGroups(requests []traceLine) int {
	slices.SortFunc(requests, func(a, b traceLine) int { return cmp.Compare(a.Start, b.Start) })
	groups := 0
	var groupEnd int64
	for i, r := range requests {
		if i == 0 || r.Start >= groupEnd {
			groups++
			groupEnd = r.End
		} else {
			groupEnd = max(groupEnd, r.End)
		}
	}
	return groups
}

// startEmulator runs the emulator, its log in dir/emulator.log and its trace of requests
// in dir/emulator-trace.jsonl.
func startEmulator(ctx context.Context, bin, dir string, ids []string, email, token string, extra []string) (*emulator, error) {
	urlFile := filepath.Join(dir, "emulator.url")
	traceFile := filepath.Join(dir, "emulator-trace.jsonl")
	args := append([]string{"-addr", "127.0.0.1:0", "-url-file", urlFile, "-trace-file", traceFile, "-product", strings.Join(ids, ","),
		"-email", email, "-api-token", token}, extra...)
	logFile, err := os.Create(filepath.Join(dir, "emulator.log"))
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Stderr = logFile
	if err := cmd.Start(); err != nil {
		_ = logFile.Close()
		return nil, err
	}
	e := &emulator{cmd: cmd, done: make(chan struct{}), traceFile: traceFile}
	go func() {
		defer close(e.done)
		_ = cmd.Wait()
		_ = logFile.Close()
	}()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if data, err := os.ReadFile(urlFile); err == nil && strings.HasSuffix(string(data), "\n") {
			e.url = strings.TrimSpace(string(data))
			return e, nil
		}
	}
	e.stop()
	log, _ := os.ReadFile(logFile.Name())
	return nil, fmt.Errorf("the emulator did not start:\n%s", tail(string(log), 10))
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
