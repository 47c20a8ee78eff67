package provider

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/marketplace-trust/terraform-provider-marketplace/internal/document"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/marketplace-trust/terraform-provider-marketplace/internal/marketplace"
	"github.com/marketplace-trust/terraform-provider-marketplace/internal/mockmarketplace"
)

// A 404 that is not the API's (a web page from a wrong base_url) says to check base_url and
// shows the whole URL asked, prefix included.
func TestNotTheAPIsAnswerPointsAtBaseURL(t *testing.T) {
	t.Parallel()
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte("<html><body>Not Found</body></html>"))
	}))
	t.Cleanup(site.Close)
	client, err := marketplace.New(marketplace.Config{BaseURL: site.URL + "/wrong-prefix"})
	if err != nil {
		t.Fatal(err)
	}
	_, getErr := client.Get(context.Background(), testProductID, marketplace.Live)
	if marketplace.IsNotFound(getErr) {
		t.Error("a web page's 404 counts as the API's: a resource would be dropped from state")
	}
	var diags diag.Diagnostics
	addAPIError(&diags, "reading the live version", getErr)
	detail := diags[0].Detail()
	if !strings.Contains(detail, "check base_url") || !strings.Contains(detail, site.URL+"/wrong-prefix/rest/3/privacy-and-security/products/"+testProductID) {
		t.Errorf("detail: %s", detail)
	}
}

func TestBaseURLWithoutSchemeSaysSo(t *testing.T) {
	t.Parallel()
	_, err := marketplace.ValidateBaseURL("api.atlassian.com:443/marketplace")
	if err == nil || !strings.Contains(err.Error(), "has no scheme") || !strings.Contains(err.Error(), "https://") {
		t.Errorf("%v", err)
	}
	_, err = marketplace.ValidateBaseURL("http://" + strings.Repeat("x", 20000))
	if err == nil || len(err.Error()) > 400 {
		t.Errorf("a long URL is echoed whole: %d characters", len(err.Error()))
	}
}

// Bad provider and resource values are reported once each, cut, with no escaped new lines.
func TestBadValuesReportedOnceAndCut(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	server := providerserver.NewProtocol6(newTestProvider(nil))()
	if _, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{}); err != nil {
		t.Fatal(err)
	}
	typ := providerSchema().Type().TerraformType(ctx).(tftypes.Object)
	values := map[string]tftypes.Value{}
	for name, attrType := range typ.AttributeTypes {
		values[name] = tftypes.NewValue(attrType, nil)
	}
	values["request_timeout"] = tftypes.NewValue(tftypes.String, "abc")
	dv, _ := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, values))
	resp, err := server.ValidateProviderConfig(ctx, &tfprotov6.ValidateProviderConfigRequest{Config: &dv})
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Diagnostics) != 1 || strings.Contains(resp.Diagnostics[0].Detail, `\n`) {
		t.Errorf("request_timeout = \"abc\": %d diagnostics %+v, want one without a literal \\n", len(resp.Diagnostics), resp.Diagnostics)
	}

	shape := privacySecurityShape()
	long := strings.Repeat("x", 20000)
	all := map[string]tftypes.Value{}
	for name, attrType := range shape.stateType.AttributeTypes {
		all[name] = tftypes.NewValue(attrType, nil)
	}
	// product_id at validation, logRetention in the plan (the document's rules are the plan's).
	diagnostics := checkConfig(t, server, shape, map[string]tftypes.Value{
		"product_id":        tftypes.NewValue(tftypes.String, long),
		"common_cloud_json": tftypes.NewValue(tftypes.String, `{"logDetails": {"logRetention": "`+long+`"}}`),
	})
	if len(diagnostics) != 2 {
		t.Errorf("%d diagnostics, want 2 (product_id, logRetention): %+v", len(diagnostics), diagnostics)
	}
	for _, d := range diagnostics {
		if len(d.Detail) > 500 {
			t.Errorf("a diagnostic of %d characters: %.120s", len(d.Detail), d.Detail)
		}
	}
}

// A destroy's plan says what the destroy does: the draft it discards, or that there is none,
// and that the live version stays published (before this, only the apply said so).
func TestDestroyPlanSaysWhatHappens(t *testing.T) {
	t.Parallel()
	for _, cli := range []struct{ version, keep string }{
		{"1.5.7", "terraform state rm ADDRESS"}, // no removed blocks before 1.7
		{"1.16.4", "use a removed block with lifecycle { destroy = false }"},
	} {
		got := destroyPlanWarning(t, cli.version, nil)
		if !strings.Contains(got, cli.keep) || (cli.version == "1.5.7") == strings.Contains(got, "removed block with") {
			t.Errorf("CLI %s: the way to keep the draft: %s", cli.version, got)
		}
	}
}

// destroyPlanWarning is the warning of a destroy plan made by the given CLI version.
func destroyPlanWarning(t *testing.T, cliVersion string, setup func(*mockmarketplace.Mock)) string {
	t.Helper()
	rs := newRPCServerFor(t, cliVersion)
	state := rs.state(map[string]tftypes.Value{"product_id": tfStr(testProductID), "publish": tftypes.NewValue(tftypes.Bool, true),
		"common_cloud_json": tfStr(`{"logDetails": {"loggingEnabled": true}}`)})
	none := tftypes.NewValue(rs.stateType, nil)
	rs.mock.SetLive(testProductID, []byte(`{"commonCloud": {"logDetails": {"loggingEnabled": true}}}`))
	if setup != nil {
		setup(rs.mock.Mock)
	}
	// The refresh, then the plan made from it, as Terraform does.
	read, err := rs.server.ReadResource(context.Background(), &tfprotov6.ReadResourceRequest{TypeName: "marketplace_privacy_security",
		CurrentState: rs.dv(rs.stateType, state)})
	if err != nil || len(read.Diagnostics) > 0 {
		t.Fatalf("refresh: %v %v", err, read.Diagnostics)
	}
	req := &tfprotov6.PlanResourceChangeRequest{TypeName: "marketplace_privacy_security", PriorPrivate: read.Private,
		Config: rs.dv(rs.stateType, none), ProposedNewState: rs.dv(rs.stateType, none), PriorState: read.NewState}
	answer, err := rs.server.PlanResourceChange(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if len(answer.Diagnostics) != 1 || answer.Diagnostics[0].Severity != tfprotov6.DiagnosticSeverityWarning {
		t.Fatalf("diagnostics %v, want one warning", answer.Diagnostics)
	}
	return answer.Diagnostics[0].Detail
}

func TestDestroyPlanSaysWhatHappensToTheDraft(t *testing.T) {
	t.Parallel()
	if got := destroyPlanWarning(t, "1.16.4", nil); !strings.Contains(got, "It has no draft, so nothing is deleted") || !strings.Contains(got, "stays published") {
		t.Errorf("no draft: %s", got)
	}
	got := destroyPlanWarning(t, "1.16.4", func(m *mockmarketplace.Mock) {
		m.SetDraft(testProductID, []byte(`{"commonCloud": {"logDetails": {"loggingEnabled": false}}}`))
	})
	if !strings.Contains(got, "Its draft sha256:") || !strings.Contains(got, " is discarded") || !strings.Contains(got, "stays published") {
		t.Errorf("a draft: %s", got)
	}
	// A draft holding the live version as it is: discarded, and nothing is lost.
	got = destroyPlanWarning(t, "1.16.4", func(m *mockmarketplace.Mock) {
		m.SetDraft(testProductID, []byte(`{"commonCloud": {"logDetails": {"loggingEnabled": true}}}`))
	})
	if !strings.Contains(got, "holds the live version as it is") {
		t.Errorf("a draft like live: %s", got)
	}
}

// A publish cut short by the end of the apply's time gives one error, and the state
// records the draft written, so that the next plan publishes it.
func TestInterruptedPublishGivesOneError(t *testing.T) {
	t.Parallel()
	mock := startMock(t)
	mock.InjectFault(mockmarketplace.RoutePublish, mockmarketplace.Fault{Delay: 5 * time.Second})
	client, err := marketplace.New(marketplace.Config{BaseURL: mock.URL, Email: mockmarketplace.TestEmail, APIToken: mockmarketplace.TestAPIToken})
	if err != nil {
		t.Fatal(err)
	}
	shape := privacySecurityShape()
	ctx := context.Background()
	m, _ := modelFromValue(ctx, shape.nullState)
	m.ProductID, m.Publish = types.StringValue(testProductID), types.BoolValue(true)
	m.CommonCloudJSON = document.NewJSON(`{"logDetails": {"loggingEnabled": true}}`)
	cut, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
	defer cancel()
	res, diags := (&privacySecurityResource{client: client, snaps: newSnapshots(client)}).write(cut, m, nil, nil)
	state := res.state
	if len(diags) != 1 || !diags.HasError() {
		t.Errorf("diagnostics %v, want one error", diags)
	}
	if state == nil || state.VersionState.ValueString() != "draft" {
		t.Errorf("state %v, want the draft recorded", state)
	}
}

// A 200 whose body is a web page (a portal or login page at a wrong base_url) is final: it
// is not retried, and the message points at base_url with the URL asked.
func TestWebPageAnswerIsNotRetriedAndPointsAtBaseURL(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte("<!DOCTYPE html><html><body>Welcome to the portal</body></html>"))
	}))
	t.Cleanup(site.Close)
	client, err := marketplace.New(marketplace.Config{BaseURL: site.URL + "/portal", RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	_, getErr := client.Get(context.Background(), testProductID, marketplace.Live)
	if hits.Load() != 1 {
		t.Errorf("a web page answer was sent %d times, want once (not retried)", hits.Load())
	}
	var diags diag.Diagnostics
	addAPIError(&diags, "reading the live version", getErr)
	detail := diags[0].Detail()
	for _, want := range []string{"web page (text/html", "check base_url", EnvBaseURL, site.URL + "/portal/rest/3/privacy-and-security/products/" + testProductID} {
		if !strings.Contains(detail, want) {
			t.Errorf("detail lacks %q: %s", want, detail)
		}
	}
}

// A redirect off the API's host is not followed, and the message says where it pointed and
// that base_url is probably wrong.
func TestRedirectSaysWhereAndPointsAtBaseURL(t *testing.T) {
	t.Parallel()
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "https://login.example.com/sso?next="+r.URL.Path, http.StatusFound)
	}))
	t.Cleanup(site.Close)
	client, err := marketplace.New(marketplace.Config{BaseURL: site.URL})
	if err != nil {
		t.Fatal(err)
	}
	_, getErr := client.Get(context.Background(), testProductID, marketplace.Live)
	var diags diag.Diagnostics
	addAPIError(&diags, "reading the live version", getErr)
	detail := diags[0].Detail()
	for _, want := range []string{"302 Found, redirecting to https://login.example.com/sso", "base_url", "does not redirect", site.URL + "/rest/3/"} {
		if !strings.Contains(detail, want) {
			t.Errorf("detail lacks %q: %s", want, detail)
		}
	}
}

// A 429 whose Retry-After is longer than request_timeout is waited out: waiting for the rate
// limit is not part of a request's time, and not an attempt.
func TestRetryAfterLongerThanRequestTimeoutIsWaitedOut(t *testing.T) {
	t.Parallel()
	mock := mockmarketplace.Start(t)
	mock.SetLive(testProductID, []byte(`{"commonCloud":{}}`))
	mock.InjectFault(mockmarketplace.RouteGetLive, mockmarketplace.Fault{Status: 429, Header: http.Header{"Retry-After": {"2"}}, Times: 1})
	zero := 0
	client, err := marketplace.New(marketplace.Config{BaseURL: mock.URL, RequestTimeout: time.Second, MaxRetries: &zero})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.Get(context.Background(), testProductID, marketplace.Live); err != nil {
		t.Fatalf("Retry-After 2 with request_timeout 1s and max_retries 0: %v", err)
	}
	if n := mock.Count(mockmarketplace.RouteGetLive); n != 2 {
		t.Errorf("%d requests, want the 429 and the one after its Retry-After", n)
	}
}

// When the resource's timeouts end while the rate limit holds the request, the error says it
// was the rate limit, not a bare "context deadline exceeded".
func TestRateLimitOutlastingTimeoutsSaysSo(t *testing.T) {
	t.Parallel()
	mock := mockmarketplace.Start(t)
	mock.SetLive(testProductID, []byte(`{"commonCloud":{}}`))
	mock.InjectFault(mockmarketplace.RouteGetLive, mockmarketplace.Fault{Status: 429, Header: http.Header{"Retry-After": {"8"}}, Times: 1})
	client, err := marketplace.New(marketplace.Config{BaseURL: mock.URL, RequestTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
	defer cancel()
	_, getErr := client.Get(ctx, testProductID, marketplace.Live)
	var diags diag.Diagnostics
	addAPIError(&diags, "reading the live version", getErr)
	detail := diags[0].Detail()
	for _, want := range []string{"rate limit", "Retry-After", "timeouts", "-parallelism"} {
		if !strings.Contains(detail, want) {
			t.Errorf("detail lacks %q: %s", want, detail)
		}
	}
	if strings.Contains(detail, "request_timeout for one slow request") {
		t.Errorf("blames request_timeout: %s", detail)
	}
}

// A plan that publishes a pending draft without writing it (the configuration holds the
// draft, publish = true) says so, naming the draft and the fields of the listing that change:
// the attributes show no change of the document, since the state describes that draft.
func TestPublishOnlyPlanSaysWhatGoesPublic(t *testing.T) {
	t.Parallel()
	rs := newRPCServerFor(t, "1.16.4")
	draft := `{"logDetails": {"loggingEnabled": true, "logRetention": "30_DAYS"}}`
	rs.mock.SetLive(testProductID, []byte(`{"commonCloud": {"logDetails": {"loggingEnabled": true, "logRetention": "7_DAYS"}}}`))
	rs.mock.SetDraft(testProductID, []byte(`{"commonCloud": `+draft+`}`))
	config := map[string]tftypes.Value{"product_id": tfStr(testProductID), "publish": tftypes.NewValue(tftypes.Bool, true),
		"common_cloud_json": tfStr(draft)}
	prior := map[string]tftypes.Value{"version_state": tfStr("draft")}
	for k, v := range config {
		prior[k] = v
	}
	read, err := rs.server.ReadResource(context.Background(), &tfprotov6.ReadResourceRequest{TypeName: "marketplace_privacy_security",
		CurrentState: rs.dv(rs.stateType, rs.state(prior))})
	if err != nil || len(read.Diagnostics) > 0 {
		t.Fatalf("refresh: %v %v", err, read.Diagnostics)
	}
	answer, err := rs.server.PlanResourceChange(context.Background(), &tfprotov6.PlanResourceChangeRequest{
		TypeName: "marketplace_privacy_security", PriorPrivate: read.Private, PriorState: read.NewState,
		Config: rs.dv(rs.stateType, rs.state(config)), ProposedNewState: read.NewState})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range answer.Diagnostics {
		got = append(got, d.Summary+": "+d.Detail)
	}
	text := strings.Join(got, "\n")
	for _, want := range []string{"Publishing the draft of " + testProductID, "this apply writes nothing and publishes the pending draft sha256:",
		`On the public listing, 1 field(s) change: logDetails.logRetention ("7_DAYS" -> "30_DAYS")`} {
		if !strings.Contains(text, want) {
			t.Errorf("the plan's diagnostics lack %q:\n%s", want, text)
		}
	}
}
