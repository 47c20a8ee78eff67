package mockmarketplace

import "time"

// RateLimit makes the mock answer 429 with a whole-second Retry-After, as an API gateway
// would, from a token bucket over all routes (one per account): PerSecond tokens a second,
// at most Burst of them kept. A Burst of 1 (or 0) is a strict bucket: one request every
// 1/PerSecond, none sooner, whoever sends it. A larger Burst is a bursty bucket: that many
// requests at once after a quiet while.
type RateLimit struct {
	PerSecond float64
	Burst     int
}

// Strict is a strict bucket of perSecond: one request every 1/perSecond, no burst.
func Strict(perSecond float64) RateLimit { return RateLimit{PerSecond: perSecond, Burst: 1} }

func (l RateLimit) burst() float64 { return float64(max(l.Burst, 1)) }

// SetRateLimit limits the request rate over all routes; a zero RateLimit removes it.
func (m *Mock) SetRateLimit(l RateLimit) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.limit = l
	m.tokens = l.burst()
	m.lastRefill = time.Now()
}

// admit takes a token from the bucket, or returns how long until one is available.
func (m *Mock) admit() (bool, time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.limit.PerSecond <= 0 {
		return true, 0
	}
	now := time.Now()
	m.tokens = min(m.limit.burst(), m.tokens+now.Sub(m.lastRefill).Seconds()*m.limit.PerSecond)
	m.lastRefill = now
	if m.tokens >= 1 {
		m.tokens--
		return true, 0
	}
	return false, time.Duration((1 - m.tokens) / m.limit.PerSecond * float64(time.Second))
}
