package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/attr/xattr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// ValidateResourceConfig runs the same checks as the framework (the resource's config
// validators, then every attribute's and block's validators, in the schema), walking the
// configuration once instead of looking every value up by path from the root. Terraform
// sends it for every resource in every plan and apply; at 500 resources the framework's
// walk was a quarter of the provider's CPU.
func (s *fastServer) ValidateResourceConfig(ctx context.Context, req *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	if req.TypeName != s.typeName || req.Config == nil {
		return s.ProviderServer.ValidateResourceConfig(ctx, req)
	}
	config, ok := decode(req.Config, s.stateType)
	if !ok {
		return s.ProviderServer.ValidateResourceConfig(ctx, req)
	}
	v := configValidation{ctx: ctx, config: tfsdk.Config{Schema: s.schema, Raw: config}}
	if req.ClientCapabilities != nil {
		v.capabilities.WriteOnlyAttributesAllowed = req.ClientCapabilities.WriteOnlyAttributesAllowed
	}
	r := &privacySecurityResource{}
	for _, cv := range r.ConfigValidators(ctx) {
		var resp resource.ValidateConfigResponse
		cv.ValidateResource(ctx, resource.ValidateConfigRequest{Config: v.config}, &resp)
		v.diags.Append(resp.Diagnostics...)
	}
	var attrs map[string]tftypes.Value
	if !config.IsKnown() || config.IsNull() || config.As(&attrs) != nil {
		return s.ProviderServer.ValidateResourceConfig(ctx, req)
	}
	if !v.children(path.Empty(), s.schema.Attributes, s.schema.Blocks, attrs) {
		return s.ProviderServer.ValidateResourceConfig(ctx, req) // a schema element not handled here
	}
	enc := encoder{ctx: ctx}
	return &tfprotov6.ValidateResourceConfigResponse{Diagnostics: enc.diagnostics(v.diags)}, nil
}

type configValidation struct {
	ctx          context.Context
	config       tfsdk.Config
	capabilities validator.ValidateSchemaClientCapabilities
	diags        diag.Diagnostics
}

// children validates the attributes and blocks of one object; raw holds its values (nil
// when the object is null or unknown: then each child is too, as the framework reads it).
func (v *configValidation) children(p path.Path, attributes map[string]schema.Attribute, blocks map[string]schema.Block, raw map[string]tftypes.Value) bool {
	for name, a := range attributes {
		if !v.attribute(p.AtName(name), a, childValue(raw, name, a.GetType())) {
			return false
		}
	}
	for name, b := range blocks {
		if !v.block(p.AtName(name), b, childValue(raw, name, b.Type())) {
			return false
		}
	}
	return true
}

func childValue(raw map[string]tftypes.Value, name string, typ attr.Type) tftypes.Value {
	if v, ok := raw[name]; ok {
		return v
	}
	return tftypes.NewValue(typ.TerraformType(context.Background()), nil)
}

// value is what the framework's ValueAtPath gives: the attribute's value, checked by its
// type when the type validates (jsontypes checks JSON syntax). ok is false when that
// check failed, which ends the attribute's validation as in the framework.
func (v *configValidation) value(p path.Path, typ attr.Type, raw tftypes.Value) (attr.Value, bool) {
	value, err := typ.ValueFromTerraform(v.ctx, raw)
	if err != nil {
		v.diags.AddAttributeError(p, "Value Conversion Error", "An unexpected error was encountered trying to convert "+
			"the configuration value: "+err.Error())
		return nil, false
	}
	if va, ok := value.(xattr.ValidateableAttribute); ok {
		var resp xattr.ValidateAttributeResponse
		va.ValidateAttribute(v.ctx, xattr.ValidateAttributeRequest{Path: p}, &resp)
		v.diags.Append(resp.Diagnostics...)
		if resp.Diagnostics.HasError() {
			return nil, false
		}
	}
	return value, true
}

func (v *configValidation) attribute(p path.Path, a schema.Attribute, raw tftypes.Value) bool {
	value, ok := v.value(p, a.GetType(), raw)
	if !ok {
		return true
	}
	if a.IsComputed() && !a.IsOptional() && !raw.IsNull() {
		v.diags.AddAttributeError(p, "Invalid Configuration for Read-Only Attribute",
			"Cannot set value for this attribute as the provider has marked it as read-only. Remove the configuration line setting the value.\n\n"+
				"Refer to the provider documentation or contact the provider developers for additional information about configurable and read-only attributes that are supported.")
	}
	if a.IsRequired() && raw.IsNull() {
		v.diags.AddAttributeError(p, "Missing Configuration for Required Attribute",
			fmt.Sprintf("Must set a configuration value for the %s attribute as the provider has marked it as required.\n\n", p.String())+
				"Refer to the provider documentation or contact the provider developers for additional information about configurable attributes that are required.")
	}
	if a.IsWriteOnly() || a.GetDeprecationMessage() != "" {
		return false
	}
	switch a := a.(type) {
	case schema.StringAttribute:
		sv, d := value.(basetypes.StringValuable).ToStringValue(v.ctx)
		if v.diags.Append(d...); d.HasError() {
			return true
		}
		req := validator.StringRequest{ClientCapabilities: v.capabilities, Config: v.config, ConfigValue: sv, Path: p, PathExpression: p.Expression()}
		for _, val := range a.Validators {
			var resp validator.StringResponse
			val.ValidateString(v.ctx, req, &resp)
			v.diags.Append(resp.Diagnostics...)
		}
	case schema.BoolAttribute:
		bv, d := value.(basetypes.BoolValuable).ToBoolValue(v.ctx)
		if v.diags.Append(d...); d.HasError() {
			return true
		}
		req := validator.BoolRequest{ClientCapabilities: v.capabilities, Config: v.config, ConfigValue: bv, Path: p, PathExpression: p.Expression()}
		for _, val := range a.Validators {
			var resp validator.BoolResponse
			val.ValidateBool(v.ctx, req, &resp)
			v.diags.Append(resp.Diagnostics...)
		}
	case schema.SetAttribute:
		sv, d := value.(basetypes.SetValuable).ToSetValue(v.ctx)
		if v.diags.Append(d...); d.HasError() {
			return true
		}
		req := validator.SetRequest{ClientCapabilities: v.capabilities, Config: v.config, ConfigValue: sv, Path: p, PathExpression: p.Expression()}
		for _, val := range a.Validators {
			var resp validator.SetResponse
			val.ValidateSet(v.ctx, req, &resp)
			v.diags.Append(resp.Diagnostics...)
		}
	case schema.ObjectAttribute:
		if len(a.Validators) > 0 {
			return false
		}
	case schema.SingleNestedAttribute:
		ov, d := value.(basetypes.ObjectValuable).ToObjectValue(v.ctx)
		if v.diags.Append(d...); d.HasError() {
			return true
		}
		v.objectValidators(p, a.Validators, ov)
		if ov.IsNull() || ov.IsUnknown() {
			return true
		}
		var raws map[string]tftypes.Value
		if raw.As(&raws) != nil {
			return false
		}
		return v.children(p, a.Attributes, nil, raws)
	default:
		return false
	}
	return true
}

func (v *configValidation) block(p path.Path, b schema.Block, raw tftypes.Value) bool {
	single, ok := b.(schema.SingleNestedBlock)
	if !ok || single.GetDeprecationMessage() != "" {
		return false
	}
	value, ok := v.value(p, b.Type(), raw)
	if !ok {
		return true
	}
	ov, d := value.(basetypes.ObjectValuable).ToObjectValue(v.ctx)
	if v.diags.Append(d...); d.HasError() {
		return true
	}
	v.objectValidators(p, single.Validators, ov)
	// A null or unknown block still has its attributes validated, as null or unknown.
	var raws map[string]tftypes.Value
	if raw.IsKnown() && !raw.IsNull() {
		if raw.As(&raws) != nil {
			return false
		}
	} else if !raw.IsKnown() {
		raws = map[string]tftypes.Value{}
		for name, a := range single.Attributes {
			raws[name] = tftypes.NewValue(a.GetType().TerraformType(v.ctx), tftypes.UnknownValue)
		}
		for name, nb := range single.Blocks {
			raws[name] = tftypes.NewValue(nb.Type().TerraformType(v.ctx), tftypes.UnknownValue)
		}
	}
	return v.children(p, single.Attributes, single.Blocks, raws)
}

func (v *configValidation) objectValidators(p path.Path, validators []validator.Object, ov basetypes.ObjectValue) {
	req := validator.ObjectRequest{ClientCapabilities: v.capabilities, Config: v.config, ConfigValue: ov, Path: p, PathExpression: p.Expression()}
	for _, val := range validators {
		var resp validator.ObjectResponse
		val.ValidateObject(v.ctx, req, &resp)
		v.diags.Append(resp.Diagnostics...)
	}
}
