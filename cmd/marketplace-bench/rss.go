package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

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
