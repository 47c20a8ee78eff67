package fastpath

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/defaults"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// The steps below are the framework's (internal/fwserver, server_planresourcechange.go,
// server_readresource.go, server_createresource.go, server_updateresource.go), in its
// order, restricted to what support.go lets through.

// newResource is a resource configured as the framework configures one before each RPC,
// with Configure's diagnostics; ok is false when Configure failed (the framework then
// answers, and reports it).
func (s *Server) newResource(ctx context.Context, rt *resourceType) (resource.Resource, diag.Diagnostics, bool) {
	r := rt.factory()
	withConfigure, ok := r.(resource.ResourceWithConfigure)
	if !ok {
		return r, nil, true
	}
	var resp resource.ConfigureResponse
	data, _ := s.provider.Configured()
	withConfigure.Configure(ctx, resource.ConfigureRequest{ProviderData: data}, &resp)
	return r, resp.Diagnostics, !resp.Diagnostics.HasError()
}

func (s *Server) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	rt := s.handled(req.TypeName, Plan)
	if rt == nil {
		return s.ProviderServer.PlanResourceChange(ctx, req)
	}
	config, ok1 := decode(req.Config, rt.stateType)
	proposed, ok2 := decode(req.ProposedNewState, rt.stateType)
	prior, ok3 := decode(req.PriorState, rt.stateType)
	priorIdentity, ok4 := rt.decodeIdentity(req.PriorIdentity)
	private, ok5 := decodePrivate(req.PriorPrivate)
	cfg, okc := attributes(config)
	planned, okp := attributes(proposed)
	if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 || !okc || !okp {
		return s.ProviderServer.PlanResourceChange(ctx, req) // a destroy, or not decodable here
	}
	r, diags, ok := s.newResource(ctx, rt)
	if !ok {
		return s.ProviderServer.PlanResourceChange(ctx, req)
	}

	// Defaults, where the configuration is null.
	for _, name := range rt.defaults {
		if !cfg[name].IsNull() {
			continue
		}
		v, d := rt.defaultValue(ctx, name)
		if d.HasError() {
			return s.ProviderServer.PlanResourceChange(ctx, req)
		}
		diags.Append(d...)
		planned[name] = v
	}
	// Computed attributes without a default are unknown in the plan of any change.
	if !tftypes.NewValue(rt.stateType, planned).Equal(prior) {
		for _, name := range rt.computed {
			if cfg[name].IsNull() {
				planned[name] = tftypes.NewValue(rt.stateType.AttributeTypes[name], tftypes.UnknownValue)
			}
		}
	}

	configData := tfsdk.Config{Schema: rt.schema, Raw: config}
	stateData := tfsdk.State{Schema: rt.schema, Raw: prior}
	holder := resource.ModifyPlanResponse{Private: providerData(ctx, resource.ModifyPlanResponse{}.Private, private.provider)}
	plan, requiresReplace, d, ok := rt.runPlanModifiers(ctx, configData, stateData, tfsdk.Plan{Schema: rt.schema, Raw: tftypes.NewValue(rt.stateType, planned)}, &holder)
	if !ok {
		return s.ProviderServer.PlanResourceChange(ctx, req)
	}
	diags.Append(d...)
	pd := holder.Private

	var plannedIdentity *tfsdk.ResourceIdentity
	if rt.identitySchema != nil {
		plannedIdentity = rt.identity(priorIdentity)
	}
	if withModifyPlan, ok := r.(resource.ResourceWithModifyPlan); ok {
		modifyReq := resource.ModifyPlanRequest{Config: configData, Plan: plan, State: stateData, Private: pd}
		if req.ClientCapabilities != nil {
			modifyReq.ClientCapabilities.DeferralAllowed = req.ClientCapabilities.DeferralAllowed
		}
		modifyResp := resource.ModifyPlanResponse{Diagnostics: diags, Plan: plan, RequiresReplace: path.Paths{}, Private: pd}
		if plannedIdentity != nil {
			modifyReq.Identity = rt.identity(plannedIdentity.Raw)
			modifyResp.Identity = rt.identity(plannedIdentity.Raw)
		}
		withModifyPlan.ModifyPlan(ctx, modifyReq, &modifyResp)
		if len(modifyResp.RequiresReplace) > 0 || modifyResp.Deferred != nil {
			// Not handled here: the framework plans again (ModifyPlan runs twice).
			return s.ProviderServer.PlanResourceChange(ctx, req)
		}
		diags, plan, plannedIdentity, pd = modifyResp.Diagnostics, modifyResp.Plan, modifyResp.Identity, modifyResp.Private
	}

	// The framework's checks of the planned identity; when one fails it answers at once,
	// else it sorts and deduplicates RequiresReplace.
	identityRefused := false
	if plannedIdentity != nil {
		identityRefused = true
		switch {
		case rt.identitySchema == nil:
			diags.AddError("Unexpected Plan Response", "An unexpected error was encountered when creating the plan response. "+
				"New identity data was returned by the provider planning operation, but the resource does not indicate identity support.\n\n"+
				"This is always a problem with the provider and should be reported to the provider developer.")
		case !rt.mutableIdentity && !prior.IsNull() && !priorIdentity.IsFullyNull() && !priorIdentity.Equal(plannedIdentity.Raw):
			diags.AddError("Unexpected Identity Change", "During the planning operation, the Terraform Provider unexpectedly "+
				"returned a different identity than the previously stored one.\n\n"+
				"This is always a problem with the provider and should be reported to the provider developer.\n\n"+
				fmt.Sprintf("Prior Identity: %s\n\n", priorIdentity.String())+
				fmt.Sprintf("Planned Identity: %s", plannedIdentity.Raw.String()))
		default:
			identityRefused = false
		}
	}
	if !identityRefused {
		requiresReplace = normaliseRequiresReplace(requiresReplace)
	}

	enc := encoder{ctx: ctx}
	resp := &tfprotov6.PlanResourceChangeResponse{
		PlannedState:    enc.value(rt.stateType, plan.Raw),
		PlannedIdentity: enc.identity(rt.identityType, plannedIdentity),
		RequiresReplace: enc.paths(requiresReplace),
		PlannedPrivate:  encodePrivate(private.framework, providerKeys(pd)),
	}
	resp.Diagnostics = enc.diagnostics(diags)
	return resp, nil
}

// defaultValue is the value of a top-level attribute's default.
func (rt *resourceType) defaultValue(ctx context.Context, name string) (tftypes.Value, diag.Diagnostics) {
	a := rt.schema.Attributes[name]
	p := path.Root(name)
	if d := stringDefault(a); d != nil {
		var resp defaults.StringResponse
		d.DefaultString(ctx, defaults.StringRequest{Path: p}, &resp)
		v, err := resp.PlanValue.ToTerraformValue(ctx)
		return v, withError(resp.Diagnostics, err)
	}
	var resp defaults.BoolResponse
	boolDefault(a).DefaultBool(ctx, defaults.BoolRequest{Path: p}, &resp)
	v, err := resp.PlanValue.ToTerraformValue(ctx)
	return v, withError(resp.Diagnostics, err)
}

func withError(diags diag.Diagnostics, err error) diag.Diagnostics {
	if err != nil {
		diags.AddError("Error Converting Default Value", err.Error())
	}
	return diags
}

// runPlanModifiers runs the plan modifiers of the top-level attributes, as the framework
// does: each sees the plan as it was before any of them ran, private state passes from
// one to the next, and their values are set afterwards. ok is false on an error (the
// framework then answers: modifiers do not write). holder.Private is the private state
// (a type of the framework's internal package, which cannot be named here).
func (rt *resourceType) runPlanModifiers(ctx context.Context, config tfsdk.Config, state tfsdk.State, plan tfsdk.Plan, holder *resource.ModifyPlanResponse) (tfsdk.Plan, path.Paths, diag.Diagnostics, bool) {
	if len(rt.modified) == 0 {
		return plan, nil, nil, true
	}
	var diags diag.Diagnostics
	var requiresReplace path.Paths
	cfg, _ := attributes(config.Raw)
	planned, _ := attributes(plan.Raw)
	st, hasState := attributes(state.Raw)
	out := maps.Clone(planned)
	for _, name := range rt.modified {
		p := path.Root(name)
		typ := rt.attrTypes[name]
		stateRaw := tftypes.NewValue(typ.TerraformType(ctx), nil)
		if hasState {
			stateRaw = st[name]
		}
		configValue, err1 := typ.ValueFromTerraform(ctx, cfg[name])
		planValue, err2 := typ.ValueFromTerraform(ctx, planned[name])
		stateValue, err3 := typ.ValueFromTerraform(ctx, stateRaw)
		if err1 != nil || err2 != nil || err3 != nil {
			return plan, nil, nil, false
		}
		var replace bool
		var next tftypes.Value
		var d diag.Diagnostics
		switch a := rt.schema.Attributes[name]; {
		case stringModifiers(a) != nil:
			req := planmodifier.StringRequest{Config: config, Path: p, PathExpression: p.Expression(), Plan: plan, Private: holder.Private, State: state}
			next, replace, d = runStringModifiers(ctx, stringModifiers(a), &req, configValue, planValue, stateValue)
			holder.Private = req.Private
		default:
			req := planmodifier.BoolRequest{Config: config, Path: p, PathExpression: p.Expression(), Plan: plan, Private: holder.Private, State: state}
			next, replace, d = runBoolModifiers(ctx, boolModifiers(a), &req, configValue, planValue, stateValue)
			holder.Private = req.Private
		}
		if d.HasError() {
			return plan, nil, nil, false
		}
		diags.Append(d...)
		out[name] = next
		if replace {
			requiresReplace = append(requiresReplace, p)
		}
	}
	return tfsdk.Plan{Schema: plan.Schema, Raw: tftypes.NewValue(rt.stateType, out)}, requiresReplace, diags, true
}

func runStringModifiers(ctx context.Context, modifiers []planmodifier.String, req *planmodifier.StringRequest, config, plan, state any) (tftypes.Value, bool, diag.Diagnostics) {
	var diags diag.Diagnostics
	var err error
	req.ConfigValue, diags = toString(ctx, config, diags)
	req.PlanValue, diags = toString(ctx, plan, diags)
	req.StateValue, diags = toString(ctx, state, diags)
	replace := false
	for _, m := range modifiers {
		resp := &planmodifier.StringResponse{PlanValue: req.PlanValue, Private: req.Private}
		m.PlanModifyString(ctx, *req, resp)
		req.PlanValue, req.Private = resp.PlanValue, resp.Private
		diags.Append(resp.Diagnostics...)
		replace = replace || resp.RequiresReplace
		if diags.HasError() {
			break
		}
	}
	v, err := req.PlanValue.ToTerraformValue(ctx)
	if err != nil {
		diags.AddError("Error Converting Plan Value", err.Error())
	}
	return v, replace, diags
}

func runBoolModifiers(ctx context.Context, modifiers []planmodifier.Bool, req *planmodifier.BoolRequest, config, plan, state any) (tftypes.Value, bool, diag.Diagnostics) {
	var diags diag.Diagnostics
	var err error
	req.ConfigValue, diags = toBool(ctx, config, diags)
	req.PlanValue, diags = toBool(ctx, plan, diags)
	req.StateValue, diags = toBool(ctx, state, diags)
	replace := false
	for _, m := range modifiers {
		resp := &planmodifier.BoolResponse{PlanValue: req.PlanValue, Private: req.Private}
		m.PlanModifyBool(ctx, *req, resp)
		req.PlanValue, req.Private = resp.PlanValue, resp.Private
		diags.Append(resp.Diagnostics...)
		replace = replace || resp.RequiresReplace
		if diags.HasError() {
			break
		}
	}
	v, err := req.PlanValue.ToTerraformValue(ctx)
	if err != nil {
		diags.AddError("Error Converting Plan Value", err.Error())
	}
	return v, replace, diags
}

func toString(ctx context.Context, v any, diags diag.Diagnostics) (basetypes.StringValue, diag.Diagnostics) {
	valuable, ok := v.(basetypes.StringValuable)
	if !ok {
		diags.AddError("Invalid String Attribute Plan Modifier Value Type", fmt.Sprintf("Incoming Value Type: %T", v))
		return basetypes.StringValue{}, diags
	}
	out, d := valuable.ToStringValue(ctx)
	diags.Append(d...)
	return out, diags
}

func toBool(ctx context.Context, v any, diags diag.Diagnostics) (basetypes.BoolValue, diag.Diagnostics) {
	valuable, ok := v.(basetypes.BoolValuable)
	if !ok {
		diags.AddError("Invalid Bool Attribute Plan Modifier Value Type", fmt.Sprintf("Incoming Value Type: %T", v))
		return basetypes.BoolValue{}, diags
	}
	out, d := valuable.ToBoolValue(ctx)
	diags.Append(d...)
	return out, diags
}

// normaliseRequiresReplace sorts and deduplicates, as the framework does.
func normaliseRequiresReplace(rs path.Paths) path.Paths {
	if len(rs) < 2 {
		return rs
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i].String() < rs[j].String() })
	out := path.Paths{rs[0]}
	for _, p := range rs[1:] {
		if !p.Equal(out[len(out)-1]) {
			out = append(out, p)
		}
	}
	return out
}

func (s *Server) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	rt := s.handled(req.TypeName, Read)
	if rt == nil || req.CurrentState == nil {
		return s.ProviderServer.ReadResource(ctx, req)
	}
	current, ok1 := decode(req.CurrentState, rt.stateType)
	currentIdentity, ok2 := rt.decodeIdentity(req.CurrentIdentity)
	private, ok3 := decodePrivate(req.Private)
	if !ok1 || !ok2 || !ok3 || private.framework[importBeforeReadKey] != nil {
		return s.ProviderServer.ReadResource(ctx, req) // not decodable here, or the read after an import
	}
	r, diags, ok := s.newResource(ctx, rt)
	if !ok {
		return s.ProviderServer.ReadResource(ctx, req)
	}

	pd := providerData(ctx, resource.ReadResponse{}.Private, private.provider)
	readReq := resource.ReadRequest{State: rt.state(current), Private: pd}
	if req.ClientCapabilities != nil {
		readReq.ClientCapabilities.DeferralAllowed = req.ClientCapabilities.DeferralAllowed
	}
	readResp := resource.ReadResponse{State: rt.state(current), Private: pd}
	if rt.identitySchema != nil {
		readReq.Identity, readResp.Identity = rt.identity(currentIdentity), rt.identity(currentIdentity)
	}
	r.Read(ctx, readReq, &readResp)

	diags.Append(readResp.Diagnostics...)
	newState := readResp.State.Raw
	if !diags.HasError() {
		newIdentity := readResp.Identity
		switch {
		case newIdentity != nil && rt.identitySchema == nil:
			diags.AddError("Unexpected Read Response", "An unexpected error was encountered when creating the read response. "+
				"New identity data was returned by the provider read operation, but the resource does not indicate identity support.\n\n"+
				"This is always a problem with the provider and should be reported to the provider developer.")
		case newIdentity != nil && !rt.mutableIdentity && !currentIdentity.IsFullyNull() && !currentIdentity.Equal(newIdentity.Raw):
			diags.AddError("Unexpected Identity Change", "During the read operation, the Terraform Provider unexpectedly "+
				"returned a different identity than the previously stored one.\n\n"+
				"This is always a problem with the provider and should be reported to the provider developer.\n\n"+
				fmt.Sprintf("Current Identity: %s\n\n", currentIdentity.String())+
				fmt.Sprintf("New Identity: %s", newIdentity.Raw.String()))
		case rt.identitySchema != nil && newIdentity.Raw.IsFullyNull():
			diags.AddError("Missing Resource Identity After Read", "The Terraform Provider unexpectedly returned no "+
				"resource identity data after having no errors in the resource read. "+
				"This is always an issue in the Terraform Provider and should be reported to the provider developers.")
		default:
			newState = rt.keepSemanticallyEqual(ctx, current, newState)
		}
	}

	enc := encoder{ctx: ctx}
	resp := &tfprotov6.ReadResourceResponse{
		NewState:    enc.value(rt.stateType, newState),
		NewIdentity: enc.identity(rt.identityType, readResp.Identity),
		Private:     encodePrivate(private.framework, providerKeys(readResp.Private)),
	}
	if readResp.Deferred != nil {
		resp.Deferred = &tfprotov6.Deferred{Reason: tfprotov6.DeferredReason(readResp.Deferred.Reason)}
	}
	resp.Diagnostics = enc.diagnostics(diags)
	return resp, nil
}

func (s *Server) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	rt := s.handled(req.TypeName, Apply)
	if rt == nil {
		return s.ProviderServer.ApplyResourceChange(ctx, req)
	}
	config, ok1 := decode(req.Config, rt.stateType)
	planned, ok2 := decode(req.PlannedState, rt.stateType)
	prior, ok3 := decode(req.PriorState, rt.stateType)
	plannedIdentity, ok4 := rt.decodeIdentity(req.PlannedIdentity)
	private, ok5 := decodePrivate(req.PlannedPrivate)
	if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 || planned.IsNull() {
		return s.ProviderServer.ApplyResourceChange(ctx, req) // a destroy, or not decodable here
	}
	r, diags, ok := s.newResource(ctx, rt)
	if !ok {
		return s.ProviderServer.ApplyResourceChange(ctx, req)
	}

	var newState tftypes.Value
	var newIdentity *tfsdk.ResourceIdentity
	var frameworkPrivate, providerPrivate map[string][]byte
	configData := tfsdk.Config{Schema: rt.schema, Raw: config}
	creating := prior.IsNull()
	operation := "update"
	if creating {
		operation = "create"
		createReq := resource.CreateRequest{Config: configData, Plan: rt.plan(planned)}
		createResp := resource.CreateResponse{State: rt.state(tftypes.NewValue(rt.stateType, nil)),
			Private: providerData(ctx, resource.CreateResponse{}.Private, nil)}
		if rt.identitySchema != nil {
			createReq.Identity, createResp.Identity = rt.identity(plannedIdentity), rt.identity(plannedIdentity)
		}
		r.Create(ctx, createReq, &createResp)
		diags.Append(createResp.Diagnostics...)
		newState, newIdentity, providerPrivate = createResp.State.Raw, createResp.Identity, providerKeys(createResp.Private)
		if !diags.HasError() && newState.IsNull() {
			detail := "The Terraform Provider unexpectedly returned no resource state after having no errors in the resource creation. " +
				"This is always an issue in the Terraform Provider and should be reported to the provider developers.\n\n" +
				"The resource may have been successfully created, but Terraform is not tracking it. " +
				"Applying the configuration again with no other action may result in duplicate resource errors."
			if rt.hasImportState {
				detail += " Import the resource if the resource was actually created and Terraform should be tracking it."
			}
			diags.AddError("Missing Resource State After Create", detail)
		}
	} else {
		pd := providerData(ctx, resource.UpdateResponse{}.Private, private.provider)
		updateReq := resource.UpdateRequest{Config: configData, Plan: rt.plan(planned), State: rt.state(prior), Private: pd}
		updateResp := resource.UpdateResponse{State: rt.state(prior), Private: pd}
		if rt.identitySchema != nil {
			updateReq.Identity, updateResp.Identity = rt.identity(plannedIdentity), rt.identity(plannedIdentity)
		}
		r.Update(ctx, updateReq, &updateResp)
		diags.Append(updateResp.Diagnostics...)
		newState, newIdentity = updateResp.State.Raw, updateResp.Identity
		frameworkPrivate, providerPrivate = private.framework, providerKeys(updateResp.Private)
		if !diags.HasError() && newState.IsNull() {
			diags.AddError("Missing Resource State After Update", "The Terraform Provider unexpectedly returned no resource "+
				"state after having no errors in the resource update. "+
				"This is always an issue in the Terraform Provider and should be reported to the provider developers.")
		}
	}

	// The framework's checks of what the resource returned (bugs of the provider if they fire).
	switch {
	case diags.HasError():
	case newIdentity != nil && rt.identitySchema == nil:
		diags.AddError("Unexpected "+title(operation)+" Response", "An unexpected error was encountered when creating the apply response. "+
			"New identity data was returned by the provider "+operation+" operation, but the resource does not indicate identity support.\n\n"+
			"This is always a problem with the provider and should be reported to the provider developer.")
	case !creating && newIdentity != nil && !rt.mutableIdentity && !plannedIdentity.IsFullyNull() && !plannedIdentity.Equal(newIdentity.Raw):
		diags.AddError("Unexpected Identity Change", "During the update operation, the Terraform Provider unexpectedly "+
			"returned a different identity than the previously stored one.\n\n"+
			"This is always a problem with the provider and should be reported to the provider developer.\n\n"+
			fmt.Sprintf("Planned Identity: %s\n\n", plannedIdentity.String())+
			fmt.Sprintf("New Identity: %s", newIdentity.Raw.String()))
	case rt.identitySchema != nil && newIdentity.Raw.IsFullyNull():
		diags.AddError("Missing Resource Identity After "+title(operation), "The Terraform Provider unexpectedly returned no "+
			"resource identity data after having no errors in the resource "+operation+". "+
			"This is always an issue in the Terraform Provider and should be reported to the provider developers.")
	default:
		newState = rt.keepSemanticallyEqual(ctx, planned, newState)
	}

	enc := encoder{ctx: ctx}
	resp := &tfprotov6.ApplyResourceChangeResponse{
		NewState:    enc.value(rt.stateType, newState),
		NewIdentity: enc.identity(rt.identityType, newIdentity),
		Private:     encodePrivate(frameworkPrivate, providerPrivate),
	}
	resp.Diagnostics = enc.diagnostics(diags)
	return resp, nil
}

func title(s string) string { return strings.ToUpper(s[:1]) + s[1:] }

// keepSemanticallyEqual is the framework's semantic equality: where a new string value of
// a type with semantic equality means the same as the prior one, the prior one is kept.
func (rt *resourceType) keepSemanticallyEqual(ctx context.Context, prior, next tftypes.Value) tftypes.Value {
	for _, sem := range rt.semantic {
		next = keepAt(ctx, sem.names, sem.typ, prior, next)
	}
	return next
}

// keepAt returns next with the value at names replaced by prior's when both are known
// strings, different as text and equal in meaning. Objects on the way must be known and
// non-null on both sides, as the framework only compares values both sides hold.
func keepAt(ctx context.Context, names []string, leaf basetypes.StringTypable, prior, next tftypes.Value) tftypes.Value {
	if len(names) == 0 {
		return keepString(ctx, leaf, prior, next)
	}
	p, okp := attributes(prior)
	n, okn := attributes(next)
	if !okp || !okn {
		return next
	}
	kept := keepAt(ctx, names[1:], leaf, p[names[0]], n[names[0]])
	if kept.Equal(n[names[0]]) {
		return next
	}
	n[names[0]] = kept
	return tftypes.NewValue(next.Type(), n)
}

func keepString(ctx context.Context, valueType basetypes.StringTypable, prior, next tftypes.Value) tftypes.Value {
	if !prior.IsKnown() || prior.IsNull() || !next.IsKnown() || next.IsNull() || prior.Equal(next) {
		return next
	}
	pv, err1 := valueType.ValueFromTerraform(ctx, prior)
	nv, err2 := valueType.ValueFromTerraform(ctx, next)
	if err1 != nil || err2 != nil {
		return next
	}
	pse, ok1 := pv.(basetypes.StringValuableWithSemanticEquals)
	nse, ok2 := nv.(basetypes.StringValuableWithSemanticEquals)
	if !ok1 || !ok2 {
		return next
	}
	equal, diags := nse.StringSemanticEquals(ctx, pse)
	if diags.HasError() || !equal {
		return next
	}
	return prior
}

// decode unmarshals a resource value; a nil one is null, as the framework reads it.
func decode(dv *tfprotov6.DynamicValue, typ tftypes.Type) (tftypes.Value, bool) {
	if dv == nil {
		return tftypes.NewValue(typ, nil), true
	}
	v, err := dv.Unmarshal(typ)
	return v, err == nil
}

func (rt *resourceType) decodeIdentity(id *tfprotov6.ResourceIdentityData) (tftypes.Value, bool) {
	if rt.identityType == nil {
		return tftypes.Value{}, id == nil
	}
	if id == nil {
		return tftypes.NewValue(rt.identityType, nil), true
	}
	return decode(id.IdentityData, rt.identityType)
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

func (rt *resourceType) state(v tftypes.Value) tfsdk.State {
	return tfsdk.State{Schema: rt.schema, Raw: v}
}
func (rt *resourceType) plan(v tftypes.Value) tfsdk.Plan {
	return tfsdk.Plan{Schema: rt.schema, Raw: v}
}
func (rt *resourceType) identity(v tftypes.Value) *tfsdk.ResourceIdentity {
	return &tfsdk.ResourceIdentity{Schema: rt.identitySchema, Raw: v.Copy()}
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
	if id == nil || typ == nil {
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

func (e *encoder) paths(ps path.Paths) []*tftypes.AttributePath {
	if len(ps) == 0 {
		return nil
	}
	out := make([]*tftypes.AttributePath, 0, len(ps))
	for _, p := range ps {
		out = append(out, e.path(p))
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
