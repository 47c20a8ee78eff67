package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/marketplace-trust/terraform-provider-marketplace/internal/marketplace"
)

const product = "12345678-1234-1234-1234-123456789abc"

// startEmulator runs the command in-process and returns its base URL and a stop function.
func startEmulator(t *testing.T, args ...string) (string, func()) {
	t.Helper()
	dir := t.TempDir()
	urlFile := filepath.Join(dir, "url")
	args = append([]string{"-addr", "127.0.0.1:0", "-url-file", urlFile, "-email", "e@example.com", "-api-token", "tok"}, args...)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, args, func(string) string { return "" }) }()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if data, err := os.ReadFile(urlFile); err == nil && strings.HasSuffix(string(data), "\n") {
			stop := func() {
				cancel()
				select {
				case err := <-done:
					if err != nil {
						t.Errorf("emulator: %v", err)
					}
				case <-time.After(10 * time.Second):
					t.Error("emulator did not stop")
				}
			}
			return strings.TrimSpace(string(data)), stop
		}
		select {
		case err := <-done:
			cancel()
			t.Fatalf("emulator exited: %v", err)
		default:
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatal("emulator did not start")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestEmulatorPersistsAcrossRestarts(t *testing.T) {
	t.Parallel()
	state := filepath.Join(t.TempDir(), "state.json")
	ctx := context.Background()

	url, stop := startEmulator(t, "-product", product, "-state-file", state)
	c, err := marketplace.New(marketplace.Config{BaseURL: url, Email: "e@example.com", APIToken: "tok"})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.PutDraft(ctx, product, json.RawMessage(`{"security": {"securityContact": "s@example.com"}}`)); err != nil {
		t.Fatal(err)
	}
	if err := c.Publish(ctx, product); err != nil {
		t.Fatal(err)
	}
	stop()

	var saved map[string]json.RawMessage
	data, err := os.ReadFile(state)
	if err != nil || json.Unmarshal(data, &saved) != nil {
		t.Fatalf("state file: %v %s", err, data)
	}
	leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(state), ".state.json.tmp-*"))
	if len(leftovers) != 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}

	url, stop = startEmulator(t, "-state-file", state)
	defer stop()
	c, _ = marketplace.New(marketplace.Config{BaseURL: url})
	live, err := c.Get(ctx, product, marketplace.Live)
	if err != nil {
		t.Fatal(err)
	}
	if security, _ := live.CommonCloud["security"].(map[string]any); security["securityContact"] != "s@example.com" {
		t.Errorf("after restart: %v", live.CommonCloud)
	}
}

func TestEmulatorRefusesNonLoopbackAndMissingCredentials(t *testing.T) {
	t.Parallel()
	if err := run(context.Background(), []string{"-addr", "0.0.0.0:0", "-email", "e", "-api-token", "t"}, func(string) string { return "" }); err == nil ||
		!strings.Contains(err.Error(), "not a loopback address") {
		t.Errorf("0.0.0.0: %v", err)
	}
	if err := run(context.Background(), []string{"-addr", "127.0.0.1:0"}, func(string) string { return "" }); err == nil ||
		!strings.Contains(err.Error(), "-email") {
		t.Errorf("no credentials: %v", err)
	}
}

func TestWriteFileAtomicReplaces(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "f.json")
	for _, content := range []string{"first", "second"} {
		if err := writeFileAtomic(path, []byte(content)); err != nil {
			t.Fatal(err)
		}
		if got, _ := os.ReadFile(path); string(got) != content {
			t.Errorf("file = %q, want %q", got, content)
		}
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries, want 1", len(entries))
	}
}
