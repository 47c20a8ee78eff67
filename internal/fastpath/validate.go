package fastpath

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
// validators and ValidateConfig, then every attribute's and block's validators, in the
// schema), walking the configuration once instead of looking every value up by path from
// the root.
func (s *Server) ValidateResourceConfig(ctx context.Context, req *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	rt := s.handled(req.TypeName, Validate)
	if rt == nil || req.Config == nil {
		return s.ProviderServer.ValidateResourceConfig(ctx, req)
	}
	config, ok := decode(req.Config, rt.stateType)
	attrs, isObject := attributes(config)
	if !ok || !isObject {
		return s.ProviderServer.ValidateResourceConfig(ctx, req)
	}
	r, diags, ok := s.newResource(ctx, rt)
	if !ok {
		return s.ProviderServer.ValidateResourceConfig(ctx, req)
	}
	v := configValidation{ctx: ctx, config: tfsdk.Config{Schema: rt.schema, Raw: config}, diags: diags}
	validateReq := resource.ValidateConfigRequest{Config: v.config}
	if req.ClientCapabilities != nil {
		v.capabilities.WriteOnlyAttributesAllowed = req.ClientCapabilities.WriteOnlyAttributesAllowed
		validateReq.ClientCapabilities.WriteOnlyAttributesAllowed = req.ClientCapabilities.WriteOnlyAttributesAllowed
	}
	if withValidators, ok := r.(resource.ResourceWithConfigValidators); ok {
		for _, cv := range withValidators.ConfigValidators(ctx) {
			var resp resource.ValidateConfigResponse
			cv.ValidateResource(ctx, validateReq, &resp)
			v.diags.Append(resp.Diagnostics...)
		}
	}
	if withValidateConfig, ok := r.(resource.ResourceWithValidateConfig); ok {
		var resp resource.ValidateConfigResponse
		withValidateConfig.ValidateConfig(ctx, validateReq, &resp)
		v.diags.Append(resp.Diagnostics...)
	}
	if !v.children(path.Empty(), rt.schema.Attributes, rt.schema.Blocks, v.fromTerraform(path.Empty(), attrs)) {
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

// children validates the attributes and blocks of one object. raw holds its values, as
// Terraform values (the configuration's top level) or framework values (nested objects,
// converted once with their parent); a value missing there is null, or unknown when
// unknown is set, as the framework reads the attributes of a null or unknown block.
func (v *configValidation) children(p path.Path, attributes map[string]schema.Attribute, blocks map[string]schema.Block, raw func(name string, typ attr.Type) (attr.Value, bool)) bool {
	for name, a := range attributes {
		value, ok := raw(name, a.GetType())
		if ok && !v.attribute(p.AtName(name), a, value) {
			return false
		}
	}
	for name, b := range blocks {
		value, ok := raw(name, b.Type())
		if ok && !v.block(p.AtName(name), b, value) {
			return false
		}
	}
	return true
}

// fromTerraform reads children from Terraform values: the configuration's top level.
func (v *configValidation) fromTerraform(p path.Path, values map[string]tftypes.Value) func(string, attr.Type) (attr.Value, bool) {
	return func(name string, typ attr.Type) (attr.Value, bool) {
		raw, ok := values[name]
		if !ok {
			raw = tftypes.NewValue(typ.TerraformType(v.ctx), nil)
		}
		value, err := typ.ValueFromTerraform(v.ctx, raw)
		if err != nil {
			v.diags.AddAttributeError(p.AtName(name), "Value Conversion Error", "An unexpected error was encountered trying to convert "+
				"the configuration value: "+err.Error())
			return nil, false
		}
		return value, true
	}
}

// fromObject reads children from an object already converted, or makes null or unknown
// ones (known false) for a null or unknown object.
func (v *configValidation) fromObject(p path.Path, values map[string]attr.Value, null bool) func(string, attr.Type) (attr.Value, bool) {
	return func(name string, typ attr.Type) (attr.Value, bool) {
		if value, ok := values[name]; ok {
			return value, true
		}
		raw := tftypes.NewValue(typ.TerraformType(v.ctx), tftypes.UnknownValue)
		if null {
			raw = tftypes.NewValue(typ.TerraformType(v.ctx), nil)
		}
		value, err := typ.ValueFromTerraform(v.ctx, raw)
		if err != nil {
			v.diags.AddAttributeError(p.AtName(name), "Value Conversion Error", err.Error())
			return nil, false
		}
		return value, true
	}
}

// selfValidates is the check the framework makes whenever it reads a value: a type that
// validates itself (jsontypes checks JSON syntax) does so. false ends the attribute's
// validation, as in the framework.
func (v *configValidation) selfValidates(p path.Path, value attr.Value) bool {
	va, ok := value.(xattr.ValidateableAttribute)
	if !ok {
		return true
	}
	var resp xattr.ValidateAttributeResponse
	va.ValidateAttribute(v.ctx, xattr.ValidateAttributeRequest{Path: p}, &resp)
	v.diags.Append(resp.Diagnostics...)
	return !resp.Diagnostics.HasError()
}

func (v *configValidation) attribute(p path.Path, a schema.Attribute, value attr.Value) bool {
	if !v.selfValidates(p, value) {
		return true
	}
	if a.IsComputed() && !a.IsOptional() && !value.IsNull() {
		v.diags.AddAttributeError(p, "Invalid Configuration for Read-Only Attribute",
			"Cannot set value for this attribute as the provider has marked it as read-only. Remove the configuration line setting the value.\n\n"+
				"Refer to the provider documentation or contact the provider developers for additional information about configurable and read-only attributes that are supported.")
	}
	if a.IsRequired() && value.IsNull() {
		v.diags.AddAttributeError(p, "Missing Configuration for Required Attribute",
			fmt.Sprintf("Must set a configuration value for the %s attribute as the provider has marked it as required.\n\n", p.String())+
				"Refer to the provider documentation or contact the provider developers for additional information about configurable attributes that are required.")
	}
	if a.IsWriteOnly() || a.GetDeprecationMessage() != "" {
		return false
	}
	switch a := a.(type) {
	case schema.StringAttribute:
		valuable, ok := value.(basetypes.StringValuable)
		if !ok {
			return false // a value type this code does not know: the framework's to validate
		}
		sv, d := valuable.ToStringValue(v.ctx)
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
		valuable, ok := value.(basetypes.BoolValuable)
		if !ok {
			return false // a value type this code does not know: the framework's to validate
		}
		bv, d := valuable.ToBoolValue(v.ctx)
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
		valuable, ok := value.(basetypes.SetValuable)
		if !ok {
			return false // a value type this code does not know: the framework's to validate
		}
		sv, d := valuable.ToSetValue(v.ctx)
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
		valuable, ok := value.(basetypes.ObjectValuable)
		if !ok {
			return false
		}
		ov, d := valuable.ToObjectValue(v.ctx)
		if v.diags.Append(d...); d.HasError() {
			return true
		}
		v.objectValidators(p, a.Validators, ov)
		if ov.IsNull() || ov.IsUnknown() {
			return true
		}
		return v.children(p, a.Attributes, nil, v.fromObject(p, ov.Attributes(), false))
	default:
		return false
	}
	return true
}

func (v *configValidation) block(p path.Path, b schema.Block, value attr.Value) bool {
	single, ok := b.(schema.SingleNestedBlock)
	if !ok || single.GetDeprecationMessage() != "" {
		return false
	}
	if !v.selfValidates(p, value) {
		return true
	}
	valuable, ok := value.(basetypes.ObjectValuable)
	if !ok {
		return false
	}
	ov, d := valuable.ToObjectValue(v.ctx)
	if v.diags.Append(d...); d.HasError() {
		return true
	}
	v.objectValidators(p, single.Validators, ov)
	// A null or unknown block still has its attributes validated, as null or unknown.
	return v.children(p, single.Attributes, single.Blocks, v.fromObject(p, ov.Attributes(), ov.IsNull()))
}

func (v *configValidation) objectValidators(p path.Path, validators []validator.Object, ov basetypes.ObjectValue) {
	req := validator.ObjectRequest{ClientCapabilities: v.capabilities, Config: v.config, ConfigValue: ov, Path: p, PathExpression: p.Expression()}
	for _, val := range validators {
		var resp validator.ObjectResponse
		val.ValidateObject(v.ctx, req, &resp)
		v.diags.Append(resp.Diagnostics...)
	}
}
