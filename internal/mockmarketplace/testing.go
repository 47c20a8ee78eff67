package mockmarketplace

import (
	"net/http/httptest"
	"testing"
)

// Test credentials used by Start; any test may use them.
const (
	TestEmail    = "vendor@example.com"
	TestAPIToken = "test-token-s3cr3t-0123456789" //nolint:gosec // a test credential, accepted only by the mock
)

// Server is a Mock listening on a loopback address.
type Server struct {
	*Mock
	URL string
}

// Start serves a new Mock with the test credentials on a loopback port until the test
// ends. Each test gets its own, so tests run in parallel without sharing state.
func Start(t testing.TB) *Server {
	t.Helper()
	return Serve(t, New(Options{Email: TestEmail, APIToken: TestAPIToken}))
}

// Serve serves m on a loopback port until the test ends.
func Serve(t testing.TB, m *Mock) *Server {
	t.Helper()
	srv := httptest.NewServer(m)
	t.Cleanup(srv.Close)
	t.Cleanup(m.Close) // runs first: held requests end, so that srv.Close does not wait for them
	return &Server{Mock: m, URL: srv.URL}
}
