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
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
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

// options are the command's flags.
type options struct {
	clis, sizes, csvPath, providerEnv, emulatorArgs, variants string
	parallelism, repeats, padKiB                              int
	ops                                                       []operation
	latency                                                   time.Duration
	pipelines                                                 []int
	pipelinesApart                                            bool
}

func parseFlags() options {
	var o options
	flag.StringVar(&o.clis, "clis", "", "comma-separated name=path of the CLIs to measure (required)")
	flag.StringVar(&o.sizes, "n", "10,100,500", "comma-separated resource counts (with -pipelines: of each pipeline)")
	flag.StringVar(&o.csvPath, "csv", "bench.csv", "where to write the results as CSV")
	flag.IntVar(&o.parallelism, "parallelism", 10, "the CLI's -parallelism")
	flag.IntVar(&o.repeats, "repeat", 3, "how many times to measure each CLI, N and variant")
	flag.IntVar(&o.padKiB, "pad-kib", 0, "grow each document by this many KiB (in data_access_description), to measure memory on large documents")
	flag.StringVar(&o.providerEnv, "provider-env", "", "comma-separated NAME=value set for the CLI and the provider (e.g. GOMEMLIMIT=off)")
	flag.StringVar(&o.emulatorArgs, "emulator-args", "", "extra emulator flags, space-separated (e.g. \"-rate-limit 10 -rate-burst 5\")")
	flag.StringVar(&o.variants, "variants", "provider,floor", "which variants to measure: provider, floor or both")
	opsFlag := flag.String("ops", "apply,plan,apply-change,destroy", "the operations, in order, from: apply (from empty, publish=false), plan (no change), apply-change (a field of every document), apply-publish (publish=true), destroy")
	flag.DurationVar(&o.latency, "latency", 0, "the emulator waits this long before every answer (e.g. 100ms); the table then shows the least time the round trips allow")
	pipelines := flag.String("pipelines", "", "comma-separated counts of pipelines (e.g. 2,4) that apply at once against one emulator (needs -rate-limit in -emulator-args): the table shows wall / (calls / rate)")
	flag.BoolVar(&o.pipelinesApart, "pipelines-apart", false, "with -pipelines: each pipeline has a cache folder and a temporary directory of its own, as on machines of their own (default: one machine, the pacing shared)")
	flag.Parse()
	if o.clis == "" {
		log.Fatal("-clis is required, e.g. -clis tofu=/path/to/tofu,terraform=/path/to/terraform")
	}
	o.ops = parseOps(*opsFlag)
	if o.latency < 0 {
		log.Fatal("-latency must not be negative")
	}
	for _, field := range splitNonEmpty(*pipelines) {
		k, err := strconv.Atoi(strings.TrimSpace(field))
		if err != nil || k < 1 {
			log.Fatalf("-pipelines: %q is not a count", field)
		}
		o.pipelines = append(o.pipelines, k)
	}
	if len(o.pipelines) > 0 && rateOf(strings.Fields(o.emulatorArgs)) <= 0 {
		log.Fatal("-pipelines needs -emulator-args with -rate-limit")
	}
	return o
}

func parseOps(list string) []operation {
	var ops []operation
	for _, name := range strings.Split(list, ",") {
		op, ok := operations[strings.TrimSpace(name)]
		if !ok {
			log.Fatalf("-ops: unknown operation %q", name)
		}
		ops = append(ops, op)
	}
	if len(ops) == 0 || ops[0].name != "apply" {
		log.Fatal("-ops must begin with apply (from empty)")
	}
	return ops
}

// binaries builds the provider and the emulator into work/bin.
func binaries(ctx context.Context, work string) (providerBin, emulatorBin string) {
	bin := filepath.Join(work, "bin")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin+"/", ".", "./cmd/marketplace-emulator")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		log.Fatalf("go build: %v\n%s", err, out)
	}
	return filepath.Join(bin, "terraform-provider-marketplace"), filepath.Join(bin, "marketplace-emulator")
}

func main() {
	o := parseFlags()
	ctx := context.Background()
	work, err := os.MkdirTemp("", "marketplace-bench-")
	if err != nil {
		log.Fatal(err)
	}
	defer func() { _ = os.RemoveAll(work) }()
	providerBin, emulatorBin := binaries(ctx, work)
	if len(o.pipelines) > 0 {
		runPipelines(ctx, o, work, providerBin, emulatorBin)
		return
	}
	var results []result
	for _, spec := range strings.Split(o.clis, ",") {
		results = append(results, measureCLI(ctx, o, spec, work, providerBin, emulatorBin)...)
	}
	switch {
	case strings.Contains(o.variants, "floor") && o.latency > 0:
		printLatencyTable(results, o.latency, o.parallelism)
	case strings.Contains(o.variants, "floor"):
		printTable(results)
	}
	if strings.Contains(o.emulatorArgs, "-rate-limit") {
		printRateLimitTable(results, strings.Fields(o.emulatorArgs))
	}
	if err := writeCSV(o.csvPath, results); err != nil {
		log.Fatal(err)
	}
	log.Printf("wrote %s", o.csvPath)
}

// measureCLI runs every N, repeat and variant on the CLI spec (name=path).
func measureCLI(ctx context.Context, o options, spec, work, providerBin, emulatorBin string) []result {
	name, path, ok := strings.Cut(spec, "=")
	if !ok {
		log.Fatalf("bad -clis entry %q", spec)
	}
	cliName := cliVersion(ctx, path, work)
	var results []result
	for _, n := range sizes(o.sizes) {
		for repeat := 1; repeat <= o.repeats; repeat++ {
			for _, variant := range strings.Split(o.variants, ",") {
				log.Printf("%s, N=%d, %s, run %d of %d", cliName, n, variant, repeat, o.repeats)
				rs, err := runScenario(ctx, scenario{
					work: filepath.Join(work, fmt.Sprintf("%s-%d-%s-%d", name, n, variant, repeat)), cli: path, cliName: cliName,
					variant: variant, n: n, repeat: repeat, providerBin: providerBin,
					emulatorBin: emulatorBin, parallelism: o.parallelism,
					padKiB: o.padKiB, extraEnv: splitNonEmpty(o.providerEnv), emulatorArgs: strings.Fields(o.emulatorArgs),
					ops: o.ops, latency: o.latency,
				})
				if err != nil {
					log.Fatalf("%s N=%d %s: %v", cliName, n, variant, err)
				}
				results = append(results, rs...)
			}
		}
	}
	return results
}

func sizes(list string) []int {
	var out []int
	for _, field := range strings.Split(list, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(field))
		if err != nil {
			log.Fatal(err)
		}
		out = append(out, n)
	}
	return out
}
