package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// pipelineRun is K pipelines applying at once against one rate-limited emulator.
type pipelineRun struct {
	pipelines, n, repeat int
	wall                 time.Duration
	calls, limited       int
	writtenOnce, apps    int // apps whose draft was written exactly once, of all apps
}

// runPipelines measures, for each count of -pipelines, that many applies from empty (each
// its own configuration of N apps, its own CLI and provider process) started together
// against one emulator, as pipelines of one vendor share the account's rate limit; the
// table shows the wall time over the least the limit allows for the requests needed.
func runPipelines(ctx context.Context, o options, work, providerBin, emulatorBin string) {
	name, path, ok := strings.Cut(strings.Split(o.clis, ",")[0], "=")
	if !ok {
		log.Fatalf("bad -clis entry %q", o.clis)
	}
	cliName := cliVersion(ctx, path, work)
	emulatorArgs := strings.Fields(o.emulatorArgs)
	var runs []pipelineRun
	for _, k := range o.pipelines {
		for _, n := range sizes(o.sizes) {
			for repeat := 1; repeat <= o.repeats; repeat++ {
				log.Printf("%s, %d pipelines of N=%d, %s, run %d of %d", cliName, k, n, o.emulatorArgs, repeat, o.repeats)
				dir := filepath.Join(work, fmt.Sprintf("%s-pipelines-%d-%d-%d", name, k, n, repeat))
				r, err := runPipelineSet(ctx, o, dir, path, cliName, providerBin, emulatorBin, k, n)
				if err != nil {
					log.Fatalf("%d pipelines of N=%d: %v", k, n, err)
				}
				r.repeat = repeat
				runs = append(runs, r)
			}
		}
	}
	printPipelinesTable(cliName, emulatorArgs, o.parallelism, o.pipelinesApart, runs)
}

func runPipelineSet(ctx context.Context, o options, dir, cli, cliName, providerBin, emulatorBin string, k, n int) (pipelineRun, error) {
	ids := make([][]string, k)
	var all []string
	for p := range ids {
		for i := 0; i < n; i++ {
			ids[p] = append(ids[p], fmt.Sprintf("00000000-0000-4%03d-8000-%012d", p, i))
		}
		all = append(all, ids[p]...)
	}
	emu, err := startEmulator(ctx, emulatorBin, mkdir(dir), all, benchEmail, benchToken, strings.Fields(o.emulatorArgs))
	if err != nil {
		return pipelineRun{}, err
	}
	defer emu.stop()
	errs := make([]error, k)
	var wg sync.WaitGroup
	start := time.Now()
	for p := 0; p < k; p++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[p] = runScenario(ctx, scenario{
				work: filepath.Join(dir, fmt.Sprintf("pipeline-%d", p)), cli: cli, cliName: cliName, variant: "provider",
				n: n, repeat: 1, providerBin: providerBin, emulatorBin: emulatorBin, parallelism: o.parallelism,
				extraEnv: append(cacheEnv(o, dir, p), splitNonEmpty(o.providerEnv)...), ops: []operation{operations["apply"]}, shared: emu, ids: ids[p],
			})
		}()
	}
	wg.Wait()
	wall := time.Since(start)
	for p, err := range errs {
		if err != nil {
			return pipelineRun{}, fmt.Errorf("pipeline %d: %w", p, err)
		}
	}
	lines, err := emu.newRequests()
	if err != nil {
		return pipelineRun{}, err
	}
	r := pipelineRun{pipelines: k, n: n, wall: wall, apps: len(all)}
	r.calls, r.limited, _ = countRequests(lines)
	puts := map[string]int{}
	for _, l := range lines {
		if l.Method == "PUT" && l.Status >= 200 && l.Status < 300 {
			puts[l.Product]++
		}
	}
	for _, id := range all {
		if puts[id] == 1 {
			r.writtenOnce++
		}
	}
	return r, nil
}

func printPipelinesTable(cliName string, emulatorArgs []string, parallelism int, apart bool, runs []pipelineRun) {
	rate := rateOf(emulatorArgs)
	where := "on one machine (the pacing shared)"
	if apart {
		where = "on machines of their own (a temporary directory each)"
	}
	fmt.Printf("\n%s, emulator %s, -parallelism=%d in each pipeline, %s; least = (requests - 429s) / %g a second.\n",
		cliName, strings.Join(emulatorArgs, " "), parallelism, where, rate)
	fmt.Printf("\n| pipelines | N each | run | wall | requests | answered 429 | needed | least | wall / least | apps written once |\n")
	fmt.Printf("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	for _, r := range runs {
		needed := r.calls - r.limited
		least := float64(needed) / rate
		fmt.Printf("| %d | %d | %d | %.2fs | %d | %d | %d | %.2fs | %.2fx | %d of %d |\n", r.pipelines, r.n, r.repeat,
			r.wall.Seconds(), r.calls, r.limited, needed, least, r.wall.Seconds()/least, r.writtenOnce, r.apps)
	}
}

// cacheEnv is the cache and temporary folders of pipeline p of a set run in dir: one cache
// folder for all of them and the bench's temporary directory, as on one machine (their
// provider processes share their pacing through a folder of it), or with -pipelines-apart
// a temporary directory each (and each pipeline's own HOME), as on machines of their own.
func cacheEnv(o options, dir string, p int) []string {
	if o.pipelinesApart {
		return []string{"TMPDIR=" + mkdir(filepath.Join(dir, fmt.Sprintf("tmp-%d", p)))}
	}
	return []string{"XDG_CACHE_HOME=" + mkdir(filepath.Join(dir, "cache"))}
}

// mkdir makes dir (a folder of the bench's own temporary one) and returns it.
func mkdir(dir string) string {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		log.Fatal(err)
	}
	return dir
}
