package marketplace

import (
	"context"
	"errors"
	"math"
	"net/http"
	"testing"
	"time"
)

func headers(kv map[string]string) http.Header {
	h := http.Header{}
	for k, v := range kv {
		h.Set(k, v)
	}
	return h
}

// testPacer is a pacer on a clock the test moves, without jitter.
func testPacer(now *time.Time) *pacer { return &pacer{now: func() time.Time { return *now }} }

// starts lets n requests start one after another, each as soon as the pacer allows, and
// returns when each started, from now; it moves the clock.
func starts(p *pacer, now *time.Time, n int) []time.Duration {
	begin := *now
	var out []time.Duration
	for len(out) < n {
		at, ok := p.take()
		if !ok {
			*now = at
			continue
		}
		out = append(out, now.Sub(begin))
	}
	return out
}

func TestPacerHoldsEveryRequestUntilRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Unix(1000, 0)
	p := testPacer(&now)
	p.observe(http.StatusTooManyRequests, headers(map[string]string{"Retry-After": "2"}), now)
	for i, at := range starts(p, &now, 3) {
		if at < 2*time.Second {
			t.Errorf("request %d starts %v after the 429, before its Retry-After of 2s", i, at)
		}
	}
	// The wait itself is cut short by the caller's context, and says how it ended.
	for _, c := range []struct {
		ctx  func() (context.Context, context.CancelFunc)
		want error
	}{
		{func() (context.Context, context.CancelFunc) { return context.WithCancel(context.Background()) }, context.Canceled},
		{func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(context.Background(), time.Millisecond)
		}, context.DeadlineExceeded},
	} {
		ctx, cancel := c.ctx()
		if errors.Is(c.want, context.Canceled) {
			cancel()
		}
		q := newPacer()
		q.observe(http.StatusTooManyRequests, headers(map[string]string{"Retry-After": "60"}), time.Now())
		err := q.wait(ctx)
		cancel()
		var rl *RateLimitWaitError
		if !errors.As(err, &rl) || !errors.Is(err, c.want) || rl.Wait < 50*time.Second {
			t.Errorf("a wait whose context ended (%v): %v, want a RateLimitWaitError of about 60s wrapping it", c.want, err)
		}
	}
}

// A request waiting for its turn looks again when its time comes: a hold that began
// meanwhile keeps it.
func TestPacerRequestsWaitingSeeAHoldThatBeganMeanwhile(t *testing.T) {
	t.Parallel()
	now := time.Unix(1000, 0)
	p := testPacer(&now)
	p.mode, p.rate = slowStart, 2 // one every 500 ms
	if _, ok := p.take(); !ok {
		t.Fatal("the first request waits")
	}
	at, ok := p.take()
	if ok || at.Sub(now) != 500*time.Millisecond {
		t.Fatalf("the second request: %v, %v; want to wait 500ms", at.Sub(now), ok)
	}
	now = now.Add(100 * time.Millisecond)
	p.observe(http.StatusTooManyRequests, headers(map[string]string{"Retry-After": "3"}), now.Add(-50*time.Millisecond))
	now = at
	if later, ok := p.take(); ok || later.Before(time.Unix(1003, 0)) {
		t.Errorf("at its turn, after a 429 with Retry-After 3: %v, %v; want to wait past the hold", later, ok)
	}
}

func TestPacerSpreadsRequestsOverTheAnnouncedBudget(t *testing.T) {
	t.Parallel()
	now := time.Unix(1000, 0)
	p := testPacer(&now)
	reset := now.Add(10 * time.Second).UTC().Format("2006-01-02T15:04:05Z07:00")
	p.observe(http.StatusOK, headers(map[string]string{"X-RateLimit-Remaining": "4", "X-RateLimit-Reset": reset}), now)
	got := starts(p, &now, 3)
	if got[1]-got[0] != 2*time.Second || got[2]-got[1] != 2*time.Second {
		t.Errorf("starts %v: want 2s apart (10s left, 4 requests left)", got)
	}
}

// The first 429 starts pacing at three quarters of the rate requests were sent at, doubled
// every half second until the next 429; the limit lies between the last two rates, and a
// probe finds it as soon as the climb ends. Then the rate follows the peak refused: cut,
// back to nine tenths of it within a second, a plateau, then probing above it, faster and
// faster. Where a 429 comes says what it means: above the plateau (a probe) the limit, on
// the plateau the machine's delays (a wider margin), on the climb back a limit that fell.
func TestPacerFindsTheLimitAndProbesAboveIt(t *testing.T) {
	t.Parallel()
	now := time.Unix(1000, 0)
	p := testPacer(&now)
	for i := 0; i < 10; i++ {
		p.take()
		p.observe(http.StatusOK, headers(nil), now)
	}
	p.observe(http.StatusTooManyRequests, headers(nil), now)
	if p.mode != slowStart || p.rate != 7.5 {
		t.Fatalf("after the first 429: mode %v rate %v, want slow start at 7.5", p.mode, p.rate)
	}
	now = now.Add(probeInterval)
	p.observe(http.StatusOK, headers(nil), now)
	if p.rate != 15 {
		t.Fatalf("half a second later: %v, want 15", p.rate)
	}
	// The requests of the same burst meet 429 too: one cut for all.
	now = now.Add(100 * time.Millisecond)
	sent := now.Add(-10 * time.Millisecond)
	p.observe(http.StatusTooManyRequests, headers(nil), sent)
	p.observe(http.StatusTooManyRequests, headers(nil), sent)
	if p.mode != climbing || math.Abs(p.peak-15/math.Sqrt2) > 1e-9 || p.plateau != 0 {
		t.Fatalf("after the slow start's 429: mode %v peak %v plateau %v, want climbing to probe at once under %v", p.mode, p.peak, p.plateau, 15/math.Sqrt2)
	}
	// The first probe finds the limit: a plateau after it.
	now = now.Add(climbTime + 300*time.Millisecond)
	refused := p.pace(now)
	p.observe(http.StatusTooManyRequests, headers(nil), now)
	if p.plateau != 2*minPlateau || p.peak != refused || refused <= 0.9*15/math.Sqrt2 {
		t.Fatalf("after the first probe's 429: plateau %v peak %v, want %v and %v (above the plateau)", p.plateau, p.peak, 2*minPlateau, refused)
	}

	cut := now
	p.peak, p.plateau, p.cutAt = 15, minPlateau, cut
	checkClimb(t, p, cut)
	// A probe refused near the same peak confirms it: the next plateau is longer.
	now = cut.Add(minPlateau + 300*time.Millisecond)
	p.observe(http.StatusTooManyRequests, headers(nil), now)
	if p.plateau != 3*minPlateau || p.peak < 14 || p.peak > 15 {
		t.Errorf("after a probe refused near the peak: plateau %v peak %v, want %v and about 14.5", p.plateau, p.peak, 3*minPlateau)
	}
	// A 429 on the plateau, at a rate accepted until then: a wider margin, the same peak.
	peak, plateau := p.peak, p.plateau
	now = p.cutAt.Add(climbTime + 500*time.Millisecond)
	p.observe(http.StatusTooManyRequests, headers(nil), now)
	if math.Abs(p.margin-startMargin*marginGrowth) > 1e-9 || p.peak != peak || p.plateau != plateau {
		t.Errorf("after a 429 on the plateau: margin %v peak %v plateau %v, want %v, %v, %v", p.margin, p.peak, p.plateau, startMargin*marginGrowth, peak, plateau)
	}
	if got, want := p.pace(p.cutAt.Add(climbTime)), (1-startMargin*marginGrowth)*peak; math.Abs(got-want) > 1e-9 {
		t.Errorf("the plateau after it: %v, want %v", got, want)
	}
	// A 429 on the climb back: the limit fell under the rate refused.
	now = p.cutAt.Add(200 * time.Millisecond)
	refused = p.pace(now)
	p.observe(http.StatusTooManyRequests, headers(nil), now)
	if p.peak != refused || p.plateau != minPlateau || p.margin != startMargin {
		t.Errorf("after a 429 on the climb: peak %v plateau %v margin %v, want %v, %v, %v", p.peak, p.plateau, p.margin, refused, minPlateau, startMargin)
	}
	// A limit that moved (another client came or went) resets the plateau.
	p.plateau = maxPlateau
	now = now.Add(20 * time.Second)
	p.observe(http.StatusTooManyRequests, headers(nil), now)
	if p.plateau != minPlateau {
		t.Errorf("after a 429 far above the peak: plateau %v, want %v", p.plateau, minPlateau)
	}
	// Far above any refused rate, pacing stops.
	now = now.Add(time.Minute)
	p.observe(http.StatusOK, headers(nil), now)
	if p.mode != notPacing {
		t.Errorf("a minute without 429: mode %v, want pacing stopped", p.mode)
	}
}

// checkClimb checks p's rate after the cut at cut, under a peak of 15.
func checkClimb(t *testing.T, p *pacer, cut time.Time) {
	t.Helper()
	for _, c := range []struct {
		after    time.Duration
		lo, hi   float64
		describe string
	}{
		{500 * time.Millisecond, 12, 12.5, "half way back to nine tenths of the peak"},
		{time.Second, 13.5, 13.5, "at nine tenths of the peak"},
		{minPlateau - time.Millisecond, 13.5, 13.5, "on the plateau"},
		{minPlateau + time.Second, 17.5, 17.6, "probing: 30% above nine tenths"},
		{minPlateau + 3*time.Second, 29.6, 29.7, "probing faster: a peak learnt while another client was busy is left behind in seconds"},
	} {
		if got := p.pace(cut.Add(c.after)); got < c.lo || got > c.hi {
			t.Errorf("%v after the cut: %v, want %v-%v (%s)", c.after, got, c.lo, c.hi, c.describe)
		}
	}
}

// What a pacer learnt is where the next process for the same API and account starts: the
// Retry-After still running, and just under the peak, probing above it after a plateau.
// Another account, or an old record, starts afresh.
func TestPacerStateIsKeptForTheNextProcess(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	now := time.Unix(5000, 0)
	clock := func() time.Time { return now }
	first := &pacer{now: clock, store: newPacingStore(dir, dir, "https://api.example.com", "a@example.com")}
	first.mode, first.rate, first.raisedAt = slowStart, 8, now
	first.observe(http.StatusTooManyRequests, headers(map[string]string{"Retry-After": "3"}), now)
	peak := first.peak // under 8, above 4: the slow start's guess
	if first.mode != climbing || peak >= 8 || peak <= 4 {
		t.Fatalf("the 429: mode %v peak %v", first.mode, first.peak)
	}

	next := &pacer{now: clock, store: newPacingStore(dir, dir, "https://api.example.com", "a@example.com")}
	next.store.load(next)
	if next.peak != peak || next.pace(now) != (1-startMargin)*peak || !next.notBefore.Equal(now.Add(3*time.Second)) {
		t.Errorf("next process: peak %v pace %v notBefore %v, want %v, %v, %v", next.peak, next.pace(now), next.notBefore, peak, (1-startMargin)*peak, now.Add(3*time.Second))
	}
	if p := next.pace(now.Add(minPlateau + time.Second)); p <= peak {
		t.Errorf("the next process does not probe above the peak it loaded: %v a plateau later", p)
	}
	loaded := now
	if at := starts(next, &now, 1)[0]; at < 3*time.Second {
		t.Errorf("the next process sends %v after the 429, inside its Retry-After", at)
	}
	now = loaded

	other := &pacer{now: clock, store: newPacingStore(dir, dir, "https://api.example.com", "b@example.com")}
	other.store.load(other)
	if other.mode != notPacing || !other.notBefore.IsZero() {
		t.Errorf("another account starts from the first one's state: %v %v", other.mode, other.notBefore)
	}
	now = now.Add(storeLifetime + time.Second)
	late := &pacer{now: clock, store: newPacingStore(dir, dir, "https://api.example.com", "a@example.com")}
	late.store.load(late)
	if late.mode != notPacing {
		t.Errorf("a record older than %v is used: mode %v", storeLifetime, late.mode)
	}
	// A pace that climbed past the peak (probing found more room) is what the next
	// process starts under.
	long := &pacer{now: clock, store: newPacingStore(dir, dir, "https://api.example.com", "a@example.com"), mode: climbing, peak: 10, plateau: minPlateau, cutAt: now}
	now = now.Add(minPlateau + 2*time.Second)
	long.observe(http.StatusOK, http.Header{}, now)
	after := &pacer{now: clock, store: newPacingStore(dir, dir, "https://api.example.com", "a@example.com")}
	after.store.load(after)
	if paced := long.pace(now); paced <= 10 || after.peak != paced {
		t.Errorf("a pace past the peak (%v > 10) is not kept: the next process's peak is %v", paced, after.peak)
	}
	// No folder: nothing kept, nothing fails.
	none := newPacingStore("", "", "https://api.example.com", "a@example.com")
	none.load(late)
	none.save(late, now, true)
}

// A request the machine holds back after the pacer let it go (a new connection, a busy
// runner) would arrive too close to the next one, sent on time: the next one is spaced
// from when it was written. Not pacing, nothing waits.
func TestPacerSpacesFromWhenARequestLeft(t *testing.T) {
	t.Parallel()
	now := time.Unix(3000, 0)
	p := testPacer(&now)
	p.wrote(now.Add(time.Second))
	if _, ok := p.take(); !ok {
		t.Fatal("not pacing, a request waits after another one was written late")
	}
	p.mode, p.rate = slowStart, 10 // one request every 100 ms
	now = now.Add(time.Second)
	begin := now
	if _, ok := p.take(); !ok {
		t.Fatal("the first paced request waits")
	}
	p.wrote(now.Add(60 * time.Millisecond)) // written 60 ms after its slot
	at, ok := p.take()
	if ok || at.Sub(begin) != 160*time.Millisecond {
		t.Errorf("the next request may start %v after the first one's slot (%v), want 160ms: 100ms after it was written", at.Sub(begin), ok)
	}
	// A write on time, or older than the last start, changes nothing.
	now = at
	if _, ok := p.take(); !ok {
		t.Fatal("the request at its slot waits")
	}
	p.wrote(now.Add(-time.Millisecond))
	if at, _ := p.take(); at.Sub(now) != 100*time.Millisecond {
		t.Errorf("after a write before the last start: next slot %v later, want 100ms", at.Sub(now))
	}
}
