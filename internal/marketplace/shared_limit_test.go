package marketplace_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/marketplace-trust/terraform-provider-marketplace/internal/marketplace"
	"github.com/marketplace-trust/terraform-provider-marketplace/internal/mockmarketplace"
)

// Two pipelines of one vendor, on machines of their own (no pacing folder in common), apply
// at once, over HTTP, against an API with a strict limit (one request every 50 ms, no
// burst): each is a provider process of its own (a client, and so a pacer, of its own), with 4 resources at a time, creating 6 apps as an apply
// does (read the draft and the live version, write the draft, publish it, read it back).
// Both finish, every app is written and published exactly once, and no 429 reaches them:
// the pacers wait them out.
func TestTwoPipelinesShareAStrictLimit(t *testing.T) {
	t.Parallel()
	mock := mockmarketplace.Start(t)
	mock.SetRateLimit(mockmarketplace.Strict(20))
	limited := runPipelines(t, mock, 2, func(int) string { return "" })
	if limited == 0 {
		t.Error("no request was answered 429: the test does not exercise the limit")
	}
}

// Two, then four, pipelines on one machine: provider processes of their own (a client and
// a pacer each) that share the pacing folder (the provider's cache), as pipelines on one CI
// runner do. They pace as one: each finishes, every app written and published exactly
// once, no 429 shown, and the shared record names neither the email nor the token.
func TestPipelinesOnOneMachineShareTheirPacing(t *testing.T) {
	t.Parallel()
	for _, pipelines := range []int{2, 4} {
		t.Run(fmt.Sprint(pipelines), func(t *testing.T) {
			t.Parallel()
			mock := mockmarketplace.Start(t)
			mock.SetRateLimit(mockmarketplace.Strict(20))
			dir := t.TempDir()
			limited := runPipelines(t, mock, pipelines, func(int) string { return dir })
			t.Logf("%d pipelines sharing %s: %d 429s", pipelines, dir, limited)
			entries, err := os.ReadDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			slots := 0
			for _, e := range entries {
				data, err := os.ReadFile(filepath.Join(dir, e.Name()))
				if err != nil {
					t.Fatal(err)
				}
				for _, secret := range []string{mockmarketplace.TestEmail, mockmarketplace.TestAPIToken} {
					if strings.Contains(e.Name(), secret) || bytes.Contains(data, []byte(secret)) {
						t.Errorf("%s holds a credential in clear", e.Name())
					}
				}
				if strings.HasSuffix(e.Name(), ".slot") {
					slots++
				}
			}
			if slots != 1 {
				t.Errorf("%d shared pacing records in the folder, want 1 for the one account: %v", slots, entries)
			}
		})
	}
}

// runPipelines runs pipelines applies at once against mock, each a client of its own with
// the pacing folder dirOf(pipeline), 6 apps and 4 resources at a time; it checks that
// none failed and every app was written and published exactly once, and returns the 429s
// the mock answered.
func runPipelines(t *testing.T, mock *mockmarketplace.Server, pipelines int, dirOf func(int) string) int {
	t.Helper()
	const apps, parallelism = 6, 4
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute) // a bound, not a measure
	defer cancel()
	var wg sync.WaitGroup
	errs := make(chan error, pipelines*apps)
	for p := 0; p < pipelines; p++ {
		dir := dirOf(p)
		client := newClient(t, mock.URL, func(c *marketplace.Config) { c.PacingStateDir = dir })
		ids := make(chan string, apps)
		for a := 0; a < apps; a++ {
			id := fmt.Sprintf("pipeline-%d-app-%d", p, a)
			mock.AddProduct(id)
			ids <- id
		}
		close(ids)
		for w := 0; w < parallelism; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for id := range ids {
					if err := createApp(ctx, client, id); err != nil {
						errs <- fmt.Errorf("%s: %w", id, err)
					}
				}
			}()
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	return checkWrittenOnce(t, mock, pipelines, apps)
}

// checkWrittenOnce checks that each app of each pipeline was written and published exactly
// once, and returns the 429s the mock answered.
func checkWrittenOnce(t *testing.T, mock *mockmarketplace.Server, pipelines, apps int) int {
	t.Helper()
	limited := 0
	puts, publishes := map[string]int{}, map[string]int{}
	for _, r := range mock.Requests() {
		if r.Status == http.StatusTooManyRequests {
			limited++
		}
		if r.Status >= 300 {
			continue
		}
		switch r.Route {
		case mockmarketplace.RoutePut:
			puts[r.ProductID]++
		case mockmarketplace.RoutePublish:
			publishes[r.ProductID]++
		}
	}
	t.Logf("%d requests, %d answered 429", len(mock.Requests()), limited)
	for p := 0; p < pipelines; p++ {
		for a := 0; a < apps; a++ {
			id := fmt.Sprintf("pipeline-%d-app-%d", p, a)
			if puts[id] != 1 || publishes[id] != 1 || mock.Live(id) == nil || mock.Draft(id) != nil {
				t.Errorf("%s: written %d times, published %d times, live %s; want each once, and live", id, puts[id], publishes[id], mock.Live(id))
			}
		}
	}
	return limited
}

// createApp is what an apply does for a new app.
func createApp(ctx context.Context, c *marketplace.Client, id string) error {
	for _, state := range []marketplace.VersionState{marketplace.Draft, marketplace.Live} {
		if _, err := c.Get(ctx, id, state); !marketplace.IsNotFound(err) {
			return fmt.Errorf("reading the %s version of a new app: %w", state, err)
		}
	}
	if err := c.PutDraft(ctx, id, sampleDoc()); err != nil {
		return err
	}
	if err := c.Publish(ctx, id); err != nil {
		return err
	}
	_, err := c.Get(ctx, id, marketplace.Live)
	return err
}
