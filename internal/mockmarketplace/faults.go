package mockmarketplace

import (
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"net/http"
	"time"
)

// Fault changes how the mock answers requests of one route.
type Fault struct {
	// Product limits the fault to one product; empty means every product.
	Product string
	// Delay is waited before anything else happens. A request whose client goes away
	// meanwhile (its request timeout, say) is dropped without its effect: nothing a test
	// step started lands after the step.
	Delay time.Duration
	// Hold keeps the request until the channel is closed, whether or not its client is
	// still waiting, and then carries it out: a request the API received, that the client
	// gave up on, and that lands later, when the test says (as a real server may do). The
	// test waits for it to land with WaitIdle.
	Hold <-chan struct{}
	// Late keeps the request that long, whether or not its client is still waiting, and
	// then carries it out: Hold on a timer, for the emulator.
	Late time.Duration
	// Status, with Header and Body, is answered instead of the route's real answer
	// (the route's effect does not happen). A Body that is empty gets a JSON error.
	Status int
	Header http.Header
	Body   string
	// DropConnection closes the connection without an answer.
	DropConnection bool
	// MalformedBody answers 200 with a body that is not JSON.
	MalformedBody bool
	// AfterEffect applies the route's real effect first, then the fault: an answer lost
	// after the server did the work.
	AfterEffect bool
	// Times is how many requests the fault hits; 0 means every request until cleared.
	Times int
	// Probability, when above zero, makes the fault hit only that share of matching
	// requests, drawn at random (0.1: one in ten).
	Probability float64
}

// InjectFault adds a fault to route; faults of one route apply in the order added.
func (m *Mock) InjectFault(route Route, f Fault) {
	m.mu.Lock()
	defer m.mu.Unlock()
	fc := f
	m.faults[route] = append(m.faults[route], &fc)
}

// ClearFaults removes every fault.
func (m *Mock) ClearFaults() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.faults = map[Route][]*Fault{}
}

// takeFault returns the fault that applies to this request, using up one of its Times.
func (m *Mock) takeFault(route Route, productID string) *Fault {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i, f := range m.faults[route] {
		if f.Product != "" && f.Product != productID {
			continue
		}
		if f.Probability > 0 && rand.Float64() >= f.Probability { //nolint:gosec // fault injection needs no cryptographic randomness
			continue
		}
		taken := *f
		if f.Times > 0 {
			f.Times--
			if f.Times == 0 {
				m.faults[route] = append(m.faults[route][:i:i], m.faults[route][i+1:]...)
			}
		}
		return &taken
	}
	return nil
}

// waitForFault waits as the fault asks (Late, Hold, Delay); it reports whether the request
// goes on (false: the mock closed, or the client of a delayed request went away).
func (m *Mock) waitForFault(rec *statusRecorder, r *http.Request, fault *Fault) bool {
	if fault == nil {
		return true
	}
	if fault.Late > 0 && !m.sleep(fault.Late, m.closed) {
		rec.status = 499
		return false
	}
	if fault.Hold != nil {
		select {
		case <-fault.Hold:
		case <-m.closed:
			rec.status = 499
			return false
		}
	}
	if fault.Delay > 0 {
		m.sleep(fault.Delay, r.Context().Done())
		if r.Context().Err() != nil {
			rec.status = 499 // the client went away, as nginx logs it: nothing happens
			return false
		}
	}
	return true
}

// sleep waits d, or until stop is closed; false then.
func (m *Mock) sleep(d time.Duration, stop <-chan struct{}) bool {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-stop:
		return false
	}
}

func (f *Fault) interrupts() bool { return f.Status != 0 || f.DropConnection || f.MalformedBody }

func (m *Mock) applyFault(w *statusRecorder, f *Fault) {
	switch {
	case f.DropConnection:
		w.status = -1
		if hj, ok := w.ResponseWriter.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				_ = conn.Close()
				return
			}
		}
		panic(http.ErrAbortHandler)
	case f.MalformedBody:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(w, `{"commonCloud": {"security": `)
	case f.Status != 0:
		maps.Copy(w.Header(), f.Header)
		if f.Body == "" {
			writeError(w, f.Status, "INJECTED_FAULT", fmt.Sprintf("injected %d", f.Status))
			return
		}
		w.WriteHeader(f.Status)
		_, _ = io.WriteString(w, f.Body)
	}
}
