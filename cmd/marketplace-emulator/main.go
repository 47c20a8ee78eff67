// Command marketplace-emulator serves the mock Marketplace privacy-and-security API on a
// loopback address, for trying the provider (make demo) and for local development.
//
//	marketplace-emulator -addr 127.0.0.1:8080 -product 12345678-1234-1234-1234-123456789abc \
//	    -state-file emulator.json
//
// Credentials come from -email/-api-token or MARKETPLACE_EMAIL/MARKETPLACE_API_TOKEN.
// With -state-file, the documents survive restarts; the file is replaced atomically.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/marketplace-trust/terraform-provider-marketplace/internal/mockmarketplace"
)

type productList []string

// latencyFlag is -latency: a duration of zero or more, refused with the reason otherwise.
type latencyFlag time.Duration

func (l *latencyFlag) String() string { return time.Duration(*l).String() }
func (l *latencyFlag) Set(v string) error {
	d, err := time.ParseDuration(v)
	if err != nil {
		return fmt.Errorf("not a duration: write a number with a unit, e.g. 100ms or 0.25s")
	}
	if d < 0 {
		return fmt.Errorf("a latency cannot be negative")
	}
	*l = latencyFlag(d)
	return nil
}

func (p *productList) String() string     { return strings.Join(*p, ",") }
func (p *productList) Set(v string) error { *p = append(*p, strings.Split(v, ",")...); return nil }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Getenv)
	if exitCode(err) == 0 {
		return
	}
	log.Printf("marketplace-emulator: %v", err)
	stop()
	os.Exit(1)
}

// exitCode is the command's exit status for run's result: -h is no failure (the usage is
// printed, as asked).
func exitCode(err error) int {
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return 0
	}
	return 1
}

// config is what the flags ask for.
type config struct {
	addr, email, token, stateFile, urlFile, traceFile string
	latePut                                           time.Duration
	failRate                                          float64
	failStatus                                        int
	rateLimit                                         float64
	rateBurst                                         int
	latency                                           latencyFlag
	products, privateProducts                         productList
	developerSpace, vendorID                          string
}

func parseFlags(args []string, getenv func(string) string) (*config, error) {
	c := &config{}
	fs := flag.NewFlagSet("marketplace-emulator", flag.ContinueOnError)
	fs.StringVar(&c.addr, "addr", "127.0.0.1:8080", "loopback address to listen on (port 0 picks a free one)")
	fs.StringVar(&c.email, "email", getenv("MARKETPLACE_EMAIL"), "the only email accepted (default $MARKETPLACE_EMAIL)")
	fs.StringVar(&c.token, "api-token", getenv("MARKETPLACE_API_TOKEN"), "the only API token accepted (default $MARKETPLACE_API_TOKEN)")
	fs.StringVar(&c.stateFile, "state-file", "", "JSON file to load documents from and save them to after every change")
	fs.StringVar(&c.urlFile, "url-file", "", "write the base URL to this file once listening (for scripts)")
	fs.DurationVar(&c.latePut, "late-put", 0, "carry out the first PUT of each product this long after it arrives, even when its client has given up waiting (a request that timed out on the client's side and lands later)")
	fs.Float64Var(&c.failRate, "fail-rate", 0, "share of requests (0 to 1) answered with -fail-status instead, to try retries")
	fs.IntVar(&c.failStatus, "fail-status", http.StatusServiceUnavailable, "status of the failures -fail-rate injects")
	fs.Float64Var(&c.rateLimit, "rate-limit", 0, "requests per second accepted before answering 429 with Retry-After (0: no limit)")
	fs.IntVar(&c.rateBurst, "rate-burst", 10, "requests accepted at once under -rate-limit; 1 is a strict bucket (one request every 1/rate-limit, no burst)")
	fs.Var(&c.latency, "latency", "wait this long before answering each request, as a distant API would (e.g. 100ms; default none)")
	fs.StringVar(&c.traceFile, "trace-file", "", "append one JSON line per request (product, method, path, status, start and end in Unix nanoseconds) to this file, for the bench")
	fs.Var(&c.products, "product", "product ID to register (repeatable, or comma-separated)")
	fs.Var(&c.privateProducts, "private-product", "product ID to register as a private app (repeatable, or comma-separated)")
	fs.StringVar(&c.developerSpace, "developer-space", "", "developer space ID whose listing holds every registered product as an app (App 001, ...)")
	fs.StringVar(&c.vendorID, "vendor-id", "", "vendor ID whose developer space is -developer-space")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if c.email == "" || c.token == "" {
		return nil, errors.New("set -email and -api-token (or MARKETPLACE_EMAIL and MARKETPLACE_API_TOKEN)")
	}
	return c, nil
}

// run serves until ctx is done.
func run(ctx context.Context, args []string, getenv func(string) string) error {
	c, err := parseFlags(args, getenv)
	if err != nil {
		return err
	}
	mock, registered, err := newMock(c)
	if err != nil {
		return err
	}
	return serve(ctx, c, mock, registered)
}

// newMock is the mock with the state file's documents, the products and the faults the
// flags ask for; it returns how many products are registered.
func newMock(c *config) (*mockmarketplace.Mock, int, error) {
	store := &stateStore{path: c.stateFile}
	opts := mockmarketplace.Options{Email: c.email, APIToken: c.token}
	if c.stateFile != "" {
		// Only then: a snapshot of every product is taken for each write.
		opts.Persist = store.persist
	}
	mock := mockmarketplace.New(opts)
	store.mock = mock
	if err := store.load(); err != nil {
		return nil, 0, err
	}
	// A state file that cannot be written would lose every change: refuse to start.
	if err := store.persist(mock.Snapshot()); err != nil {
		return nil, 0, fmt.Errorf("-state-file %s cannot be written (%w): choose a writable folder", c.stateFile, err)
	}
	listed := registerProducts(c, mock)
	if c.developerSpace != "" && c.vendorID != "" {
		mock.SetVendor(c.vendorID, c.developerSpace)
	}
	injectFaults(c, mock, listed)
	return mock, len(listed), nil
}

// registerProducts registers -product, -private-product and the state file's products
// (listed as public apps unless named by -private-product).
func registerProducts(c *config, mock *mockmarketplace.Mock) map[string]bool {
	n := 0
	listed := map[string]bool{}
	var fromState productList
	for id := range mock.Snapshot() {
		fromState = append(fromState, id)
	}
	sort.Strings(fromState)
	for _, list := range []struct {
		ids     productList
		private bool
	}{{c.products, false}, {c.privateProducts, true}, {fromState, false}} {
		for _, id := range list.ids {
			if id = strings.TrimSpace(id); id == "" || listed[id] {
				continue
			}
			listed[id] = true
			mock.AddProduct(id)
			if c.developerSpace != "" {
				n++
				mock.AddApp(c.developerSpace, mockmarketplace.App{ProductID: id, AppKey: fmt.Sprintf("com.example.app%03d", n),
					AppName: fmt.Sprintf("App %03d", n), Private: list.private})
			}
		}
	}
	return listed
}

func injectFaults(c *config, mock *mockmarketplace.Mock, listed map[string]bool) {
	if c.latePut > 0 {
		for id := range listed {
			mock.InjectFault(mockmarketplace.RoutePut, mockmarketplace.Fault{Product: id, Late: c.latePut, Times: 1})
		}
	}
	if c.failRate > 0 {
		for _, route := range []mockmarketplace.Route{mockmarketplace.RouteGetLive, mockmarketplace.RouteGetDraft,
			mockmarketplace.RoutePut, mockmarketplace.RouteDelete, mockmarketplace.RoutePublish} {
			mock.InjectFault(route, mockmarketplace.Fault{Status: c.failStatus, Probability: c.failRate})
		}
	}
	if c.rateLimit > 0 {
		mock.SetRateLimit(mockmarketplace.RateLimit{PerSecond: c.rateLimit, Burst: c.rateBurst})
	}
}

// serve answers on the flags' address until ctx is done.
func serve(ctx context.Context, c *config, mock *mockmarketplace.Mock, registered int) error {
	ln, err := listenLoopback(ctx, c.addr)
	if err != nil {
		return err
	}
	baseURL := "http://" + ln.Addr().String()
	if c.urlFile != "" {
		if err := writeFileAtomic(c.urlFile, []byte(baseURL+"\n")); err != nil {
			return err
		}
	}
	log.Printf("serving the Marketplace privacy-and-security API on %s (%d products)", baseURL, registered) //nolint:gosec // the listener's own address

	var trace *requestTrace
	if c.traceFile != "" {
		f, err := os.OpenFile(c.traceFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600) //nolint:gosec // the user names the trace file
		if err != nil {
			return fmt.Errorf("-trace-file: %w", err)
		}
		defer func() { _ = f.Close() }()
		trace = &requestTrace{w: f}
	}
	srv := &http.Server{Handler: logRequests(trace, withLatency(time.Duration(c.latency), mock)), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
	}()
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.Printf("stopped")
	return nil
}

// listenLoopback refuses anything but a loopback address: the emulator accepts any
// client that knows its made-up credentials, so it must not be reachable from elsewhere.
func listenLoopback(ctx context.Context, addr string) (net.Listener, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("-addr %q: %w", addr, err)
	}
	ip := net.ParseIP(host)
	if host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, fmt.Errorf("-addr %q is not a loopback address (use 127.0.0.1 or [::1])", addr)
	}
	var lc net.ListenConfig
	return lc.Listen(ctx, "tcp", addr)
}

// logRequests writes one line per request: method, path and query, status, duration.
// maxLoggedTarget is how much of a request's path and query the log shows.
const maxLoggedTarget = 200

func logRequests(trace *requestTrace, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		end := time.Now()
		status := rec.status
		if !rec.wrote && r.Context().Err() != nil {
			status = 0 // the client went away before the answer
		}
		trace.record(r, status, start, end)
		target := r.URL.Path
		if r.URL.RawQuery != "" {
			target += "?" + r.URL.RawQuery
		}
		// Quoted, so that a request cannot forge log lines.
		if len(target) > maxLoggedTarget { // an ID of 20 000 characters is not worth a screen
			target = target[:maxLoggedTarget] + fmt.Sprintf("...(%d characters)", len(target))
		}
		line := strconv.Quote(r.Method) + " " + strconv.Quote(target)
		if status == 0 {
			log.Printf("%s client gone after %s", line, end.Sub(start).Round(time.Microsecond))
			return
		}
		log.Printf("%s %d %s", line, status, end.Sub(start).Round(time.Microsecond))
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (s *statusWriter) WriteHeader(code int) {
	s.status, s.wrote = code, true
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(b []byte) (int, error) {
	s.wrote = true
	return s.ResponseWriter.Write(b)
}

// withLatency makes every answer wait d before the request is handled, as an API across
// the internet would; a client that goes away meanwhile frees the handler, and its request
// is not handled (it never arrived).
func withLatency(d time.Duration, next http.Handler) http.Handler {
	if d <= 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		timer := time.NewTimer(d)
		defer timer.Stop()
		select {
		case <-timer.C:
			next.ServeHTTP(w, r)
		case <-r.Context().Done():
		}
	})
}

// productsPrefix is where the privacy-and-security API names a product.
const productsPrefix = "/rest/3/privacy-and-security/products/"

// requestTrace writes one JSON line per request, with the times it began and ended, so
// that the bench can tell requests sent together from requests sent one after another.
type requestTrace struct {
	mu sync.Mutex
	w  io.Writer
}

// traceLine is one request in the -trace-file; product is empty for requests that name none.
type traceLine struct {
	Product string `json:"product"`
	Method  string `json:"method"`
	Path    string `json:"path"`
	Status  int    `json:"status"` // 0: the client went away before the answer
	Start   int64  `json:"start"`  // Unix nanoseconds
	End     int64  `json:"end"`
}

func (t *requestTrace) record(r *http.Request, status int, start, end time.Time) {
	if t == nil {
		return
	}
	product := ""
	if rest, ok := strings.CutPrefix(r.URL.Path, productsPrefix); ok {
		product, _, _ = strings.Cut(rest, "/")
	}
	path := r.URL.Path
	if len(path) > maxLoggedTarget {
		path = path[:maxLoggedTarget]
	}
	if len(product) > maxLoggedTarget {
		product = product[:maxLoggedTarget]
	}
	data, err := json.Marshal(traceLine{Product: product, Method: r.Method, Path: path, Status: status,
		Start: start.UnixNano(), End: end.UnixNano()})
	if err != nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if _, err := t.w.Write(append(data, '\n')); err != nil {
		log.Printf("-trace-file: %v", err)
	}
}
