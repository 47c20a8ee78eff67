// Package mockmarketplace is an in-process stand-in for the privacy-and-security endpoints
// of the Atlassian Marketplace REST API v3, used by every acceptance test and by the local
// emulator. It shares no code with the client: it reads and writes the wire JSON itself.
package mockmarketplace

import (
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

const productsPrefix = "/rest/3/privacy-and-security/products/"

// Route names one of the API's operations, for fault injection and request counting.
type Route string

const (
	RouteGetLive  Route = "GET live"
	RouteGetDraft Route = "GET draft"
	RoutePut      Route = "PUT"
	RouteDelete   Route = "DELETE"
	RoutePublish  Route = "POST publish"
	RouteUnknown  Route = "unknown"
)

// Options configures a Mock.
type Options struct {
	// Email and APIToken are the only basic-auth credentials accepted.
	Email    string
	APIToken string
	// Now replaces the clock that stamps properties.updatedAt.
	Now func() time.Time
	// OnChange, if set, is called after every request that changed a document, outside
	// the mock's lock.
	OnChange func()
	// Persist, if set, is called with the documents as a change would leave them, before
	// the change is made and answered (the emulator saves its state there). An error
	// leaves everything as it was and answers 500: a write is never acknowledged and
	// then lost.
	Persist func(map[string]ProductState) error
}

// MaxBodyBytes is the largest request body the mock reads; a larger one is answered 413.
const MaxBodyBytes = 1 << 20

// Request is one request the mock answered.
type Request struct {
	Method    string
	Path      string
	Query     string
	Route     Route
	ProductID string
	Status    int
}

// Mock is the fake Marketplace. It is safe for concurrent use.
type Mock struct {
	opts Options

	mu       sync.Mutex
	products map[string]*product
	requests []Request
	faults   map[Route][]*Fault

	// Developer spaces and their app listings (listing.go).
	spaces map[string]*developerSpace
	// notFound is how a product that does not exist is answered (SetProductNotFound).
	notFound notFoundAnswer

	// Requests being served, for WaitIdle; closed ends every held request (Close).
	active   int
	idle     *sync.Cond
	closed   chan struct{}
	isClosed bool

	// Reads to be paired, and the pairs made (pairs.go).
	pairings         map[string]*pairing
	paired, unpaired int

	// A token bucket, when a rate limit is set.
	limit      RateLimit
	tokens     float64
	lastRefill time.Time
}

type product struct {
	// live and draft are whole response bodies ({"commonCloud": {...}}), nil when absent.
	live  map[string]any
	draft map[string]any
}

// New returns a Mock with no products.
func New(opts Options) *Mock {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	m := &Mock{opts: opts, products: map[string]*product{}, faults: map[Route][]*Fault{}, closed: make(chan struct{})}
	m.idle = sync.NewCond(&m.mu)
	return m
}

// InFlight is the number of requests being served now.
func (m *Mock) InFlight() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.active
}

// WaitIdle waits until no request is being served (held requests included: release them
// first), or timeout; false when requests were still in flight then.
func (m *Mock) WaitIdle(timeout time.Duration) bool {
	done := make(chan struct{})
	go func() {
		m.mu.Lock()
		for m.active > 0 {
			m.idle.Wait()
		}
		m.mu.Unlock()
		close(done)
	}()
	select {
	case <-done:
		return true
	case <-time.After(timeout):
		m.mu.Lock()
		m.idle.Broadcast() // the waiter above goes on waiting; let it look again
		m.mu.Unlock()
		return false
	}
}

// Close answers every held request without its effect, and any later one at once: for the
// end of a test, so that the server can stop.
func (m *Mock) Close() {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.isClosed {
		m.isClosed = true
		close(m.closed)
	}
}

func (m *Mock) begin() {
	m.mu.Lock()
	m.active++
	m.mu.Unlock()
}

func (m *Mock) end() {
	m.mu.Lock()
	m.active--
	if m.active == 0 {
		m.idle.Broadcast()
	}
	m.mu.Unlock()
}

// AddProduct registers a product with neither a live nor a draft version.
func (m *Mock) AddProduct(id string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.products[id]; !ok {
		m.products[id] = &product{}
	}
}

// HasProduct reports whether id is registered.
func (m *Mock) HasProduct(id string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	_, ok := m.products[id]
	return ok
}

// SetLive replaces the live version with body ({"commonCloud": {...}}), registering the
// product if needed; nil removes it. It panics on invalid JSON: it is for tests.
func (m *Mock) SetLive(id string, body []byte) { m.set(id, body, false) }

// SetDraft is SetLive for the draft version.
func (m *Mock) SetDraft(id string, body []byte) { m.set(id, body, true) }

func (m *Mock) set(id string, body []byte, draft bool) {
	var doc map[string]any
	if body != nil {
		var err error
		if doc, err = decodeObject(body); err != nil {
			panic(fmt.Sprintf("mockmarketplace: %v", err))
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	p, ok := m.products[id]
	if !ok {
		p = &product{}
		m.products[id] = p
	}
	if draft {
		p.draft = doc
	} else {
		p.live = doc
	}
}

// Live returns the stored live body, or nil.
func (m *Mock) Live(id string) []byte { return m.get(id, false) }

// Draft returns the stored draft body, or nil.
func (m *Mock) Draft(id string) []byte { return m.get(id, true) }

func (m *Mock) get(id string, draft bool) []byte {
	m.mu.Lock()
	defer m.mu.Unlock()
	p, ok := m.products[id]
	if !ok {
		return nil
	}
	doc := p.live
	if draft {
		doc = p.draft
	}
	if doc == nil {
		return nil
	}
	out, _ := json.Marshal(doc)
	return out
}

// Requests returns a copy of every request answered so far.
func (m *Mock) Requests() []Request {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]Request(nil), m.requests...)
}

// Count returns how many requests of route were answered; RouteUnknown counts all routes.
func (m *Mock) Count(route Route) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for _, r := range m.requests {
		if route == RouteUnknown || r.Route == route {
			n++
		}
	}
	return n
}

// ResetRequests forgets the recorded requests.
func (m *Mock) ResetRequests() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.requests = nil
	m.pairings, m.paired, m.unpaired = nil, 0, 0
}

func (m *Mock) record(r *http.Request, route Route, productID string, status int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.requests = append(m.requests, Request{
		Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery,
		Route: route, ProductID: productID, Status: status,
	})
}

// ServeHTTP answers one API request.
func (m *Mock) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	m.begin()
	defer m.end()
	// The body is read before anything else, as a server does: the request's context then
	// ends when the client goes away (net/http watches the connection only once the body
	// is read), so a delayed request whose client gave up is dropped, not carried out late.
	body, bodyErr := io.ReadAll(io.LimitReader(r.Body, MaxBodyBytes+1))
	route, productID, ok := classify(r)
	if !ok {
		route, productID, ok = classifyListing(r)
	}
	rec := &statusRecorder{ResponseWriter: w}
	defer func() { m.record(r, route, productID, rec.status) }()
	if !ok {
		notARoute(rec, r)
		return
	}
	if !m.gate(rec, r, route) {
		return
	}
	if !m.pairRead(r.Context(), route, productID) {
		rec.status = 499 // held for its pair, and its client gave up: nothing happens
		return
	}
	fault := m.takeFault(route, productID)
	if !m.waitForFault(rec, r, fault) {
		return
	}
	m.answer(rec, r, route, productID, body, bodyErr, fault)
}

// notARoute answers a request for a path or method the API does not have.
func notARoute(rec *statusRecorder, r *http.Request) {
	if allow := allowedMethods(r.URL.Path); allow != "" {
		rec.Header().Set("Allow", allow)
		writeError(rec, http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED", fmt.Sprintf("%s is not allowed here; allowed: %s", r.Method, allow))
		return
	}
	// A path the API does not have (a base_url with a wrong path, say): the gateway's own
	// answer, not the API's JSON error about a product or a version.
	rec.Header().Set("Content-Type", "text/plain; charset=utf-8")
	rec.WriteHeader(http.StatusNotFound)
	_, _ = io.WriteString(rec, "404 page not found\n")
}

// gate answers what the API refuses before looking at a product: credentials, the rate
// limit, a bad state parameter. It reports whether the request goes on.
func (m *Mock) gate(rec *statusRecorder, r *http.Request, route Route) bool {
	if status, code, msg := m.authorize(r, route); status != 0 {
		writeError(rec, status, code, msg)
		return false
	}
	if ok, wait := m.admit(); !ok {
		rec.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
		writeError(rec, http.StatusTooManyRequests, "RATE_LIMITED", "too many requests")
		return false
	}
	if route == RouteGetLive || route == RouteGetDraft {
		if s := r.URL.Query().Get("state"); s != "" && s != "live" && s != "draft" {
			writeError(rec, http.StatusBadRequest, "INVALID_STATE", fmt.Sprintf("state must be live or draft, not %q", s))
			return false
		}
	}
	return true
}

// answer carries out the request, or the fault that replaces its answer.
func (m *Mock) answer(rec *statusRecorder, r *http.Request, route Route, productID string, body []byte, bodyErr error, fault *Fault) {
	switch {
	case fault != nil && !fault.AfterEffect && fault.interrupts():
		m.applyFault(rec, fault)
	case fault != nil && fault.AfterEffect:
		m.handle(discardWriter{}, r, route, productID, body, bodyErr)
		m.changed()
		m.applyFault(rec, fault)
	case route == RouteListApps || route == RouteVendorSpace || route == RouteProductListing:
		m.handleListing(rec, r, route, productID)
	default:
		m.handle(rec, r, route, productID, body, bodyErr)
		if route != RouteGetLive && route != RouteGetDraft && rec.status < 300 {
			m.changed()
		}
	}
}

func (m *Mock) changed() {
	if m.opts.OnChange != nil {
		m.opts.OnChange()
	}
}

// allowedMethods is the Allow header of a path the API has, or "" for a path it has not.
func allowedMethods(urlPath string) string {
	rest, ok := strings.CutPrefix(urlPath, productsPrefix)
	if !ok || rest == "" {
		return ""
	}
	id, action, hasAction := strings.Cut(rest, "/")
	switch {
	case id == "":
		return ""
	case !hasAction:
		return "GET, PUT, DELETE"
	case action == "publish":
		return "POST"
	}
	return ""
}

func classify(r *http.Request) (Route, string, bool) {
	rest, ok := strings.CutPrefix(r.URL.Path, productsPrefix)
	if !ok || rest == "" {
		return RouteUnknown, "", false
	}
	id, action, hasAction := strings.Cut(rest, "/")
	switch {
	case hasAction && action == "publish" && r.Method == http.MethodPost:
		return RoutePublish, id, true
	case hasAction:
		return RouteUnknown, id, false
	case r.Method == http.MethodGet && r.URL.Query().Get("state") == "draft":
		return RouteGetDraft, id, true
	case r.Method == http.MethodGet:
		return RouteGetLive, id, true
	case r.Method == http.MethodPut:
		return RoutePut, id, true
	case r.Method == http.MethodDelete:
		return RouteDelete, id, true
	}
	return RouteUnknown, id, false
}

// authorize applies the API's rules: reading live needs no credentials, but credentials
// that are sent must be right; everything else needs the configured basic credentials;
// bearer tokens belong to Forge and OAuth2 apps, which this resource refuses.
func (m *Mock) authorize(r *http.Request, route Route) (int, string, string) {
	header := r.Header.Get("Authorization")
	switch {
	case header == "":
		if route == RouteGetLive && r.URL.Query().Get("state") != "draft" {
			return 0, "", ""
		}
		return http.StatusUnauthorized, "UNAUTHORIZED", "authentication is required"
	case strings.HasPrefix(strings.ToLower(header), "bearer "):
		return http.StatusForbidden, "FORBIDDEN", "Forge and OAuth2 apps cannot access this REST resource."
	}
	email, token, ok := r.BasicAuth()
	if !ok || !m.credentialsMatch(email, token) {
		return http.StatusUnauthorized, "UNAUTHORIZED", "the email or API token is not valid"
	}
	return 0, "", ""
}

func (m *Mock) credentialsMatch(email, token string) bool {
	if m.opts.Email == "" {
		return false
	}
	e := subtle.ConstantTimeCompare([]byte(email), []byte(m.opts.Email))
	t := subtle.ConstantTimeCompare([]byte(token), []byte(m.opts.APIToken))
	return e&t == 1
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, code, message string) {
	writeJSON(w, status, map[string]string{"code": code, "message": message})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(status int) {
	if s.status == 0 {
		s.status = status
	}
	s.ResponseWriter.WriteHeader(status)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

// discardWriter swallows the real answer of an AfterEffect fault.
type discardWriter struct{}

func (discardWriter) Header() http.Header         { return http.Header{} }
func (discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (discardWriter) WriteHeader(int)             {}

// BasicAuthHeader is the Authorization value for email and token, for tests that build
// requests by hand.
func BasicAuthHeader(email, token string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(email+":"+token))
}

// ProductState is one product's documents, for saving and restoring the mock.
type ProductState struct {
	Live  json.RawMessage `json:"live,omitempty"`
	Draft json.RawMessage `json:"draft,omitempty"`
}

// Snapshot returns every product's documents.
func (m *Mock) Snapshot() map[string]ProductState {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.snapshotLocked()
}

func (m *Mock) snapshotLocked() map[string]ProductState {
	out := make(map[string]ProductState, len(m.products))
	for id, p := range m.products {
		var ps ProductState
		if p.live != nil {
			ps.Live, _ = json.Marshal(p.live)
		}
		if p.draft != nil {
			ps.Draft, _ = json.Marshal(p.draft)
		}
		out[id] = ps
	}
	return out
}

// Restore registers the products of a Snapshot with their documents.
func (m *Mock) Restore(state map[string]ProductState) error {
	decoded := make(map[string]*product, len(state))
	for id, ps := range state {
		p := &product{}
		for _, v := range []struct {
			raw  json.RawMessage
			into *map[string]any
		}{{ps.Live, &p.live}, {ps.Draft, &p.draft}} {
			if len(v.raw) == 0 || string(v.raw) == "null" {
				continue
			}
			doc, err := decodeObject(v.raw)
			if err != nil {
				return fmt.Errorf("product %s: %w", id, err)
			}
			*v.into = doc
		}
		decoded[id] = p
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	maps.Copy(m.products, decoded)
	return nil
}

// copyDocument is a deep copy of a decoded document (a publish must not change the draft
// it would restore).
func copyDocument(doc map[string]any) map[string]any {
	data, _ := json.Marshal(doc)
	out, err := decodeObject(data)
	if err != nil {
		return doc
	}
	return out
}
