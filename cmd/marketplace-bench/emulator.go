package main

import (
	"bufio"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

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
	Method  string `json:"method"`
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
