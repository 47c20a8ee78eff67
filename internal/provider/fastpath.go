package provider

import (
	"context"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-jsontypes/jsontypes"
	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// The framework serves every RPC of this provider, but for marketplace_privacy_security
// three of them are answered here first: PlanResourceChange, ReadResource and
// ApplyResourceChange, the ones Terraform sends once per resource in every plan and apply.
//
// Why: around the resource's own methods the framework walks every value of the request
// generically, path by path, several times per RPC (nullifying collection blocks, applying
// defaults, marking computed values unknown, running plan modifiers, semantic equality,
// nullifying write-only attributes). For this resource's document of about 60 attributes
// that was 80% of the provider's CPU at 500 resources, more than the CLI spends on the
// same resources. Here the same steps are done knowing the schema: decode, call the
// resource's own method (ModifyPlan, Read, Create, Update: the logic is not duplicated),
// apply what the schema implies (one default, three computed attributes, one plan
// modifier each on id and product_id, two semantically compared types), encode.
//
// Anything this does not cover goes to the framework unchanged: other resources and data
// sources, destroys, private state (set only by import), undecodable values, an
// unconfigured provider. fastpath_test.go checks that both answer alike, RPC by RPC, over
// the mock, and every acceptance test runs through this server.

// NewServer returns the protocol 6 server that main serves.
func NewServer(version string) func() tfprotov6.ProviderServer {
	return func() tfprotov6.ProviderServer {
		return newServer(&marketplaceProvider{version: version, getenv: os.Getenv})
	}
}

func newServer(p *marketplaceProvider) tfprotov6.ProviderServer {
	return &fastServer{
		ProviderServer:   providerserver.NewProtocol6(p)(),
		resourceShape:    privacySecurityShape(),
		provider:         p,
		typeName:         "marketplace_privacy_security",
		configValidators: (&privacySecurityResource{}).ConfigValidators(context.Background()),
	}
}

type fastServer struct {
	tfprotov6.ProviderServer // the framework's server: everything not answered here

	*resourceShape // the resource's schemas and types

	provider         *marketplaceProvider
	typeName         string
	configValidators []resource.ConfigValidator
}

// resource is the configured resource when req is for it, or nil to let the framework
// answer (another type, or the provider not configured yet: the framework reports that).
func (s *fastServer) resource(typeName string) *privacySecurityResource {
	if typeName != s.typeName {
		return nil
	}
	client := s.provider.client.Load()
	if client == nil {
		return nil
	}
	return &privacySecurityResource{client: client}
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

// decode unmarshals a resource value; a nil one is null, as the framework reads it.
func decode(dv *tfprotov6.DynamicValue, typ tftypes.Type) (tftypes.Value, bool) {
	if dv == nil {
		return tftypes.NewValue(typ, nil), true
	}
	v, err := dv.Unmarshal(typ)
	return v, err == nil
}

func (s *fastServer) decodeIdentity(id *tfprotov6.ResourceIdentityData) (tftypes.Value, bool) {
	if id == nil {
		return tftypes.NewValue(s.identityType, nil), true
	}
	return decode(id.IdentityData, s.identityType)
}

func (s *fastServer) state(v tftypes.Value) tfsdk.State { return tfsdk.State{Schema: s.schema, Raw: v} }
func (s *fastServer) plan(v tftypes.Value) tfsdk.Plan   { return tfsdk.Plan{Schema: s.schema, Raw: v} }
func (s *fastServer) identity(v tftypes.Value) *tfsdk.ResourceIdentity {
	return &tfsdk.ResourceIdentity{Schema: s.identitySchema, Raw: v}
}

// encoder turns the answer's values into protocol values, collecting what fails as
// diagnostics the way the framework does.
type encoder struct {
	ctx   context.Context
	diags diag.Diagnostics
}

func (e *encoder) value(typ tftypes.Type, v tftypes.Value) *tfprotov6.DynamicValue {
	dv, err := tfprotov6.NewDynamicValue(typ, v)
	if err != nil {
		e.diags.AddError("Unable to Convert State", "Unable to create DynamicValue: "+err.Error())
		return nil
	}
	return &dv
}

func (e *encoder) identity(typ tftypes.Type, id *tfsdk.ResourceIdentity) *tfprotov6.ResourceIdentityData {
	if id == nil {
		return nil
	}
	return &tfprotov6.ResourceIdentityData{IdentityData: e.value(typ, id.Raw)}
}

func (e *encoder) diagnostics(diags diag.Diagnostics) []*tfprotov6.Diagnostic {
	all := append(slices.Clip(diags), e.diags...) // never into the caller's array
	if len(all) == 0 {
		return nil
	}
	out := make([]*tfprotov6.Diagnostic, 0, len(all))
	for _, d := range all {
		pd := &tfprotov6.Diagnostic{Summary: d.Summary(), Detail: d.Detail(), Severity: tfprotov6.DiagnosticSeverityWarning}
		if d.Severity() == diag.SeverityError {
			pd.Severity = tfprotov6.DiagnosticSeverityError
		}
		if wp, ok := d.(diag.DiagnosticWithPath); ok {
			pd.Attribute = e.path(wp.Path())
		}
		out = append(out, pd)
	}
	return out
}

func (e *encoder) path(p path.Path) *tftypes.AttributePath {
	out := tftypes.NewAttributePath()
	for _, step := range p.Steps() {
		switch s := step.(type) {
		case path.PathStepAttributeName:
			out = out.WithAttributeName(string(s))
		case path.PathStepElementKeyInt:
			out = out.WithElementKeyInt(int(s))
		case path.PathStepElementKeyString:
			out = out.WithElementKeyString(string(s))
		case path.PathStepElementKeyValue:
			v, err := s.ToTerraformValue(e.ctx)
			if err != nil {
				return out
			}
			out = out.WithElementKeyValue(v)
		}
	}
	return out
}

func (s *fastServer) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	r := s.resource(req.TypeName)
	if r == nil || len(req.PriorPrivate) > 0 {
		return s.ProviderServer.PlanResourceChange(ctx, req)
	}
	config, ok1 := decode(req.Config, s.stateType)
	proposed, ok2 := decode(req.ProposedNewState, s.stateType)
	prior, ok3 := decode(req.PriorState, s.stateType)
	priorIdentity, ok4 := s.decodeIdentity(req.PriorIdentity)
	if !ok1 || !ok2 || !ok3 || !ok4 || proposed.IsNull() || config.IsNull() || !config.IsKnown() || !proposed.IsKnown() {
		return s.ProviderServer.PlanResourceChange(ctx, req) // destroy, or not decodable
	}

	cfg, okc := attributes(config)
	planned, okp := attributes(proposed)
	if !okc || !okp {
		return s.ProviderServer.PlanResourceChange(ctx, req)
	}
	// The schema's one default.
	if cfg["publish"].IsNull() {
		planned["publish"] = tftypes.NewValue(tftypes.Bool, false)
	}
	// Computed attributes without a default are unknown in the plan of any change.
	if plannedValue := tftypes.NewValue(s.stateType, planned); !plannedValue.Equal(prior) {
		for _, name := range []string{"id", "version_state", "properties"} {
			if cfg[name].IsNull() {
				planned[name] = tftypes.NewValue(s.stateType.AttributeTypes[name], tftypes.UnknownValue)
			}
		}
	}
	var requiresReplace []*tftypes.AttributePath
	if !prior.IsNull() {
		st, ok := attributes(prior)
		if !ok {
			return s.ProviderServer.PlanResourceChange(ctx, req)
		}
		// id: stringplanmodifier.UseStateForUnknown.
		if !planned["id"].IsKnown() && cfg["id"].IsKnown() {
			planned["id"] = st["id"]
		}
		// product_id: stringplanmodifier.RequiresReplace.
		if !planned["product_id"].Equal(st["product_id"]) {
			requiresReplace = append(requiresReplace, tftypes.NewAttributePath().WithAttributeName("product_id"))
		}
	}

	modifyReq := resource.ModifyPlanRequest{
		Config: tfsdk.Config{Schema: s.schema, Raw: config},
		Plan:   s.plan(tftypes.NewValue(s.stateType, planned)),
		State:  s.state(prior),
	}
	if req.ClientCapabilities != nil {
		modifyReq.ClientCapabilities.DeferralAllowed = req.ClientCapabilities.DeferralAllowed
	}
	modifyResp := resource.ModifyPlanResponse{Plan: modifyReq.Plan}
	r.ModifyPlan(ctx, modifyReq, &modifyResp)

	enc := encoder{ctx: ctx}
	resp := &tfprotov6.PlanResourceChangeResponse{
		PlannedState:    enc.value(s.stateType, modifyResp.Plan.Raw),
		PlannedIdentity: enc.identity(s.identityType, s.identity(priorIdentity)),
		RequiresReplace: requiresReplace,
	}
	resp.Diagnostics = enc.diagnostics(modifyResp.Diagnostics)
	return resp, nil
}

func (s *fastServer) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	r := s.resource(req.TypeName)
	if r == nil || len(req.Private) > 0 || req.CurrentState == nil {
		return s.ProviderServer.ReadResource(ctx, req)
	}
	current, ok1 := decode(req.CurrentState, s.stateType)
	currentIdentity, ok2 := s.decodeIdentity(req.CurrentIdentity)
	if !ok1 || !ok2 {
		return s.ProviderServer.ReadResource(ctx, req)
	}

	readReq := resource.ReadRequest{State: s.state(current), Identity: s.identity(currentIdentity)}
	if req.ClientCapabilities != nil {
		readReq.ClientCapabilities.DeferralAllowed = req.ClientCapabilities.DeferralAllowed
	}
	readResp := resource.ReadResponse{State: s.state(current), Identity: s.identity(currentIdentity)}
	r.Read(ctx, readReq, &readResp)

	diags := readResp.Diagnostics
	newState := readResp.State.Raw
	if !diags.HasError() {
		newIdentity := readResp.Identity.Raw
		switch {
		case !currentIdentity.IsFullyNull() && !currentIdentity.Equal(newIdentity):
			diags.AddError("Unexpected Identity Change", "During the read operation, the Terraform Provider unexpectedly "+
				"returned a different identity than the previously stored one.")
		case newIdentity.IsFullyNull():
			diags.AddError("Missing Resource Identity After Read", "The Terraform Provider unexpectedly returned no "+
				"resource identity data after having no errors in the resource read.")
		default:
			newState = s.keepSemanticallyEqual(ctx, current, newState)
		}
	}

	enc := encoder{ctx: ctx}
	resp := &tfprotov6.ReadResourceResponse{
		NewState:    enc.value(s.stateType, newState),
		NewIdentity: enc.identity(s.identityType, readResp.Identity),
	}
	resp.Diagnostics = enc.diagnostics(diags)
	return resp, nil
}

func (s *fastServer) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	r := s.resource(req.TypeName)
	if r == nil || len(req.PlannedPrivate) > 0 {
		return s.ProviderServer.ApplyResourceChange(ctx, req)
	}
	config, ok1 := decode(req.Config, s.stateType)
	planned, ok2 := decode(req.PlannedState, s.stateType)
	prior, ok3 := decode(req.PriorState, s.stateType)
	plannedIdentity, ok4 := s.decodeIdentity(req.PlannedIdentity)
	if !ok1 || !ok2 || !ok3 || !ok4 || planned.IsNull() {
		return s.ProviderServer.ApplyResourceChange(ctx, req) // destroy, or not decodable
	}

	var diags diag.Diagnostics
	var newState tftypes.Value
	var newIdentity *tfsdk.ResourceIdentity
	creating := prior.IsNull()
	if creating {
		createResp := resource.CreateResponse{State: s.state(tftypes.NewValue(s.stateType, nil)), Identity: s.identity(plannedIdentity)}
		r.Create(ctx, resource.CreateRequest{
			Config: tfsdk.Config{Schema: s.schema, Raw: config}, Plan: s.plan(planned), Identity: s.identity(plannedIdentity),
		}, &createResp)
		diags, newState, newIdentity = createResp.Diagnostics, createResp.State.Raw, createResp.Identity
	} else {
		updateResp := resource.UpdateResponse{State: s.state(prior), Identity: s.identity(plannedIdentity)}
		r.Update(ctx, resource.UpdateRequest{
			Config: tfsdk.Config{Schema: s.schema, Raw: config}, Plan: s.plan(planned), State: s.state(prior),
			Identity: s.identity(plannedIdentity),
		}, &updateResp)
		diags, newState, newIdentity = updateResp.Diagnostics, updateResp.State.Raw, updateResp.Identity
	}

	// The framework's checks of what the resource returned (bugs of the provider if they fire).
	operation := "Update"
	if creating {
		operation = "Create"
	}
	switch {
	case diags.HasError():
	case newState.IsNull():
		diags.AddError("Missing Resource State After "+operation, "The Terraform Provider unexpectedly returned no "+
			"resource state after having no errors in the resource "+strings.ToLower(operation)+".")
	case !creating && !plannedIdentity.IsFullyNull() && !plannedIdentity.Equal(newIdentity.Raw):
		diags.AddError("Unexpected Identity Change", "During the update operation, the Terraform Provider unexpectedly "+
			"returned a different identity than the previously stored one.")
	case newIdentity.Raw.IsFullyNull():
		diags.AddError("Missing Resource Identity After "+operation, "The Terraform Provider unexpectedly returned no "+
			"resource identity data after having no errors in the resource "+strings.ToLower(operation)+".")
	default:
		newState = s.keepSemanticallyEqual(ctx, planned, newState)
	}

	enc := encoder{ctx: ctx}
	resp := &tfprotov6.ApplyResourceChangeResponse{
		NewState:    enc.value(s.stateType, newState),
		NewIdentity: enc.identity(s.identityType, newIdentity),
	}
	resp.Diagnostics = enc.diagnostics(diags)
	return resp, nil
}

// keepSemanticallyEqual is the framework's semantic equality for this schema: where the
// new value of a type with semantic equality (common_cloud_json, properties.updated_at)
// means the same as the prior one, the prior one is kept, so that no difference shows.
func (s *fastServer) keepSemanticallyEqual(ctx context.Context, prior, next tftypes.Value) tftypes.Value {
	p, okp := attributes(prior)
	n, okn := attributes(next)
	if !okp || !okn {
		return next
	}
	changed := false
	if keep, ok := sameString(ctx, p["common_cloud_json"], n["common_cloud_json"], func(s string) basetypes.StringValuableWithSemanticEquals {
		return jsontypes.NewNormalizedValue(s)
	}); ok {
		n["common_cloud_json"], changed = keep, true
	}
	pp, okpp := attributes(p["properties"])
	np, oknp := attributes(n["properties"])
	if okpp && oknp {
		if keep, ok := sameString(ctx, pp["updated_at"], np["updated_at"], func(s string) basetypes.StringValuableWithSemanticEquals {
			v, _ := timetypes.NewRFC3339Value(s) // an invalid time compares unequal below
			return v
		}); ok {
			np["updated_at"] = keep
			n["properties"], changed = tftypes.NewValue(n["properties"].Type(), np), true
		}
	}
	if !changed {
		return next
	}
	return tftypes.NewValue(s.stateType, n)
}

// sameString returns prior when both are known strings, different as text but equal
// in meaning to the type wrap builds.
func sameString(ctx context.Context, prior, next tftypes.Value, wrap func(string) basetypes.StringValuableWithSemanticEquals) (tftypes.Value, bool) {
	var ps, ns string
	if !prior.IsKnown() || prior.IsNull() || !next.IsKnown() || next.IsNull() || prior.As(&ps) != nil || next.As(&ns) != nil || ps == ns {
		return next, false
	}
	equal, diags := wrap(ns).StringSemanticEquals(ctx, wrap(ps))
	if diags.HasError() || !equal {
		return next, false
	}
	return prior, true
}
