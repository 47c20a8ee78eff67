package marketplace

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// sharedPair is two processes' pacers for one account and API, sharing dir, on one clock.
func sharedPair(t *testing.T, dir string, now *time.Time) (*pacer, *pacer) {
	t.Helper()
	var out [2]*pacer
	for i := range out {
		p := testPacer(now)
		p.store = newPacingStore(dir, dir, "https://api.example.com", "a@example.com")
		p.store.load(p)
		if p.shared == nil {
			t.Skip("no shared pacing on this system")
		}
		t.Cleanup(func() { p.shared.file.close() })
		out[i] = p
	}
	return out[0], out[1]
}

// Two processes sharing a folder space their requests together, and a 429 one meets holds
// the other and sets the peak both pace under.
func TestSharedPacingSpacesTheRequestsOfEveryProcess(t *testing.T) {
	t.Parallel()
	now := time.Unix(7000, 0)
	a, b := sharedPair(t, t.TempDir(), &now)
	a.mode, a.rate = slowStart, 10 // one request every 100 ms, for both once written
	a.shared.update(a, func(time.Time) bool { return true })
	if _, ok := a.take(); !ok {
		t.Fatal("the first request waits")
	}
	at, ok := b.take()
	if ok || at.Sub(now) != 100*time.Millisecond {
		t.Fatalf("the other process's request: %v after, %v; want to wait 100ms for the first's slot", at.Sub(now), ok)
	}
	now = at
	if _, ok := b.take(); !ok {
		t.Fatal("the other process's request at its slot waits")
	}
	if at, ok := a.take(); ok || at.Sub(now) != 100*time.Millisecond {
		t.Fatalf("the first process after the other's: %v, %v; want the next slot", at.Sub(now), ok)
	}
	b.observe(http.StatusTooManyRequests, headers(map[string]string{"Retry-After": "2"}), now)
	at, ok = a.take()
	if ok || at.Before(now.Add(2*time.Second)) {
		t.Errorf("after the other process's 429 with Retry-After 2: %v, %v; want the hold", at.Sub(now), ok)
	}
	a.mu.Lock()
	mode, peak := a.mode, a.peak
	a.mu.Unlock()
	if mode != climbing || peak >= 10 || peak <= 5 {
		t.Errorf("after the other process's 429: mode %v peak %v, want climbing, the limit guessed under 10", mode, peak)
	}
}

// What the record holds is used while it is sound and recent: a record nobody wrote for a
// while is resumed just under its peak, an old one, a torn one, or one from a clock far
// ahead is not used, and a clock set back does not hold requests.
func TestSharedPacingRecordAges(t *testing.T) {
	t.Parallel()
	start := time.Unix(8000, 0)
	for _, c := range []struct {
		name  string
		after time.Duration
		tear  bool
		want  pacingMode
	}{
		{"live", time.Second, false, climbing},
		{"idle", idleAfter + time.Second, false, climbing},
		{"old", storeLifetime + time.Second, false, notPacing},
		{"torn", time.Second, true, notPacing},
		{"from a clock far ahead", -2 * maxSkew, false, notPacing},
	} {
		now := start
		dir := t.TempDir()
		a, b := sharedPair(t, dir, &now)
		a.mode, a.peak, a.plateau, a.cutAt, a.last = climbing, 10, 8*time.Second, now, now.Add(time.Hour)
		a.shared.update(a, func(time.Time) bool { return true })
		if c.tear {
			path := newPacingStore(dir, dir, "https://api.example.com", "a@example.com").slot
			data, _ := os.ReadFile(path)
			data[20] ^= 0xff // within the hold's time
			if err := os.WriteFile(path, data, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		now = now.Add(c.after)
		// The last request started an hour ahead (a clock set back since): counted as now.
		if at, ok := b.take(); !ok && at.Sub(now) > time.Second {
			t.Errorf("%s: a request waits %v: a clock set back holds it", c.name, at.Sub(now))
		}
		if b.mode != c.want {
			t.Errorf("%s: mode %v, want %v", c.name, b.mode, c.want)
		}
		if c.name == "idle" && (b.plateau != minPlateau || b.pace(now) != (1-startMargin)*b.peak) {
			t.Errorf("idle: plateau %v pace %v, want resumed at %v of the peak", b.plateau, b.pace(now), 1-startMargin)
		}
	}
}

// A lock another process holds (stopped while holding it, say) leaves this one pacing
// alone: the request is decided, never failed.
func TestSharedPacingFallsBackWhenTheLockIsHeld(t *testing.T) {
	t.Parallel()
	now := time.Unix(9000, 0)
	dir := t.TempDir()
	a, _ := sharedPair(t, dir, &now)
	holder, err := openSlotFile(newPacingStore(dir, dir, "https://api.example.com", "a@example.com").slot)
	if err != nil {
		t.Skip("no shared pacing on this system")
	}
	defer holder.close()
	if !holder.lock() {
		t.Fatal("the lock is not taken")
	}
	if _, ok := a.take(); !ok {
		t.Error("the first request waits while another process holds the lock")
	}
	if a.shared.fallbacks != 1 {
		t.Errorf("fallbacks %d, want 1", a.shared.fallbacks)
	}
	holder.unlock()
	if _, ok := a.take(); !ok || a.shared.fallbacks != 1 {
		t.Errorf("with the lock free again: ok %v, fallbacks %d", ok, a.shared.fallbacks)
	}
}

// The record's name and content hold no credential in clear.
func TestSharedPacingRecordNamesNoCredential(t *testing.T) {
	t.Parallel()
	now := time.Unix(9500, 0)
	dir := t.TempDir()
	a, _ := sharedPair(t, dir, &now)
	a.take()
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		data, _ := os.ReadFile(filepath.Join(dir, e.Name()))
		if filepath.Ext(e.Name()) == ".slot" && len(data) != recordSize {
			t.Errorf("%s: %d bytes, want %d", e.Name(), len(data), recordSize)
		}
		for _, s := range []string{"a@example.com", "api.example.com"} {
			if containsFold(e.Name(), s) || containsFold(string(data), s) {
				t.Errorf("%s names %q", e.Name(), s)
			}
		}
	}
}

func containsFold(s, sub string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(sub))
}

// The cost of one decision on the shared record (lock, read, decide, write, unlock), which
// every request pays once, against the same decision alone.
func BenchmarkPacerTake(b *testing.B) {
	for _, shared := range []bool{false, true} {
		name := "alone"
		if shared {
			name = "shared"
		}
		b.Run(name, func(b *testing.B) {
			p := newPacer()
			if shared {
				dir := b.TempDir()
				p.store = newPacingStore(dir, dir, "https://api.example.com", "a@example.com")
				p.store.load(p)
				if p.shared == nil {
					b.Skip("no shared pacing on this system")
				}
				defer p.shared.file.close()
			}
			b.ReportAllocs()
			for b.Loop() {
				p.take()
			}
		})
	}
}
