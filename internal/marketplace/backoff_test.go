package marketplace

import (
	"net/http"
	"testing"
	"time"
)

func TestRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		header string
		want   time.Duration
		ok     bool
	}{
		{"7", 7 * time.Second, true},
		{" 0 ", 0, true},
		{"Sat, 28 Nov 2026 12:00:30 GMT", 30 * time.Second, true},
		{"Sat, 28 Nov 2026 11:00:00 GMT", 0, true}, // in the past: retry now
		{"-3", 0, false},
		{"1.5", 0, false},
		{"soon", 0, false},
		{"", 0, false},
	}
	for _, tc := range cases {
		got, ok := retryAfter(tc.header, now)
		if got != tc.want || ok != tc.ok {
			t.Errorf("retryAfter(%q) = %v, %v; want %v, %v", tc.header, got, ok, tc.want, tc.ok)
		}
	}
}

func TestBackoff(t *testing.T) {
	t.Parallel()
	minWait, maxWait := 100*time.Millisecond, 2*time.Second
	withHeader := func(v string) *http.Response {
		return &http.Response{StatusCode: 503, Header: http.Header{"Retry-After": {v}}, Body: http.NoBody}
	}
	// A 429 is waited out by the pacer, which holds every request until Retry-After:
	// backoff adds only jitter.
	rateLimited := &http.Response{StatusCode: 429, Header: http.Header{"Retry-After": {"5"}}, Body: http.NoBody}
	if got := backoff(minWait, maxWait, 0, rateLimited); got > minWait/10 {
		t.Errorf("429 backoff %v, want at most %v (the pacer waits)", got, minWait/10)
	}
	oneSecond, anHour := withHeader("1"), withHeader("3600")
	defer oneSecond.Body.Close()
	defer anHour.Body.Close()
	for i := 0; i < 20; i++ {
		if got := backoff(minWait, maxWait, 0, oneSecond); got < time.Second || got > time.Second+minWait {
			t.Errorf("Retry-After 1 = %v, want between 1s and 1s+%v", got, minWait)
		}
	}
	if got := backoff(minWait, maxWait, 0, anHour); got != maxWait {
		t.Errorf("Retry-After is not capped: %v", got)
	}
	seen := map[time.Duration]bool{}
	for attempt := 0; attempt < 40; attempt++ {
		got := backoff(minWait, maxWait, attempt, nil)
		ceiling := min(minWait<<min(attempt, 30), maxWait)
		if got < minWait/2 || got > ceiling {
			t.Errorf("attempt %d: %v outside [%v, %v]", attempt, got, minWait/2, ceiling)
		}
		seen[got] = true
	}
	if len(seen) < 10 {
		t.Errorf("backoff has no jitter: %d distinct waits in 40", len(seen))
	}
}
