package marketplace

import (
	"testing"
	"time"
)

// Retry-After comes from the server: no value may make us panic or wait a negative time.
func FuzzRetryAfter(f *testing.F) {
	for _, s := range []string{"", "0", "120", "-1", "1.5", "Fri, 31 Dec 1999 23:59:59 GMT", "Sat, 28 Nov 2099 12:00:00 GMT", "99999999999999999999"} {
		f.Add(s)
	}
	now := time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		if d, ok := retryAfter(s, now); ok && d < 0 {
			t.Fatalf("retryAfter(%q) = %v", s, d)
		}
	})
}

func FuzzValidateBaseURL(f *testing.F) {
	for _, s := range []string{"https://api.atlassian.com/marketplace", "http://127.0.0.1:1", "http://10.0.0.1", "::", "http://[::1]:80/x?y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, err := ValidateBaseURL(s)
		if err == nil && u.Scheme == "http" && !IsLoopbackHost(u.Hostname()) {
			t.Fatalf("%q accepted: http to a non-loopback host", s)
		}
	})
}
