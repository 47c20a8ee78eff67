// Package mockmarketplace is an in-process stand-in for the privacy-and-security endpoints
// of the Atlassian Marketplace REST API v3, used by every acceptance test and by the local
// emulator. It shares no code with the client: it reads and writes the wire JSON itself.
package mockmarketplace

import (
	"bytes"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math"
	"math/rand/v2"
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

// Fault changes how the mock answers requests of one route.
type Fault struct {
	// Product limits the fault to one product; empty means every product.
	Product string
	// Delay is waited before anything else happens. A request whose client goes away
	// meanwhile (its request timeout, say) is dropped without its effect: nothing a test
	// step started lands after the step.
	Delay time.Duration
	// Hold keeps the request until the channel is closed, whether or not its client is
	// still waiting, and then carries it out: a request the API received, that the client
	// gave up on, and that lands later, when the test says (as a real server may do). The
	// test waits for it to land with WaitIdle.
	Hold <-chan struct{}
	// Late keeps the request that long, whether or not its client is still waiting, and
	// then carries it out: Hold on a timer, for the emulator.
	Late time.Duration
	// Status, with Header and Body, is answered instead of the route's real answer
	// (the route's effect does not happen). A Body that is empty gets a JSON error.
	Status int
	Header http.Header
	Body   string
	// DropConnection closes the connection without an answer.
	DropConnection bool
	// MalformedBody answers 200 with a body that is not JSON.
	MalformedBody bool
	// AfterEffect applies the route's real effect first, then the fault: an answer lost
	// after the server did the work.
	AfterEffect bool
	// Times is how many requests the fault hits; 0 means every request until cleared.
	Times int
	// Probability, when above zero, makes the fault hit only that share of matching
	// requests, drawn at random (0.1: one in ten).
	Probability float64
}

// RateLimit makes the mock answer 429 with Retry-After once more than Burst requests
// arrive faster than PerSecond, as an API gateway would.
type RateLimit struct {
	PerSecond float64
	Burst     int
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

// InjectFault adds a fault to route; faults of one route apply in the order added.
func (m *Mock) InjectFault(route Route, f Fault) {
	m.mu.Lock()
	defer m.mu.Unlock()
	fc := f
	m.faults[route] = append(m.faults[route], &fc)
}

// SetRateLimit limits the request rate over all routes; a zero RateLimit removes it.
func (m *Mock) SetRateLimit(l RateLimit) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.limit = l
	m.tokens = float64(l.Burst)
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
	m.tokens = min(float64(m.limit.Burst), m.tokens+now.Sub(m.lastRefill).Seconds()*m.limit.PerSecond)
	m.lastRefill = now
	if m.tokens >= 1 {
		m.tokens--
		return true, 0
	}
	return false, time.Duration((1 - m.tokens) / m.limit.PerSecond * float64(time.Second))
}

// ClearFaults removes every fault.
func (m *Mock) ClearFaults() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.faults = map[Route][]*Fault{}
}

// takeFault returns the fault that applies to this request, using up one of its Times.
func (m *Mock) takeFault(route Route, productID string) *Fault {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i, f := range m.faults[route] {
		if f.Product != "" && f.Product != productID {
			continue
		}
		if f.Probability > 0 && rand.Float64() >= f.Probability { //nolint:gosec // fault injection needs no cryptographic randomness
			continue
		}
		taken := *f
		if f.Times > 0 {
			f.Times--
			if f.Times == 0 {
				m.faults[route] = append(m.faults[route][:i:i], m.faults[route][i+1:]...)
			}
		}
		return &taken
	}
	return nil
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
		return
	}
	if status, code, msg := m.authorize(r, route); status != 0 {
		writeError(rec, status, code, msg)
		return
	}
	if ok, wait := m.admit(); !ok {
		rec.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
		writeError(rec, http.StatusTooManyRequests, "RATE_LIMITED", "too many requests")
		return
	}
	if route == RouteGetLive || route == RouteGetDraft {
		if s := r.URL.Query().Get("state"); s != "" && s != "live" && s != "draft" {
			writeError(rec, http.StatusBadRequest, "INVALID_STATE", fmt.Sprintf("state must be live or draft, not %q", s))
			return
		}
	}

	if !m.pairRead(r.Context(), route, productID) {
		rec.status = 499 // held for its pair, and its client gave up: nothing happens
		return
	}
	fault := m.takeFault(route, productID)
	if fault != nil && fault.Late > 0 {
		timer := time.NewTimer(fault.Late)
		select {
		case <-timer.C:
		case <-m.closed:
			timer.Stop()
			rec.status = 499
			return
		}
	}
	if fault != nil && fault.Hold != nil {
		select {
		case <-fault.Hold:
		case <-m.closed:
			rec.status = 499
			return
		}
	}
	if fault != nil && fault.Delay > 0 {
		timer := time.NewTimer(fault.Delay)
		select {
		case <-timer.C:
		case <-r.Context().Done():
			timer.Stop()
		}
		if r.Context().Err() != nil {
			rec.status = 499 // the client went away, as nginx logs it: nothing happens
			return
		}
	}
	if fault != nil && !fault.AfterEffect && fault.interrupts() {
		m.applyFault(rec, fault)
		return
	}
	if fault != nil && fault.AfterEffect {
		m.handle(discardWriter{}, r, route, productID, body, bodyErr)
		if m.opts.OnChange != nil {
			m.opts.OnChange()
		}
		m.applyFault(rec, fault)
		return
	}
	if route == RouteListApps || route == RouteVendorSpace || route == RouteProductListing {
		m.handleListing(rec, r, route, productID)
		return
	}
	m.handle(rec, r, route, productID, body, bodyErr)
	if m.opts.OnChange != nil && route != RouteGetLive && route != RouteGetDraft && rec.status < 300 {
		m.opts.OnChange()
	}
}

func (f *Fault) interrupts() bool { return f.Status != 0 || f.DropConnection || f.MalformedBody }

func (m *Mock) applyFault(w *statusRecorder, f *Fault) {
	switch {
	case f.DropConnection:
		w.status = -1
		if hj, ok := w.ResponseWriter.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				_ = conn.Close()
				return
			}
		}
		panic(http.ErrAbortHandler)
	case f.MalformedBody:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(w, `{"commonCloud": {"security": `)
	case f.Status != 0:
		maps.Copy(w.Header(), f.Header)
		if f.Body == "" {
			writeError(w, f.Status, "INJECTED_FAULT", fmt.Sprintf("injected %d", f.Status))
			return
		}
		w.WriteHeader(f.Status)
		_, _ = io.WriteString(w, f.Body)
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

func (m *Mock) handle(w http.ResponseWriter, r *http.Request, route Route, id string, data []byte, err error) {
	var body map[string]any
	if route == RoutePut {
		if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(strings.ToLower(strings.TrimSpace(ct)), "application/json") {
			writeError(w, http.StatusUnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE",
				fmt.Sprintf("the body must be JSON (Content-Type: application/json), not %.80q", ct))
			return
		}
		if err != nil {
			writeError(w, http.StatusBadRequest, "BAD_REQUEST", "could not read the body")
			return
		}
		if len(data) > MaxBodyBytes {
			writeError(w, http.StatusRequestEntityTooLarge, "BODY_TOO_LARGE",
				fmt.Sprintf("the body is larger than the %d bytes (1 MiB) this server accepts", MaxBodyBytes))
			return
		}
		if body, err = validatePutBody(data); err != nil {
			writeError(w, http.StatusBadRequest, "INVALID_BODY", err.Error())
			return
		}
	}

	m.mu.Lock()
	defer m.mu.Unlock()
	p, ok := m.products[id]
	if !ok {
		m.notFound.write(w, id)
		return
	}
	// A write that cannot be persisted is undone and answered 500.
	priorLive, priorDraft := p.live, p.draft
	persisted := func() bool {
		if m.opts.Persist == nil {
			return true
		}
		if err := m.opts.Persist(m.snapshotLocked()); err != nil {
			p.live, p.draft = priorLive, priorDraft
			writeError(w, http.StatusInternalServerError, "NOT_SAVED", "the change could not be saved, and was not made: "+err.Error())
			return false
		}
		return true
	}
	switch route {
	case RouteGetLive, RouteGetDraft:
		doc, which := p.live, "live"
		if route == RouteGetDraft {
			doc, which = p.draft, "draft"
		}
		if doc == nil {
			writeError(w, http.StatusNotFound, "NOT_FOUND", fmt.Sprintf("product %s has no %s version", id, which))
			return
		}
		writeJSON(w, http.StatusOK, doc)
	case RoutePut:
		cc, ok := body["commonCloud"].(map[string]any)
		if !ok { // checked when the body was read; kept safe all the same
			writeError(w, http.StatusBadRequest, "INVALID_BODY", "commonCloud must be an object")
			return
		}
		email, _, _ := r.BasicAuth()
		cc["properties"] = map[string]any{
			"updatedBy":  email,
			"updatedAt":  json.Number(fmt.Sprint(m.opts.Now().UnixMilli())),
			"formStatus": "DRAFT",
		}
		p.draft = body
		if !persisted() {
			return
		}
		w.WriteHeader(http.StatusNoContent)
	case RouteDelete:
		if p.draft == nil {
			writeError(w, http.StatusNotFound, "NOT_FOUND", fmt.Sprintf("product %s has no draft version", id))
			return
		}
		p.draft = nil
		if !persisted() {
			return
		}
		w.WriteHeader(http.StatusNoContent)
	case RoutePublish:
		if p.draft == nil {
			writeError(w, http.StatusConflict, "NO_DRAFT", fmt.Sprintf("product %s has no draft version to publish", id))
			return
		}
		published := copyDocument(p.draft)
		if cc, ok := published["commonCloud"].(map[string]any); ok {
			if props, ok := cc["properties"].(map[string]any); ok {
				props["formStatus"] = "SUBMITTED"
			}
		}
		p.live, p.draft = published, nil
		if !persisted() {
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}
}

// validatePutBody checks a PUT body as the API would: a JSON object holding a
// commonCloud object whose known fields have the documented types. properties is
// server-maintained, so whatever the client sent there is dropped.
func validatePutBody(data []byte) (map[string]any, error) {
	body, err := decodeObject(data)
	if err != nil {
		return nil, err
	}
	cc, ok := body["commonCloud"].(map[string]any)
	if !ok {
		return nil, fmt.Errorf("commonCloud: required, and must be an object")
	}
	delete(cc, "properties")
	if err := typeCheck("commonCloud", commonCloudSchema, cc); err != nil {
		return nil, err
	}
	return body, nil
}

func decodeObject(data []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("the body is not valid JSON: %w", err)
	}
	if dec.More() {
		return nil, fmt.Errorf("the body holds more than one JSON value")
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("the body must be a JSON object")
	}
	return obj, nil
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
