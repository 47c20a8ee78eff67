package mockmarketplace

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

const productID = "12345678-1234-1234-1234-123456789abc"

type call struct {
	method, path, auth, body string
}

func send(t *testing.T, s *Server, c call) (int, http.Header, string) {
	t.Helper()
	var body io.Reader
	if c.body != "" {
		body = strings.NewReader(c.body)
	}
	req, err := http.NewRequestWithContext(t.Context(), c.method, s.URL+c.path, body)
	if err != nil {
		t.Fatal(err)
	}
	if c.auth != "" {
		req.Header.Set("Authorization", c.auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", c.method, c.path, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(data)
}

var (
	goodAuth  = BasicAuthHeader(TestEmail, TestAPIToken)
	wrongAuth = BasicAuthHeader(TestEmail, "not-the-token")
	base      = productsPrefix + productID
)

func startWithProduct(t *testing.T) *Server {
	t.Helper()
	s := Start(t)
	s.AddProduct(productID)
	return s
}

func TestAuthRules(t *testing.T) {
	t.Parallel()
	s := startWithProduct(t)
	s.SetLive(productID, []byte(`{"commonCloud":{"logDetails":{"loggingEnabled":true}}}`))
	s.SetDraft(productID, []byte(`{"commonCloud":{}}`))
	cases := []struct {
		name string
		call call
		want int
		code string
	}{
		{"live without credentials", call{"GET", base, "", ""}, 200, ""},
		{"live with state=live without credentials", call{"GET", base + "?state=live", "", ""}, 200, ""},
		{"live with wrong credentials", call{"GET", base, wrongAuth, ""}, 401, "UNAUTHORIZED"},
		{"draft without credentials", call{"GET", base + "?state=draft", "", ""}, 401, "UNAUTHORIZED"},
		{"draft with credentials", call{"GET", base + "?state=draft", goodAuth, ""}, 200, ""},
		{"bearer token", call{"GET", base + "?state=draft", "Bearer abc", ""}, 403, "FORBIDDEN"},
		{"put without credentials", call{"PUT", base, "", `{"commonCloud":{}}`}, 401, "UNAUTHORIZED"},
		{"delete with wrong credentials", call{"DELETE", base, wrongAuth, ""}, 401, "UNAUTHORIZED"},
		{"publish without credentials", call{"POST", base + "/publish", "", ""}, 401, "UNAUTHORIZED"},
		{"publish with bearer", call{"POST", base + "/publish", "Bearer abc", ""}, 403, "FORBIDDEN"},
	}
	for _, tc := range cases {
		status, _, body := send(t, s, tc.call)
		if status != tc.want {
			t.Errorf("%s: status %d, want %d (%s)", tc.name, status, tc.want, body)
		}
		if tc.code != "" && !strings.Contains(body, `"code":"`+tc.code+`"`) {
			t.Errorf("%s: body %s lacks code %s", tc.name, body, tc.code)
		}
	}
}

func TestStatesAndMissingVersions(t *testing.T) {
	t.Parallel()
	s := startWithProduct(t)
	if status, _, body := send(t, s, call{"GET", base + "?state=published", goodAuth, ""}); status != 400 {
		t.Errorf("invalid state: %d %s", status, body)
	}
	if status, _, _ := send(t, s, call{"GET", base, "", ""}); status != 404 {
		t.Errorf("missing live: %d", status)
	}
	if status, _, _ := send(t, s, call{"GET", base + "?state=draft", goodAuth, ""}); status != 404 {
		t.Errorf("missing draft: %d", status)
	}
	other := productsPrefix + "00000000-0000-0000-0000-000000000000"
	if status, _, body := send(t, s, call{"PUT", other, goodAuth, `{"commonCloud":{}}`}); status != 404 || !strings.Contains(body, "PRODUCT_NOT_FOUND") {
		t.Errorf("unknown productID: %d %s", status, body)
	}
	if status, _, _ := send(t, s, call{"PATCH", base, goodAuth, ""}); status != 405 {
		t.Errorf("a method the product path does not take: %d, want 405", status)
	}
}

func TestPutTypeChecksKeepsUnknownFieldsAndSetsProperties(t *testing.T) {
	t.Parallel()
	now := time.UnixMilli(1642233600000)
	m := New(Options{Email: TestEmail, APIToken: TestAPIToken, Now: func() time.Time { return now }})
	s := Serve(t, m)
	s.AddProduct(productID)

	bad := []struct{ body, path string }{
		{`[]`, "JSON object"},
		{`{"other":1}`, "commonCloud"},
		{`{"commonCloud":"x"}`, "commonCloud"},
		{`{"commonCloud":{"privacy":{"gdpr":{"gdprCompliant":"yes"}}}}`, "commonCloud.privacy.gdpr.gdprCompliant"},
		{`{"commonCloud":{"security":{"compliantCertifications":["SOC2",3]}}}`, "commonCloud.security.compliantCertifications[1]"},
		{`{"commonCloud":{"dataResidency":{"dataResidencyRegions":"US"}}}`, "commonCloud.dataResidency.dataResidencyRegions"},
		{`{"commonCloud":{"logDetails":[]}}`, "commonCloud.logDetails"},
		{`{"commonCloud":{}} {}`, "more than one"},
	}
	for _, b := range bad {
		status, _, body := send(t, s, call{"PUT", base, goodAuth, b.body})
		if status != 400 || !strings.Contains(body, b.path) {
			t.Errorf("PUT %s: %d %s, want 400 naming %s", b.body, status, body, b.path)
		}
	}
	if s.Draft(productID) != nil {
		t.Fatal("a rejected PUT stored a draft")
	}

	status, _, body := send(t, s, call{"PUT", base, goodAuth,
		`{"commonCloud":{"futureField":{"x":[1,2]},"logDetails":{"loggingEnabled":true},"properties":{"updatedBy":"me"}}}`})
	if status != 204 {
		t.Fatalf("PUT: %d %s", status, body)
	}
	var got map[string]map[string]any
	if err := json.Unmarshal(s.Draft(productID), &got); err != nil {
		t.Fatal(err)
	}
	cc := got["commonCloud"]
	if _, ok := cc["futureField"]; !ok {
		t.Errorf("unknown field dropped: %v", cc)
	}
	props := cc["properties"].(map[string]any)
	if props["updatedBy"] != TestEmail || props["formStatus"] != "DRAFT" || props["updatedAt"] != float64(1642233600000) {
		t.Errorf("properties = %v", props)
	}
	if s.Live(productID) != nil {
		t.Error("PUT touched the live version")
	}
}

func TestDeleteAndPublish(t *testing.T) {
	t.Parallel()
	s := startWithProduct(t)
	s.SetLive(productID, []byte(`{"commonCloud":{"logDetails":{"loggingEnabled":false}}}`))
	if status, _, _ := send(t, s, call{"DELETE", base, goodAuth, ""}); status != 404 {
		t.Errorf("DELETE with no draft: %d", status)
	}
	if status, _, body := send(t, s, call{"POST", base + "/publish", goodAuth, ""}); status != 409 || !strings.Contains(body, "NO_DRAFT") {
		t.Errorf("publish with no draft: %d %s", status, body)
	}

	send(t, s, call{"PUT", base, goodAuth, `{"commonCloud":{"logDetails":{"loggingEnabled":true}}}`})
	if status, _, _ := send(t, s, call{"DELETE", base, goodAuth, ""}); status != 204 {
		t.Errorf("DELETE: %d", status)
	}
	if s.Draft(productID) != nil || !strings.Contains(string(s.Live(productID)), `"loggingEnabled":false`) {
		t.Errorf("DELETE must drop the draft and keep live: draft=%s live=%s", s.Draft(productID), s.Live(productID))
	}

	send(t, s, call{"PUT", base, goodAuth, `{"commonCloud":{"logDetails":{"loggingEnabled":true}}}`})
	if status, _, _ := send(t, s, call{"POST", base + "/publish", goodAuth, ""}); status != 204 {
		t.Errorf("publish: %d", status)
	}
	live := string(s.Live(productID))
	if s.Draft(productID) != nil || !strings.Contains(live, `"loggingEnabled":true`) || !strings.Contains(live, `"formStatus":"SUBMITTED"`) {
		t.Errorf("after publish: draft=%s live=%s", s.Draft(productID), live)
	}
	if status, _, body := send(t, s, call{"GET", base, "", ""}); status != 200 || !strings.Contains(body, `"loggingEnabled":true`) {
		t.Errorf("GET live after publish: %d %s", status, body)
	}
}

func TestRequestLog(t *testing.T) {
	t.Parallel()
	s := startWithProduct(t)
	send(t, s, call{"GET", base, "", ""})
	send(t, s, call{"GET", base + "?state=draft", goodAuth, ""})
	send(t, s, call{"PUT", base, goodAuth, `{"commonCloud":{}}`})
	send(t, s, call{"POST", base + "/publish", goodAuth, ""})
	want := []Request{
		{Method: "GET", Path: base, Route: RouteGetLive, ProductID: productID, Status: 404},
		{Method: "GET", Path: base, Query: "state=draft", Route: RouteGetDraft, ProductID: productID, Status: 404},
		{Method: "PUT", Path: base, Route: RoutePut, ProductID: productID, Status: 204},
		{Method: "POST", Path: base + "/publish", Route: RoutePublish, ProductID: productID, Status: 204},
	}
	got := s.Requests()
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("requests:\n got %v\nwant %v", got, want)
	}
	if s.Count(RoutePut) != 1 || s.Count(RouteUnknown) != 4 {
		t.Errorf("counts: put=%d all=%d", s.Count(RoutePut), s.Count(RouteUnknown))
	}
	s.ResetRequests()
	if len(s.Requests()) != 0 {
		t.Error("ResetRequests kept requests")
	}
}

func TestFaults(t *testing.T) {
	t.Parallel()
	s := startWithProduct(t)
	s.SetLive(productID, []byte(`{"commonCloud":{}}`))

	s.InjectFault(RouteGetLive, Fault{Status: 429, Header: http.Header{"Retry-After": {"7"}}, Times: 2})
	for i := 0; i < 2; i++ {
		status, header, _ := send(t, s, call{"GET", base, "", ""})
		if status != 429 || header.Get("Retry-After") != "7" {
			t.Errorf("fault %d: %d %v", i, status, header)
		}
	}
	if status, _, _ := send(t, s, call{"GET", base, "", ""}); status != 200 {
		t.Errorf("fault outlived its Times: %d", status)
	}

	s.InjectFault(RouteGetLive, Fault{MalformedBody: true, Times: 1})
	_, _, body := send(t, s, call{"GET", base, "", ""})
	if json.Valid([]byte(body)) {
		t.Errorf("malformed body is valid JSON: %s", body)
	}

	s.InjectFault(RouteGetLive, Fault{DropConnection: true, Times: 1})
	// A fresh connection: net/http silently resends a GET whose reused connection drops.
	fresh := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	req, _ := http.NewRequestWithContext(t.Context(), "GET", s.URL+base, nil)
	if resp, err := fresh.Do(req); err == nil {
		resp.Body.Close()
		t.Error("dropped connection answered")
	}

	s.InjectFault(RouteGetLive, Fault{Delay: 150 * time.Millisecond, Times: 1})
	start := time.Now()
	if status, _, _ := send(t, s, call{"GET", base, "", ""}); status != 200 || time.Since(start) < 150*time.Millisecond {
		t.Errorf("delay: %d after %v", status, time.Since(start))
	}

	// Another productID's fault does not hit this one.
	s.InjectFault(RoutePut, Fault{Product: "other", Status: 500})
	if status, _, _ := send(t, s, call{"PUT", base, goodAuth, `{"commonCloud":{}}`}); status != 204 {
		t.Errorf("fault for another productID applied: %d", status)
	}
	s.ClearFaults()

	// An answer lost after the work was done: the draft is published all the same.
	s.InjectFault(RoutePublish, Fault{AfterEffect: true, Status: 502, Times: 1})
	if status, _, _ := send(t, s, call{"POST", base + "/publish", goodAuth, ""}); status != 502 {
		t.Errorf("after-effect fault status: %d", status)
	}
	if s.Draft(productID) != nil || !strings.Contains(string(s.Live(productID)), "SUBMITTED") {
		t.Error("after-effect fault did not apply the effect")
	}
	if status, _, _ := send(t, s, call{"POST", base + "/publish", goodAuth, ""}); status != 409 {
		t.Errorf("second publish: %d", status)
	}
}

func TestConcurrentRequests(t *testing.T) {
	t.Parallel()
	s := Start(t)
	const products = 20
	var wg sync.WaitGroup
	errs := make(chan error, products)
	for i := 0; i < products; i++ {
		id := fmt.Sprintf("00000000-0000-0000-0000-%012d", i)
		s.AddProduct(id)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, c := range []call{
				{"PUT", productsPrefix + id, goodAuth, fmt.Sprintf(`{"commonCloud":{"security":{"securityContact":"%s@example.com"}}}`, id)},
				{"POST", productsPrefix + id + "/publish", goodAuth, ""},
				{"GET", productsPrefix + id, "", ""},
			} {
				req, _ := http.NewRequestWithContext(t.Context(), c.method, s.URL+c.path, strings.NewReader(c.body))
				if c.auth != "" {
					req.Header.Set("Authorization", c.auth)
				}
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					errs <- err
					return
				}
				resp.Body.Close()
				if resp.StatusCode >= 300 {
					errs <- fmt.Errorf("%s %s: %d", c.method, c.path, resp.StatusCode)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for i := 0; i < products; i++ {
		id := fmt.Sprintf("00000000-0000-0000-0000-%012d", i)
		if !strings.Contains(string(s.Live(id)), id+"@example.com") {
			t.Errorf("productID %s: live %s", id, s.Live(id))
		}
	}
	if got := s.Count(RouteUnknown); got != products*3 {
		t.Errorf("recorded %d requests, want %d", got, products*3)
	}
}

func TestSnapshotRestoreAndOnChange(t *testing.T) {
	t.Parallel()
	changes := 0
	var mu sync.Mutex
	m := New(Options{Email: TestEmail, APIToken: TestAPIToken, OnChange: func() { mu.Lock(); changes++; mu.Unlock() }})
	s := Serve(t, m)
	s.AddProduct(productID)
	send(t, s, call{"GET", base, "", ""})                                 // no change
	send(t, s, call{"PUT", base, goodAuth, `{"commonCloud":{"x":1}}`})    // change
	send(t, s, call{"PUT", base, goodAuth, `{"commonCloud":"bad"}`})      // rejected: no change
	send(t, s, call{"POST", base + "/publish", goodAuth, ""})             // change
	send(t, s, call{"PUT", base, goodAuth, `{"commonCloud":{"y":true}}`}) // change
	mu.Lock()
	if changes != 3 {
		t.Errorf("OnChange called %d times, want 3", changes)
	}
	mu.Unlock()

	snap := m.Snapshot()
	data, err := json.Marshal(snap)
	if err != nil {
		t.Fatal(err)
	}
	var decoded map[string]ProductState
	if err := json.Unmarshal(data, &decoded); err != nil {
		t.Fatal(err)
	}
	restored := New(Options{})
	if err := restored.Restore(decoded); err != nil {
		t.Fatal(err)
	}
	if string(restored.Live(productID)) != string(m.Live(productID)) || string(restored.Draft(productID)) != string(m.Draft(productID)) {
		t.Errorf("restored live=%s draft=%s", restored.Live(productID), restored.Draft(productID))
	}
	if !strings.Contains(string(restored.Draft(productID)), `"y":true`) || !strings.Contains(string(restored.Live(productID)), `"x":1`) {
		t.Errorf("restored documents are not the saved ones: %s", data)
	}
	if err := restored.Restore(map[string]ProductState{"p": {Live: json.RawMessage(`[1]`)}}); err == nil {
		t.Error("a non-object document was restored")
	}
}

func TestProbabilisticFaultsAndRateLimit(t *testing.T) {
	t.Parallel()
	s := startWithProduct(t)
	s.SetLive(productID, []byte(`{"commonCloud":{}}`))
	s.InjectFault(RouteGetLive, Fault{Status: 503, Probability: 0.3})
	failed := 0
	for i := 0; i < 400; i++ {
		if status, _, _ := send(t, s, call{"GET", base, "", ""}); status == 503 {
			failed++
		}
	}
	if failed < 60 || failed > 180 { // 120 expected; far outside means the share is ignored
		t.Errorf("%d of 400 requests failed with Probability 0.3", failed)
	}
	s.ClearFaults()

	s.SetRateLimit(RateLimit{PerSecond: 1, Burst: 3})
	statuses := []int{}
	var retryAfter string
	for i := 0; i < 5; i++ {
		status, header, _ := send(t, s, call{"GET", base, "", ""})
		statuses = append(statuses, status)
		if status == 429 {
			retryAfter = header.Get("Retry-After")
		}
	}
	if fmt.Sprint(statuses) != "[200 200 200 429 429]" || retryAfter != "1" {
		t.Errorf("rate limited statuses %v, Retry-After %q", statuses, retryAfter)
	}
	// A strict bucket: one request per interval (100 s here), none sooner; Burst 0 is the same.
	for _, l := range []RateLimit{Strict(0.01), {PerSecond: 0.01}} {
		s.SetRateLimit(l)
		first, _, _ := send(t, s, call{"GET", base, "", ""})
		second, header, _ := send(t, s, call{"GET", base, "", ""})
		if first != 200 || second != 429 || header.Get("Retry-After") != "100" {
			t.Errorf("strict bucket %+v: %d then %d (Retry-After %q), want 200 then 429 (100)", l, first, second, header.Get("Retry-After"))
		}
	}
	s.SetRateLimit(RateLimit{})
	if status, _, _ := send(t, s, call{"GET", base, "", ""}); status != 200 {
		t.Errorf("after removing the limit: %d", status)
	}
}
