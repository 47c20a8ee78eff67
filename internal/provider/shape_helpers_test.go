package provider

import (
	"context"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// resourceShape is what the resource's schemas imply, for tests that build plan and state
// values by hand.
type resourceShape struct {
	schema         schema.Schema
	identitySchema identityschema.Schema
	stateType      tftypes.Object
	identityType   tftypes.Object
	nullState      tftypes.Value // every attribute null
}

var privacySecurityShape = sync.OnceValue(func() *resourceShape {
	ctx := context.Background()
	sh := &resourceShape{schema: privacySecurityResourceSchema(ctx), identitySchema: privacySecurityIdentitySchema()}
	sh.stateType = sh.schema.Type().TerraformType(ctx).(tftypes.Object)
	sh.identityType = sh.identitySchema.Type().TerraformType(ctx).(tftypes.Object)
	nulls := make(map[string]tftypes.Value, len(sh.stateType.AttributeTypes))
	for name, typ := range sh.stateType.AttributeTypes {
		nulls[name] = tftypes.NewValue(typ, nil)
	}
	sh.nullState = tftypes.NewValue(sh.stateType, nulls)
	return sh
})

// modelFromValue is the model of a plan or state value, read as the resource reads it.
func modelFromValue(ctx context.Context, v tftypes.Value) (*privacySecurityResourceModel, diag.Diagnostics) {
	var m privacySecurityResourceModel
	diags := tfsdk.State{Schema: privacySecurityShape().schema, Raw: v}.Get(ctx, &m)
	if diags.HasError() {
		return nil, diags
	}
	return &m, diags
}

// value is the model as a plan or state value, written as the resource writes it.
func (m *privacySecurityResourceModel) value(ctx context.Context) (tftypes.Value, diag.Diagnostics) {
	state := tfsdk.State{Schema: privacySecurityShape().schema, Raw: privacySecurityShape().nullState}
	diags := state.Set(ctx, m)
	return state.Raw, diags
}

// identityValue is the resource's identity for a product ID.
func identityValue(productID types.String) tftypes.Value {
	id, _ := productID.ToTerraformValue(context.Background())
	return tftypes.NewValue(privacySecurityShape().identityType, map[string]tftypes.Value{"product_id": id})
}
