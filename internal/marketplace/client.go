// Package marketplace is a client for the privacy-and-security endpoints of the Atlassian
// Marketplace REST API v3.
package marketplace

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/go-cleanhttp"
	"github.com/hashicorp/go-retryablehttp"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

const (
	DefaultBaseURL        = "https://api.atlassian.com/marketplace"
	DefaultMaxRetries     = 5
	DefaultRequestTimeout = 30 * time.Second
	// DefaultMaxResponseBytes bounds what one answer may make us read: a trust document
	// is a few KiB, so anything near this is a broken or hostile server.
	DefaultMaxResponseBytes = 4 << 20

	maxErrorBodyBytes   = 1 << 10
	maxIdleConnsPerHost = 64
	logSubsystem        = "marketplace_api"
	productsPath        = "/rest/3/privacy-and-security/products/"
)

// Config holds what New needs; zero values take the defaults above.
type Config struct {
	BaseURL          string
	Email            string
	APIToken         string
	MaxRetries       *int
	RequestTimeout   time.Duration
	MaxResponseBytes int64
	UserAgent        string
	// RetryWaitMin and RetryWaitMax bound the exponential backoff between retries and the
	// wait a Retry-After header may ask for. Tests shorten them.
	RetryWaitMin time.Duration
	RetryWaitMax time.Duration
	// Transport replaces the default pooled transport (tests count connections with it).
	Transport http.RoundTripper
	// PacingStateDir, when set, is where what the pacer learnt of the rate limit is kept for
	// the next provider process with the same base URL and email (a few minutes at most).
	PacingStateDir string
	// PacingSharedDir, when set, is where the provider processes of the machine that call
	// the same base URL with the same email share one pacing (sharedPacing): a folder of
	// this user's alone, whatever their HOME; PacingStateDir when empty.
	PacingSharedDir string
}

// Client talks to one Marketplace API endpoint. It is safe for concurrent use, and one
// Client should serve a whole provider process so that connections are reused.
type Client struct {
	baseURL          *url.URL
	email            string
	apiToken         string
	basicAuthValue   string
	userAgent        string
	maxResponseBytes int64
	maxRetries       int
	http             *retryablehttp.Client
	pacer            *pacer // one for the process: the provider shares its client
}

// ValidateBaseURL checks that raw is an absolute http(s) URL, and https unless the host is
// a loopback address: credentials never cross a network in clear text.
func ValidateBaseURL(raw string) (*url.URL, error) {
	if !strings.Contains(raw, "://") {
		return nil, fmt.Errorf("%s has no scheme: write it in full, starting with https:// (e.g. %s)", cutForMessage(raw), DefaultBaseURL)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("%s is not a valid URL: %w", cutForMessage(raw), errors.Unwrap(err))
	}
	if !u.IsAbs() || u.Host == "" {
		return nil, fmt.Errorf("%s is not an absolute URL (expected e.g. %s)", cutForMessage(raw), DefaultBaseURL)
	}
	if u.User != nil {
		return nil, errors.New("the URL must not carry credentials; set email and api_token instead")
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !IsLoopbackHost(u.Hostname()) {
			return nil, fmt.Errorf("%s uses http, which is only allowed for a loopback host (127.0.0.0/8, ::1, localhost); use https", cutForMessage(raw))
		}
	default:
		return nil, fmt.Errorf("%s has scheme %s; expected https", cutForMessage(raw), cutForMessage(u.Scheme))
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("%s must not have a query or fragment", cutForMessage(raw))
	}
	return u, nil
}

// IsLoopbackHost reports whether host (no port) names this machine.
func IsLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// New builds a Client. Credentials are optional: reading the live version needs none.
func New(cfg Config) (*Client, error) {
	base, err := ValidateBaseURL(cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	if (cfg.Email == "") != (cfg.APIToken == "") {
		return nil, errors.New("email and api_token must be set together, or both left unset")
	}
	base.Path = strings.TrimRight(base.Path, "/")

	c := &Client{
		baseURL:          base,
		email:            cfg.Email,
		apiToken:         cfg.APIToken,
		userAgent:        cfg.UserAgent,
		maxResponseBytes: cfg.MaxResponseBytes,
	}
	if c.maxResponseBytes <= 0 {
		c.maxResponseBytes = DefaultMaxResponseBytes
	}
	if c.userAgent == "" {
		c.userAgent = "terraform-provider-marketplace"
	}
	if cfg.Email != "" {
		c.basicAuthValue = base64.StdEncoding.EncodeToString([]byte(cfg.Email + ":" + cfg.APIToken))
	}

	timeout := cfg.RequestTimeout
	if timeout <= 0 {
		timeout = DefaultRequestTimeout
	}
	httpClient := cleanhttp.DefaultPooledClient()
	if t, ok := httpClient.Transport.(*http.Transport); ok {
		// Terraform runs up to -parallelism operations at once (10 by default, often 20 or
		// more in pipelines); keep that many connections alive instead of GOMAXPROCS+1,
		// so that concurrent resources reuse connections rather than open new ones.
		t.MaxIdleConnsPerHost = maxIdleConnsPerHost
	}
	if cfg.Transport != nil {
		httpClient.Transport = cfg.Transport
	}
	c.pacer = newPacer()
	shareDir := cfg.PacingSharedDir
	if shareDir == "" {
		shareDir = cfg.PacingStateDir
	}
	c.pacer.store = newPacingStore(cfg.PacingStateDir, shareDir, base.String(), cfg.Email)
	c.pacer.store.load(c.pacer)
	// The paced transport bounds one attempt with timeout, from when the pacer lets it go;
	// the caller's context bounds the whole call, rate-limit waits and retries included.
	httpClient.Transport = &pacedTransport{base: httpClient.Transport, pacer: c.pacer, timeout: timeout}
	httpClient.CheckRedirect = sameHostRedirectsOnly

	retries := DefaultMaxRetries
	if cfg.MaxRetries != nil {
		retries = *cfg.MaxRetries
	}
	rc := retryablehttp.NewClient()
	rc.HTTPClient = httpClient
	rc.Logger = nil // logging goes through tflog in the hooks, where the context is.
	c.maxRetries = retries
	// Retries of answers other than 429 are counted against max_retries per request in
	// checkRetry; waits for the rate limit are not (the pacer spaces them, the caller's
	// context bounds them). This is only a backstop.
	rc.RetryMax = retries + maxRateLimitWaits
	rc.RetryWaitMin = cfg.RetryWaitMin
	rc.RetryWaitMax = cfg.RetryWaitMax
	if rc.RetryWaitMin <= 0 {
		rc.RetryWaitMin = 500 * time.Millisecond
	}
	if rc.RetryWaitMax <= 0 {
		rc.RetryWaitMax = 30 * time.Second
	}
	rc.CheckRetry = checkRetry
	rc.Backoff = backoff
	// Keep the last answer when retries run out, so the error carries its status and body.
	rc.ErrorHandler = func(resp *http.Response, err error, attempts int) (*http.Response, error) {
		return resp, &exhaustedError{attempts: attempts, err: err}
	}
	rc.RequestLogHook = logRequest
	rc.ResponseLogHook = logResponse
	c.http = rc
	return c, nil
}

// HasCredentials reports whether calls that need authentication can be made.
func (c *Client) HasCredentials() bool { return c.basicAuthValue != "" }

// BaseURL returns the API root this client talks to.
func (c *Client) BaseURL() string { return c.baseURL.String() }

// sameHostRedirectsOnly refuses to follow a redirect off the API's host, so that the
// Authorization header never reaches another server; the redirect is returned as the
// answer and becomes an APIError.
func sameHostRedirectsOnly(req *http.Request, via []*http.Request) error {
	if len(via) >= 5 {
		return http.ErrUseLastResponse
	}
	if req.URL.Host != via[0].URL.Host || req.URL.Scheme != via[0].URL.Scheme {
		return http.ErrUseLastResponse
	}
	return nil
}

// Version is one version (live or draft) of an app's trust information as the API
// returned it, decoded once.
type Version struct {
	// CommonCloud is the value of commonCloud with every field the API sent, those this
	// client does not know included, less the server-maintained properties. Numbers stay
	// json.Number, so that fields nobody here knows survive a round trip exactly.
	CommonCloud map[string]any
	Properties  *Properties // nil when the answer has none
}

// Properties is what the Marketplace maintains about a version (commonCloud.properties).
type Properties struct {
	UpdatedBy  string
	UpdatedAt  int64 // epoch milliseconds; 0 when absent
	FormStatus string
	JiraLinks  []string
}

func decodeVersion(body []byte) (*Version, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var top struct {
		CommonCloud map[string]any `json:"commonCloud"`
	}
	if err := dec.Decode(&top); err != nil {
		return nil, err
	}
	v := &Version{CommonCloud: top.CommonCloud}
	if v.CommonCloud == nil {
		v.CommonCloud = map[string]any{}
	}
	if p, ok := v.CommonCloud["properties"].(map[string]any); ok {
		v.Properties = &Properties{}
		v.Properties.UpdatedBy, _ = p["updatedBy"].(string)
		v.Properties.FormStatus, _ = p["formStatus"].(string)
		if n, ok := p["updatedAt"].(json.Number); ok {
			v.Properties.UpdatedAt, _ = n.Int64()
		}
		links, _ := p["jiraLinks"].([]any)
		for _, l := range links {
			if s, ok := l.(string); ok {
				v.Properties.JiraLinks = append(v.Properties.JiraLinks, s)
			}
		}
	}
	delete(v.CommonCloud, "properties")
	return v, nil
}

// VersionState selects which version of the document a read returns.
type VersionState string

const (
	Live  VersionState = "live"
	Draft VersionState = "draft"
)

// Get reads the live or draft version. Reading live needs no credentials; when the client
// has them it sends them anyway, so that wrong credentials are reported, not ignored.
func (c *Client) Get(ctx context.Context, productID string, state VersionState) (*Version, error) {
	if state == Draft && !c.HasCredentials() {
		return nil, ErrCredentialsRequired
	}
	query := url.Values{}
	if state == Draft {
		query.Set("state", string(Draft))
	}
	body, err := c.do(ctx, http.MethodGet, productPath(productID), query, nil, http.StatusOK)
	if err != nil {
		return nil, err
	}
	version, err := decodeVersion(body)
	if err != nil {
		return nil, &RequestError{Method: http.MethodGet, Path: productPath(productID), Attempts: 1,
			Err: fmt.Errorf("the answer is not the expected JSON document: %w", err)}
	}
	return version, nil
}

// PutDraft creates or replaces the draft version with the value of commonCloud, as JSON.
func (c *Client) PutDraft(ctx context.Context, productID string, commonCloud json.RawMessage) error {
	if !json.Valid(commonCloud) {
		return errors.New("commonCloud is not valid JSON")
	}
	body, err := json.Marshal(map[string]json.RawMessage{"commonCloud": commonCloud})
	if err != nil {
		return err
	}
	return c.put(ctx, productID, body)
}

func (c *Client) put(ctx context.Context, productID string, body []byte) error {
	if !c.HasCredentials() {
		return ErrCredentialsRequired
	}
	_, err := c.do(ctx, http.MethodPut, productPath(productID), nil, body, http.StatusOK, http.StatusCreated, http.StatusNoContent)
	return err
}

// DeleteDraft discards the draft version; the live version is untouched.
func (c *Client) DeleteDraft(ctx context.Context, productID string) error {
	if !c.HasCredentials() {
		return ErrCredentialsRequired
	}
	_, err := c.do(ctx, http.MethodDelete, productPath(productID), nil, nil, http.StatusOK, http.StatusNoContent)
	return err
}

// Publish makes the draft version live. The API answers 409 when there is no draft.
//
// It is retried like every call, and that is safe: 429 and 503 mean the request was not
// processed; after 502, 504 or a dropped connection it may have been, and then the retry
// finds no draft and answers 409. Publishing is idempotent in effect (the draft becomes
// live at most once), and the resource treats that 409 as "check the live version" rather
// than as a failure, so a publish whose answer was lost does not fail the apply.
func (c *Client) Publish(ctx context.Context, productID string) error {
	if !c.HasCredentials() {
		return ErrCredentialsRequired
	}
	_, err := c.do(ctx, http.MethodPost, productPath(productID)+"/publish", nil, nil, http.StatusOK, http.StatusCreated, http.StatusNoContent)
	return err
}

func productPath(productID string) string {
	return productsPath + url.PathEscape(productID)
}

func (c *Client) do(ctx context.Context, method, path string, query url.Values, body []byte, okStatuses ...int) ([]byte, error) {
	u := *c.baseURL
	u.Path += path
	u.RawPath = ""
	u.RawQuery = query.Encode()
	displayPath := path
	if u.RawQuery != "" {
		displayPath += "?" + u.RawQuery
	}

	ctx = c.loggingContext(ctx)
	req, err := c.newRequest(ctx, method, u.String(), body)
	if err != nil {
		return nil, &RequestError{Method: method, Path: displayPath, Attempts: 0, Err: err}
	}
	budget := &retryBudget{left: c.maxRetries}
	req = req.WithContext(context.WithValue(req.Context(), retryBudgetKey{}, budget))
	resp, err := c.http.Do(req)
	attempts := budget.attempts + 1
	if err = lastAnswerOrError(resp, err); err != nil {
		return nil, &RequestError{Method: method, Path: displayPath, Attempts: attempts, Err: scrubURLError(err), Unprocessed: !budget.maybeCarriedOut}
	}
	defer func() { _ = resp.Body.Close() }()

	data, err := io.ReadAll(resp.Body) // already in memory, bounded by the response handler
	if err != nil {
		return nil, &RequestError{Method: method, Path: displayPath, Attempts: attempts, Err: fmt.Errorf("reading the answer: %w", err)}
	}
	tflog.SubsystemTrace(ctx, logSubsystem, "response body", map[string]any{"body": string(data)})

	if slices.Contains(okStatuses, resp.StatusCode) {
		return data, nil
	}
	apiErr := newAPIError(method, displayPath, resp.StatusCode, data, attempts)
	apiErr.URL = strings.TrimRight(c.baseURL.String(), "/") + displayPath
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		apiErr.Location = resp.Header.Get("Location")
		apiErr.Body, apiErr.Code, apiErr.Message = "", "", "" // a redirect's page says nothing more
	}
	return nil, apiErr
}

// newRequest is one call's request, its headers set and its answers read in the retry loop.
func (c *Client) newRequest(ctx context.Context, method, rawURL string, body []byte) (*retryablehttp.Request, error) {
	var reqBody any
	if body != nil {
		reqBody = body
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, method, rawURL, reqBody)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
		tflog.SubsystemTrace(ctx, logSubsystem, "request body", map[string]any{"body": string(body)})
	}
	if c.basicAuthValue != "" {
		req.Header.Set("Authorization", "Basic "+c.basicAuthValue)
	}
	// Read every answer inside the retry loop, so that a read that a GET's answer cut
	// short or garbled is retried like a dropped connection.
	req.SetResponseHandler(func(resp *http.Response) error { return c.readAnswer(method, resp) })
	return req, nil
}

// readAnswer reads an answer into memory, masked, and says what is wrong with it.
func (c *Client) readAnswer(method string, resp *http.Response) error {
	data, err := io.ReadAll(io.LimitReader(resp.Body, c.maxResponseBytes+1))
	_ = resp.Body.Close()
	data = c.mask(data) // everything the server sends goes through here first
	resp.Body = io.NopCloser(bytes.NewReader(data))
	switch {
	case err != nil:
		return &answerReadError{err: err}
	case int64(len(data)) > c.maxResponseBytes:
		return &tooLargeError{limit: c.maxResponseBytes}
	case method == http.MethodGet && resp.StatusCode == http.StatusOK && !json.Valid(data):
		if looksLikeWebPage(resp.Header.Get("Content-Type"), data) {
			// Not an answer garbled on the way, which a retry may mend: another server.
			return &NotAPIAnswerError{ContentType: resp.Header.Get("Content-Type"), URL: resp.Request.URL.Redacted()}
		}
		return errMalformedAnswer
	}
	return nil
}

// lastAnswerOrError is the error of a call whose retries ran out: none when the last answer
// explains the failure better than "giving up".
func lastAnswerOrError(resp *http.Response, err error) error {
	var exhausted *exhaustedError
	if !errors.As(err, &exhausted) {
		return err
	}
	if resp != nil && !isAnswerError(exhausted.err) {
		return nil
	}
	return exhausted.err
}

// looksLikeWebPage reports whether an answer is a page (HTML or XML) rather than JSON.
func looksLikeWebPage(contentType string, body []byte) bool {
	ct := strings.ToLower(contentType)
	if strings.Contains(ct, "html") || strings.Contains(ct, "xml") {
		return true
	}
	return bytes.HasPrefix(bytes.TrimSpace(body), []byte("<"))
}

// NotAPIAnswerError is a successful answer that is a web page, not the API's JSON: the
// base URL points at another server (a portal, a login page, a proxy's page).
type NotAPIAnswerError struct {
	ContentType string
	URL         string // the URL asked
}

func (e *NotAPIAnswerError) Error() string {
	ct := e.ContentType
	if ct == "" {
		ct = "no Content-Type"
	}
	return fmt.Sprintf("the answer is a web page (%s), not the Marketplace API's JSON; the request went to %s", ct, e.URL)
}

func newAPIError(method, path string, status int, body []byte, attempts int) *APIError {
	e := &APIError{Method: method, Path: path, StatusCode: status, Attempts: attempts}
	var parsed struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	}
	if json.Unmarshal(body, &parsed) == nil && (parsed.Code != "" || parsed.Message != "") {
		e.Code, e.Message = parsed.Code, parsed.Message
		return e
	}
	text := strings.TrimSpace(string(body))
	e.NotFromAPI = text != "" && !json.Valid(body)
	if status == http.StatusNotFound {
		// The API answers its 404s with its JSON error ({"code": ..., "message": ...}); any
		// other 404 (a gateway's or a web server's, for a base_url with a wrong path) is not
		// an answer about this product's versions.
		e.NotFromAPI = true
	}
	if len(text) > maxErrorBodyBytes {
		text = text[:maxErrorBodyBytes] + "…"
	}
	e.Body = text
	return e
}

// scrubURLError drops the full URL that net/http puts in its errors: the diagnostic
// already names method and path, and the URL is the user's to keep out of logs.
func scrubURLError(err error) error {
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		return urlErr.Err
	}
	return err
}

// cutForMessage quotes a value for a message, cut to 80 characters with its length said.
func cutForMessage(s string) string {
	if r := []rune(s); len(r) > 80 {
		return fmt.Sprintf("%q... (%d characters)", string(r[:80]), len(r))
	}
	return fmt.Sprintf("%q", s)
}

// masked replaces a secret in anything the server sends back.
const masked = "[masked]"

// mask removes from a server's answer every form in which it may echo the credentials:
// the token, the Authorization value (the base64 of email:token, with or without padding,
// with JSON's escaped slashes), before the answer reaches an error, a log line or state.
func (c *Client) mask(data []byte) []byte {
	if c.apiToken == "" {
		return data
	}
	for _, secret := range c.secrets() {
		if bytes.Contains(data, []byte(secret)) {
			data = bytes.ReplaceAll(data, []byte(secret), []byte(masked))
		}
	}
	return data
}

// secrets lists the forms of the credentials to mask, longest first.
func (c *Client) secrets() []string {
	b64 := c.basicAuthValue
	out := []string{strings.ReplaceAll(b64, "/", `\/`), b64, strings.TrimRight(b64, "="), c.apiToken}
	sort.Slice(out, func(i, j int) bool { return len(out[i]) > len(out[j]) })
	return out
}

func (c *Client) loggingContext(ctx context.Context) context.Context {
	ctx = tflog.NewSubsystem(ctx, logSubsystem)
	// The token is never put in a log field on purpose; masking is the second line of
	// defence should any library log a header or a URL.
	if c.apiToken != "" {
		secrets := c.secrets()
		ctx = tflog.SubsystemMaskAllFieldValuesStrings(ctx, logSubsystem, secrets...)
		ctx = tflog.SubsystemMaskMessageStrings(ctx, logSubsystem, secrets...)
		ctx = tflog.MaskAllFieldValuesStrings(ctx, secrets...)
		ctx = tflog.MaskMessageStrings(ctx, secrets...)
	}
	return ctx
}

func logRequest(_ retryablehttp.Logger, req *http.Request, retryNumber int) {
	tflog.SubsystemDebug(req.Context(), logSubsystem, "sending request", map[string]any{
		"method":  req.Method,
		"path":    req.URL.Path,
		"query":   req.URL.RawQuery,
		"attempt": retryNumber + 1,
	})
}

func logResponse(_ retryablehttp.Logger, resp *http.Response) {
	tflog.SubsystemDebug(resp.Request.Context(), logSubsystem, "received response", map[string]any{
		"method": resp.Request.Method,
		"path":   resp.Request.URL.Path,
		"status": resp.StatusCode,
	})
}

var errMalformedAnswer = errors.New("the answer is not valid JSON")

type tooLargeError struct{ limit int64 }

func (e *tooLargeError) Error() string {
	return fmt.Sprintf("the answer is larger than the %d bytes allowed", e.limit)
}

// answerReadError is an answer whose body could not be read to the end.
type answerReadError struct{ err error }

func (e *answerReadError) Error() string { return "reading the answer: " + e.err.Error() }
func (e *answerReadError) Unwrap() error { return e.err }

// isAnswerError reports whether err is about an answer's body rather than its status.
func isAnswerError(err error) bool {
	var tooLarge *tooLargeError
	var readErr *answerReadError
	var notAPI *NotAPIAnswerError
	return errors.Is(err, errMalformedAnswer) || errors.As(err, &tooLarge) || errors.As(err, &readErr) || errors.As(err, &notAPI)
}
