// Package e2e drives the real Terraform and OpenTofu CLIs, with the provider binary and the
// emulator binary built from this repository, through flows that terraform-plugin-testing
// cannot express (generated configuration).
package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// cli is the Terraform or OpenTofu binary the acceptance tests run on.
type cli struct {
	path    string
	version string // e.g. "1.5.7"
	name    string // "Terraform" or "OpenTofu"
}

func testCLI(t *testing.T) cli {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 (make testacc does)")
	}
	path := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if path == "" {
		t.Fatal("TF_ACC_TERRAFORM_PATH must name the CLI to test (scripts/testacc.sh sets it)")
	}
	out, err := exec.CommandContext(t.Context(), path, "version").Output()
	if err != nil {
		t.Fatalf("%s version: %v", path, err)
	}
	m := regexp.MustCompile(`(Terraform|OpenTofu) v(\d+\.\d+\.\d+)`).FindStringSubmatch(string(out))
	if m == nil {
		t.Fatalf("cannot read the version of %s: %s", path, out)
	}
	return cli{path: path, name: m[1], version: m[2]}
}

var (
	buildOnce sync.Once
	buildDir  string
	buildErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		_ = os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// binaries builds the provider and the emulator (and the plan summary, summaryBinary), once
// for all the tests of a run.
func binaries(t *testing.T) (provider, emulator string) {
	t.Helper()
	buildOnce.Do(func() {
		// Shared by every test of the run, so not a t.TempDir; TestMain removes it.
		if buildDir, buildErr = os.MkdirTemp("", "marketplace-e2e-"); buildErr != nil { //nolint:usetesting // see above
			return
		}
		cmd := exec.CommandContext(context.Background(), "go", "build", "-o", buildDir+"/", "../..", "../../cmd/marketplace-emulator",
			"../../cmd/marketplace-plan-summary")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %w\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return filepath.Join(buildDir, "terraform-provider-marketplace"), filepath.Join(buildDir, "marketplace-emulator")
}

// seedState writes an emulator state file holding docs (product ID -> "live"/"draft" ->
// the stored body), as a person could have left them in the Marketplace UI.
func seedState(t *testing.T, docs map[string]map[string]json.RawMessage) string {
	t.Helper()
	data, err := json.Marshal(docs)
	if err != nil {
		t.Fatal(err)
	}
	stateFile := filepath.Join(t.TempDir(), "emulator.json")
	if err := os.WriteFile(stateFile, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return stateFile
}

// startEmulator runs the emulator binary on a free loopback port until the test ends.
func startEmulator(t *testing.T, bin, stateFile string, env []string, products ...string) string {
	t.Helper()
	var args []string
	for _, p := range products {
		args = append(args, "-product", p)
	}
	url, _ := startEmulatorWith(t, bin, stateFile, env, args)
	return url
}

// syncBuffer collects a process's output while the test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startEmulatorWith starts the emulator with extra flags; it returns the base URL and the
// emulator's log (one line per request).
func startEmulatorWith(t *testing.T, bin, stateFile string, env []string, extra []string) (string, *syncBuffer) {
	t.Helper()
	dir := t.TempDir()
	urlFile := filepath.Join(dir, "url")
	args := append([]string{"-addr", "127.0.0.1:0", "-url-file", urlFile, "-state-file", stateFile}, extra...)
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = env
	logs := &syncBuffer{}
	cmd.Stderr = logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("emulator log:\n%s", logs.String())
		}
	})
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if data, err := os.ReadFile(urlFile); err == nil && strings.HasSuffix(string(data), "\n") {
			return strings.TrimSpace(string(data)), logs
		}
	}
	t.Fatalf("the emulator did not start:\n%s", logs.String())
	return "", nil
}

// workspace is a configuration folder with a CLI configuration that points the provider
// source at the fresh build (dev_overrides), and never reads the user's own.
type workspace struct {
	t   *testing.T
	cli cli
	dir string
	env []string
}

func newWorkspace(t *testing.T, c cli, providerBin string, env []string) *workspace {
	t.Helper()
	dir := t.TempDir()
	rc := filepath.Join(t.TempDir(), "cli.tfrc")
	config := fmt.Sprintf(`provider_installation {
  dev_overrides {
    "marketplace-trust/marketplace" = %q
  }
  direct {}
}
`, filepath.Dir(providerBin))
	if err := os.WriteFile(rc, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	env = append(env, "TF_CLI_CONFIG_FILE="+rc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1", "HOME="+t.TempDir())
	return &workspace{t: t, cli: c, dir: dir, env: env}
}

// run runs the CLI and returns its combined output and exit code.
func (w *workspace) run(args ...string) (string, int) {
	w.t.Helper()
	cmd := exec.CommandContext(w.t.Context(), w.cli.path, args...)
	cmd.Dir = w.dir
	cmd.Env = w.env
	out, err := cmd.CombinedOutput()
	code := 0
	if err != nil {
		var exitErr *exec.ExitError
		if !errors.As(err, &exitErr) {
			w.t.Fatalf("%s %v: %v", w.cli.name, args, err)
		}
		code = exitErr.ExitCode()
	}
	return string(out), code
}

func (w *workspace) mustRun(args ...string) string {
	w.t.Helper()
	out, code := w.run(args...)
	if code != 0 {
		w.t.Fatalf("%s %s: exit %d\n%s", w.cli.name, strings.Join(args, " "), code, out)
	}
	return out
}

func baseEnv(extra ...string) []string {
	env := []string{"PATH=" + os.Getenv("PATH")}
	if v := os.Getenv("TMPDIR"); v != "" {
		env = append(env, "TMPDIR="+v)
	}
	return append(env, extra...)
}

// atLeast compares dotted versions numerically.
func atLeast(version string, major, minor int) bool {
	var maj, mnr, patch int
	_, _ = fmt.Sscanf(version, "%d.%d.%d", &maj, &mnr, &patch)
	return maj > major || (maj == major && mnr >= minor)
}

// summaryBinary is the plan summary command built by binaries.
func summaryBinary(t *testing.T) string {
	t.Helper()
	binaries(t)
	return filepath.Join(buildDir, "marketplace-plan-summary")
}
