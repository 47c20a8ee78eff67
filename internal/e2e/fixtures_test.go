// Package e2e drives the real Terraform and OpenTofu CLIs, with the provider binary and the
// emulator binary built from this repository, through flows that terraform-plugin-testing
// cannot express (generated configuration).
//
// This file holds the set-up every test shares: the CLI under test, the built binaries, the
// emulator (newFixture, emulatorOptions) with its API as a colleague uses it (put, get,
// request), workspaces with their CLI configuration, and small text helpers (oneLine).
package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
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

// emulatorOptions is how a test's emulator starts.
type emulatorOptions struct {
	email, token string                                // the credentials it accepts (defaultEmail, defaultToken when empty)
	seed         map[string]map[string]json.RawMessage // the documents it starts with (seedState); nil: none, no state file yet
	products     []string                              // product IDs it knows besides the seeded ones (-product)
	flags        []string                              // further flags
}

const defaultEmail, defaultToken = "vendor@example.com", "e2e-token"

// emulator is the emulator binary running for one test, with the credentials it accepts.
type emulator struct {
	t            *testing.T
	url          string      // its base URL
	stateFile    string      // the documents it holds
	log          *syncBuffer // one line per request
	email, token string
}

// startEmulator runs the emulator binary on a free loopback port until the test ends.
func startEmulator(t *testing.T, opts emulatorOptions) *emulator {
	t.Helper()
	_, bin := binaries(t)
	e := &emulator{t: t, email: opts.email, token: opts.token}
	if e.email == "" {
		e.email = defaultEmail
	}
	if e.token == "" {
		e.token = defaultToken
	}
	if opts.seed != nil {
		e.stateFile = seedState(t, opts.seed)
	} else {
		e.stateFile = filepath.Join(t.TempDir(), "emulator.json")
	}
	urlFile := filepath.Join(t.TempDir(), "url")
	args := []string{"-addr", "127.0.0.1:0", "-url-file", urlFile, "-state-file", e.stateFile}
	for _, p := range opts.products {
		args = append(args, "-product", p)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, append(args, opts.flags...)...)
	cmd.Env = baseEnv(e.creds()...)
	e.log = &syncBuffer{}
	cmd.Stderr = e.log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("emulator log:\n%s", e.log.String())
		}
	})
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if data, err := os.ReadFile(urlFile); err == nil && strings.HasSuffix(string(data), "\n") {
			e.url = strings.TrimSpace(string(data))
			return e
		}
	}
	t.Fatalf("the emulator did not start:\n%s", e.log.String())
	return nil
}

// creds is the environment that gives the provider the emulator's credentials.
func (e *emulator) creds() []string {
	return []string{"MARKETPLACE_EMAIL=" + e.email, "MARKETPLACE_API_TOKEN=" + e.token}
}

// env is the environment of a CLI that uses the emulator with its credentials, and extra.
func (e *emulator) env(extra ...string) []string {
	return baseEnv(append(append(e.creds(), "MARKETPLACE_BASE_URL="+e.url), extra...)...)
}

// call sends one authenticated request to the emulator, as a colleague in the UI would: method
// on the product path (a product ID, and a suffix such as /publish or ?state=draft). It
// returns the status and the answer's body.
func (e *emulator) call(method, path, body string) (int, string) {
	e.t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), method, e.url+"/rest/3/privacy-and-security/products/"+path, strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	req.SetBasicAuth(e.email, e.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(data)
}

// request is call that fails the test unless the request succeeds; it returns the body.
func (e *emulator) request(method, path, body string) string {
	e.t.Helper()
	status, data := e.call(method, path, body)
	if status/100 != 2 {
		e.t.Fatalf("%s %s: %d %s", method, path, status, data)
	}
	return data
}

// put writes an app's draft through the emulator's API, as a colleague in the UI would.
func (e *emulator) put(id, body string) {
	e.t.Helper()
	e.request(http.MethodPut, id, body)
}

// get reads a version of an app from the emulator: its commonCloud, or nil when there is none.
func (e *emulator) get(id, version string) map[string]any {
	e.t.Helper()
	query := ""
	if version == "draft" {
		query = "?state=draft"
	}
	status, data := e.call(http.MethodGet, id+query, "")
	if status == http.StatusNotFound {
		return nil
	}
	var body struct {
		CommonCloud map[string]any `json:"commonCloud"`
	}
	if err := json.Unmarshal([]byte(data), &body); err != nil {
		e.t.Fatalf("GET %s %s: %s", id, version, data)
	}
	delete(body.CommonCloud, "properties")
	return body.CommonCloud
}

// stored is the emulator's state file as it stands ("" before its first write).
func (e *emulator) stored() string {
	e.t.Helper()
	data, err := os.ReadFile(e.stateFile)
	if err != nil && !os.IsNotExist(err) {
		e.t.Fatal(err)
	}
	return string(data)
}

// storedDocs is the emulator's state file read: product ID -> "live"/"draft" -> stored body.
func (e *emulator) storedDocs() map[string]map[string]json.RawMessage {
	e.t.Helper()
	docs := map[string]map[string]json.RawMessage{}
	if s := e.stored(); s != "" {
		if err := json.Unmarshal([]byte(s), &docs); err != nil {
			e.t.Fatalf("emulator state: %v", err)
		}
	}
	return docs
}

// fixture is what an end-to-end test runs against: the CLI under test, the built provider
// and an emulator.
type fixture struct {
	*emulator
	cli      cli
	provider string // the provider binary
}

// newFixture builds the binaries and starts an emulator for a test on c.
func newFixture(t *testing.T, c cli, opts emulatorOptions) *fixture {
	t.Helper()
	providerBin, _ := binaries(t)
	return &fixture{emulator: startEmulator(t, opts), cli: c, provider: providerBin}
}

// workspace is a workspace whose CLI uses the emulator with its credentials; extra is added
// to the environment.
func (f *fixture) workspace(extra ...string) *workspace {
	f.t.Helper()
	return newWorkspace(f.t, f.cli, f.provider, f.env(extra...))
}

// workspaceWithEnv is a workspace whose environment is baseEnv(env...) alone: no
// credentials or base URL unless env gives them.
func (f *fixture) workspaceWithEnv(env ...string) *workspace {
	f.t.Helper()
	return newWorkspace(f.t, f.cli, f.provider, baseEnv(env...))
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

// What each CLI of the matrix has, where the tests need it.

// generatesConfig: plan -generate-config-out (1.5 and later).
func (c cli) generatesConfig() bool { return atLeast(c.version, 1, 5) }

// hasIdentityImport: import blocks by identity (Terraform 1.12 and later, OpenTofu).
func (c cli) hasIdentityImport() bool { return c.name != "Terraform" || atLeast(c.version, 1, 12) }

// hasActions: action blocks and -invoke (Terraform 1.14 and later; OpenTofu has none).
func (c cli) hasActions() bool { return c.name == "Terraform" && atLeast(c.version, 1, 14) }

// hasListBlocks: list blocks and terraform query (Terraform 1.14 and later; OpenTofu has none).
func (c cli) hasListBlocks() bool { return c.name == "Terraform" && atLeast(c.version, 1, 14) }

// skipUnless skips the test on a CLI that lacks what it needs: why follows the CLI's name.
func skipUnless(t *testing.T, c cli, has bool, why string) {
	t.Helper()
	if !has {
		t.Skipf("%s %s %s", c.name, c.version, why)
	}
}

// summaryBinary is the plan summary command built by binaries.
func summaryBinary(t *testing.T) string {
	t.Helper()
	binaries(t)
	return filepath.Join(buildDir, "marketplace-plan-summary")
}

// write writes a file of the workspace (name may hold a folder that exists).
func (w *workspace) write(name, text string) {
	w.t.Helper()
	if err := os.WriteFile(filepath.Join(w.dir, name), []byte(text), 0o600); err != nil {
		w.t.Fatal(err)
	}
}

// copyIn copies src (a file, or a folder's content when it ends in "/.") into the workspace.
func (w *workspace) copyIn(src string) {
	w.t.Helper()
	if out, err := exec.CommandContext(w.t.Context(), "cp", "-R", src, w.dir).CombinedOutput(); err != nil {
		w.t.Fatalf("cp: %v %s", err, out)
	}
}

const providerHeader = `terraform {
  required_providers {
    marketplace = { source = "marketplace-trust/marketplace" }
  }
}
`

// oneLine is the CLI's output with its lines, wrapped at 80 columns, joined by spaces.
func oneLine(out string) string { return strings.Join(strings.Fields(out), " ") }

// tail is the last lines of s.
func tail(s string, lines int) string {
	all := strings.Split(s, "\n")
	if len(all) > lines {
		all = all[len(all)-lines:]
	}
	return strings.Join(all, "\n")
}

// withEnv is env with name set to value.
func withEnv(env []string, name, value string) []string {
	out := []string{name + "=" + value}
	for _, kv := range env {
		if !strings.HasPrefix(kv, name+"=") {
			out = append(out, kv)
		}
	}
	return out
}

// logRetention is the logRetention of a document, "" when it has none.
func logRetention(doc map[string]any) string {
	ld, _ := doc["logDetails"].(map[string]any)
	s, _ := ld["logRetention"].(string)
	return s
}

func decode(t *testing.T, doc string) map[string]any {
	var m map[string]any
	if err := json.Unmarshal([]byte(doc), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}
