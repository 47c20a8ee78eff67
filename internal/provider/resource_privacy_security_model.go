package provider

import (
	"context"
	"fmt"
	"maps"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// The resource's model is read from and written to Terraform values by hand, field by
// field, instead of through tfsdk's Get and Set: those discover the struct by reflection
// and rebuild the schema's whole type on every call, which at hundreds of resources was
// the largest cost left in the resource's own methods. resource_privacy_security_model_test.go
// checks that both give the same model and the same value.

// resourceShape is what the resource's schemas imply, built once for the process, for the
// model conversion below.
type resourceShape struct {
	schema         schema.Schema
	identitySchema identityschema.Schema
	attrTypes      map[string]attr.Type // by attribute or block name
	stateType      tftypes.Object
	identityType   tftypes.Object
	nullState      tftypes.Value // every attribute null
}

var privacySecurityShape = sync.OnceValue(func() *resourceShape {
	ctx := context.Background()
	sh := &resourceShape{schema: privacySecurityResourceSchema(ctx), identitySchema: privacySecurityIdentitySchema()}
	sh.attrTypes = make(map[string]attr.Type, len(sh.schema.Attributes)+len(sh.schema.Blocks))
	for name, a := range sh.schema.Attributes {
		sh.attrTypes[name] = a.GetType()
	}
	for name, b := range sh.schema.Blocks {
		sh.attrTypes[name] = b.Type()
	}
	// A schema's type is always an object; a panic here, at the first use, is a bug in
	// the schema and fails every test.
	stateType, ok1 := sh.schema.Type().TerraformType(ctx).(tftypes.Object)
	identityType, ok2 := sh.identitySchema.Type().TerraformType(ctx).(tftypes.Object)
	if !ok1 || !ok2 {
		panic("the resource's schema or identity schema is not an object type")
	}
	sh.stateType, sh.identityType = stateType, identityType
	nulls := make(map[string]tftypes.Value, len(sh.stateType.AttributeTypes))
	for name, typ := range sh.stateType.AttributeTypes {
		nulls[name] = tftypes.NewValue(typ, nil)
	}
	sh.nullState = tftypes.NewValue(sh.stateType, nulls)
	return sh
})

// modelFromValue is the model of a plan or state value.
func modelFromValue(ctx context.Context, v tftypes.Value) (*privacySecurityResourceModel, diag.Diagnostics) {
	var diags diag.Diagnostics
	attrTypes := privacySecurityShape().attrTypes
	raw, ok := attributes(v)
	if !ok {
		diags.AddError("Unexpected resource value", fmt.Sprintf("Expected a known object, got %s.", v))
		return nil, diags
	}
	value := func(name string) attr.Value {
		out, err := attrTypes[name].ValueFromTerraform(ctx, raw[name])
		if err != nil {
			diags.AddError("Unexpected resource value", fmt.Sprintf("Attribute %s: %s.", name, err))
		}
		return out
	}
	m := &privacySecurityResourceModel{}
	var okID, okProduct, okPublish, okCC, okJSON, okVersion, okBasis, okProps, okDigest, okTimeouts bool
	m.ID, okID = value("id").(types.String)
	m.ProductID, okProduct = value("product_id").(types.String)
	m.Publish, okPublish = value("publish").(types.Bool)
	m.CommonCloud, okCC = value("common_cloud").(types.Object)
	m.CommonCloudJSON, okJSON = value("common_cloud_json").(commonCloudJSON)
	m.VersionState, okVersion = value("version_state").(types.String)
	m.Basis, okBasis = value("basis").(types.String)
	m.Properties, okProps = value("properties").(types.Object)
	m.DraftDigest, okDigest = value("draft_digest").(types.String)
	m.Timeouts, okTimeouts = value("timeouts").(timeouts.Value)
	allHeld := okID && okProduct && okPublish && okCC && okJSON && okVersion && okBasis && okProps && okDigest && okTimeouts
	if !diags.HasError() && !allHeld {
		diags.AddError("Unexpected resource value", "An attribute has a type the model does not hold.")
	}
	if diags.HasError() {
		return nil, diags
	}
	return m, diags
}

// value is the model as a plan or state value.
func (m *privacySecurityResourceModel) value(ctx context.Context) (tftypes.Value, diag.Diagnostics) {
	var diags diag.Diagnostics
	typ := privacySecurityShape().stateType
	out := make(map[string]tftypes.Value, len(typ.AttributeTypes))
	for name, v := range map[string]attr.Value{
		"id": m.ID, "product_id": m.ProductID, "publish": m.Publish, "common_cloud": m.CommonCloud,
		"common_cloud_json": m.CommonCloudJSON, "version_state": m.VersionState, "basis": m.Basis, "properties": m.Properties, "timeouts": m.Timeouts,
		"draft_digest": m.DraftDigest,
	} {
		tv, err := v.ToTerraformValue(ctx)
		if err != nil {
			diags.AddError("Cannot encode the resource's state", fmt.Sprintf("Attribute %s: %s.", name, err))
			continue
		}
		out[name] = tv
	}
	if err := tftypes.ValidateValue(typ, out); err != nil {
		diags.AddError("Cannot encode the resource's state", err.Error())
	}
	if diags.HasError() {
		return tftypes.Value{}, diags
	}
	return tftypes.NewValue(typ, out), diags
}

// attributes returns a copy of the attributes of a known, non-null object value (As
// shares the value's own map, which must not change under it).
func attributes(v tftypes.Value) (map[string]tftypes.Value, bool) {
	var shared map[string]tftypes.Value
	if !v.IsKnown() || v.IsNull() || v.As(&shared) != nil {
		return nil, false
	}
	return maps.Clone(shared), true
}

// identityValue is the resource's identity: its product ID.
func identityValue(productID types.String) tftypes.Value {
	id, _ := productID.ToTerraformValue(context.Background())
	return tftypes.NewValue(privacySecurityShape().identityType, map[string]tftypes.Value{"product_id": id})
}
