package marketplace_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/marketplace-trust/terraform-provider-marketplace/internal/marketplace"
	"github.com/marketplace-trust/terraform-provider-marketplace/internal/mockmarketplace"
)

const productID = "12345678-1234-1234-1234-123456789abc"

func newClient(t *testing.T, baseURL string, mutate ...func(*marketplace.Config)) *marketplace.Client {
	t.Helper()
	cfg := marketplace.Config{
		BaseURL:      baseURL,
		Email:        mockmarketplace.TestEmail,
		APIToken:     mockmarketplace.TestAPIToken,
		RetryWaitMin: time.Millisecond,
		RetryWaitMax: 20 * time.Millisecond,
	}
	for _, m := range mutate {
		m(&cfg)
	}
	c, err := marketplace.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func anonymous(cfg *marketplace.Config) { cfg.Email, cfg.APIToken = "", "" }

func retries(n int) func(*marketplace.Config) {
	return func(cfg *marketplace.Config) { cfg.MaxRetries = &n }
}

func sampleDoc() json.RawMessage {
	return json.RawMessage(`{"logDetails": {"loggingEnabled": true, "logRetention": "30_DAYS", "sensitiveDataLogging": false},
		"security": {"securityContact": "security@example.com", "hasCompliantCertifications": true, "compliantCertifications": ["SOC2"]}}`)
}

// field is the value at a path of JSON names in a decoded document, or nil.
func field(doc map[string]any, names ...string) any {
	var v any = doc
	for _, name := range names {
		m, _ := v.(map[string]any)
		v = m[name]
	}
	return v
}

func TestPutGetDraftPublishDelete(t *testing.T) {
	t.Parallel()
	mock := mockmarketplace.Start(t)
	mock.AddProduct(productID)
	c := newClient(t, mock.URL)
	ctx := context.Background()

	if err := c.PutDraft(ctx, productID, sampleDoc()); err != nil {
		t.Fatal(err)
	}
	draft, err := c.Get(ctx, productID, marketplace.Draft)
	if err != nil {
		t.Fatal(err)
	}
	got := draft.CommonCloud
	if field(got, "logDetails", "logRetention") != "30_DAYS" || field(got, "logDetails", "sensitiveDataLogging") != false ||
		fmt.Sprint(field(got, "security", "compliantCertifications")) != "[SOC2]" {
		t.Errorf("draft read back = %+v", got)
	}
	if p := draft.Properties; p == nil || p.UpdatedBy != mockmarketplace.TestEmail || p.FormStatus != "DRAFT" || p.UpdatedAt == 0 {
		t.Errorf("properties = %+v", draft.Properties)
	}
	if _, ok := got["properties"]; ok {
		t.Errorf("properties left in commonCloud: %v", got)
	}
	if _, err := c.Get(ctx, productID, marketplace.Live); !marketplace.IsNotFound(err) {
		t.Errorf("live before publish: %v, want 404", err)
	}

	if err := c.Publish(ctx, productID); err != nil {
		t.Fatal(err)
	}
	live, err := c.Get(ctx, productID, marketplace.Live)
	if err != nil {
		t.Fatal(err)
	}
	if live.Properties.FormStatus != "SUBMITTED" || field(live.CommonCloud, "security", "securityContact") != "security@example.com" {
		t.Errorf("live = %+v %+v", live.CommonCloud, live.Properties)
	}
	if _, err := c.Get(ctx, productID, marketplace.Draft); !marketplace.IsNotFound(err) {
		t.Errorf("draft after publish: %v, want 404", err)
	}
	if err := c.Publish(ctx, productID); !marketplace.IsConflict(err) {
		t.Errorf("publish with no draft: %v, want 409", err)
	}

	if err := c.PutDraft(ctx, productID, sampleDoc()); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteDraft(ctx, productID); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteDraft(ctx, productID); !marketplace.IsNotFound(err) {
		t.Errorf("second delete: %v, want 404", err)
	}
	if mock.Live(productID) == nil {
		t.Error("DELETE removed the live version")
	}
}

func TestPutSendsOnlyWhatIsSet(t *testing.T) {
	t.Parallel()
	mock := mockmarketplace.Start(t)
	mock.AddProduct(productID)
	c := newClient(t, mock.URL)
	doc := json.RawMessage(`{"thirdPartyInformation": {"dataSharing": false}, "properties": {"updatedBy": "someone-else"}}`)
	if err := c.PutDraft(context.Background(), productID, doc); err != nil {
		t.Fatal(err)
	}
	var stored struct {
		CommonCloud map[string]json.RawMessage `json:"commonCloud"`
	}
	if err := json.Unmarshal(mock.Draft(productID), &stored); err != nil {
		t.Fatal(err)
	}
	if strings.Join(strings.Fields(string(stored.CommonCloud["thirdPartyInformation"])), "") != `{"dataSharing":false}` {
		t.Errorf("thirdPartyInformation = %s; false must be sent, unset fields must not", stored.CommonCloud["thirdPartyInformation"])
	}
	if len(stored.CommonCloud) != 2 { // thirdPartyInformation and the server's properties
		t.Errorf("stored keys = %v", stored.CommonCloud)
	}
	if strings.Contains(string(stored.CommonCloud["properties"]), "someone-else") {
		t.Error("the server kept the properties sent")
	}
}

func TestUnknownFieldsAreTolerated(t *testing.T) {
	t.Parallel()
	mock := mockmarketplace.Start(t)
	mock.SetLive(productID, []byte(`{"commonCloud":{"hasRestAPIExtension":true,"supportsConfigurableEgress":false,
		"security":{"securityContact":"a@example.com","newThing":{"x":1}},"properties":{"formStatus":"APPROVED","updatedAt":1642233600000}},"topLevelExtra":1}`))
	c := newClient(t, mock.URL, anonymous)
	doc, err := c.Get(context.Background(), productID, marketplace.Live)
	if err != nil {
		t.Fatal(err)
	}
	if field(doc.CommonCloud, "security", "securityContact") != "a@example.com" || doc.Properties.UpdatedAt != 1642233600000 {
		t.Errorf("decoded = %+v %+v", doc.CommonCloud, doc.Properties)
	}
	raw, err := json.Marshal(doc.CommonCloud)
	if err != nil {
		t.Fatal(err)
	}
	var cc map[string]any
	_ = json.Unmarshal(raw, &cc)
	if cc["hasRestAPIExtension"] != true || cc["supportsConfigurableEgress"] != false {
		t.Errorf("unknown fields lost: %s", raw)
	}
	if _, ok := cc["properties"]; ok {
		t.Errorf("properties kept in commonCloud JSON: %s", raw)
	}

	// The JSON form sends unknown fields as they are.
	mock.AddProduct(productID)
	if err := newClient(t, mock.URL).PutDraft(context.Background(), productID, raw); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(mock.Draft(productID)), `"newThing":{"x":1}`) {
		t.Errorf("draft = %s", mock.Draft(productID))
	}
}

func TestCredentials(t *testing.T) {
	t.Parallel()
	mock := mockmarketplace.Start(t)
	mock.SetLive(productID, []byte(`{"commonCloud":{}}`))
	ctx := context.Background()

	anon := newClient(t, mock.URL, anonymous)
	if _, err := anon.Get(ctx, productID, marketplace.Live); err != nil {
		t.Errorf("live read without credentials: %v", err)
	}
	calls := mock.Count(mockmarketplace.RouteUnknown)
	for name, call := range map[string]func() error{
		"draft":   func() error { _, err := anon.Get(ctx, productID, marketplace.Draft); return err },
		"put":     func() error { return anon.PutDraft(ctx, productID, sampleDoc()) },
		"delete":  func() error { return anon.DeleteDraft(ctx, productID) },
		"publish": func() error { return anon.Publish(ctx, productID) },
	} {
		if err := call(); !errors.Is(err, marketplace.ErrCredentialsRequired) {
			t.Errorf("%s without credentials: %v", name, err)
		}
	}
	if mock.Count(mockmarketplace.RouteUnknown) != calls {
		t.Error("a call without credentials reached the API")
	}

	wrong := newClient(t, mock.URL, func(c *marketplace.Config) { c.APIToken = "wrong" })
	_, err := wrong.Get(ctx, productID, marketplace.Live)
	var apiErr *marketplace.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 401 || apiErr.Code != "UNAUTHORIZED" || apiErr.Method != "GET" ||
		apiErr.Path != "/rest/3/privacy-and-security/products/"+productID {
		t.Errorf("wrong token on live read: %#v", err)
	}

	if _, err := marketplace.New(marketplace.Config{BaseURL: mock.URL, Email: "a@example.com"}); err == nil {
		t.Error("email without token accepted")
	}
}

func TestErrorsCarryTheAPIMessage(t *testing.T) {
	t.Parallel()
	mock := mockmarketplace.Start(t)
	c := newClient(t, mock.URL)
	err := c.PutDraft(context.Background(), "00000000-0000-0000-0000-000000000000", sampleDoc())
	var apiErr *marketplace.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 404 || apiErr.Code != "PRODUCT_NOT_FOUND" {
		t.Fatalf("PUT unknown product: %#v", err)
	}
	want := "PUT /rest/3/privacy-and-security/products/00000000-0000-0000-0000-000000000000 answered 404 Not Found: PRODUCT_NOT_FOUND: product 00000000-0000-0000-0000-000000000000 not found"
	if err.Error() != want {
		t.Errorf("message:\n got %s\nwant %s", err, want)
	}

	// A body that is not JSON is kept, cut to 1 KiB.
	mock.AddProduct(productID)
	mock.InjectFault(mockmarketplace.RoutePut, mockmarketplace.Fault{Status: 400, Body: strings.Repeat("x", 5000)})
	err = c.PutDraft(context.Background(), productID, sampleDoc())
	if !errors.As(err, &apiErr) || len(apiErr.Body) > 1024+len("…") || !strings.HasPrefix(apiErr.Body, "xxx") {
		t.Errorf("long text body: %v", err)
	}
}

func TestResponseSizeIsCapped(t *testing.T) {
	t.Parallel()
	mock := mockmarketplace.Start(t)
	mock.AddProduct(productID)
	mock.InjectFault(mockmarketplace.RouteGetLive, mockmarketplace.Fault{Status: 200, Body: `{"commonCloud":{"x":"` + strings.Repeat("a", 10_000) + `"}}`})
	c := newClient(t, mock.URL, func(c *marketplace.Config) { c.MaxResponseBytes = 4096 })
	_, err := c.Get(context.Background(), productID, marketplace.Live)
	if err == nil || !strings.Contains(err.Error(), "larger than the 4096 bytes") {
		t.Errorf("oversized answer: %v", err)
	}
}

func TestRetries(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("retryable statuses then success", func(t *testing.T) {
		t.Parallel()
		mock := mockmarketplace.Start(t)
		mock.SetLive(productID, []byte(`{"commonCloud":{}}`))
		for _, status := range []int{429, 502, 503, 504} {
			mock.InjectFault(mockmarketplace.RouteGetLive, mockmarketplace.Fault{Status: status, Times: 1})
		}
		if _, err := newClient(t, mock.URL).Get(ctx, productID, marketplace.Live); err != nil {
			t.Fatal(err)
		}
		if n := mock.Count(mockmarketplace.RouteGetLive); n != 5 {
			t.Errorf("requests = %d, want 5", n)
		}
	})

	t.Run("500 and 4xx are final", func(t *testing.T) {
		t.Parallel()
		mock := mockmarketplace.Start(t)
		mock.AddProduct(productID)
		mock.InjectFault(mockmarketplace.RoutePut, mockmarketplace.Fault{Status: 500, Times: 1})
		c := newClient(t, mock.URL)
		if err := c.PutDraft(ctx, productID, sampleDoc()); marketplace.StatusCode(err) != 500 {
			t.Errorf("PUT = %v, want 500", err)
		}
		if err := c.Publish(ctx, productID); marketplace.StatusCode(err) != 409 {
			t.Errorf("publish = %v, want 409", err)
		}
		if n := mock.Count(mockmarketplace.RouteUnknown); n != 2 {
			t.Errorf("requests = %d, want 2 (no retries)", n)
		}
	})

	t.Run("exhausted", func(t *testing.T) {
		t.Parallel()
		mock := mockmarketplace.Start(t)
		mock.AddProduct(productID)
		mock.InjectFault(mockmarketplace.RoutePut, mockmarketplace.Fault{Status: 503})
		err := newClient(t, mock.URL, retries(2)).PutDraft(ctx, productID, sampleDoc())
		var apiErr *marketplace.APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != 503 || apiErr.Attempts != 3 || !strings.Contains(err.Error(), "503 Service Unavailable after 3 attempts") {
			t.Errorf("exhausted: %v", err)
		}
		if n := mock.Count(mockmarketplace.RoutePut); n != 3 {
			t.Errorf("requests = %d, want 3", n)
		}
	})

	t.Run("dropped connection", func(t *testing.T) {
		t.Parallel()
		mock := mockmarketplace.Start(t)
		mock.AddProduct(productID)
		mock.InjectFault(mockmarketplace.RoutePut, mockmarketplace.Fault{DropConnection: true, Times: 1})
		if err := newClient(t, mock.URL).PutDraft(ctx, productID, sampleDoc()); err != nil {
			t.Fatal(err)
		}
		if mock.Draft(productID) == nil {
			t.Error("no draft after the retry")
		}
	})

	t.Run("request timeout", func(t *testing.T) {
		t.Parallel()
		mock := mockmarketplace.Start(t)
		mock.SetLive(productID, []byte(`{"commonCloud":{}}`))
		mock.InjectFault(mockmarketplace.RouteGetLive, mockmarketplace.Fault{Delay: 2 * time.Second})
		c := newClient(t, mock.URL, retries(1), func(c *marketplace.Config) { c.RequestTimeout = 50 * time.Millisecond })
		_, err := c.Get(ctx, productID, marketplace.Live)
		var reqErr *marketplace.RequestError
		if !errors.As(err, &reqErr) || reqErr.Attempts != 2 {
			t.Errorf("timeout: %#v", err)
		}
	})
}

func TestRetryAfterIsHonoured(t *testing.T) {
	t.Parallel()
	mock := mockmarketplace.Start(t)
	mock.SetLive(productID, []byte(`{"commonCloud":{}}`))
	mock.InjectFault(mockmarketplace.RouteGetLive, mockmarketplace.Fault{Status: 429, Header: http.Header{"Retry-After": {"1"}}, Times: 1})
	c := newClient(t, mock.URL, func(c *marketplace.Config) { c.RetryWaitMax = 5 * time.Second })
	start := time.Now()
	if _, err := c.Get(context.Background(), productID, marketplace.Live); err != nil {
		t.Fatal(err)
	}
	// A lower bound only: the wait must not be shorter than the server asked for.
	if waited := time.Since(start); waited < time.Second {
		t.Errorf("retried after %v, before Retry-After's 1s", waited)
	}
}

func TestRedirectToAnotherHostIsNotFollowed(t *testing.T) {
	t.Parallel()
	var leaked atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" {
			leaked.Add(1)
		}
		_, _ = w.Write([]byte(`{"commonCloud":{}}`))
	}))
	t.Cleanup(other.Close)
	redirector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, strings.Replace(other.URL, "127.0.0.1", "localhost", 1)+r.URL.Path, http.StatusFound)
	}))
	t.Cleanup(redirector.Close)

	_, err := newClient(t, redirector.URL).Get(context.Background(), productID, marketplace.Draft)
	if marketplace.StatusCode(err) != http.StatusFound {
		t.Errorf("redirect: %v, want the 302 as an error", err)
	}
	if leaked.Load() != 0 {
		t.Error("credentials were sent to another host")
	}
}

func TestUserAgentAndAuthHeader(t *testing.T) {
	t.Parallel()
	var ua, auth string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ua, auth = r.Header.Get("User-Agent"), r.Header.Get("Authorization")
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(srv.Close)
	c := newClient(t, srv.URL, func(c *marketplace.Config) { c.UserAgent = "terraform-provider-marketplace/1.2.3" })
	if err := c.Publish(context.Background(), productID); err != nil {
		t.Fatal(err)
	}
	if ua != "terraform-provider-marketplace/1.2.3" {
		t.Errorf("User-Agent = %q", ua)
	}
	if auth != mockmarketplace.BasicAuthHeader(mockmarketplace.TestEmail, mockmarketplace.TestAPIToken) {
		t.Errorf("Authorization = %q", auth)
	}
}

func TestTokenNeverLogged(t *testing.T) {
	t.Parallel()
	mock := mockmarketplace.Start(t)
	mock.AddProduct(productID)
	var logs bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &logs)
	c := newClient(t, mock.URL)
	mock.InjectFault(mockmarketplace.RoutePut, mockmarketplace.Fault{Status: 503, Times: 1})
	_ = c.PutDraft(ctx, productID, sampleDoc())
	_, _ = c.Get(ctx, productID, marketplace.Draft)
	_ = c.Publish(ctx, productID)
	_ = c.Publish(ctx, productID) // 409
	wrong := newClient(t, mock.URL, func(c *marketplace.Config) { c.APIToken = mockmarketplace.TestAPIToken + "-wrong" })
	_, err := wrong.Get(ctx, productID, marketplace.Live)

	out := logs.String()
	if !strings.Contains(out, "sending request") || !strings.Contains(out, "retrying after a retryable answer") {
		t.Fatalf("expected request and retry logs, got:\n%s", out)
	}
	basic := base64.StdEncoding.EncodeToString([]byte(mockmarketplace.TestEmail + ":" + mockmarketplace.TestAPIToken))
	for _, secret := range []string{mockmarketplace.TestAPIToken, basic} {
		if strings.Contains(out, secret) {
			t.Errorf("a secret reached the logs: %q", secret)
		}
		if strings.Contains(err.Error(), secret) {
			t.Errorf("a secret reached an error: %q", secret)
		}
	}
}

func TestValidateBaseURL(t *testing.T) {
	t.Parallel()
	ok := []string{
		"https://api.atlassian.com/marketplace", "http://127.0.0.1:8080", "http://127.9.9.9/x", "http://localhost:1/", "http://[::1]:99",
	}
	bad := []string{
		"", "api.atlassian.com", "/marketplace", "http://api.atlassian.com/marketplace", "http://10.0.0.1",
		"ftp://localhost", "https://user:pw@api.atlassian.com", "https://api.atlassian.com?x=1", "::nope",
	}
	for _, u := range ok {
		if _, err := marketplace.ValidateBaseURL(u); err != nil {
			t.Errorf("%q rejected: %v", u, err)
		}
	}
	for _, u := range bad {
		if _, err := marketplace.ValidateBaseURL(u); err == nil {
			t.Errorf("%q accepted", u)
		}
	}
}

func TestBaseURLWithPathPrefix(t *testing.T) {
	t.Parallel()
	mock := mockmarketplace.New(mockmarketplace.Options{})
	mock.SetLive(productID, []byte(`{"commonCloud":{}}`))
	mux := http.NewServeMux()
	mux.Handle("/marketplace/", http.StripPrefix("/marketplace", mock))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	if _, err := newClient(t, srv.URL+"/marketplace/", anonymous).Get(context.Background(), productID, marketplace.Live); err != nil {
		t.Error(err)
	}
}

func TestGarbledAnswersAreRetried(t *testing.T) {
	t.Parallel()
	mock := mockmarketplace.Start(t)
	mock.SetLive(productID, []byte(`{"commonCloud":{"security":{"securityContact":"a@example.com"}}}`))
	mock.InjectFault(mockmarketplace.RouteGetLive, mockmarketplace.Fault{MalformedBody: true, Times: 2})
	doc, err := newClient(t, mock.URL).Get(context.Background(), productID, marketplace.Live)
	if err != nil {
		t.Fatal(err)
	}
	if field(doc.CommonCloud, "security", "securityContact") != "a@example.com" || mock.Count(mockmarketplace.RouteGetLive) != 3 {
		t.Errorf("doc %v after %d requests", doc.CommonCloud, mock.Count(mockmarketplace.RouteGetLive))
	}

	mock.InjectFault(mockmarketplace.RouteGetLive, mockmarketplace.Fault{MalformedBody: true})
	_, err = newClient(t, mock.URL, retries(2)).Get(context.Background(), productID, marketplace.Live)
	var reqErr *marketplace.RequestError
	if !errors.As(err, &reqErr) || reqErr.Attempts != 3 || !strings.Contains(err.Error(), "not valid JSON") {
		t.Errorf("always garbled: %v", err)
	}
}

func TestLostPublishAnswerIsRetriedInto409(t *testing.T) {
	t.Parallel()
	mock := mockmarketplace.Start(t)
	mock.AddProduct(productID)
	c := newClient(t, mock.URL)
	if err := c.PutDraft(context.Background(), productID, sampleDoc()); err != nil {
		t.Fatal(err)
	}
	// The publish happens, its answer is lost; the retry finds no draft.
	mock.InjectFault(mockmarketplace.RoutePublish, mockmarketplace.Fault{AfterEffect: true, DropConnection: true, Times: 1})
	err := c.Publish(context.Background(), productID)
	if !marketplace.IsConflict(err) || mock.Count(mockmarketplace.RoutePublish) != 2 || mock.Live(productID) == nil {
		t.Errorf("publish = %v after %d requests; live %s", err, mock.Count(mockmarketplace.RoutePublish), mock.Live(productID))
	}
}

// Keep-alive: sequential calls share one connection, and concurrent ones stay near one
// connection per worker (net/http may dial a spare while a connection is being returned,
// hence the bound of two per worker; with the default idle pool of GOMAXPROCS+1, 400 calls
// from 20 workers opened over 80).
func TestConnectionsAreReused(t *testing.T) {
	t.Parallel()
	mock := mockmarketplace.New(mockmarketplace.Options{Email: mockmarketplace.TestEmail, APIToken: mockmarketplace.TestAPIToken})
	mock.SetLive(productID, []byte(`{"commonCloud":{}}`))
	var newConns atomic.Int32
	srv := httptest.NewUnstartedServer(mock)
	srv.Config.ConnState = func(_ net.Conn, state http.ConnState) {
		if state == http.StateNew {
			newConns.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	c := newClient(t, srv.URL)
	ctx := context.Background()

	for i := 0; i < 20; i++ {
		if _, err := c.Get(ctx, productID, marketplace.Live); err != nil {
			t.Fatal(err)
		}
		if err := c.PutDraft(ctx, productID, sampleDoc()); err != nil {
			t.Fatal(err)
		}
	}
	if n := newConns.Load(); n != 1 {
		t.Errorf("40 sequential calls opened %d connections, want 1", n)
	}

	const workers, rounds = 20, 20
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := 0; r < rounds; r++ {
				if _, err := c.Get(ctx, productID, marketplace.Live); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	if n := newConns.Load(); n > 2*workers {
		t.Errorf("%d concurrent calls from %d workers opened %d connections", workers*rounds, workers, n)
	}
}

// A server that echoes the credentials (in an error body, in a document) has them masked
// before they reach an error, a log line at TRACE, or the caller.
func TestEchoedSecretsAreMasked(t *testing.T) {
	t.Parallel()
	mock := mockmarketplace.Start(t)
	mock.AddProduct(productID)
	b64 := base64.StdEncoding.EncodeToString([]byte(mockmarketplace.TestEmail + ":" + mockmarketplace.TestAPIToken))
	escaped := strings.ReplaceAll(b64, "/", `\/`)
	echo := fmt.Sprintf(`{"code": "BAD", "message": "got Authorization: Basic %s, token %s, escaped %s, unpadded %s"}`,
		b64, mockmarketplace.TestAPIToken, escaped, strings.TrimRight(b64, "="))
	mock.InjectFault(mockmarketplace.RoutePut, mockmarketplace.Fault{Status: 400, Body: echo})
	mock.SetLive(productID, []byte(`{"commonCloud": {"security": {"securityContact": "`+mockmarketplace.TestAPIToken+`@example.com"}}}`))

	var logs bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &logs)
	c := newClient(t, mock.URL)
	err := c.PutDraft(ctx, productID, sampleDoc())
	live, getErr := c.Get(ctx, productID, marketplace.Live)
	if err == nil || getErr != nil {
		t.Fatalf("put: %v, get: %v", err, getErr)
	}
	doc, _ := json.Marshal(live.CommonCloud)
	for what, text := range map[string]string{"error": err.Error(), "logs": logs.String(), "document": string(doc)} {
		for _, secret := range []string{mockmarketplace.TestAPIToken, b64, strings.TrimRight(b64, "=")} {
			if strings.Contains(text, secret) {
				t.Errorf("%s carries a secret: %s", what, text)
			}
		}
	}
	if !strings.Contains(err.Error(), "[masked]") || !strings.Contains(logs.String(), "response body") {
		t.Errorf("error %q / logs %q: want the masked echo, and the TRACE body logged", err, logs.String())
	}
}

// Waits for the rate limit do not use up max_retries; other retries do.
func TestRateLimitWaitsDoNotUseUpRetries(t *testing.T) {
	t.Parallel()
	mock := mockmarketplace.Start(t)
	mock.SetLive(productID, []byte(`{"commonCloud":{}}`))
	c := newClient(t, mock.URL, retries(1))
	mock.InjectFault(mockmarketplace.RouteGetLive, mockmarketplace.Fault{Status: 429, Header: http.Header{"Retry-After": {"0"}}, Times: 4})
	if _, err := c.Get(context.Background(), productID, marketplace.Live); err != nil {
		t.Errorf("four 429s with max_retries 1: %v", err)
	}
	mock.InjectFault(mockmarketplace.RouteGetLive, mockmarketplace.Fault{Status: 503, Times: 4})
	_, err := c.Get(context.Background(), productID, marketplace.Live)
	if marketplace.StatusCode(err) != 503 || !strings.Contains(err.Error(), "after 2 attempts") {
		t.Errorf("four 503s with max_retries 1: %v, want a 503 after 2 attempts", err)
	}
}

// The listing of a developer space: pages followed by cursor, private apps only when asked,
// unknown fields tolerated, credentials required; a vendor's space looked up.
func TestListAppsPagesAndVendorSpace(t *testing.T) {
	t.Parallel()
	mock := mockmarketplace.Start(t)
	const dev = "0a0b0c0d-1111-4222-8333-444455556666"
	for i := 1; i <= 23; i++ {
		mock.AddApp(dev, mockmarketplace.App{ProductID: fmt.Sprintf("p-%02d", i), AppKey: fmt.Sprintf("k%d", i), AppName: fmt.Sprintf("App %02d", i), Private: i%5 == 0})
	}
	mock.SetVendor("42", dev)
	c := newClient(t, mock.URL)
	ctx := context.Background()
	list := func(includePrivate bool) (ids []string, pages int) {
		cursor := ""
		for {
			page, err := c.ListApps(ctx, dev, cursor, 10, includePrivate)
			if err != nil {
				t.Fatal(err)
			}
			pages++
			for _, a := range page.Apps {
				if a.AppName == "" || a.DeveloperID != dev || a.State == "" {
					t.Errorf("app %+v: fields missing", a)
				}
				ids = append(ids, a.ProductID)
			}
			if page.Next == "" {
				return ids, pages
			}
			cursor = page.Next
		}
	}
	if ids, pages := list(true); len(ids) != 23 || pages != 3 {
		t.Errorf("with private apps: %d apps in %d pages, want 23 in 3", len(ids), pages)
	}
	if ids, _ := list(false); len(ids) != 19 {
		t.Errorf("without private apps: %d, want 19", len(ids))
	}
	if id, err := c.DeveloperSpaceOfVendor(ctx, "42"); err != nil || id != dev {
		t.Errorf("vendor 42: %q, %v", id, err)
	}
	if _, err := c.DeveloperSpaceOfVendor(ctx, "43"); !marketplace.IsNotFound(err) {
		t.Errorf("an unknown vendor: %v, want 404", err)
	}
	if _, err := newClient(t, mock.URL, anonymous).ListApps(ctx, dev, "", 0, true); !errors.Is(err, marketplace.ErrCredentialsRequired) {
		t.Errorf("listing without credentials: %v", err)
	}
	// The mock itself refuses a request without credentials, as the API does.
	resp, err := http.Get(mock.URL + "/rest/3/product-listing/developer-space/" + dev) //nolint:noctx // a test's one request
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("listing without credentials answered %d, want 401", resp.StatusCode)
	}
}

// A 404 is "no such version" only as the API answers it (its JSON error); a code naming the
// product says the product does not exist; any other 404 is not the API's answer.
func TestNotFoundKinds(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name, body          string
		notFound, noProduct bool
	}{
		{"the API's missing version", `{"code": "NOT_FOUND", "message": "product has no draft version"}`, true, false},
		{"the API's missing product", `{"code": "PRODUCT_NOT_FOUND", "message": "product not found"}`, false, true},
		{"an app code", `{"code": "APP_NOT_FOUND"}`, false, true},
		{"a web server's page", "404 page not found", false, false},
		{"JSON that is not the API's error", `{"error": "not found", "status": 404}`, false, false},
		{"an empty body", "", false, false},
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(c.body))
		}))
		client := newClient(t, srv.URL)
		_, err := client.Get(context.Background(), productID, marketplace.Live)
		srv.Close()
		if got := marketplace.IsNotFound(err); got != c.notFound {
			t.Errorf("%s: IsNotFound = %v (%v)", c.name, got, err)
		}
		if got := marketplace.IsProductNotFound(err); got != c.noProduct {
			t.Errorf("%s: IsProductNotFound = %v (%v)", c.name, got, err)
		}
	}
}
