package mockmarketplace

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"
)

func readVersion(ctx context.Context, s *Server, state string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+base+"?state="+state, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", goodAuth)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

// Reads sent together make one round trip, in either order, whatever the load.
func TestPairedReadsAreOneRoundTrip(t *testing.T) {
	t.Parallel()
	s := startWithProduct(t)
	s.PairReads(productID, 1, 2)
	// The skipped reads, one at a time (a refresh): not held.
	for _, state := range []string{"draft", "live"} {
		if err := readVersion(t.Context(), s, state); err != nil {
			t.Fatal(err)
		}
	}
	for _, order := range [][2]string{{"draft", "live"}, {"live", "draft"}} {
		var wg sync.WaitGroup
		for _, state := range order {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := readVersion(t.Context(), s, state); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
	}
	// After the pairs, a read alone is not held.
	if err := readVersion(t.Context(), s, "draft"); err != nil {
		t.Fatal(err)
	}
	if n, err := s.RoundTrips(); n != 5 || err != nil {
		t.Errorf("round trips = %d, %v; want 5 (2 skipped, 2 pairs, 1 alone)", n, err)
	}
}

// Reads sent one after the other are never taken for a pair: the first is held until its
// client gives up, and RoundTrips says so.
func TestReadsInTurnAreNotAPair(t *testing.T) {
	t.Parallel()
	s := startWithProduct(t)
	s.PairReads(productID, 0, 1)
	// The client gives up once the mock serves its read (held for its pair), not after a
	// delay: on a loaded machine a deadline could end before the read ever arrived.
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	answered := make(chan error, 1)
	go func() { answered <- readVersion(ctx, s, "draft") }()
	for s.InFlight() == 0 {
		select {
		case err := <-answered:
			t.Fatalf("a read to be paired was answered alone (%v)", err)
		case <-time.After(5 * time.Millisecond): // polling; the test's own deadline bounds it
		}
	}
	cancel()
	if err := <-answered; err == nil {
		t.Fatal("a read to be paired was answered alone")
	}
	if !s.WaitIdle(10 * time.Second) {
		t.Fatal("the held read was not let go when its client went away")
	}
	if err := readVersion(t.Context(), s, "live"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RoundTrips(); err == nil {
		t.Error("RoundTrips: no error for reads in turn")
	}
	s.ResetRequests()
	if n, err := s.RoundTrips(); n != 0 || err != nil {
		t.Errorf("after ResetRequests: %d, %v", n, err)
	}
}
