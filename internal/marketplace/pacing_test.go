package marketplace

import (
	"context"
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

// slots reserves n requests and returns when each would start, from now.
func slots(p *pacer, n int) []time.Duration {
	start := p.now()
	var out []time.Duration
	for i := 0; i < n; i++ {
		out = append(out, p.reserve().Sub(start))
	}
	return out
}

func TestPacerHoldsEveryRequestUntilRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Unix(1000, 0)
	p := &pacer{now: func() time.Time { return now }}
	p.observe(http.StatusTooManyRequests, headers(map[string]string{"Retry-After": "2"}))
	for i, at := range slots(p, 3) {
		if at < 2*time.Second {
			t.Errorf("request %d starts %v after the 429, before its Retry-After of 2s", i, at)
		}
	}
	// The wait itself is cut short by the caller's context.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	q := &pacer{now: time.Now}
	q.observe(http.StatusTooManyRequests, headers(map[string]string{"Retry-After": "60"}))
	if err := q.wait(ctx); err == nil {
		t.Error("a wait outlived its context")
	}
}

func TestPacerSpreadsRequestsOverTheAnnouncedBudget(t *testing.T) {
	t.Parallel()
	now := time.Unix(1000, 0)
	p := &pacer{now: func() time.Time { return now }}
	reset := now.Add(10 * time.Second).UTC().Format("2006-01-02T15:04:05Z07:00")
	p.observe(http.StatusOK, headers(map[string]string{"X-RateLimit-Remaining": "4", "X-RateLimit-Reset": reset}))
	got := slots(p, 3)
	if got[1]-got[0] != 2*time.Second || got[2]-got[1] != 2*time.Second {
		t.Errorf("slots %v: want 2s apart (10s left, 4 requests left)", got)
	}
}

func TestPacerAdaptsItsRateToThe429s(t *testing.T) {
	t.Parallel()
	now := time.Unix(1000, 0)
	p := &pacer{now: func() time.Time { return now }}
	// Ten requests sent in the last second, then the API refuses: pace at three quarters.
	for i := 0; i < 10; i++ {
		p.reserve()
		p.observe(http.StatusOK, headers(nil))
	}
	p.observe(http.StatusTooManyRequests, headers(nil))
	if p.rate != 7.5 {
		t.Fatalf("rate after the first 429: %v, want 7.5", p.rate)
	}
	// The other requests of the same burst meet 429 too: one cut for all.
	p.observe(http.StatusTooManyRequests, headers(nil))
	if p.rate != 7.5 {
		t.Errorf("rate after a second 429 of the same burst: %v, want 7.5", p.rate)
	}
	// That first estimate is a floor of the limit: accepted answers raise it by half each
	// second, until a 429, which sets it to 0.85 of the rate refused.
	for i := 0; i < 10; i++ {
		p.observe(http.StatusOK, headers(nil))
	}
	if p.rate != 7.5 {
		t.Errorf("rate after 10 accepted within the second: %v, want 7.5", p.rate)
	}
	now = now.Add(time.Second)
	p.observe(http.StatusOK, headers(nil))
	if p.rate != 11.25 {
		t.Fatalf("rate a second later: %v, want 11.25", p.rate)
	}
	now = now.Add(100 * time.Millisecond)
	p.observe(http.StatusTooManyRequests, headers(nil))
	if p.rate != 0.85*11.25 || p.ceiling != 11.25 || p.probing {
		t.Fatalf("after the probe's 429: rate %v ceiling %v probing %v, want %v, 11.25, false", p.rate, p.ceiling, p.probing, 0.85*11.25)
	}
	// Then accepted requests raise it slowly (the limit is close).
	p.rate = 9
	for i := 0; i < 10; i++ {
		p.observe(http.StatusOK, headers(nil))
	}
	if p.rate < 10 || p.rate > 10.2 {
		t.Errorf("rate after 10 accepted: %v, want about 10 (nine tenths of 11.25, then slower)", p.rate)
	}
	for i := 0; i < 100; i++ {
		p.observe(http.StatusOK, headers(nil))
	}
	if p.rate > 10.7 {
		t.Errorf("rate after 100 more accepted: %v, want a slow climb below the refused 11.25", p.rate)
	}
	// A later 429 cuts again.
	now = now.Add(10 * time.Second)
	p.observe(http.StatusTooManyRequests, headers(nil))
	if p.rate > 8.1 {
		t.Errorf("rate after a later 429: %v, want it cut", p.rate)
	}
	// Far above any refused rate, pacing stops.
	p.ceiling, p.rate = 1, 3.999
	p.observe(http.StatusOK, headers(nil))
	p.observe(http.StatusOK, headers(nil))
	if p.rate != 0 {
		t.Errorf("rate %v, want pacing stopped", p.rate)
	}
}

// What a pacer learnt is where the next process for the same API and account starts: the
// Retry-After still running and the rate. Another account, or an old record, starts afresh.
func TestPacerStateIsKeptForTheNextProcess(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	now := time.Unix(5000, 0)
	clock := func() time.Time { return now }
	first := &pacer{now: clock, store: newPacingStore(dir, "https://api.example.com", "a@example.com")}
	for i := 0; i < 8; i++ {
		first.reserve()
	}
	first.observe(http.StatusTooManyRequests, headers(map[string]string{"Retry-After": "3"}))
	if first.rate == 0 {
		t.Fatal("the 429 did not start pacing")
	}

	next := &pacer{now: clock, store: newPacingStore(dir, "https://api.example.com", "a@example.com")}
	next.store.load(next)
	if next.rate != first.rate || next.ceiling != first.ceiling || !next.notBefore.Equal(now.Add(3*time.Second)) {
		t.Errorf("next process: rate %v ceiling %v notBefore %v, want %v %v %v", next.rate, next.ceiling, next.notBefore, first.rate, first.ceiling, now.Add(3*time.Second))
	}
	if at := slots(next, 1)[0]; at < 3*time.Second {
		t.Errorf("the next process sends %v after the 429, inside its Retry-After", at)
	}

	other := &pacer{now: clock, store: newPacingStore(dir, "https://api.example.com", "b@example.com")}
	other.store.load(other)
	if other.rate != 0 || !other.notBefore.IsZero() {
		t.Errorf("another account starts from the first one's state: %v %v", other.rate, other.notBefore)
	}
	now = now.Add(storeLifetime + time.Second)
	late := &pacer{now: clock, store: newPacingStore(dir, "https://api.example.com", "a@example.com")}
	late.store.load(late)
	if late.rate != 0 {
		t.Errorf("a record older than %v is used: rate %v", storeLifetime, late.rate)
	}
	// A rate that crept past the rate refused last (a long walk's accepted answers raise
	// it) is kept too: the next process does not learn the limit anew from 429s.
	now = now.Add(storeLifetime + time.Second)
	long := &pacer{now: clock, store: newPacingStore(dir, "https://api.example.com", "a@example.com"), rate: 8.5, ceiling: 10}
	for i := 0; i < 300; i++ {
		now = now.Add(100 * time.Millisecond)
		long.observe(http.StatusOK, http.Header{})
	}
	now = now.Add(time.Second)
	long.observe(http.StatusOK, http.Header{})
	after := &pacer{now: clock, store: newPacingStore(dir, "https://api.example.com", "a@example.com")}
	after.store.load(after)
	if long.rate <= long.ceiling || after.rate != long.rate || after.ceiling != long.ceiling {
		t.Errorf("a rate past the one refused last (%v > %v) is not kept: the next process starts at %v, %v", long.rate, long.ceiling, after.rate, after.ceiling)
	}
	// No folder: nothing kept, nothing fails.
	none := newPacingStore("", "https://api.example.com", "a@example.com")
	none.load(late)
	none.save(late, now, true)
}
