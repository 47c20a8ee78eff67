package mockmarketplace

import (
	"context"
	"fmt"
)

// Round trips, counted without a clock. A client that reads an app's draft and live
// version at once sends both GETs before it waits for either answer; one that reads them in
// turn waits for the first answer before it sends the second. PairReads makes the mock tell
// the two apart whatever the machine's load: the first GET of a pair is held until the
// other version's GET of the same product arrives, and both are then answered. A client
// that sends them in turn never sends the second while the first is held: its first read is
// answered only when the client gives up on it (499, counted as unpaired), and the test
// fails. So a pair that goes out together is one round trip, and RoundTrips counts the
// requests answered less the pairs.

type pairing struct {
	skip   map[Route]int // reads of each version let through before pairing starts
	left   int           // pairs still to make
	waiter *pairWaiter
}

type pairWaiter struct {
	route   Route
	release chan struct{}
}

// PairReads makes the next `pairs` reads of both versions of productID go in pairs (see
// above), after letting `skip` reads of each version through unpaired (reads a client makes
// one at a time, such as a refresh, before the pair). ResetRequests clears it.
func (m *Mock) PairReads(productID string, skip, pairs int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.pairings == nil {
		m.pairings = map[string]*pairing{}
	}
	m.pairings[productID] = &pairing{skip: map[Route]int{RouteGetDraft: skip, RouteGetLive: skip}, left: pairs}
}

// RoundTrips is how many round trips the requests recorded since ResetRequests took: each
// request one, a pair of reads that went out together (PairReads) one; and an error when a
// read that was to be paired was sent alone.
func (m *Mock) RoundTrips() (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var err error
	if m.unpaired > 0 {
		err = fmt.Errorf("%d read(s) to be paired went out alone: the client waited for one version before reading the other", m.unpaired)
	} else if m.pairingsLeft() > 0 {
		err = fmt.Errorf("%d pair(s) of reads expected and never sent", m.pairingsLeft())
	}
	return len(m.requests) - m.paired, err
}

func (m *Mock) pairingsLeft() int {
	n := 0
	for _, p := range m.pairings {
		n += p.left
	}
	return n
}

// pairRead applies PairReads to a read of route: false when the read was held and its
// client went away (or the mock closed) before its pair arrived.
func (m *Mock) pairRead(ctx context.Context, route Route, productID string) bool {
	if route != RouteGetDraft && route != RouteGetLive {
		return true
	}
	m.mu.Lock()
	p := m.pairings[productID]
	switch {
	case p == nil || p.left == 0:
		m.mu.Unlock()
		return true
	case p.skip[route] > 0:
		p.skip[route]--
		m.mu.Unlock()
		return true
	case p.waiter != nil && p.waiter.route != route:
		close(p.waiter.release)
		p.waiter = nil
		p.left--
		m.paired++
		m.mu.Unlock()
		return true
	case p.waiter != nil: // the same version again while the first waits: not a pair
		m.unpaired++
		p.left = 0
		m.mu.Unlock()
		return true
	}
	w := &pairWaiter{route: route, release: make(chan struct{})}
	p.waiter = w
	m.mu.Unlock()
	select {
	case <-w.release:
		return true
	case <-ctx.Done():
	case <-m.closed:
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if p.waiter == w {
		// Sent alone: the test fails (RoundTrips); the reads after it are let through, so
		// that it fails at once rather than at each retry.
		p.waiter, p.left = nil, 0
		m.unpaired++
		return false
	}
	return true // released meanwhile
}
