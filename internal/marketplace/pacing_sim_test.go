package marketplace

import (
	"container/heap"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"testing"
	"time"
)

// A simulation of one CLI run: workers (Terraform's -parallelism) each send their
// requests in turn through the pacer, against an API gateway with a token bucket that
// answers 429 with a whole-second Retry-After, like the emulator's -rate-limit. Time is
// simulated, so the result is exact and the test is fast and repeatable.

type simBucket struct {
	rate, tokens float64
	burst        int
	last         time.Time
}

func (b *simBucket) admit(now time.Time) (bool, time.Duration) {
	b.tokens = min(float64(b.burst), b.tokens+now.Sub(b.last).Seconds()*b.rate)
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) / b.rate * float64(time.Second))
}

type simEvent struct {
	at     time.Time
	worker int
	kind   int // 0 ready, 1 send, 2 answer
	ok     bool
	wait   time.Duration
}

type simQueue []simEvent

func (q simQueue) Len() int { return len(q) }
func (q simQueue) Less(i, j int) bool {
	if q[i].at.Equal(q[j].at) {
		return q[i].worker < q[j].worker
	}
	return q[i].at.Before(q[j].at)
}
func (q simQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *simQueue) Push(x any)   { *q = append(*q, x.(simEvent)) }
func (q *simQueue) Pop() any {
	old := *q
	e := old[len(old)-1]
	*q = old[:len(old)-1]
	return e
}

// simThink is the time a worker spends between an answer and its next request.
const simThink = 60 * time.Millisecond

// simulate runs n requests with the given parallelism against a bucket of rate and
// burst; it returns the simulated time taken and the 429s met.
func simulate(p *pacer, n, parallelism int, rate float64, burst int, latency time.Duration) (time.Duration, int) {
	now := time.Unix(1_000_000, 0)
	p.now = func() time.Time { return now }
	bucket := &simBucket{rate: rate, tokens: float64(burst), burst: burst, last: now}
	return simulateOn(p, bucket, &now, n, parallelism, latency)
}

// simulateOn runs n requests on p against bucket, moving the clock *clock (which p.now
// reads) on.
func simulateOn(p *pacer, bucket *simBucket, clock *time.Time, n, parallelism int, latency time.Duration) (time.Duration, int) {
	start := *clock
	q := &simQueue{}
	// Terraform does not send all at once: its walk starts resources one after another, and
	// each spends a while in the CLI and the provider between two requests (think).
	for w := 0; w < parallelism && w < n; w++ {
		heap.Push(q, simEvent{at: start.Add(time.Duration(w) * simThink / 2), worker: w})
	}
	left, done, refused := n-min(parallelism, n), 0, 0
	for q.Len() > 0 && done < n {
		e := heap.Pop(q).(simEvent)
		*clock = e.at
		now := e.at
		switch e.kind {
		case 0:
			slot := p.reserve()
			if slot.Before(now) {
				slot = now
			}
			heap.Push(q, simEvent{at: slot, worker: e.worker, kind: 1})
		case 1:
			ok, wait := bucket.admit(now)
			heap.Push(q, simEvent{at: now.Add(latency), worker: e.worker, kind: 2, ok: ok, wait: wait})
		case 2:
			if e.ok {
				p.observe(http.StatusOK, http.Header{})
				done++
				if left == 0 {
					continue
				}
				left--
			} else {
				refused++
				h := http.Header{}
				h.Set("Retry-After", strconv.Itoa(int(math.Ceil(e.wait.Seconds()))))
				p.observe(http.StatusTooManyRequests, h)
			}
			heap.Push(q, simEvent{at: now.Add(simThink), worker: e.worker})
		}
	}
	return clock.Sub(start), refused
}

func TestPacerKeepsCloseToTheRateLimit(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		n, parallelism int
		rate           float64
		burst          int
	}{
		{29, 10, 2, 5}, {60, 10, 2, 5}, {120, 10, 2, 5}, {180, 10, 2, 5},
		{60, 10, 10, 5}, {120, 10, 10, 5}, {180, 10, 10, 5}, {360, 10, 10, 5},
		{200, 20, 10, 10}, {500, 10, 10, 5},
	} {
		took, refused := simulate(newPacer(), c.n, c.parallelism, c.rate, c.burst, 5*time.Millisecond)
		floor := time.Duration(float64(c.n-c.burst) / c.rate * float64(time.Second))
		ratio := took.Seconds() / floor.Seconds()
		t.Logf("%s: %v for %d requests (floor %v): %.2fx, %d 429s", fmt.Sprintf("n=%d p=%d rate=%v burst=%d", c.n, c.parallelism, c.rate, c.burst), took.Round(time.Millisecond), c.n, floor.Round(time.Millisecond), ratio, refused)
	}
}

// One CLI command after another, each walk a new provider process that starts from what the
// previous one kept (pacingStore): the whole run and each command stay near the least time.
func TestPacerKeptBetweenProcessesKeepsEachCommandNearTheLimit(t *testing.T) {
	t.Parallel()
	for _, rate := range []float64{2, 10} {
		dir := t.TempDir()
		clock := time.Unix(2_000_000, 0)
		bucket := &simBucket{rate: rate, tokens: 5, burst: 5, last: clock}
		// plan (refresh), apply (refresh walk, then the apply walk), destroy (plan walk, apply walk)
		walks := []struct {
			name string
			n    int
		}{
			{"plan", 60}, {"apply: plan walk", 60}, {"apply: apply walk", 180},
			{"apply from empty (6 calls an app)", 360}, {"plan after it", 60},
			{"destroy: plan walk", 60}, {"destroy: apply walk", 60},
		}
		for i, w := range walks {
			p := newPacer()
			p.now = func() time.Time { return clock }
			p.store = newPacingStore(dir, "http://127.0.0.1:1", "a@example.com")
			p.store.load(p)
			took, refused := simulateOn(p, bucket, &clock, w.n, 10, 5*time.Millisecond)
			least := time.Duration(float64(w.n) / rate * float64(time.Second))
			ratio := took.Seconds() / least.Seconds()
			t.Logf("rate %v, %s: %v for %d requests, %.2fx of %v, %d 429s", rate, w.name, took.Round(time.Millisecond), w.n, ratio, least, refused)
			// The first walk learns the limit from nothing (a Retry-After hold or two); every
			// later one starts from what the one before kept.
			if ratio > 1.2 && i > 0 {
				t.Errorf("rate %v, %s: %.2fx of the least time", rate, w.name, ratio)
			}
			if ratio > 1.6 {
				t.Errorf("rate %v, %s (the first walk): %.2fx of the least time", rate, w.name, ratio)
			}
			clock = clock.Add(500 * time.Millisecond) // the CLI between two walks
		}
	}
}
