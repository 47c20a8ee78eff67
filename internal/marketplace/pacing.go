package marketplace

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// pacer spaces the requests of one client, shared by every resource of the provider
// process, to fit the API's rate limit. The limit is per account and changes: other
// pipelines of the same vendor spend the same budget, and leave it. So the pacer keeps
// finding the rate the API allows now, the way TCP finds a path's capacity:
//
//   - after an answer with Retry-After (429, or 503 with it), no request of the process
//     starts before that time (requests already waiting for their slot look again);
//   - when the API announces its budget (X-RateLimit-Remaining with X-RateLimit-Reset),
//     requests are spread evenly over what is left of the window;
//   - without headers, the first 429 starts pacing at three quarters of the rate requests
//     were being sent at (a floor of the limit), doubled every half second until the next
//     429 (slow start); the limit then lies between the last two rates, and probing for it
//     starts as soon as the rate is back;
//   - each later 429 (once per burst) holds, cuts the rate and climbs back within a second to
//     a margin under the peak (the rate refused), stays there for a plateau, and then
//     probes above it, faster and faster (+30% a second). Where the request refused had
//     left says what the 429 means: above the plateau, a probe found the limit (the peak;
//     near the last one it confirms it, and the next plateau is longer, up to maxPlateau;
//     elsewhere the limit moved: probe again soon); on the plateau, at a rate accepted until
//     then, the machine's delays brought two requests closer than they left (the margin
//     widens, up to maxMargin, and narrows again after each plateau that held); on the
//     climb back, the limit fell under the rate refused. So a peak learnt while another
//     client was busy is left behind within seconds of that client stopping, and a stable
//     limit is probed rarely (each 429 costs every request of the process the server's
//     Retry-After);
//   - a request the machine holds back after the pacer let it go (a new connection, a busy
//     runner) spaces the next one from when it was written, not from its slot.
//
// With a pacing folder, the processes of one machine that call the same API with the same
// account pace as one (sharedPacing): each decision above is taken on the state they
// share, under a file lock, so their requests are spaced together and a 429 one of them
// meets slows them all. There a confirmed peak is held closer (minMargin) and probed less
// often (maxSharedPlateau): the peak is theirs all, and only other machines move it.
//
// Waiting here does not count as a retry: the resource's timeouts bound it.
type pacer struct {
	mu     sync.Mutex
	now    func() time.Time
	jitter func() float64 // in [0, 1): where the first request after a hold starts

	notBefore time.Time     // Retry-After: nothing starts before it
	budget    time.Duration // spacing the announced budget asks for
	last      time.Time     // when the last request started (or, sent later, left)
	started   perSecond     // requests started

	mode     pacingMode
	rate     float64       // slow start: requests per second
	raisedAt time.Time     // slow start: when the rate was last raised
	peak     float64       // the rate refused last
	cutAt    time.Time     // when the rate was last cut: the climb's origin
	plateau  time.Duration // how long after a cut the rate stays under the peak
	margin   float64       // how far under the peak the plateau stays; 0: startMargin

	store  *pacingStore  // nil: nothing kept for the next process
	shared *sharedPacing // nil: paced alone (no folder, or no file lock on this system)
}

type pacingMode int

const (
	notPacing pacingMode = iota
	slowStart            // the first estimate, raised until a 429
	climbing             // after a 429: back to the peak, then probing above it
)

const (
	minRate = 0.2 // requests per second, the slowest pacing

	// Slow start: the first estimate of a process may be far below the limit (a walk that
	// was starting sent few requests).
	probeInterval = time.Second / 2
	probeFactor   = 2

	cutFactor        = 0.75            // of the rate refused, just after a 429
	startMargin      = 0.1             // under the peak, where the climb waits for the plateau to end
	minMargin        = 0.08            // the closest to a peak confirmed again and again, pacing shared
	maxMargin        = 0.4             // the furthest under the peak the margin grows
	marginGrowth     = 1.5             // of the margin, after a 429 on the plateau
	marginShrink     = 0.8             // of the margin, after a plateau that held until its probe
	climbTime        = time.Second     // from the cut to the plateau
	probeGrowth      = 1.3             // a second, above the peak once the plateau ends
	minPlateau       = 2 * time.Second // after a cut, before probing above the peak
	maxPlateau       = 8 * time.Second // the longest: capacity another client frees is found within it
	maxSharedPlateau = 30 * time.Second
	samePeak         = 0.15 // a peak within this share of the last one confirms it

	stopPacingFactor = 4 // pacing stops this far above the rate refused last
)

func newPacer() *pacer { return &pacer{now: time.Now, jitter: rand.Float64} }

// pace is the rate requests start at now, 0 when not pacing (p.mu held).
func (p *pacer) pace(now time.Time) float64 {
	switch p.mode {
	case slowStart:
		return p.rate
	case climbing:
		return p.climb(now)
	}
	return 0
}

// climb is the rate at now after the last cut: from cutFactor to settle of the peak within
// climbTime, there until the plateau ends, then growing by probeGrowth a second.
func (p *pacer) climb(now time.Time) float64 {
	t := now.Sub(p.cutAt)
	high := p.settle() * p.peak
	low := high * cutFactor / (1 - startMargin)
	switch {
	case t < 0:
		return max(low, minRate)
	case t < climbTime:
		return max(low+(high-low)*float64(t)/float64(climbTime), minRate)
	case t < p.plateau:
		return max(high, minRate)
	}
	return max(high*math.Pow(probeGrowth, (t-p.plateau).Seconds()), minRate)
}

// settle is the share of the peak the rate stays at on the plateau (p.mu held): the margin
// under it. The margin keeps requests that leave on time from arriving too close together
// after the machine delayed one of them (a busy runner: the CLI, the provider, other
// pipelines); on a strict limit (one request every 100 ms, no burst) two requests 95 ms
// apart meet a 429 and its whole-second Retry-After. So it is learnt (climbCut): wider
// after each 429 met on the plateau, narrower after each plateau that held until it probed.
func (p *pacer) settle() float64 { return 1 - p.headroom() }

// headroom is the margin, startMargin until one is learnt (p.mu held).
func (p *pacer) headroom() float64 {
	if p.margin <= 0 {
		return startMargin
	}
	return p.margin
}

// maxPlateau is the longest plateau: maxPlateau alone, maxSharedPlateau when the
// machine's processes share their pacing (capacity one of them frees is the others' at
// once; probing only looks for what other machines free).
func (p *pacer) maxPlateau() time.Duration {
	if p.shared != nil {
		return maxSharedPlateau
	}
	return maxPlateau
}

// wait blocks until this request may start, or ctx ends; then it returns a
// *RateLimitWaitError. It looks again whenever its time comes: a rate raised meanwhile
// lets it go sooner, a hold begun meanwhile (a 429 to another request) keeps it longer.
func (p *pacer) wait(ctx context.Context) error {
	for {
		at, ok := p.take()
		if ok {
			return nil
		}
		// At most maxLook at a time: the time to wait for may come from another process's
		// clock reading (the shared slot), and a clock set back must not stall requests.
		timer := time.NewTimer(min(at.Sub(p.now()), maxLook))
		select {
		case <-timer.C:
		case <-ctx.Done():
			timer.Stop()
			return &RateLimitWaitError{Wait: max(at.Sub(p.now()), 0), Err: ctx.Err()}
		}
	}
}

// RateLimitWaitError is a request that was still waiting for the API's rate limit (a
// Retry-After, or the pacing learnt from earlier 429s) when its operation ended: it ran out
// of time (Err is context.DeadlineExceeded) or was interrupted (context.Canceled). Nothing
// was sent for it.
type RateLimitWaitError struct {
	Wait time.Duration // how long it still had to wait when it gave up
	Err  error         // the context's error
}

func (e *RateLimitWaitError) Error() string {
	ended := "the operation ran out of time"
	if errors.Is(e.Err, context.Canceled) {
		ended = "the operation was interrupted"
	}
	togo := ""
	if left := e.Wait.Round(time.Second); left > 0 {
		togo = fmt.Sprintf(" (%s to go)", left)
	}
	return fmt.Sprintf("still waiting for the Marketplace API's rate limit%s when %s: %v", togo, ended, e.Err)
}

func (e *RateLimitWaitError) Unwrap() error { return e.Err }

// take lets a request start now, or says when to look again.
func (p *pacer) take() (time.Time, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	var at time.Time
	var ok bool
	p.shared.update(p, func(now time.Time) bool {
		at, ok = p.takeAt(now)
		return ok
	})
	return at, ok
}

// takeAt lets a request start at now, or says when to look again (p.mu held).
func (p *pacer) takeAt(now time.Time) (time.Time, bool) {
	at := p.notBefore
	if spacing := p.spacing(now); spacing > 0 && !p.last.IsZero() {
		at = later(at, p.last.Add(spacing))
	}
	if at.After(now) {
		return at, false
	}
	p.last = now
	p.started.count(now)
	return now, true
}

// wrote spaces the next request from when this one's headers were written, when that is
// later than when it was let go: a request the machine held back (a busy runner, a new
// connection) arrives later than its slot, and the next one, on time, would arrive too
// close behind it.
func (p *pacer) wrote(at time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.spacing(at) <= 0 {
		return // not pacing as of this request's start (take read the shared record): no lock
	}
	p.shared.update(p, func(time.Time) bool {
		if !at.After(p.last) || p.spacing(at) <= 0 {
			return false
		}
		p.last = at
		return true
	})
}

// perSecond counts events over the current second and the one before it.
type perSecond struct {
	win       time.Time // the start of the current second
	cur, prev int       // events in it, and in the second before it
}

// count counts an event at now.
func (c *perSecond) count(now time.Time) {
	c.roll(now)
	c.cur++
}

// roll moves the current second on to now's.
func (c *perSecond) roll(now time.Time) {
	switch d := now.Sub(c.win); {
	case c.win.IsZero() || d >= 2*time.Second || d < 0:
		c.win, c.cur, c.prev = now, 0, 0
	case d >= time.Second:
		c.win, c.cur, c.prev = c.win.Add(time.Second), 0, c.cur
	}
}

// lastSecond estimates the events over the second before now: those of the current
// second, and the share of the second before it still within one.
func (c *perSecond) lastSecond(now time.Time) float64 {
	c.roll(now)
	share := 1 - float64(now.Sub(c.win))/float64(time.Second)
	return float64(c.cur) + float64(c.prev)*max(share, 0)
}

// spacing is the least time between two starts now (p.mu held).
func (p *pacer) spacing(now time.Time) time.Duration {
	spacing := p.budget
	if rate := p.pace(now); rate > 0 {
		spacing = max(spacing, time.Duration(float64(time.Second)/rate))
	}
	return spacing
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// observe learns from the answer to a request sent at sent.
func (p *pacer) observe(status int, header http.Header, sent time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.shared.update(p, func(now time.Time) bool {
		p.observeAt(status, header, sent, now)
		return true
	})
}

// observeAt learns from an answer read at now (p.mu held).
func (p *pacer) observeAt(status int, header http.Header, sent, now time.Time) {
	wait, hasRetryAfter := retryAfter(header.Get("Retry-After"), now)
	if hasRetryAfter && (status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable) {
		if until := now.Add(wait); until.After(p.notBefore) {
			// The first request after the hold starts at a random point of one spacing, so
			// that clients held by the same limit do not come back in step.
			if p.jitter != nil {
				until = until.Add(time.Duration(p.jitter() * float64(p.spacing(now))))
			}
			p.notBefore = until
		}
	}
	p.observeBudget(header, now)
	switch {
	case status == http.StatusTooManyRequests:
		// The requests already sent when the rate was cut meet the same excess: one cut.
		if p.mode == notPacing || sent.After(p.cutAt) {
			p.cut(sent, now)
		}
		p.store.save(p, now, true)
		return
	case status < 500:
		p.raise(now)
	}
	p.store.save(p, now, false)
}

// raise raises the slow start's rate, and stops pacing far above any rate refused.
func (p *pacer) raise(now time.Time) {
	switch p.mode {
	case slowStart:
		if now.Sub(p.raisedAt) >= probeInterval && !p.notBefore.After(now) {
			p.rate *= probeFactor
			p.raisedAt = now
		}
	case climbing:
		if p.climb(now) > stopPacingFactor*p.peak {
			p.mode = notPacing
		}
	}
}

// cut lowers the rate after a 429 to a request sent at sent.
func (p *pacer) cut(sent, now time.Time) {
	switch p.mode {
	case notPacing:
		// Not pacing yet: start from the rate requests were sent at over the last second,
		// and raise it from there (raise): a floor of the limit, not the limit. The first
		// raise comes probeInterval after requests may start again.
		n := int(math.Round(p.started.lastSecond(now)))
		p.mode, p.rate, p.raisedAt = slowStart, max(cutFactor*float64(max(n, 1)), minRate), later(now, p.notBefore)
		p.peak, p.cutAt = float64(max(n, 1)), now
		return
	case slowStart:
		// The rate doubled: half of it was accepted for a while, and the limit lies
		// between the two. Probe for it as soon as the climb ends (no plateau under a peak
		// only guessed at).
		p.peak, p.plateau = max(p.rate/math.Sqrt2, minRate), 0
	case climbing:
		p.climbCut(sent)
	}
	// The climb starts when requests may start again.
	p.mode, p.cutAt = climbing, later(now, p.notBefore)
}

// climbCut learns from a 429 to a request sent, climbing, at sent.
func (p *pacer) climbCut(sent time.Time) {
	refused := p.climb(later(sent, p.cutAt))
	margin, level := p.headroom(), p.settle()*p.peak // the plateau's rate
	onPlateau := !sent.Before(p.cutAt.Add(climbTime))
	switch {
	case refused > level*(1+1e-9):
		// A probe above the plateau found the limit; the plateau held until then: a
		// narrower margin.
		floor := startMargin
		if p.shared != nil {
			floor = minMargin // the peak is the machine's processes' all: held closer
		}
		p.margin = max(margin*marginShrink, floor)
		switch {
		case p.plateau < minPlateau:
			p.plateau = 2 * minPlateau // the first limit found after slow start
		case math.Abs(refused-p.peak) <= samePeak*p.peak:
			p.plateau = min(3*p.plateau, p.maxPlateau()) // the limit is where it was: probe less often
		default:
			p.plateau = minPlateau // the limit moved: find it again soon
		}
		p.peak = max(refused, minRate)
	case onPlateau && margin < maxMargin:
		// On the plateau, a rate accepted until then: the machine's delays let two
		// requests arrive closer than they left (or the limit is a little lower). A wider
		// margin; the peak and the plateau stay.
		p.margin = min(margin*marginGrowth, maxMargin)
	default:
		// On the climb back (the limit is under the rate it crossed), or with the margin at
		// its widest: the limit fell.
		p.peak, p.plateau, p.margin = max(refused, minRate), minPlateau, startMargin
	}
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
