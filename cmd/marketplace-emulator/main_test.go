package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
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

func TestEmulatorHelpExitsZero(t *testing.T) {
	t.Parallel()
	err := run(context.Background(), []string{"-h"}, func(string) string { return "" })
	if code := exitCode(err); code != 0 {
		t.Errorf("-h: %v, exit %d, want 0", err, code)
	}
	if code := exitCode(errors.New("boom")); code != 1 {
		t.Errorf("an error exits %d, want 1", code)
	}
}

// A state file whose folder cannot be written is refused at start; a write that cannot be
// persisted later is answered 500 and not made.
func TestEmulatorNeverAcknowledgesALostWrite(t *testing.T) {
	t.Parallel()
	missing := filepath.Join(t.TempDir(), "no-such-folder", "state.json")
	if err := run(context.Background(), []string{"-addr", "127.0.0.1:0", "-email", "e", "-api-token", "t", "-state-file", missing},
		func(string) string { return "" }); err == nil || !strings.Contains(err.Error(), "cannot be written") {
		t.Errorf("state file in a missing folder: %v, want a refusal", err)
	}

	dir := filepath.Join(t.TempDir(), "state")
	if err := os.Mkdir(dir, 0o750); err != nil {
		t.Fatal(err)
	}
	url, stop := startEmulator(t, "-product", product, "-state-file", filepath.Join(dir, "state.json"))
	defer stop()
	c, err := marketplace.New(marketplace.Config{BaseURL: url, Email: "e@example.com", APIToken: "tok"})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(dir); err != nil { // the folder goes away under the emulator
		t.Fatal(err)
	}
	err = c.PutDraft(context.Background(), product, json.RawMessage(`{"security": {"securityContact": "s@example.com"}}`))
	if marketplace.StatusCode(err) != http.StatusInternalServerError || !strings.Contains(err.Error(), "could not be saved") {
		t.Errorf("PUT that cannot be saved: %v, want 500", err)
	}
	if _, err := c.Get(context.Background(), product, marketplace.Draft); !marketplace.IsNotFound(err) {
		t.Errorf("the unsaved draft was kept: %v", err)
	}
}

// Wrong methods get 405 with Allow, bodies over the cap 413 naming it, and a PUT that is
// not JSON 415.
func TestEmulatorAnswersBadRequestsPrecisely(t *testing.T) {
	t.Parallel()
	url, stop := startEmulator(t, "-product", product)
	defer stop()
	// do returns the status and Allow header of a request.
	do := func(method, path, contentType, body string) (int, string) {
		req, err := http.NewRequestWithContext(context.Background(), method, url+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.SetBasicAuth("e@example.com", "tok")
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		return resp.StatusCode, resp.Header.Get("Allow")
	}
	productPath := "/rest/3/privacy-and-security/products/" + product
	if status, allow := do(http.MethodPost, productPath, "", ""); status != 405 || allow != "GET, PUT, DELETE" {
		t.Errorf("POST to a product: %d, Allow %q", status, allow)
	}
	if status, allow := do(http.MethodGet, productPath+"/publish", "", ""); status != 405 || allow != "POST" {
		t.Errorf("GET publish: %d, Allow %q", status, allow)
	}
	big := `{"commonCloud": {"x": "` + strings.Repeat("a", 1<<20) + `"}}`
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodPut, url+productPath, strings.NewReader(big))
	req.SetBasicAuth("e@example.com", "tok")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode != 413 || !strings.Contains(string(body), "1048576 bytes") {
		t.Errorf("over-cap body: %d %s", resp.StatusCode, body)
	}
	if status, _ := do(http.MethodPut, productPath, "text/plain", `{"commonCloud": {}}`); status != 415 {
		t.Errorf("PUT as text/plain: %d, want 415", status)
	}
}

// The log cuts what a request names: an ID of 20 000 characters is not repeated whole.
func TestEmulatorLogCutsLongTargets(t *testing.T) {
	var logs bytes.Buffer
	log.SetOutput(&logs)
	defer log.SetOutput(os.Stderr)
	h := logRequests(nil, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(404) }))
	req := httptest.NewRequestWithContext(context.Background(), http.MethodGet, "/rest/3/privacy-and-security/products/"+strings.Repeat("x", 20000), nil)
	h.ServeHTTP(httptest.NewRecorder(), req)
	if logs.Len() > 500 || !strings.Contains(logs.String(), "characters)") {
		t.Errorf("log line of %d bytes: %.300s", logs.Len(), logs.String())
	}
}

// -latency delays every answer by at least its value, and -trace-file records each request
// with the product it names and when it began and ended.
func TestEmulatorLatencyDelaysEveryAnswer(t *testing.T) {
	t.Parallel()
	const latency = 150 * time.Millisecond
	trace := filepath.Join(t.TempDir(), "trace.jsonl")
	url, stop := startEmulator(t, "-product", product, "-latency", "150ms", "-trace-file", trace)
	c, err := marketplace.New(marketplace.Config{BaseURL: url, Email: "e@example.com", APIToken: "tok"})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		start := time.Now()
		if _, err := c.Get(context.Background(), product, marketplace.Live); err != nil && !marketplace.IsNotFound(err) {
			t.Fatal(err)
		}
		if took := time.Since(start); took < latency {
			t.Errorf("a request took %s, want at least %s", took, latency)
		}
	}
	stop()
	data, err := os.ReadFile(trace)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) != 2 {
		t.Fatalf("trace holds %d lines, want 2:\n%s", len(lines), data)
	}
	for _, line := range lines {
		var got traceLine
		if err := json.Unmarshal([]byte(line), &got); err != nil {
			t.Fatal(err)
		}
		if got.Product != product || got.Method != http.MethodGet || got.Status != http.StatusNotFound ||
			time.Duration(got.End-got.Start) < latency {
			t.Errorf("trace line %+v: want product %s, GET, 404, at least %s long", got, product, latency)
		}
	}
}

// A client that goes away while its answer waits frees the handler at once, and its
// request is not handled.
func TestLatencyHonoursTheRequestContext(t *testing.T) {
	t.Parallel()
	handled := false
	h := withLatency(time.Hour, http.HandlerFunc(func(http.ResponseWriter, *http.Request) { handled = true }))
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequestWithContext(ctx, http.MethodGet, "/", nil))
	if took := time.Since(start); took > 5*time.Second || handled {
		t.Errorf("handler returned after %s, handled %v; want soon after the client left, unhandled", took, handled)
	}
}

func TestLatencyFlag(t *testing.T) {
	t.Parallel()
	var l latencyFlag
	if err := l.Set("250ms"); err != nil || time.Duration(l) != 250*time.Millisecond {
		t.Errorf("250ms: %v, %s", err, time.Duration(l))
	}
	for value, want := range map[string]string{"fast": "not a duration", "100": "not a duration", "-5ms": "cannot be negative"} {
		err := run(context.Background(), []string{"-addr", "127.0.0.1:0", "-email", "e", "-api-token", "t", "-latency", value},
			func(string) string { return "" })
		if err == nil || !strings.Contains(err.Error(), "-latency") || !strings.Contains(err.Error(), want) {
			t.Errorf("-latency %s: %v, want an error naming -latency and saying %q", value, err, want)
		}
	}
}

// The products of the state file are apps of the developer space too (public unless named
// by -private-product), beside those of -product.
func TestEmulatorListsTheStateFilesProducts(t *testing.T) {
	t.Parallel()
	const fromFile, private, space = "22222222-1234-1234-1234-123456789abc", "33333333-1234-1234-1234-123456789abc", "0a0b0c0d-1111-4222-8333-444455556666"
	state := filepath.Join(t.TempDir(), "state.json")
	doc := `{"live": {"commonCloud": {"logDetails": {"loggingEnabled": true}}}}`
	if err := os.WriteFile(state, []byte(`{"`+fromFile+`": `+doc+`, "`+private+`": `+doc+`}`), 0o600); err != nil {
		t.Fatal(err)
	}
	url, stop := startEmulator(t, "-product", product, "-private-product", private, "-state-file", state, "-developer-space", space)
	defer stop()
	c, err := marketplace.New(marketplace.Config{BaseURL: url, Email: "e@example.com", APIToken: "tok"})
	if err != nil {
		t.Fatal(err)
	}
	for _, withPrivate := range []bool{true, false} {
		page, err := c.ListApps(context.Background(), space, "", 50, withPrivate)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]bool{}
		for _, app := range page.Apps {
			got[app.ProductID] = true
		}
		want := map[string]bool{product: true, fromFile: true, private: withPrivate}
		for id, listed := range want {
			if got[id] != listed {
				t.Errorf("include private %v: app %s listed %v, want %v (%v)", withPrivate, id, got[id], listed, got)
			}
		}
	}
}

// -late-put: the first PUT of a product is carried out after the client gave up on it.
func TestEmulatorLatePutLandsAfterTheClientGaveUp(t *testing.T) {
	t.Parallel()
	url, stop := startEmulator(t, "-product", product, "-late-put", "300ms")
	defer stop()
	ctx := context.Background()
	impatient, err := marketplace.New(marketplace.Config{BaseURL: url, Email: "e@example.com", APIToken: "tok",
		RequestTimeout: 50 * time.Millisecond, MaxRetries: new(int)})
	if err != nil {
		t.Fatal(err)
	}
	if err := impatient.PutDraft(ctx, product, json.RawMessage(`{"security": {"securityContact": "late@example.com"}}`)); err == nil {
		t.Fatal("the held PUT was answered in time")
	}
	c, _ := marketplace.New(marketplace.Config{BaseURL: url, Email: "e@example.com", APIToken: "tok"})
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		draft, err := c.Get(ctx, product, marketplace.Draft)
		if err == nil {
			if security, _ := draft.CommonCloud["security"].(map[string]any); security["securityContact"] != "late@example.com" {
				t.Errorf("the late PUT wrote %v", draft.CommonCloud)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the abandoned PUT never landed: %v", err)
		}
	}
	// Only the first PUT is late.
	if err := impatient.PutDraft(ctx, product, json.RawMessage(`{"security": {"securityContact": "now@example.com"}}`)); err != nil {
		t.Errorf("the second PUT: %v", err)
	}
}
