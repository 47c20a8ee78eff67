package marketplace

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// pacer spaces the requests of one client, shared by every resource of the provider
// process, to fit the API's rate limit instead of letting each request retry into it on
// its own (which, at -parallelism 10, had 44% of the requests answered 429):
//
//   - after an answer with Retry-After (429, or 503 with it), no request of the process
//     starts before that time;
//   - when the API announces its budget (X-RateLimit-Remaining with X-RateLimit-Reset),
//     requests are spread evenly over what is left of the window;
//   - without headers, a process-wide rate adapts to the 429s: the first 429 starts it at
//     the rate requests were being sent at, a floor of the limit (a walk that is starting
//     sends few), raised by half every second until the next 429, which sets it to 0.85 of
//     the rate refused; each later 429 cuts it to
//     three quarters (once per burst of 429s); each accepted request raises it, by 2% up to
//     nine tenths of the rate refused last, then by 0.05% (each 429 costs every request
//     the server's Retry-After, so probing the limit is slow), and pacing stops once far
//     above any rate that was refused.
//
// Waiting here does not count as a retry: the resource's timeouts bound it.
type pacer struct {
	mu        sync.Mutex
	now       func() time.Time
	notBefore time.Time     // Retry-After: nothing starts before it
	rate      float64       // requests per second; 0 when not pacing
	ceiling   float64       // the rate refused last
	next      time.Time     // the next free slot when pacing
	cutAt     time.Time     // when the rate was last cut
	sent      []time.Time   // recent request starts, for the first rate estimate
	budget    time.Duration // spacing the announced budget asks for
	probing   bool          // raising the first estimate quickly, until a 429
	raisedAt  time.Time     // when the probe last raised the rate
	store     *pacingStore  // nil: nothing kept for the next process
}

// The probe of a process's first estimate: raised by probeFactor every probeInterval of
// accepted answers until a 429, then set to probeBack of the rate refused (tuned on the
// simulation in pacing_sim_test.go).
const (
	probeInterval = time.Second
	probeFactor   = 1.5
	probeBack     = 0.85
)

const (
	minRate          = 0.2 // requests per second, the slowest pacing
	stopPacingFactor = 4   // pacing stops this far above the rate refused last
)

func newPacer() *pacer { return &pacer{now: time.Now} }

// pacingStore keeps what a pacer learnt in a small file, so that the next provider process
// for the same API and account starts from it: Terraform starts a provider process for
// each walk (a destroy's plan and its apply, a plan and the apply of its saved plan), and
// each one learning the limit anew from 429s cost up to 1.9 times the least time. What it
// keeps: the Retry-After still running, the paced rate and the rate refused last. It is
// forgotten after storeLifetime, and every error reading or writing it is ignored: it
// only saves time.
type pacingStore struct {
	path      string
	lastWrite time.Time
	written   pacingState
}

type pacingState struct {
	Saved     time.Time `json:"saved"`
	NotBefore time.Time `json:"not_before,omitzero"`
	Rate      float64   `json:"rate,omitempty"`
	Ceiling   float64   `json:"ceiling,omitempty"`
}

const storeLifetime = 5 * time.Minute

// newPacingStore is the store for one API root and account in dir; nil when dir is "".
func newPacingStore(dir, baseURL, email string) *pacingStore {
	if dir == "" {
		return nil
	}
	sum := sha256.Sum256([]byte(baseURL + "\x00" + email))
	return &pacingStore{path: filepath.Join(dir, "pacing-"+hex.EncodeToString(sum[:12])+".json")}
}

// load starts p from the store, when what it holds is recent.
func (s *pacingStore) load(p *pacer) {
	if s == nil {
		return
	}
	data, err := os.ReadFile(s.path)
	if err != nil {
		return
	}
	var st pacingState
	now := p.now()
	if json.Unmarshal(data, &st) != nil || now.Sub(st.Saved) > storeLifetime || st.Saved.After(now.Add(time.Minute)) {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if st.NotBefore.After(now) {
		p.notBefore = st.NotBefore
	}
	// The rate may have crept past the rate refused last (accepted answers raise it): it is
	// still what was learnt.
	if st.Rate >= minRate && st.Ceiling > 0 {
		p.rate, p.ceiling = st.Rate, st.Ceiling
		p.cutAt = now // the rate is what was learnt: no cut for the first 429s
	}
	s.written = st
}

// save writes p's state (p.mu held) when it changed: at once after a 429, otherwise at
// most once a second.
func (s *pacingStore) save(p *pacer, now time.Time, urgent bool) {
	if s == nil {
		return
	}
	st := pacingState{Saved: now, NotBefore: p.notBefore, Rate: p.rate, Ceiling: p.ceiling}
	if st.NotBefore.Equal(s.written.NotBefore) && st.Rate == s.written.Rate && st.Ceiling == s.written.Ceiling {
		return
	}
	if !urgent && now.Sub(s.lastWrite) < time.Second {
		return
	}
	data, err := json.Marshal(st)
	if err != nil {
		return
	}
	s.lastWrite, s.written = now, st
	if os.MkdirAll(filepath.Dir(s.path), 0o700) != nil {
		return
	}
	tmp, err := os.CreateTemp(filepath.Dir(s.path), ".pacing-*")
	if err != nil {
		return
	}
	_, werr := tmp.Write(data)
	cerr := tmp.Close()
	if werr != nil || cerr != nil || os.Rename(tmp.Name(), s.path) != nil {
		_ = os.Remove(tmp.Name())
	}
}

// wait blocks until this request may start, or ctx ends; then it returns a
// *RateLimitWaitError.
func (p *pacer) wait(ctx context.Context) error {
	d := p.reserve().Sub(p.now())
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return &RateLimitWaitError{Wait: d, Err: ctx.Err()}
	}
}

// RateLimitWaitError is a request that was still waiting for the API's rate limit (a
// Retry-After, or the pacing learnt from earlier 429s) when its operation ran out of time.
type RateLimitWaitError struct {
	Wait time.Duration // how long it still had to wait when it gave up
	Err  error         // the context's error
}

func (e *RateLimitWaitError) Error() string {
	return fmt.Sprintf("still waiting for the Marketplace API's rate limit (%s to go) when the operation ran out of time: %v",
		e.Wait.Round(time.Second), e.Err)
}

func (e *RateLimitWaitError) Unwrap() error { return e.Err }

// reserve takes the next slot a request may start at.
func (p *pacer) reserve() time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	slot := p.now()
	if p.notBefore.After(slot) {
		slot = p.notBefore
	}
	spacing := p.budget
	if p.rate > 0 {
		spacing = max(spacing, time.Duration(float64(time.Second)/p.rate))
	}
	if spacing > 0 {
		if p.next.After(slot) {
			slot = p.next
		}
		p.next = slot.Add(spacing)
	}
	p.sent = append(p.sent, slot)
	if len(p.sent) > 256 {
		p.sent = p.sent[len(p.sent)-256:]
	}
	return slot
}

// observe learns from an answer's status and headers.
func (p *pacer) observe(status int, header http.Header) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	wait, hasRetryAfter := retryAfter(header.Get("Retry-After"), now)
	if hasRetryAfter && (status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable) {
		if until := now.Add(wait); until.After(p.notBefore) {
			p.notBefore = until
		}
	}
	p.observeBudget(header, now)
	if status == http.StatusTooManyRequests {
		p.cut(now)
		p.store.save(p, now, true)
		return
	}
	if status >= 500 || p.rate == 0 {
		p.store.save(p, now, false)
		return
	}
	defer p.store.save(p, now, false)
	if p.probing {
		// The first estimate of a process may be far below the limit (a walk that was still
		// starting sent few requests): until the next 429, raise it by probeFactor every
		// probeInterval of accepted answers.
		if now.Sub(p.raisedAt) >= probeInterval && !p.notBefore.After(now) {
			p.rate *= probeFactor
			p.raisedAt = now
		}
		return
	}
	if p.rate < 0.9*p.ceiling {
		p.rate *= 1.02
	} else {
		p.rate *= 1.0005
	}
	if p.rate > stopPacingFactor*p.ceiling {
		p.rate = 0
	}
}

// cut lowers the rate after a 429: once for the whole burst of 429s that the requests
// already in flight meet.
func (p *pacer) cut(now time.Time) {
	if p.rate > 0 && now.Sub(p.cutAt) < time.Duration(4*float64(time.Second)/p.rate) {
		return
	}
	current := p.rate
	switch {
	case current == 0:
		// Not pacing yet: start from the rate requests were sent at over the last second,
		// and probe upwards from there (observe): that is a floor of the limit, not the limit.
		n := 0
		for _, t := range p.sent {
			if now.Sub(t) <= time.Second && !t.After(now) {
				n++
			}
		}
		current = float64(max(n, 1))
		p.probing, p.raisedAt = true, now
	case p.probing:
		// The probe went past the limit: the rate refused now is above it.
		p.probing = false
		p.ceiling = current
		p.rate = max(current*probeBack, minRate)
		p.cutAt = now
		return
	}
	p.ceiling = current
	p.rate = max(current*0.75, minRate)
	p.cutAt = now
}

// observeBudget spreads the requests over the window the API announces.
func (p *pacer) observeBudget(header http.Header, now time.Time) {
	remaining, err := strconv.Atoi(strings.TrimSpace(header.Get("X-RateLimit-Remaining")))
	if err != nil {
		return
	}
	reset, ok := parseReset(header.Get("X-RateLimit-Reset"), now)
	if !ok || !reset.After(now) {
		p.budget = 0
		return
	}
	p.budget = reset.Sub(now) / time.Duration(max(remaining, 0)+1)
}

// parseReset reads X-RateLimit-Reset: an ISO 8601 time (Atlassian), or epoch seconds.
func parseReset(value string, now time.Time) (time.Time, bool) {
	value = strings.TrimSpace(value)
	if value == "" {
		return time.Time{}, false
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04Z07:00", "2006-01-02T15:04Z"} {
		if t, err := time.Parse(layout, value); err == nil {
			return t, true
		}
	}
	if secs, err := strconv.ParseInt(value, 10, 64); err == nil {
		if secs > 1e9 { // epoch seconds
			return time.Unix(secs, 0), true
		}
		return now.Add(time.Duration(secs) * time.Second), true // seconds from now
	}
	return time.Time{}, false
}

// pacedTransport runs every attempt of the client through its pacer, and then gives the
// attempt its timeout: waiting for the rate limit is not part of a request's time (only
// the caller's context, the resource's timeouts, bounds it).
type pacedTransport struct {
	base    http.RoundTripper
	pacer   *pacer
	timeout time.Duration // one attempt, from when it is sent until its answer is read
}

func (t *pacedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := t.pacer.wait(req.Context()); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeoutCause(req.Context(), t.timeout, &AttemptTimeoutError{Timeout: t.timeout})
	resp, err := t.base.RoundTrip(req.WithContext(ctx))
	if err != nil {
		if cause := context.Cause(ctx); req.Context().Err() == nil && cause != nil {
			err = cause
		}
		cancel()
		return nil, err
	}
	t.pacer.observe(resp.StatusCode, resp.Header)
	resp.Body = &cancelOnClose{ReadCloser: resp.Body, ctx: ctx, parent: req.Context(), cancel: cancel}
	return resp, nil
}

// AttemptTimeoutError is one request that got no whole answer within request_timeout.
type AttemptTimeoutError struct{ Timeout time.Duration }

func (e *AttemptTimeoutError) Error() string {
	return fmt.Sprintf("no answer within request_timeout (%s)", e.Timeout)
}

// cancelOnClose ends an attempt's context once its answer is read and closed; a read cut
// short by the attempt's timeout says so.
type cancelOnClose struct {
	io.ReadCloser
	ctx    context.Context //nolint:containedctx // the attempt's own, ended by Close
	parent context.Context //nolint:containedctx // the request's
	cancel context.CancelFunc
}

func (b *cancelOnClose) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil && !errors.Is(err, io.EOF) && b.parent.Err() == nil {
		if cause := context.Cause(b.ctx); cause != nil {
			err = cause
		}
	}
	return n, err
}

func (b *cancelOnClose) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}
