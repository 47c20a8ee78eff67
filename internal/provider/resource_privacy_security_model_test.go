package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// The hand-written conversion reads and writes exactly what tfsdk's reflection does.
func TestModelConversionMatchesTheFramework(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tw := newRPCServer(t)
	s := privacySecurityResourceSchema(ctx)
	unknown := func(name string) tftypes.Value {
		return tftypes.NewValue(tw.stateType.AttributeTypes[name], tftypes.UnknownValue)
	}
	typed := tw.state(map[string]tftypes.Value{"product_id": tfStr(testProductID), "common_cloud": tw.document(rpcDoc)})
	for name, v := range map[string]tftypes.Value{
		"typed config":      typed,
		"JSON config":       tw.state(map[string]tftypes.Value{"product_id": tfStr(testProductID), "common_cloud_json": tfStr(rpcDoc)}),
		"planned create":    tw.with(typed, map[string]tftypes.Value{"id": unknown("id"), "version_state": unknown("version_state"), "properties": unknown("properties"), "publish": tftypes.NewValue(tftypes.Bool, true)}),
		"unknown document":  tw.with(typed, map[string]tftypes.Value{"common_cloud": unknown("common_cloud")}),
		"timeouts set":      tw.with(typed, map[string]tftypes.Value{"timeouts": tftypes.NewValue(tw.stateType.AttributeTypes["timeouts"], map[string]tftypes.Value{"create": tfStr("1m"), "read": tftypes.NewValue(tftypes.String, nil), "update": tfStr("2m"), "delete": tftypes.NewValue(tftypes.String, nil)})}),
		"unknown timeouts":  tw.with(typed, map[string]tftypes.Value{"timeouts": unknown("timeouts")}),
		"state with values": tw.with(typed, map[string]tftypes.Value{"id": tfStr(testProductID), "version_state": tfStr("live"), "publish": tftypes.NewValue(tftypes.Bool, false)}),
	} {
		var viaFramework privacySecurityResourceModel
		if diags := (tfsdk.State{Schema: s, Raw: v}).Get(ctx, &viaFramework); diags.HasError() {
			t.Fatalf("%s: %v", name, diags)
		}
		byHand, diags := modelFromValue(ctx, v)
		if diags.HasError() {
			t.Fatalf("%s: %v", name, diags)
		}
		if !modelsEqual(&viaFramework, byHand) {
			t.Errorf("%s: read\nframework: %+v\nby hand:   %+v", name, viaFramework, *byHand)
		}
		out := tfsdk.State{Schema: s}
		if diags := out.Set(ctx, &viaFramework); diags.HasError() {
			t.Fatalf("%s: %v", name, diags)
		}
		written, diags := byHand.value(ctx)
		if diags.HasError() {
			t.Fatalf("%s: %v", name, diags)
		}
		if !written.Equal(out.Raw) || !written.Equal(v) {
			t.Errorf("%s: written\nframework: %s\nby hand:   %s\nread from: %s", name, out.Raw, written, v)
		}
	}
	if _, diags := modelFromValue(ctx, tftypes.NewValue(tw.stateType, nil)); !diags.HasError() {
		t.Error("a null value gave a model")
	}
}

func modelsEqual(a, b *privacySecurityResourceModel) bool {
	return a.ID.Equal(b.ID) && a.ProductID.Equal(b.ProductID) && a.Publish.Equal(b.Publish) && a.CommonCloud.Equal(b.CommonCloud) &&
		a.CommonCloudJSON.Equal(b.CommonCloudJSON) && a.VersionState.Equal(b.VersionState) && a.Properties.Equal(b.Properties) &&
		a.Timeouts.Equal(b.Timeouts)
}
