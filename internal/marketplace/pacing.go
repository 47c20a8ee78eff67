package marketplace

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
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
//     three quarters of the rate requests were being sent at, each later one cuts it to
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
}

const (
	minRate          = 0.2 // requests per second, the slowest pacing
	stopPacingFactor = 4   // pacing stops this far above the rate refused last
)

func newPacer() *pacer { return &pacer{now: time.Now} }

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
		return
	}
	if status >= 500 || p.rate == 0 {
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
	if current == 0 {
		// Not pacing yet: start from the rate requests were sent at over the last second.
		n := 0
		for _, t := range p.sent {
			if now.Sub(t) <= time.Second && !t.After(now) {
				n++
			}
		}
		current = float64(max(n, 1))
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
