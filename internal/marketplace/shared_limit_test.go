package marketplace_test

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/marketplace-trust/terraform-provider-marketplace/internal/marketplace"
	"github.com/marketplace-trust/terraform-provider-marketplace/internal/mockmarketplace"
)

// Two pipelines of one vendor apply at once, over HTTP, against an API with a strict limit
// (one request every 50 ms, no burst): each is a provider process of its own (a client,
// and so a pacer, of its own), with 4 resources at a time, creating 6 apps as an apply
// does (read the draft and the live version, write the draft, publish it, read it back).
// Both finish, every app is written and published exactly once, and no 429 reaches them:
// the pacers wait them out.
func TestTwoPipelinesShareAStrictLimit(t *testing.T) {
	t.Parallel()
	mock := mockmarketplace.Start(t)
	mock.SetRateLimit(mockmarketplace.Strict(20))
	const pipelines, apps, parallelism = 2, 6, 4
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute) // a bound, not a measure
	defer cancel()
	var wg sync.WaitGroup
	errs := make(chan error, pipelines*apps)
	for p := 0; p < pipelines; p++ {
		client := newClient(t, mock.URL) // a pacer of its own, nothing kept on disk
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
	limited := 0
	for _, r := range mock.Requests() {
		if r.Status == http.StatusTooManyRequests {
			limited++
		}
	}
	t.Logf("%d requests, %d answered 429", len(mock.Requests()), limited)
	if limited == 0 {
		t.Error("no request was answered 429: the test does not exercise the limit")
	}
	puts, publishes := map[string]int{}, map[string]int{}
	for _, r := range mock.Requests() {
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
	for p := 0; p < pipelines; p++ {
		for a := 0; a < apps; a++ {
			id := fmt.Sprintf("pipeline-%d-app-%d", p, a)
			if puts[id] != 1 || publishes[id] != 1 || mock.Live(id) == nil || mock.Draft(id) != nil {
				t.Errorf("%s: written %d times, published %d times, live %s; want each once, and live", id, puts[id], publishes[id], mock.Live(id))
			}
		}
	}
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
