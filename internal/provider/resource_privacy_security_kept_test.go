package provider

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/marketplace-trust/terraform-provider-marketplace/internal/document"
	"github.com/marketplace-trust/terraform-provider-marketplace/internal/marketplace"
	"github.com/marketplace-trust/terraform-provider-marketplace/internal/mockmarketplace"
)

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
	m.CommonCloudJSON = document.NewJSON(`{"logDetails": {"loggingEnabled": true}}`)
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
		m.ProductID, m.CommonCloudJSON = types.StringValue(testProductID), document.NewJSON(doc)
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
