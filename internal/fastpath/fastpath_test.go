package fastpath

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework-jsontypes/jsontypes"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/metaschema"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// These tests put the fast path beside the framework on toy resources that each use one
// feature the fast path must derive or hand over, send both the same requests, and require
// the same answers. Each case also checks that its feature shows in the framework's answer,
// so that a fast path ignoring the feature would answer differently and fail the case.

// toy is a resource whose behaviour each case sets.
type toy struct {
	schema         func() schema.Schema
	mutable        bool
	validateConfig func(resource.ValidateConfigRequest, *resource.ValidateConfigResponse)
	modifyPlan     func(context.Context, resource.ModifyPlanRequest, *resource.ModifyPlanResponse)
	read           func(context.Context, resource.ReadRequest, *resource.ReadResponse)
	update         func(context.Context, resource.UpdateRequest, *resource.UpdateResponse)
}

var (
	_ resource.ResourceWithConfigure      = &toyResource{}
	_ resource.ResourceWithIdentity       = &toyResource{}
	_ resource.ResourceWithValidateConfig = &toyResource{}
	_ resource.ResourceWithModifyPlan     = &toyResource{}
)

type toyResource struct {
	*toy
	data any
}

func (r *toyResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_thing"
	resp.ResourceBehavior.MutableIdentity = r.mutable
}

func toySchema() schema.Schema {
	return schema.Schema{Attributes: map[string]schema.Attribute{
		"id":   schema.StringAttribute{Computed: true, PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
		"name": schema.StringAttribute{Required: true, PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()}},
		"flag": schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(false)},
		"doc":  schema.StringAttribute{Optional: true, CustomType: jsontypes.NormalizedType{}},
		"out":  schema.StringAttribute{Computed: true},
		"nested": schema.SingleNestedAttribute{Optional: true, Attributes: map[string]schema.Attribute{
			"a": schema.StringAttribute{Optional: true, Validators: []validator.String{notX{}}},
		}},
	}}
}

type notX struct{}

func (notX) Description(context.Context) string         { return "not x" }
func (notX) MarkdownDescription(context.Context) string { return "not x" }
func (notX) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.ValueString() == "x" {
		resp.Diagnostics.AddAttributeError(req.Path, "x", "x is not allowed")
	}
}

func (r *toyResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = r.schema()
}

func (r *toyResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{Attributes: map[string]identityschema.Attribute{
		"name": identityschema.StringAttribute{RequiredForImport: true},
	}}
}

func (r *toyResource) Configure(_ context.Context, req resource.ConfigureRequest, _ *resource.ConfigureResponse) {
	r.data = req.ProviderData
}

func (r *toyResource) ValidateConfig(_ context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	if r.validateConfig != nil {
		r.validateConfig(req, resp)
	}
}

func (r *toyResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.data == nil {
		resp.Diagnostics.AddError("not configured", "ModifyPlan before Configure")
	}
	if r.modifyPlan != nil {
		r.modifyPlan(ctx, req, resp)
	}
}

// written is the state a create or update leaves: the plan, computed values filled, the
// JSON text laid out anew (semantic equality must keep the planned text).
func (r *toyResource) written(ctx context.Context, plan rawValue) (tftypes.Value, tftypes.Value) {
	attrs, _ := attributes(plan.raw)
	var name string
	_ = attrs["name"].As(&name)
	attrs["id"] = tftypes.NewValue(tftypes.String, "id-"+name)
	attrs["out"] = tftypes.NewValue(tftypes.String, fmt.Sprintf("configured=%v", r.data != nil))
	if attrs["doc"].IsKnown() && !attrs["doc"].IsNull() {
		var doc string
		_ = attrs["doc"].As(&doc)
		attrs["doc"] = tftypes.NewValue(tftypes.String, strings.ReplaceAll(doc, ":", ": "))
	}
	return tftypes.NewValue(plan.raw.Type(), attrs), identityOf(name)
}

type rawValue struct{ raw tftypes.Value }

var toyIdentityType = tftypes.Object{AttributeTypes: map[string]tftypes.Type{"name": tftypes.String}}

func identityOf(name string) tftypes.Value {
	return tftypes.NewValue(toyIdentityType, map[string]tftypes.Value{"name": tftypes.NewValue(tftypes.String, name)})
}

func (r *toyResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	resp.State.Raw, resp.Identity.Raw = r.written(ctx, rawValue{req.Plan.Raw})
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, "created", []byte(`true`))...)
}

func (r *toyResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	if r.read != nil {
		r.read(ctx, req, resp)
		return
	}
	attrs, _ := attributes(req.State.Raw)
	var name string
	_ = attrs["name"].As(&name)
	resp.Identity.Raw = identityOf(name)
	if attrs["doc"].IsKnown() && !attrs["doc"].IsNull() {
		var doc string
		_ = attrs["doc"].As(&doc)
		attrs["doc"] = tftypes.NewValue(tftypes.String, " "+doc+" ")
	}
	resp.State.Raw = tftypes.NewValue(req.State.Raw.Type(), attrs)
}

func (r *toyResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	if r.update != nil {
		r.update(ctx, req, resp)
		return
	}
	resp.State.Raw, resp.Identity.Raw = r.written(ctx, rawValue{req.Plan.Raw})
}

func (r *toyResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}

// toyProvider serves one toy resource.
type toyProvider struct {
	toy  *toy
	data any
}

func (p *toyProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "toy"
}
func (p *toyProvider) Schema(context.Context, provider.SchemaRequest, *provider.SchemaResponse) {}
func (p *toyProvider) Configure(_ context.Context, _ provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	p.data = "client"
	resp.ResourceData = p.data
}
func (p *toyProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }
func (p *toyProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{func() resource.Resource { return &toyResource{toy: p.toy} }}
}
func (p *toyProvider) Configured() (any, bool) { return p.data, false }

type metaProvider struct{ *toyProvider }

func (metaProvider) MetaSchema(_ context.Context, _ provider.MetaSchemaRequest, resp *provider.MetaSchemaResponse) {
	resp.Schema = metaschema.Schema{Attributes: map[string]metaschema.Attribute{"m": metaschema.StringAttribute{Optional: true}}}
}

// pair is the framework and the fast path over the same toy.
type pair struct {
	t         *testing.T
	framework tfprotov6.ProviderServer
	fast      *Server
	stateType tftypes.Object
	fallbacks int // RPCs the fast path handed to the framework
}

func newPair(t *testing.T, tt *toy) *pair {
	t.Helper()
	if tt.schema == nil {
		tt.schema = toySchema
	}
	p := &pair{t: t, framework: providerserver.NewProtocol6(&toyProvider{toy: tt})(), fast: New(&toyProvider{toy: tt})}
	p.stateType = tt.schema().Type().TerraformType(context.Background()).(tftypes.Object)
	p.fast.ProviderServer = &counting{ProviderServer: p.fast.ProviderServer, n: &p.fallbacks}
	for _, s := range []tfprotov6.ProviderServer{p.framework, p.fast} {
		if _, err := s.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{}); err != nil {
			t.Fatal(err)
		}
		cfg := p.dv(tftypes.Object{AttributeTypes: map[string]tftypes.Type{}}, tftypes.NewValue(tftypes.Object{AttributeTypes: map[string]tftypes.Type{}}, map[string]tftypes.Value{}))
		resp, err := s.ConfigureProvider(context.Background(), &tfprotov6.ConfigureProviderRequest{Config: cfg})
		if err != nil || len(resp.Diagnostics) > 0 {
			t.Fatalf("configure: %v %v", err, resp.Diagnostics)
		}
	}
	return p
}

type counting struct {
	tfprotov6.ProviderServer
	n *int
}

func (c *counting) ValidateResourceConfig(ctx context.Context, req *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	*c.n++
	return c.ProviderServer.ValidateResourceConfig(ctx, req)
}

func (c *counting) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	*c.n++
	return c.ProviderServer.PlanResourceChange(ctx, req)
}

func (c *counting) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	*c.n++
	return c.ProviderServer.ReadResource(ctx, req)
}

func (c *counting) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	*c.n++
	return c.ProviderServer.ApplyResourceChange(ctx, req)
}

func (p *pair) dv(typ tftypes.Type, v tftypes.Value) *tfprotov6.DynamicValue {
	dv, err := tfprotov6.NewDynamicValue(typ, v)
	if err != nil {
		p.t.Fatal(err)
	}
	return &dv
}

// value is a toy value: attrs, everything else null.
func (p *pair) value(attrs map[string]tftypes.Value) tftypes.Value {
	all := map[string]tftypes.Value{}
	for name, typ := range p.stateType.AttributeTypes {
		all[name] = tftypes.NewValue(typ, nil)
	}
	for name, v := range attrs {
		all[name] = v
	}
	return tftypes.NewValue(p.stateType, all)
}

func str(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }

// same sends one request to both servers and fails on any difference; it returns the
// framework's answer, rendered, for the case to check that its feature shows.
func (p *pair) same(name string, call func(tfprotov6.ProviderServer) any) string {
	p.t.Helper()
	a, b := p.render(call(p.framework)), p.render(call(p.fast))
	if a != b {
		p.t.Errorf("%s: answers differ\nframework: %s\nfast path: %s", name, a, b)
	}
	return a
}

func (p *pair) render(answer any) string {
	v := reflect.ValueOf(answer).Elem()
	var parts []string
	for i := 0; i < v.NumField(); i++ {
		f := v.Field(i)
		name := v.Type().Field(i).Name
		switch x := f.Interface().(type) {
		case *tfprotov6.DynamicValue:
			if x == nil {
				parts = append(parts, name+"=<nil>")
				continue
			}
			val, err := x.Unmarshal(p.stateType)
			parts = append(parts, fmt.Sprintf("%s=%v%v", name, val, err))
		case *tfprotov6.ResourceIdentityData:
			if x == nil {
				parts = append(parts, name+"=<nil>")
				continue
			}
			val, err := x.IdentityData.Unmarshal(toyIdentityType)
			parts = append(parts, fmt.Sprintf("%s=%v%v", name, val, err))
		case []*tfprotov6.Diagnostic:
			var ds []string
			for _, d := range x {
				ds = append(ds, fmt.Sprintf("[%v %q %q at %v]", d.Severity, d.Summary, d.Detail, d.Attribute))
			}
			sort.Strings(ds)
			parts = append(parts, name+"="+strings.Join(ds, ","))
		case []byte:
			parts = append(parts, fmt.Sprintf("%s=%s", name, x))
		case *tfprotov6.Deferred:
			parts = append(parts, fmt.Sprintf("%s=%v", name, x))
		default:
			parts = append(parts, fmt.Sprintf("%s=%v", name, x))
		}
	}
	return strings.Join(parts, " ")
}

func (p *pair) plan(name string, config, prior tftypes.Value, priorPrivate []byte, priorIdentity tftypes.Value) string {
	p.t.Helper()
	proposed := config
	if !prior.IsNull() {
		c, _ := attributes(config)
		s, _ := attributes(prior)
		for _, n := range []string{"id", "flag", "out"} {
			if c[n].IsNull() {
				c[n] = s[n]
			}
		}
		proposed = tftypes.NewValue(p.stateType, c)
	}
	req := &tfprotov6.PlanResourceChangeRequest{TypeName: "toy_thing", Config: p.dv(p.stateType, config),
		ProposedNewState: p.dv(p.stateType, proposed), PriorState: p.dv(p.stateType, prior), PriorPrivate: priorPrivate}
	if !priorIdentity.IsNull() {
		req.PriorIdentity = &tfprotov6.ResourceIdentityData{IdentityData: p.dv(toyIdentityType, priorIdentity)}
	}
	return p.same("plan "+name, func(s tfprotov6.ProviderServer) any {
		resp, err := s.PlanResourceChange(context.Background(), req)
		if err != nil {
			p.t.Fatal(err)
		}
		return resp
	})
}

// planned is the framework's planned state for config over prior.
func (p *pair) planned(config, prior tftypes.Value) tftypes.Value {
	proposed := config
	if !prior.IsNull() {
		c, _ := attributes(config)
		s, _ := attributes(prior)
		for _, n := range []string{"id", "flag", "out"} {
			if c[n].IsNull() {
				c[n] = s[n]
			}
		}
		proposed = tftypes.NewValue(p.stateType, c)
	}
	resp, err := p.framework.PlanResourceChange(context.Background(), &tfprotov6.PlanResourceChangeRequest{TypeName: "toy_thing",
		Config: p.dv(p.stateType, config), ProposedNewState: p.dv(p.stateType, proposed), PriorState: p.dv(p.stateType, prior)})
	if err != nil || resp.PlannedState == nil {
		p.t.Fatalf("plan: %v %v", err, resp.Diagnostics)
	}
	v, err := resp.PlannedState.Unmarshal(p.stateType)
	if err != nil {
		p.t.Fatal(err)
	}
	return v
}

func (p *pair) apply(name string, config, prior tftypes.Value, private []byte, identity tftypes.Value) string {
	p.t.Helper()
	req := &tfprotov6.ApplyResourceChangeRequest{TypeName: "toy_thing", Config: p.dv(p.stateType, config),
		PlannedState: p.dv(p.stateType, p.planned(config, prior)), PriorState: p.dv(p.stateType, prior), PlannedPrivate: private}
	if !identity.IsNull() {
		req.PlannedIdentity = &tfprotov6.ResourceIdentityData{IdentityData: p.dv(toyIdentityType, identity)}
	}
	return p.same("apply "+name, func(s tfprotov6.ProviderServer) any {
		resp, err := s.ApplyResourceChange(context.Background(), req)
		if err != nil {
			p.t.Fatal(err)
		}
		return resp
	})
}

func (p *pair) read(name string, state tftypes.Value, private []byte, identity tftypes.Value) string {
	p.t.Helper()
	req := &tfprotov6.ReadResourceRequest{TypeName: "toy_thing", CurrentState: p.dv(p.stateType, state), Private: private}
	if !identity.IsNull() {
		req.CurrentIdentity = &tfprotov6.ResourceIdentityData{IdentityData: p.dv(toyIdentityType, identity)}
	}
	return p.same("read "+name, func(s tfprotov6.ProviderServer) any {
		resp, err := s.ReadResource(context.Background(), req)
		if err != nil {
			p.t.Fatal(err)
		}
		return resp
	})
}

func (p *pair) validate(name string, config tftypes.Value) string {
	p.t.Helper()
	req := &tfprotov6.ValidateResourceConfigRequest{TypeName: "toy_thing", Config: p.dv(p.stateType, config)}
	return p.same("validate "+name, func(s tfprotov6.ProviderServer) any {
		resp, err := s.ValidateResourceConfig(context.Background(), req)
		if err != nil {
			p.t.Fatal(err)
		}
		return resp
	})
}

func mustContain(t *testing.T, what, answer string, wants ...string) {
	t.Helper()
	for _, want := range wants {
		if !strings.Contains(answer, want) {
			t.Errorf("%s: the framework's answer lacks %q, so this case does not exercise its feature:\n%s", what, want, answer)
		}
	}
}

var nullIdentity = tftypes.NewValue(toyIdentityType, nil)

// The common case, answered here: defaults, computed values, plan modifiers (both kinds
// the framework ships, run as the framework runs them), semantic equality, identity,
// private state set by Create, Configure.
func TestAnswersAsTheFrameworkOnTheCommonCase(t *testing.T) {
	p := newPair(t, &toy{})
	none := tftypes.NewValue(p.stateType, nil)
	config := p.value(map[string]tftypes.Value{"name": str("a"), "doc": str(`{"k":1}`)})
	mustContain(t, "validate", p.validate("valid", config), "Diagnostics=")
	mustContain(t, "nested validator", p.validate("nested x", p.value(map[string]tftypes.Value{"name": str("a"),
		"nested": tftypes.NewValue(p.stateType.AttributeTypes["nested"], map[string]tftypes.Value{"a": str("x")})})), "x is not allowed")
	mustContain(t, "default and unknowns", p.plan("create", config, none, nil, nullIdentity), `"flag":tftypes.Bool<"false">`, `"id":tftypes.String<unknown>`)
	created := p.apply("create", config, none, nil, nullIdentity)
	mustContain(t, "create", created, `Private={"created":"dHJ1ZQ=="}`, `configured=true`, `"doc":tftypes.String<"{"k":1}">`)

	state := p.planned(config, none)
	attrs, _ := attributes(state)
	attrs["id"], attrs["out"] = str("id-a"), str("configured=true")
	state = tftypes.NewValue(p.stateType, attrs)
	private := []byte(`{"created":"dHJ1ZQ=="}`)
	p.plan("no change", config, state, private, identityOf("a"))
	mustContain(t, "use state for unknown", p.plan("change", p.value(map[string]tftypes.Value{"name": str("a"), "doc": str(`{"k":2}`)}), state, private, identityOf("a")),
		`"id":tftypes.String<"id-a">`, `"out":tftypes.String<unknown>`)
	mustContain(t, "requires replace", p.plan("replace", p.value(map[string]tftypes.Value{"name": str("b")}), state, private, identityOf("a")),
		"RequiresReplace=[AttributeName(\"name\")]")
	mustContain(t, "semantic equality on read", p.read("reformatted", state, private, identityOf("a")), `"doc":tftypes.String<"{"k":1}">`, `Private={"created"`)
	p.read("identity missing", state, nil, nullIdentity)
	p.apply("update", p.value(map[string]tftypes.Value{"name": str("a"), "doc": str(`{"k":2}`)}), state, private, identityOf("a"))
	if p.fallbacks != 0 {
		t.Errorf("the fast path handed %d RPCs to the framework, want none; unsupported: %v", p.fallbacks, p.fast.Unsupported())
	}
}

// A resource-level ValidateConfig is called, with the config validators' client capabilities.
func TestAnswersAsTheFrameworkWithValidateConfig(t *testing.T) {
	p := newPair(t, &toy{validateConfig: func(req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
		resp.Diagnostics.AddAttributeError(path.Root("name"), "from ValidateConfig",
			fmt.Sprintf("write-only allowed: %v", req.ClientCapabilities.WriteOnlyAttributesAllowed))
	}})
	config := p.value(map[string]tftypes.Value{"name": str("a")})
	req := &tfprotov6.ValidateResourceConfigRequest{TypeName: "toy_thing", Config: p.dv(p.stateType, config),
		ClientCapabilities: &tfprotov6.ValidateResourceConfigClientCapabilities{WriteOnlyAttributesAllowed: true}}
	answer := p.same("validate with capabilities", func(s tfprotov6.ProviderServer) any {
		resp, _ := s.ValidateResourceConfig(context.Background(), req)
		return resp
	})
	mustContain(t, "ValidateConfig", answer, "from ValidateConfig", "write-only allowed: true")
	if p.fallbacks != 0 {
		t.Errorf("ValidateConfig handed to the framework; it is handled here")
	}
}

// RequiresReplace or Deferred from ModifyPlan: the framework answers the plan.
func TestAnswersAsTheFrameworkWhenModifyPlanAsksForMore(t *testing.T) {
	for name, modify := range map[string]func(context.Context, resource.ModifyPlanRequest, *resource.ModifyPlanResponse){
		"requires replace": func(_ context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
			if !req.State.Raw.IsNull() {
				resp.RequiresReplace = append(resp.RequiresReplace, path.Root("doc"))
			}
		},
		"deferred": func(_ context.Context, _ resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
			resp.Deferred = &resource.Deferred{Reason: resource.DeferredReasonAbsentPrereq}
		},
	} {
		t.Run(name, func(t *testing.T) {
			p := newPair(t, &toy{modifyPlan: modify})
			config := p.value(map[string]tftypes.Value{"name": str("a"), "doc": str(`{"k":2}`)})
			state := p.value(map[string]tftypes.Value{"name": str("a"), "id": str("id-a"), "flag": tftypes.NewValue(tftypes.Bool, false), "doc": str(`{"k":1}`), "out": str("o")})
			answer := p.plan(name, config, state, nil, identityOf("a"))
			mustContain(t, name, answer, map[string]string{"requires replace": `RequiresReplace=[AttributeName("doc")]`, "deferred": "Deferred=&{ABSENT_PREREQ}"}[name])
		})
	}
}

// Private state set and read by every method travels both ways.
func TestAnswersAsTheFrameworkWithPrivateState(t *testing.T) {
	p := newPair(t, &toy{
		modifyPlan: func(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
			seen, _ := req.Private.GetKey(ctx, "read")
			resp.Diagnostics.Append(resp.Private.SetKey(ctx, "planned", []byte(fmt.Sprintf(`{"read": %q}`, seen)))...)
		},
		read: func(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
			resp.Identity.Raw = identityOf("a")
			resp.Diagnostics.Append(resp.Private.SetKey(ctx, "read", []byte(`"yes"`))...)
		},
		update: func(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
			planned, _ := req.Private.GetKey(ctx, "planned")
			resp.State.Raw, resp.Identity.Raw = req.Plan.Raw, identityOf("a")
			attrs, _ := attributes(req.Plan.Raw)
			attrs["out"] = str(string(planned))
			resp.State.Raw = tftypes.NewValue(req.Plan.Raw.Type(), attrs)
			resp.Diagnostics.Append(resp.Private.SetKey(ctx, "read", nil)...)
		},
	})
	state := p.value(map[string]tftypes.Value{"name": str("a"), "id": str("id-a"), "flag": tftypes.NewValue(tftypes.Bool, false), "out": str("o")})
	// A framework key (kept as it is), and a provider key.
	prior := []byte(`{".framework_key":"e30=","kept":"MQ=="}`)
	mustContain(t, "read", p.read("private", state, prior, identityOf("a")), `"read":"InllcyI="`, `".framework_key":"e30="`, `"kept":"MQ=="`)
	afterRead := []byte(`{".framework_key":"e30=","kept":"MQ==","read":"InllcyI="}`)
	config := p.value(map[string]tftypes.Value{"name": str("a"), "doc": str(`{}`)})
	mustContain(t, "plan", p.plan("private", config, state, afterRead, identityOf("a")), `"planned":`)
	planResp, err := p.framework.PlanResourceChange(context.Background(), &tfprotov6.PlanResourceChangeRequest{TypeName: "toy_thing",
		Config: p.dv(p.stateType, config), ProposedNewState: p.dv(p.stateType, config), PriorState: p.dv(p.stateType, state), PriorPrivate: afterRead})
	if err != nil {
		t.Fatal(err)
	}
	mustContain(t, "update", p.apply("private", config, state, planResp.PlannedPrivate, identityOf("a")), `"out":tftypes.String<"{"read": "\"yes\""}">`, `".framework_key"`)
	// A state just imported (the framework's key): the framework answers the read.
	p.read("after import", state, []byte(`{".import_before_read":"dHJ1ZQ=="}`), identityOf("a"))
	// Private state the framework cannot read: it answers.
	p.read("undecodable private", state, []byte(`{"a": 1}`), identityOf("a"))
	p.read("invalid private", state, []byte(`not json`), identityOf("a"))
}

// MutableIdentity: an identity that changes is no error.
func TestAnswersAsTheFrameworkWithMutableIdentity(t *testing.T) {
	for _, mutable := range []bool{false, true} {
		p := newPair(t, &toy{mutable: mutable, read: func(_ context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
			resp.Identity.Raw = identityOf("renamed")
		}})
		state := p.value(map[string]tftypes.Value{"name": str("a"), "id": str("id-a"), "flag": tftypes.NewValue(tftypes.Bool, false), "out": str("o")})
		answer := p.read(fmt.Sprintf("identity changed, mutable %v", mutable), state, nil, identityOf("a"))
		if changed := strings.Contains(answer, "Unexpected Identity Change"); changed == mutable {
			t.Errorf("mutable %v: the framework's answer %s", mutable, answer)
		}
		p.read("identity removed", state, nil, identityOf("a"))
	}
}

// Features the fast path does not handle hand the RPCs they affect to the framework, and
// say why.
func TestHandsOverWhatItDoesNotHandle(t *testing.T) {
	withSchema := func(change func(map[string]schema.Attribute)) func() schema.Schema {
		return func() schema.Schema {
			s := toySchema()
			change(s.Attributes)
			return s
		}
	}
	for _, c := range []struct {
		name   string
		toy    *toy
		meta   bool
		rpcs   []RPC
		reason string
	}{
		{"write-only attribute", &toy{schema: withSchema(func(a map[string]schema.Attribute) {
			a["secret"] = schema.StringAttribute{Optional: true, WriteOnly: true}
		})}, false, RPCs, "write-only"},
		{"nested plan modifier", &toy{schema: withSchema(func(a map[string]schema.Attribute) {
			a["nested"] = schema.SingleNestedAttribute{Optional: true, Attributes: map[string]schema.Attribute{
				"a": schema.StringAttribute{Optional: true, PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()}},
			}}
		})}, false, []RPC{Plan}, "nested attribute nested.a"},
		{"list attribute", &toy{schema: withSchema(func(a map[string]schema.Attribute) {
			a["list"] = schema.ListAttribute{Optional: true, ElementType: jsontypes.NormalizedType{}}
		})}, false, RPCs, "ListAttribute"},
		{"provider meta schema", &toy{}, true, RPCs, "meta schema"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.toy.schema == nil {
				c.toy.schema = toySchema
			}
			var s *Server
			if c.meta {
				s = New(metaProvider{&toyProvider{toy: c.toy}})
			} else {
				s = New(&toyProvider{toy: c.toy})
			}
			unsupported := s.Unsupported()["toy_thing"]
			for _, rpc := range RPCs {
				reasons := strings.Join(unsupported[rpc], "; ")
				wantOver := false
				for _, r := range c.rpcs {
					wantOver = wantOver || r == rpc
				}
				if wantOver != strings.Contains(reasons, c.reason) {
					t.Errorf("%s: reasons %q; want %q: %v", rpc, reasons, c.reason, wantOver)
				}
			}
			if !c.meta {
				p := newPair(t, c.toy)
				config := p.value(map[string]tftypes.Value{"name": str("a")})
				p.validate("config", config)
				p.plan("create", config, tftypes.NewValue(p.stateType, nil), nil, nullIdentity)
				// Of the two RPCs sent, exactly those the feature affects went to the framework.
				want := 0
				for _, rpc := range c.rpcs {
					if rpc == Validate || rpc == Plan {
						want++
					}
				}
				if p.fallbacks != want {
					t.Errorf("handed %d of validate and plan to the framework, want %d (%v)", p.fallbacks, want, c.rpcs)
				}
			}
		})
	}
}

// The framework's ProviderData is read as this package expects.
func TestPrivateStateTypeIsReadable(t *testing.T) {
	if !privateStateReadable {
		t.Fatal("the framework's privatestate.ProviderData is not a struct with one map[string][]byte field named data: " +
			"a framework upgrade changed it; update private.go")
	}
	ctx := context.Background()
	pd := providerData(ctx, resource.ReadResponse{}.Private, map[string][]byte{"k": []byte(`1`)})
	if got := providerKeys(pd); !reflect.DeepEqual(got, map[string][]byte{"k": []byte(`1`)}) {
		t.Errorf("keys %v", got)
	}
}

// The client's capabilities reach ModifyPlan and Read.
func TestAnswersAsTheFrameworkWithClientCapabilities(t *testing.T) {
	p := newPair(t, &toy{
		modifyPlan: func(_ context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
			resp.Diagnostics.AddWarning("plan", fmt.Sprintf("deferral allowed: %v", req.ClientCapabilities.DeferralAllowed))
		},
		read: func(_ context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
			resp.Identity.Raw = identityOf("a")
			resp.Diagnostics.AddWarning("read", fmt.Sprintf("deferral allowed: %v", req.ClientCapabilities.DeferralAllowed))
		},
	})
	config := p.value(map[string]tftypes.Value{"name": str("a")})
	planReq := &tfprotov6.PlanResourceChangeRequest{TypeName: "toy_thing", Config: p.dv(p.stateType, config),
		ProposedNewState: p.dv(p.stateType, config), PriorState: p.dv(p.stateType, tftypes.NewValue(p.stateType, nil)),
		ClientCapabilities: &tfprotov6.PlanResourceChangeClientCapabilities{DeferralAllowed: true}}
	mustContain(t, "plan", p.same("plan with capabilities", func(s tfprotov6.ProviderServer) any {
		resp, _ := s.PlanResourceChange(context.Background(), planReq)
		return resp
	}), "deferral allowed: true")
	state := p.value(map[string]tftypes.Value{"name": str("a"), "id": str("id-a"), "flag": tftypes.NewValue(tftypes.Bool, false), "out": str("o")})
	readReq := &tfprotov6.ReadResourceRequest{TypeName: "toy_thing", CurrentState: p.dv(p.stateType, state),
		ClientCapabilities: &tfprotov6.ReadResourceClientCapabilities{DeferralAllowed: true}}
	mustContain(t, "read", p.same("read with capabilities", func(s tfprotov6.ProviderServer) any {
		resp, _ := s.ReadResource(context.Background(), readReq)
		return resp
	}), "deferral allowed: true")
	if p.fallbacks != 0 {
		t.Errorf("handed %d RPCs to the framework, want none", p.fallbacks)
	}
}
