package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/marketplace-trust/terraform-provider-marketplace/internal/fastpath"
	"github.com/marketplace-trust/terraform-provider-marketplace/internal/mockmarketplace"
)

// The fast path (internal/fastpath) must answer exactly as the framework would. These tests send
// the same requests to both servers, over the same mock started from the same documents,
// and compare everything: the answer's values, diagnostics, identity, private state, and
// the requests the mock saw with the documents it holds afterwards.

type twin struct {
	t         testing.TB
	mock      *mockmarketplace.Server
	framework tfprotov6.ProviderServer
	fast      tfprotov6.ProviderServer
	stateType tftypes.Object
	idType    tftypes.Object
}

func newTwin(t testing.TB) *twin {
	t.Helper()
	clock := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	mock := mockmarketplace.Serve(t, mockmarketplace.New(mockmarketplace.Options{
		Email: mockmarketplace.TestEmail, APIToken: mockmarketplace.TestAPIToken, Now: func() time.Time { return clock },
	}))
	mock.AddProduct(testProductID)
	env := mockEnv(mock)
	shape := privacySecurityShape()
	tw := &twin{
		t: t, mock: mock, framework: providerserver.NewProtocol6(newTestProvider(env))(), fast: newServer(newTestProvider(env)),
		stateType: shape.stateType, idType: shape.identityType,
	}
	ctx := context.Background()
	providerType := providerSchema().Type().TerraformType(ctx)
	nullConfig, err := tfprotov6.NewDynamicValue(providerType, tftypes.NewValue(providerType, map[string]tftypes.Value{
		"base_url": tftypes.NewValue(tftypes.String, nil), "email": tftypes.NewValue(tftypes.String, nil),
		"api_token": tftypes.NewValue(tftypes.String, nil), "max_retries": tftypes.NewValue(tftypes.Number, nil),
		"request_timeout": tftypes.NewValue(tftypes.String, nil),
	}))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []tfprotov6.ProviderServer{tw.framework, tw.fast} {
		if _, err := s.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{}); err != nil {
			t.Fatal(err)
		}
		resp, err := s.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{TerraformVersion: "1.5.7", Config: &nullConfig})
		if err != nil || len(resp.Diagnostics) > 0 {
			t.Fatalf("configure: %v %v", err, resp.Diagnostics)
		}
	}
	return tw
}

// state builds a value of the resource's type: attrs, everything else null.
func (tw *twin) state(attrs map[string]tftypes.Value) tftypes.Value {
	all := make(map[string]tftypes.Value, len(tw.stateType.AttributeTypes))
	for name, typ := range tw.stateType.AttributeTypes {
		all[name] = tftypes.NewValue(typ, nil)
	}
	for name, v := range attrs {
		all[name] = v
	}
	return tftypes.NewValue(tw.stateType, all)
}

// with returns v with some attributes replaced.
func (tw *twin) with(v tftypes.Value, attrs map[string]tftypes.Value) tftypes.Value {
	all, ok := attributes(v)
	if !ok {
		tw.t.Fatal("not an object")
	}
	for name, a := range attrs {
		all[name] = a
	}
	return tftypes.NewValue(tw.stateType, all)
}

// proposed is what Terraform proposes from a configuration and the prior state: the
// configuration, with the prior value of every computed attribute left null in it.
func (tw *twin) proposed(config, prior tftypes.Value) tftypes.Value {
	if prior.IsNull() {
		return config
	}
	c, ok1 := attributes(config)
	p, ok2 := attributes(prior)
	if !ok1 || !ok2 {
		tw.t.Fatal("not objects")
	}
	// Every computed attribute, from the schema: a list written out here fell behind it once
	// (basis), and the twin then never proposed a plan equal to its prior state.
	for name, a := range privacySecurityShape().schema.Attributes {
		if a.IsComputed() && c[name].IsNull() {
			c[name] = p[name]
		}
	}
	return tftypes.NewValue(tw.stateType, c)
}

func (tw *twin) dv(typ tftypes.Type, v tftypes.Value) *tfprotov6.DynamicValue {
	dv, err := tfprotov6.NewDynamicValue(typ, v)
	if err != nil {
		tw.t.Fatal(err)
	}
	return &dv
}

func (tw *twin) identityOf(productID string) *tfprotov6.ResourceIdentityData {
	return &tfprotov6.ResourceIdentityData{IdentityData: tw.dv(tw.idType, tftypes.NewValue(tw.idType, map[string]tftypes.Value{
		"product_id": tftypes.NewValue(tftypes.String, productID),
	}))}
}

// document is common_cloud holding the API JSON doc.
func (tw *twin) document(doc string) tftypes.Value {
	var m map[string]any
	if err := json.Unmarshal([]byte(doc), &m); err != nil {
		tw.t.Fatal(err)
	}
	obj, diags := documentFromAPI(m)
	if diags.HasError() {
		tw.t.Fatal(diags)
	}
	v, err := obj.ToTerraformValue(context.Background())
	if err != nil {
		tw.t.Fatal(err)
	}
	return v
}

// run calls one RPC on both servers from the same mock state (setup is applied before
// each) and fails the test on any difference.
func (tw *twin) run(name string, setup func(*mockmarketplace.Mock), call func(tfprotov6.ProviderServer) any) any {
	tw.t.Helper()
	start := tw.mock.Snapshot()
	type outcome struct {
		answer   string
		requests []mockmarketplace.Request
		after    map[string]mockmarketplace.ProductState
	}
	var outcomes [2]outcome
	var answers [2]any
	for i, s := range []tfprotov6.ProviderServer{tw.framework, tw.fast} {
		if err := tw.mock.Restore(start); err != nil {
			tw.t.Fatal(err)
		}
		tw.mock.ResetRequests()
		tw.mock.ClearFaults()
		if setup != nil {
			setup(tw.mock.Mock)
		}
		answers[i] = call(s)
		outcomes[i] = outcome{answer: tw.describe(answers[i]), requests: tw.mock.Requests(), after: tw.mock.Snapshot()}
	}
	tw.mock.ClearFaults()
	if outcomes[0].answer != outcomes[1].answer {
		tw.t.Errorf("%s: answers differ\nframework: %s\nfast path: %s", name, outcomes[0].answer, outcomes[1].answer)
	}
	if !reflect.DeepEqual(outcomes[0].requests, outcomes[1].requests) {
		tw.t.Errorf("%s: requests differ\nframework: %v\nfast path: %v", name, outcomes[0].requests, outcomes[1].requests)
	}
	if !reflect.DeepEqual(outcomes[0].after, outcomes[1].after) {
		tw.t.Errorf("%s: stored documents differ\nframework: %v\nfast path: %v", name, outcomes[0].after, outcomes[1].after)
	}
	return answers[1]
}

// describe renders an answer with its values decoded, so that equal values encoded
// differently would not count as a difference, and a difference reads plainly.
func (tw *twin) describe(answer any) string {
	value := func(dv *tfprotov6.DynamicValue, typ tftypes.Type) string {
		if dv == nil {
			return "<nil>"
		}
		v, err := dv.Unmarshal(typ)
		if err != nil {
			return "undecodable: " + err.Error()
		}
		return v.String()
	}
	identity := func(id *tfprotov6.ResourceIdentityData) string {
		if id == nil {
			return "<nil>"
		}
		return value(id.IdentityData, tw.idType)
	}
	diags := func(ds []*tfprotov6.Diagnostic) string {
		out := ""
		for _, d := range ds {
			out += fmt.Sprintf("[%v %q %q at %v] ", d.Severity, d.Summary, d.Detail, d.Attribute)
		}
		return out
	}
	switch a := answer.(type) {
	case *tfprotov6.PlanResourceChangeResponse:
		return fmt.Sprintf("planned=%s replace=%v private=%q identity=%s deferred=%v diags=%s",
			value(a.PlannedState, tw.stateType), a.RequiresReplace, a.PlannedPrivate, identity(a.PlannedIdentity), a.Deferred, diags(a.Diagnostics))
	case *tfprotov6.ReadResourceResponse:
		return fmt.Sprintf("state=%s private=%q identity=%s deferred=%v diags=%s",
			value(a.NewState, tw.stateType), a.Private, identity(a.NewIdentity), a.Deferred, diags(a.Diagnostics))
	case *tfprotov6.ApplyResourceChangeResponse:
		return fmt.Sprintf("state=%s private=%q identity=%s diags=%s",
			value(a.NewState, tw.stateType), a.Private, identity(a.NewIdentity), diags(a.Diagnostics))
	}
	return fmt.Sprintf("%#v", answer)
}

func (tw *twin) plan(name string, config, prior tftypes.Value, priorIdentity *tfprotov6.ResourceIdentityData) tftypes.Value {
	tw.t.Helper()
	req := &tfprotov6.PlanResourceChangeRequest{
		TypeName: "marketplace_privacy_security", Config: tw.dv(tw.stateType, config),
		ProposedNewState: tw.dv(tw.stateType, tw.proposed(config, prior)), PriorState: tw.dv(tw.stateType, prior),
		PriorIdentity: priorIdentity,
	}
	answer := tw.run("plan "+name, nil, func(s tfprotov6.ProviderServer) any {
		resp, err := s.PlanResourceChange(context.Background(), req)
		if err != nil {
			tw.t.Fatal(err)
		}
		return resp
	}).(*tfprotov6.PlanResourceChangeResponse)
	planned, err := answer.PlannedState.Unmarshal(tw.stateType)
	if err != nil {
		tw.t.Fatal(err)
	}
	return planned
}

func (tw *twin) read(name string, setup func(*mockmarketplace.Mock), current tftypes.Value, identity *tfprotov6.ResourceIdentityData) {
	tw.t.Helper()
	req := &tfprotov6.ReadResourceRequest{
		TypeName: "marketplace_privacy_security", CurrentState: tw.dv(tw.stateType, current), CurrentIdentity: identity,
	}
	tw.run("read "+name, setup, func(s tfprotov6.ProviderServer) any {
		resp, err := s.ReadResource(context.Background(), req)
		if err != nil {
			tw.t.Fatal(err)
		}
		return resp
	})
}

// apply plans config against prior (on both servers, compared), applies the plan on
// both, and leaves the mock as the fast path's apply left it; it returns the new state.
func (tw *twin) apply(name string, setup func(*mockmarketplace.Mock), config, prior tftypes.Value, identity *tfprotov6.ResourceIdentityData) tftypes.Value {
	tw.t.Helper()
	return tw.applyWithPrivate(name, setup, config, prior, identity, nil)
}

// applyWithPrivate is apply with the private state the plan hands to the apply (what a
// refresh recorded, for an update).
func (tw *twin) applyWithPrivate(name string, setup func(*mockmarketplace.Mock), config, prior tftypes.Value, identity *tfprotov6.ResourceIdentityData, private []byte) tftypes.Value {
	tw.t.Helper()
	planned := tw.plan(name, config, prior, identity)
	planIdentity := identity
	req := &tfprotov6.ApplyResourceChangeRequest{
		TypeName: "marketplace_privacy_security", Config: tw.dv(tw.stateType, config),
		PlannedState: tw.dv(tw.stateType, planned), PriorState: tw.dv(tw.stateType, prior), PlannedIdentity: planIdentity,
		PlannedPrivate: private,
	}
	answer := tw.run("apply "+name, setup, func(s tfprotov6.ProviderServer) any {
		resp, err := s.ApplyResourceChange(context.Background(), req)
		if err != nil {
			tw.t.Fatal(err)
		}
		return resp
	}).(*tfprotov6.ApplyResourceChangeResponse)
	if answer.NewState == nil {
		return tftypes.NewValue(tw.stateType, nil)
	}
	state, err := answer.NewState.Unmarshal(tw.stateType)
	if err != nil {
		tw.t.Fatal(err)
	}
	return state
}

const (
	twinDoc     = `{"logDetails": {"loggingEnabled": true, "logRetention": "30_DAYS"}, "security": {"compliantCertifications": ["SOC2", "ISO27001"], "hasCompliantCertifications": true}}`
	twinChanged = `{"logDetails": {"loggingEnabled": true, "logRetention": "90_DAYS"}, "security": {"compliantCertifications": ["SOC2", "ISO27001"], "hasCompliantCertifications": true}}`
)

func tfStr(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }

func TestFastPathAnswersAsTheFramework(t *testing.T) {
	t.Parallel()
	tw := newTwin(t)
	bool_ := func(b bool) tftypes.Value { return tftypes.NewValue(tftypes.Bool, b) }
	typed := tw.state(map[string]tftypes.Value{"product_id": tfStr(testProductID), "common_cloud": tw.document(twinDoc)})
	none := tftypes.NewValue(tw.stateType, nil)
	identity := tw.identityOf(testProductID)

	// A create the API refuses, then one that works, then the plans and reads a created
	// resource meets.
	tw.apply("create refused", func(m *mockmarketplace.Mock) {
		m.InjectFault(mockmarketplace.RoutePut, mockmarketplace.Fault{Status: http.StatusBadRequest, Body: `{"message": "bad"}`})
	}, typed, none, nil)
	state := tw.apply("create", nil, typed, none, nil)
	tw.plan("no change", typed, state, identity)
	tw.plan("no change, identity missing (state from before identities)", typed, state, nil)
	tw.read("no drift", nil, state, identity)
	tw.read("no drift, identity missing", nil, state, nil)
	tw.read("drift", func(m *mockmarketplace.Mock) {
		m.SetDraft(testProductID, []byte(`{"commonCloud": `+twinChanged+`}`))
	}, state, identity)
	tw.read("draft gone, live left", func(m *mockmarketplace.Mock) {
		m.SetLive(testProductID, []byte(`{"commonCloud": `+twinDoc+`}`))
		if err := m.Restore(map[string]mockmarketplace.ProductState{testProductID: {Live: m.Live(testProductID)}}); err != nil {
			t.Fatal(err)
		}
	}, state, identity)
	tw.read("gone", func(m *mockmarketplace.Mock) {
		if err := m.Restore(map[string]mockmarketplace.ProductState{testProductID: {}}); err != nil {
			t.Fatal(err)
		}
	}, state, identity)
	tw.read("API error", func(m *mockmarketplace.Mock) {
		m.InjectFault(mockmarketplace.RouteGetDraft, mockmarketplace.Fault{Status: http.StatusForbidden})
	}, state, identity)

	changed := tw.with(typed, map[string]tftypes.Value{"common_cloud": tw.document(twinChanged)})
	tw.plan("document changed", changed, state, identity)
	tw.plan("product replaced", tw.with(typed, map[string]tftypes.Value{"product_id": tfStr("87654321-4321-4321-4321-cba987654321")}), state, identity)
	tw.plan("publish turned on", tw.with(typed, map[string]tftypes.Value{"publish": bool_(true)}), state, identity)
	tw.plan("publish unknown", tw.with(typed, map[string]tftypes.Value{"publish": tftypes.NewValue(tftypes.Bool, tftypes.UnknownValue)}), state, identity)
	tw.plan("document unknown", tw.with(typed, map[string]tftypes.Value{
		"common_cloud": tftypes.NewValue(tw.stateType.AttributeTypes["common_cloud"], tftypes.UnknownValue),
	}), state, identity)
	tw.plan("timeouts set", tw.with(typed, map[string]tftypes.Value{"timeouts": tftypes.NewValue(tw.stateType.AttributeTypes["timeouts"], map[string]tftypes.Value{
		"create": tfStr("1m"), "read": tftypes.NewValue(tftypes.String, nil), "update": tftypes.NewValue(tftypes.String, nil), "delete": tftypes.NewValue(tftypes.String, nil),
	})}), state, identity)
	tw.plan("create with unknown product", tw.with(typed, map[string]tftypes.Value{"product_id": tftypes.NewValue(tftypes.String, tftypes.UnknownValue)}), none, nil)

	// Updates: the document, then publishing it, then a publish that fails after the PUT.
	state = tw.apply("update document", nil, changed, state, identity)
	published := tw.with(changed, map[string]tftypes.Value{"publish": bool_(true)})
	state = tw.apply("publish only", nil, published, state, identity)
	tw.plan("publish removed from the configuration", changed, state, identity)
	tw.apply("PUT refused", func(m *mockmarketplace.Mock) {
		m.InjectFault(mockmarketplace.RoutePut, mockmarketplace.Fault{Status: http.StatusBadRequest, Body: `{"message": "bad"}`})
	}, tw.with(published, map[string]tftypes.Value{"common_cloud": tw.document(twinDoc)}), state, identity)
	failedPublish := tw.with(published, map[string]tftypes.Value{"common_cloud": tw.document(twinDoc)})
	pending := tw.apply("publish fails after the PUT", func(m *mockmarketplace.Mock) {
		m.InjectFault(mockmarketplace.RoutePublish, mockmarketplace.Fault{Status: http.StatusInternalServerError})
	}, failedPublish, state, identity)
	// The draft is recorded with the publish pending: the plan of the same configuration,
	// where no attribute changed, still publishes (both servers past their no-change exits).
	planned := tw.plan("publish pending after a failed publish", failedPublish, pending, identity)
	var plannedAttrs map[string]tftypes.Value
	var versionState string
	if err := planned.As(&plannedAttrs); err != nil || plannedAttrs["version_state"].As(&versionState) != nil || versionState != "live" {
		t.Errorf("the plan of a pending publish: version_state %q (%v), want live", versionState, err)
	}
	// An update with what the refresh recorded in private state, over a draft that holds a
	// field the typed form does not model: the PUT keeps it.
	recorded, err := json.Marshal(map[string][]byte{privateUnmanaged: []byte(`{"hasRestAPIExtension":true}`)})
	if err != nil {
		t.Fatal(err)
	}
	tw.mock.SetDraft(testProductID, []byte(`{"commonCloud": {"hasRestAPIExtension": true, "logDetails": {"loggingEnabled": true}}}`))
	tw.applyWithPrivate("update with a recorded unmanaged field", nil, tw.with(changed, map[string]tftypes.Value{"common_cloud": tw.document(twinDoc)}), state, identity, recorded)
	if draft := string(tw.mock.Draft(testProductID)); !strings.Contains(draft, `"hasRestAPIExtension":true`) {
		t.Errorf("the recorded field was not kept by the update: %s", draft)
	}

	// The JSON form, with keys the server adds and text that differs only in layout.
	jsonConfig := tw.state(map[string]tftypes.Value{"product_id": tfStr(testProductID), "common_cloud_json": tfStr(twinDoc)})
	state = tw.apply("create, JSON form", nil, jsonConfig, none, nil)
	relaid := tw.with(jsonConfig, map[string]tftypes.Value{"common_cloud_json": tfStr("{\n  \"security\": {\"hasCompliantCertifications\": true, \"compliantCertifications\": [\"SOC2\", \"ISO27001\"]},\n  \"logDetails\": {\"logRetention\": \"30_DAYS\", \"loggingEnabled\": true}\n}")})
	tw.plan("JSON relaid out", relaid, state, identity)
	tw.apply("JSON relaid out", nil, relaid, state, identity)
	tw.read("JSON, server added a key", func(m *mockmarketplace.Mock) {
		var body map[string]any
		if err := json.Unmarshal(m.Draft(testProductID), &body); err != nil {
			t.Fatal(err)
		}
		body["commonCloud"].(map[string]any)["addedByServer"] = "x"
		raw, _ := json.Marshal(body)
		m.SetDraft(testProductID, raw)
	}, state, identity)
}

// validate sends config to both servers' ValidateResourceConfig and fails on any
// difference in the diagnostics (in any order: the framework's own order is that of a
// map). It returns them, for the caller to check that the case tested what it meant to.
func (tw *twin) validate(name string, config tftypes.Value) []string {
	tw.t.Helper()
	req := &tfprotov6.ValidateResourceConfigRequest{TypeName: "marketplace_privacy_security", Config: tw.dv(tw.stateType, config)}
	var got [2][]string
	for i, s := range []tfprotov6.ProviderServer{tw.framework, tw.fast} {
		resp, err := s.ValidateResourceConfig(context.Background(), req)
		if err != nil {
			tw.t.Fatal(err)
		}
		for _, d := range resp.Diagnostics {
			got[i] = append(got[i], fmt.Sprintf("[%v %q %q at %v]", d.Severity, d.Summary, d.Detail, d.Attribute))
		}
		sort.Strings(got[i])
	}
	if !reflect.DeepEqual(got[0], got[1]) {
		tw.t.Errorf("validate %s: diagnostics differ\nframework: %v\nfast path: %v", name, got[0], got[1])
	}
	return got[1]
}

func TestFastValidationAnswersAsTheFramework(t *testing.T) {
	t.Parallel()
	tw := newTwin(t)
	typed := tw.state(map[string]tftypes.Value{"product_id": tfStr(testProductID), "common_cloud": tw.document(twinDoc)})
	ccType := tw.stateType.AttributeTypes["common_cloud"].(tftypes.Object)
	unknown := func(typ tftypes.Type) tftypes.Value { return tftypes.NewValue(typ, tftypes.UnknownValue) }
	timeouts := func(create string) tftypes.Value {
		null := tftypes.NewValue(tftypes.String, nil)
		return tftypes.NewValue(tw.stateType.AttributeTypes["timeouts"], map[string]tftypes.Value{"create": tfStr(create), "read": null, "update": null, "delete": null})
	}
	for _, c := range []struct {
		name      string
		config    tftypes.Value
		wantDiags bool
	}{
		{"valid, typed", typed, false},
		{"valid, JSON", tw.state(map[string]tftypes.Value{"product_id": tfStr(testProductID), "common_cloud_json": tfStr(twinDoc)}), false},
		{"both forms", tw.with(typed, map[string]tftypes.Value{"common_cloud_json": tfStr(twinDoc)}), true},
		{"neither form", tw.state(map[string]tftypes.Value{"product_id": tfStr(testProductID)}), true},
		{"product ID not a UUID", tw.with(typed, map[string]tftypes.Value{"product_id": tfStr("app-1")}), true},
		{"product ID missing", tw.with(typed, map[string]tftypes.Value{"product_id": tftypes.NewValue(tftypes.String, nil)}), true},
		{"product ID unknown", tw.with(typed, map[string]tftypes.Value{"product_id": unknown(tftypes.String)}), false},
		{"JSON not JSON", tw.state(map[string]tftypes.Value{"product_id": tfStr(testProductID), "common_cloud_json": tfStr(`{"logDetails": `)}), true},
		{"JSON sets properties", tw.state(map[string]tftypes.Value{"product_id": tfStr(testProductID), "common_cloud_json": tfStr(`{"properties": {}}`)}), true},
		// The document's rules are checked by the plan (checkPlannedDocument), not here.
		{"lower-case code, empty string, empty set", tw.with(typed, map[string]tftypes.Value{"common_cloud": tw.document(
			`{"logDetails": {"logRetention": "30 days", "loggingEnabled": true}, "dataResidency": {"dataResidencyRegions": ["", "EU"]}, "security": {"securityContact": "", "publicSecurityPoliciesLink": "ftp://x"}}`)}), false},
		{"conditional field missing", tw.with(typed, map[string]tftypes.Value{"common_cloud": tw.document(
			`{"thirdPartyInformation": {"dataSharing": true}, "privacy": {"dataProcessingAgreement": {"dpaAvailable": true}}, "security": {"hasCompliantCertifications": false, "compliantCertifications": ["SOC2"]}}`)}), false},
		{"empty document", tw.with(typed, map[string]tftypes.Value{"common_cloud": tftypes.NewValue(ccType, func() map[string]tftypes.Value {
			m := map[string]tftypes.Value{}
			for name, typ := range ccType.AttributeTypes {
				m[name] = tftypes.NewValue(typ, nil)
			}
			return m
		}())}), true},
		{"document unknown", tw.with(typed, map[string]tftypes.Value{"common_cloud": unknown(ccType)}), false},
		{"read-only attribute set", tw.with(typed, map[string]tftypes.Value{"version_state": tfStr("live")}), true},
		{"timeouts valid", tw.with(typed, map[string]tftypes.Value{"timeouts": timeouts("90s")}), false},
		{"timeouts invalid", tw.with(typed, map[string]tftypes.Value{"timeouts": timeouts("soon")}), true},
		{"timeouts unknown", tw.with(typed, map[string]tftypes.Value{"timeouts": unknown(tw.stateType.AttributeTypes["timeouts"])}), false},
	} {
		if diags := tw.validate(c.name, c.config); (len(diags) > 0) != c.wantDiags {
			t.Errorf("validate %s: diagnostics %v, want some: %v", c.name, diags, c.wantDiags)
		}
	}
}

// Whatever string the user writes, wherever it goes, both servers say the same about it.
func FuzzFastValidationMatchesFramework(f *testing.F) {
	for _, s := range []string{"", "USER_LEVEL", "user level", "https://example.com/x", "a@b.c", "12345678-1234-1234-1234-123456789abc",
		`{"properties":{}}`, `[`, "30s", "-1h", "\x00\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tw := newTwin(t)
		doc, err := json.Marshal(map[string]any{
			"logDetails":            map[string]any{"logRetention": s, "loggingEnabled": true},
			"security":              map[string]any{"securityContact": s, "compliantCertifications": []string{s, "SOC2"}},
			"thirdPartyInformation": map[string]any{"dataSharing": s == "", "dataSharingDescription": s},
		})
		if err != nil {
			t.Fatal(err)
		}
		null := tftypes.NewValue(tftypes.String, nil)
		tw.validate("fuzzed", tw.state(map[string]tftypes.Value{
			"product_id": tfStr(s), "common_cloud": tw.document(string(doc)),
			"timeouts": tftypes.NewValue(tw.stateType.AttributeTypes["timeouts"], map[string]tftypes.Value{"create": tfStr(s), "read": null, "update": null, "delete": null}),
		}))
		tw.validate("fuzzed JSON", tw.state(map[string]tftypes.Value{"product_id": tfStr(testProductID), "common_cloud_json": tfStr(s)}))
	})
}

// delegations counts the hot RPCs the fast path hands to the framework.
type delegations struct {
	tfprotov6.ProviderServer
	mu    sync.Mutex
	calls map[string]int
}

func (d *delegations) count(rpc string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.calls[rpc]++
}

func (d *delegations) ValidateResourceConfig(ctx context.Context, req *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	d.count("validate")
	return d.ProviderServer.ValidateResourceConfig(ctx, req)
}

func (d *delegations) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	d.count("plan")
	return d.ProviderServer.PlanResourceChange(ctx, req)
}

func (d *delegations) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	d.count("read")
	return d.ProviderServer.ReadResource(ctx, req)
}

func (d *delegations) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	d.count("apply")
	return d.ProviderServer.ApplyResourceChange(ctx, req)
}

// The fast path answers the common RPCs itself (its speed depends on it: answering them
// through the framework would still be correct, so no other test would notice), and hands
// a destroy to the framework.
func TestFastPathAnswersTheCommonRPCsItself(t *testing.T) {
	t.Parallel()
	tw := newTwin(t)
	fast := tw.fast.(*fastpath.Server)
	counted := &delegations{ProviderServer: fast.ProviderServer, calls: map[string]int{}}
	fast.ProviderServer = counted
	typed := tw.state(map[string]tftypes.Value{"product_id": tfStr(testProductID), "common_cloud": tw.document(twinDoc)})
	none := tftypes.NewValue(tw.stateType, nil)
	identity := tw.identityOf(testProductID)

	tw.validate("typed", typed)
	state := tw.apply("create", nil, typed, none, nil)
	tw.plan("no change", typed, state, identity)
	tw.read("no drift", nil, state, identity)
	tw.apply("update", nil, tw.with(typed, map[string]tftypes.Value{"common_cloud": tw.document(twinChanged)}), state, identity)
	if len(counted.calls) != 0 {
		t.Errorf("handed to the framework: %v; want none", counted.calls)
	}

	ctx := context.Background()
	_, err := tw.fast.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{
		TypeName: "marketplace_privacy_security", Config: tw.dv(tw.stateType, none), ProposedNewState: tw.dv(tw.stateType, none),
		PriorState: tw.dv(tw.stateType, state), PriorIdentity: identity,
	})
	if err != nil {
		t.Fatal(err)
	}
	if counted.calls["plan"] != 1 {
		t.Errorf("destroy plan: handed to the framework %d times, want 1", counted.calls["plan"])
	}
}

// The fast path answers every per-resource RPC of marketplace_privacy_security itself. A
// change to the resource that makes it hand one to the framework (a feature it does not
// handle) is correct but slow: this says which change, and what to do.
func TestFastPathHandlesEveryRPCOfTheResource(t *testing.T) {
	t.Parallel()
	s := newServer(newTestProvider(nil)).(*fastpath.Server)
	for typeName, rpcs := range s.Unsupported() {
		for rpc, reasons := range rpcs {
			t.Errorf("%s: %s is answered by the framework, not the fast path, because %s.\n"+
				"Either teach internal/fastpath to handle it (support.go lists what it handles; add a differential "+
				"case in internal/fastpath and in fastpath_test.go here), or change the resource so it does not need it. "+
				"Run make bench to see the cost.", typeName, rpc, strings.Join(reasons, "; "))
		}
	}
	if got, want := s.Handled()["marketplace_privacy_security"], fastpath.RPCs; len(got) != len(want) {
		t.Errorf("handled RPCs %v, want %v", got, want)
	}
}

// EnvFastPath=off leaves every RPC to the framework.
func TestFastPathCanBeTurnedOff(t *testing.T) {
	t.Parallel()
	for value, wantFast := range map[string]bool{"": true, "on": true, "off": false, "OFF": false, "false": false, "0": false} {
		_, fast := newServer(newTestProvider(map[string]string{EnvFastPath: value})).(*fastpath.Server)
		if fast != wantFast {
			t.Errorf("%s=%q: fast path in front: %v, want %v", EnvFastPath, value, fast, wantFast)
		}
	}
}
