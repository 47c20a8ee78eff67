//go:build profile

// Package profiling writes a CPU profile of the provider process when it is built with
// -tags profile; otherwise it does nothing.
package profiling

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime/pprof"
)

// Start writes a CPU profile of this provider process to
// $MARKETPLACE_PROFILE_DIR/cpu.<pid> when built with -tags profile. The CLI starts one
// provider process per phase, so each gets its own file; `go tool pprof` merges them.
func Start() (stop func()) {
	dir := os.Getenv("MARKETPLACE_PROFILE_DIR")
	if dir == "" {
		return func() {}
	}
	f, err := os.Create(filepath.Join(dir, fmt.Sprintf("cpu.%d", os.Getpid())))
	if err != nil {
		return func() {}
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		_ = f.Close()
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		_ = f.Close()
	}
}
