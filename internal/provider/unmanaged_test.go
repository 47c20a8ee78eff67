package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/marketplace-trust/terraform-provider-marketplace/internal/marketplace"
	"github.com/marketplace-trust/terraform-provider-marketplace/internal/mockmarketplace"
)

func mustObject(t *testing.T, s string) map[string]any {
	t.Helper()
	m, err := decodeObject(s)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestSplitUnmanagedTypedForm(t *testing.T) {
	t.Parallel()
	doc := mustObject(t, `{"hasRestAPIExtension": true, "logDetails": {"logRetention": "30_DAYS"},
		"security": {"securityContact": "a@b.c", "newThing": {"x": 1}, "caiq": {"isCAIQCompleted": true, "extra": [1]}},
		"privacy": "not an object"}`)
	kept, paths := splitUnmanaged(doc, shapeOf(nil))
	want := mustObject(t, `{"hasRestAPIExtension": true, "security": {"newThing": {"x": 1}, "caiq": {"extra": [1]}}}`)
	if !reflect.DeepEqual(kept, want) {
		t.Errorf("kept %v, want %v", kept, want)
	}
	if !reflect.DeepEqual(paths, []string{"hasRestAPIExtension", "security.caiq.extra", "security.newThing"}) {
		t.Errorf("paths %v", paths)
	}
	if kept, paths := splitUnmanaged(mustObject(t, `{"logDetails": {"logRetention": "30_DAYS"}}`), shapeOf(nil)); kept != nil || paths != nil {
		t.Errorf("a fully modelled document kept %v %v", kept, paths)
	}
}

func TestSplitUnmanagedJSONForm(t *testing.T) {
	t.Parallel()
	config := `{"logDetails": {"loggingEnabled": true}, "security": {"securityContact": "a@b.c"}, "custom": {"a": 1}}`
	doc := mustObject(t, `{"logDetails": {"loggingEnabled": true, "logRetention": "30_DAYS"}, "security": {"securityContact": "x"},
		"custom": {"a": 2, "b": 3}, "dataResidency": {"dataResidencyRegions": ["EU"]}}`)
	kept, paths := splitUnmanaged(doc, shapeOf(&config))
	want := mustObject(t, `{"logDetails": {"logRetention": "30_DAYS"}, "custom": {"b": 3}, "dataResidency": {"dataResidencyRegions": ["EU"]}}`)
	if !reflect.DeepEqual(kept, want) {
		t.Errorf("kept %v, want %v", kept, want)
	}
	if !reflect.DeepEqual(paths, []string{"custom.b", "dataResidency", "logDetails.logRetention"}) {
		t.Errorf("paths %v", paths)
	}
}

func TestMergeAndThreeWayRemoval(t *testing.T) {
	t.Parallel()
	kept := mustObject(t, `{"security": {"newThing": 1}, "dataResidency": {"x": true}, "logDetails": {"other": 2}}`)
	prior := `{"security": {"securityContact": "a@b.c"}, "logDetails": {"loggingEnabled": true, "sensitiveDataLogging": false}}`
	next := `{"logDetails": {"loggingEnabled": false}}`
	// security was in the applied configuration and is gone from it: removed whole, what
	// others added below it included; logDetails stays managed, its other key is kept.
	dropped := dropRemovedKeys(kept, shapeOf(&prior), shapeOf(&next))
	if want := mustObject(t, `{"dataResidency": {"x": true}, "logDetails": {"other": 2}}`); !reflect.DeepEqual(dropped, want) {
		t.Errorf("after removal %v, want %v", dropped, want)
	}
	merged := mergeInto(dropped, mustObject(t, next))
	got, _ := json.Marshal(merged)
	if string(got) != `{"dataResidency":{"x":true},"logDetails":{"loggingEnabled":false,"other":2}}` {
		t.Errorf("merged %s", got)
	}
	// The typed form never drops (it keeps only what it does not model).
	if typed := dropRemovedKeys(kept, shapeOf(nil), shapeOf(&next)); !reflect.DeepEqual(typed, kept) {
		t.Errorf("typed prior changed kept: %v", typed)
	}
}

func TestChangedPaths(t *testing.T) {
	t.Parallel()
	before := mustObject(t, `{"a": {"b": 1, "c": ["X", "Y"]}, "d": "same", "gone": true}`)
	after := map[string]any{"a": map[string]any{"b": json.Number("2"), "c": []string{"Y", "X"}}, "d": "same", "new": "v"}
	if got := changedPaths(before, after); !reflect.DeepEqual(got, []string{"a.b", "gone", "new"}) {
		t.Errorf("changed %v", got)
	}
}

// A create with no read of its plan at hand (another process planned it, or too long ago)
// reads the current document itself, and keeps what the configuration does not manage.
func TestCreateWithoutThePlansReadReadsTheDocument(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	mock := startMock(t)
	mock.SetLive(testProductID, []byte(`{"commonCloud": {"hasRestAPIExtension": true, "logDetails": {"loggingEnabled": false}}}`))
	client, err := marketplace.New(marketplace.Config{BaseURL: mock.URL, Email: mockmarketplace.TestEmail, APIToken: mockmarketplace.TestAPIToken})
	if err != nil {
		t.Fatal(err)
	}
	shape := privacySecurityShape()
	m, diags := modelFromValue(ctx, shape.nullState)
	if diags.HasError() {
		t.Fatal(diags)
	}
	m.ProductID, m.Publish = types.StringValue(testProductID), types.BoolValue(false)
	m.CommonCloudJSON = newCommonCloudJSON(`{"logDetails": {"loggingEnabled": true}}`)
	plan, diags := m.value(ctx)
	if diags.HasError() {
		t.Fatal(diags)
	}
	resp := resource.CreateResponse{
		State:    tfsdk.State{Schema: shape.schema, Raw: shape.nullState},
		Identity: &tfsdk.ResourceIdentity{Schema: shape.identitySchema, Raw: tftypes.NewValue(shape.identityType, nil)},
	}
	resp.Private = emptyPrivate(resp.Private)
	(&privacySecurityResource{client: client, snaps: newSnapshots(client)}).Create(ctx, resource.CreateRequest{Plan: tfsdk.Plan{Schema: shape.schema, Raw: plan}}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	draft := string(mock.Draft(testProductID))
	if !strings.Contains(draft, `"hasRestAPIExtension":true`) || !strings.Contains(draft, `"loggingEnabled":true`) {
		t.Errorf("draft %s: the unmanaged field was lost or the change not written", draft)
	}
	if got := fmt.Sprint(mock.Requests()[:3]); !strings.Contains(got, "GET draft") || !strings.Contains(got, "GET live") || !strings.Contains(got, "PUT") {
		t.Errorf("requests %s: want the current document read before the PUT", got)
	}
}

// A warning never contradicts the plan: a key a colleague added under a key that the JSON
// configuration then drops is removed by the plan, and so not said to be kept.
func TestKeptFieldsWarningLeavesOutWhatThePlanRemoves(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	shape := privacySecurityShape()
	model := func(doc string) *privacySecurityResourceModel {
		m, _ := modelFromValue(ctx, shape.nullState)
		m.ProductID, m.CommonCloudJSON = types.StringValue(testProductID), newCommonCloudJSON(doc)
		return m
	}
	state := model(`{"logDetails": {"loggingEnabled": true}, "extra": {"y": 1}}`)
	plan := model(`{"logDetails": {"loggingEnabled": true}}`)
	recorded := fakePrivate{privateUnmanaged: []byte(`{"extra": {"z": "from the UI"}, "other": true}`)}
	var diags diag.Diagnostics
	announceKeptFromRecord(ctx, plan, state, recorded, &diags)
	if len(diags) != 1 {
		t.Fatalf("diagnostics %v, want the warning for other", diags)
	}
	if detail := diags[0].Detail(); strings.Contains(detail, "extra") || !strings.Contains(detail, "other") {
		t.Errorf("the warning says a removed key is kept, or leaves out a kept one: %s", detail)
	}
}

type fakePrivate map[string][]byte

func (f fakePrivate) GetKey(_ context.Context, key string) ([]byte, diag.Diagnostics) {
	return f[key], nil
}
