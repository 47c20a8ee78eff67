package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-jsontypes/jsontypes"
	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/marketplace-trust/terraform-provider-marketplace/internal/marketplace"
)

var (
	_ resource.Resource                     = &privacySecurityResource{}
	_ resource.ResourceWithConfigure        = &privacySecurityResource{}
	_ resource.ResourceWithConfigValidators = &privacySecurityResource{}
	_ resource.ResourceWithModifyPlan       = &privacySecurityResource{}
	_ resource.ResourceWithImportState      = &privacySecurityResource{}
	_ resource.ResourceWithIdentity         = &privacySecurityResource{}
)

const (
	defaultWriteTimeout = 10 * time.Minute
	defaultReadTimeout  = 5 * time.Minute
)

// NewPrivacySecurityResource is the constructor the provider registers.
func NewPrivacySecurityResource() resource.Resource { return &privacySecurityResource{} }

type privacySecurityResource struct {
	client *marketplace.Client
}

type privacySecurityResourceModel struct {
	ID              types.String         `tfsdk:"id"`
	ProductID       types.String         `tfsdk:"product_id"`
	Publish         types.Bool           `tfsdk:"publish"`
	CommonCloud     types.Object         `tfsdk:"common_cloud"`
	CommonCloudJSON jsontypes.Normalized `tfsdk:"common_cloud_json"`
	VersionState    types.String         `tfsdk:"version_state"`
	Properties      types.Object         `tfsdk:"properties"`
	Timeouts        timeouts.Value       `tfsdk:"timeouts"`
}

func (r *privacySecurityResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_privacy_security"
}

func (r *privacySecurityResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = privacySecurityResourceSchema(ctx)
}

func privacySecurityResourceSchema(ctx context.Context) schema.Schema {
	return schema.Schema{
		MarkdownDescription: "The privacy and security (\"trust\") information of one Marketplace app. Every apply " +
			"writes the draft version; with `publish = true` the draft is then published, and the live version is " +
			"held equal to the configuration.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The product ID.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"product_id": schema.StringAttribute{
				MarkdownDescription: "The app's product ID (a UUID). Changing it replaces the resource.",
				Required:            true,
				Validators:          []validator.String{uuidString()},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"publish": schema.BoolAttribute{
				MarkdownDescription: "Whether to publish the draft after writing it, making it the live version. " +
					"Defaults to `false`: changes stay in the draft for review. Turning it off later does not " +
					"unpublish anything (the API cannot).",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
			},
			"common_cloud": schema.SingleNestedAttribute{
				MarkdownDescription: commonCloudDoc.description + " Exactly one of `common_cloud` and " +
					"`common_cloud_json` must be set.",
				Optional:   true,
				CustomType: commonCloudDoc.objectType,
				Attributes: commonCloudDoc.resourceAttributes(),
				Validators: []validator.Object{notEmptyObject()},
			},
			"common_cloud_json": schema.StringAttribute{
				MarkdownDescription: "The value of `commonCloud` as a JSON string (use `jsonencode`), for fields this " +
					"provider does not model yet. Compared semantically: whitespace and key order never show a " +
					"difference. Fields the API adds on its own are ignored; `properties` cannot be set.",
				Optional:   true,
				CustomType: jsontypes.NormalizedType{},
				Validators: []validator.String{commonCloudJSONValidator{}},
			},
			"version_state": schema.StringAttribute{
				MarkdownDescription: "Which version the document in state was read from: `draft` or `live`. " +
					"Always `live` after an apply with `publish = true`.",
				Computed: true,
			},
			"properties": propertiesResourceAttribute(),
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.BlockAll(ctx),
		},
	}
}

func (r *privacySecurityResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = privacySecurityIdentitySchema()
}

func privacySecurityIdentitySchema() identityschema.Schema {
	return identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"product_id": identityschema.StringAttribute{
				RequiredForImport: true,
				Description:       "The app's product ID (a UUID).",
			},
		},
	}
}

func (r *privacySecurityResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{
		resourcevalidator.ExactlyOneOf(path.MatchRoot("common_cloud"), path.MatchRoot("common_cloud_json")),
	}
}

func (r *privacySecurityResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = clientFrom(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan predicts version_state, which the configuration drives: publishing always
// ends on the live version, and writing without publishing ends on the draft. It works on
// the plan's values directly: Terraform asks for a plan of every resource in every run,
// and reading the whole document into the model here was most of the RPC's cost.
func (r *privacySecurityResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return // destroy
	}
	plan, ok := attributes(req.Plan.Raw)
	if !ok {
		resp.Diagnostics.AddError("Unexpected plan", "The plan of the resource is not a known object.")
		return
	}
	state, hasState := attributes(req.State.Raw)

	planned := tftypes.NewValue(tftypes.String, tftypes.UnknownValue)
	var publish bool
	switch {
	case !plan["publish"].IsKnown() || plan["publish"].As(&publish) != nil:
	case publish:
		planned = tftypes.NewValue(tftypes.String, string(marketplace.Live))
	case !hasState:
		planned = tftypes.NewValue(tftypes.String, string(marketplace.Draft))
	default:
		changed, known := documentChanged(ctx, documentFormsOf(plan), documentFormsOf(state))
		switch {
		case !known:
		case changed:
			planned = tftypes.NewValue(tftypes.String, string(marketplace.Draft))
		default:
			planned = state["version_state"]
		}
	}

	// properties changes with every write, and with a publish (formStatus). When nothing
	// else in the plan moves, the framework keeps the old value; say it will change.
	propertiesChange := hasState && !planned.Equal(state["version_state"])
	if planned.Equal(plan["version_state"]) && !propertiesChange {
		return // the plan already says so (a plan with no change: the common case)
	}
	plan["version_state"] = planned
	if propertiesChange {
		plan["properties"] = tftypes.NewValue(plan["properties"].Type(), tftypes.UnknownValue)
	}
	resp.Plan.Raw = tftypes.NewValue(req.Plan.Raw.Type(), plan)
}

// documentForms is the two attributes that hold the trust document (common_cloud, the
// typed form, and common_cloud_json), as Terraform values; one of them is null.
type documentForms struct{ typed, json tftypes.Value }

func documentFormsOf(attrs map[string]tftypes.Value) documentForms {
	return documentForms{typed: attrs["common_cloud"], json: attrs["common_cloud_json"]}
}

func (m *privacySecurityResourceModel) documentForms(ctx context.Context) documentForms {
	typed, _ := m.CommonCloud.ToTerraformValue(ctx)
	json, _ := m.CommonCloudJSON.ToTerraformValue(ctx)
	return documentForms{typed: typed, json: json}
}

// documentChanged reports whether the planned document differs from the one in state,
// and whether that is known yet. The JSON form compares by meaning, not text.
func documentChanged(ctx context.Context, plan, state documentForms) (changed, known bool) {
	if !plan.typed.IsFullyKnown() || !plan.json.IsKnown() {
		return false, false
	}
	if !plan.typed.Equal(state.typed) {
		return true, true
	}
	if plan.json.IsNull() != state.json.IsNull() {
		return true, true
	}
	if plan.json.IsNull() {
		return false, true
	}
	var planJSON, stateJSON string
	if plan.json.As(&planJSON) != nil || state.json.As(&stateJSON) != nil {
		return true, true
	}
	if planJSON == stateJSON {
		return false, true
	}
	equal, _ := jsontypes.NewNormalizedValue(planJSON).StringSemanticEquals(ctx, jsontypes.NewNormalizedValue(stateJSON))
	return !equal, true
}

func (r *privacySecurityResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	plan, diags := modelFromValue(ctx, req.Plan.Raw)
	if resp.Diagnostics.Append(diags...); resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Create(ctx, defaultWriteTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	newState, diags := r.write(ctx, plan, nil)
	resp.Diagnostics.Append(diags...)
	if newState != nil {
		r.setState(ctx, newState, &resp.State, resp.Identity, &resp.Diagnostics)
	}
}

func (r *privacySecurityResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	plan, diags := modelFromValue(ctx, req.Plan.Raw)
	resp.Diagnostics.Append(diags...)
	state, diags := modelFromValue(ctx, req.State.Raw)
	if resp.Diagnostics.Append(diags...); resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Update(ctx, defaultWriteTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	newState, diags := r.write(ctx, plan, state)
	resp.Diagnostics.Append(diags...)
	if newState == nil {
		newState = state // nothing was written: the prior state is still the truth.
	}
	r.setState(ctx, newState, &resp.State, resp.Identity, &resp.Diagnostics)
}

// write carries out a create (state nil) or an update: PUT the draft when the document
// changed, publish when asked and there is something to publish, then read back the
// version that state reflects. It returns the state to save, which is nil only when
// nothing reached the API; when a step after PUT fails, the state describes the draft,
// so that the next plan retries the publish instead of losing it.
func (r *privacySecurityResource) write(ctx context.Context, plan, state *privacySecurityResourceModel) (*privacySecurityResourceModel, diag.Diagnostics) {
	var diags diag.Diagnostics
	productID := plan.ProductID.ValueString()

	docChanged := true
	if state != nil {
		docChanged, _ = documentChanged(ctx, plan.documentForms(ctx), state.documentForms(ctx))
	}
	if docChanged {
		if d := r.putDraft(ctx, plan); d.HasError() {
			return nil, d
		}
	}

	publishing := plan.Publish.ValueBool() && (docChanged || state == nil || state.VersionState.ValueString() != string(marketplace.Live))
	if !docChanged && !publishing {
		// Only publish or timeouts changed, and nothing needs the API (turning publish off
		// cannot unpublish; turning it on with the document already live has nothing to
		// publish): the refreshed state is still the truth.
		out := *state
		out.Publish, out.Timeouts = plan.Publish, plan.Timeouts
		return &out, diags
	}
	if publishing {
		err := r.client.Publish(ctx, productID)
		switch {
		case err == nil:
		case marketplace.IsConflict(err) && !docChanged:
			// No draft to publish: it was published or discarded since the last refresh.
			// The read below shows whether live holds the configuration.
			tflog.Info(ctx, "publish found no draft; checking the live version", map[string]any{"product_id": productID})
		case marketplace.IsConflict(err):
			// The draft just written is gone: a publish whose answer was lost on the way
			// (the retry then finds no draft), or a publish made elsewhere. The read below
			// verifies that the live version holds the configuration.
			tflog.Warn(ctx, "publish answered 409 right after PUT; verifying the live version", map[string]any{"product_id": productID})
		default:
			addAPIError(&diags, "publishing the draft of "+productID, err)
			if !docChanged {
				return nil, diags // nothing was written: the prior state still holds.
			}
			// The draft holds the change; record it as such, so that the next plan
			// (version_state draft, publish true) publishes it.
			draft, d := r.readInto(ctx, plan, marketplace.Draft)
			diags.Append(d...)
			return draft, diags
		}
	}

	newState, d := r.readBack(ctx, plan)
	diags.Append(d...)
	if diags.HasError() {
		return newState, diags
	}
	if newState == nil {
		diags.AddError("The document disappeared",
			fmt.Sprintf("Product %s has neither a draft nor a live version right after this apply: another writer "+
				"may have discarded it. Apply again to write it.", productID))
		return nil, diags
	}
	if changed, _ := documentChanged(ctx, plan.documentForms(ctx), newState.documentForms(ctx)); changed {
		diags.AddError("The Marketplace holds a different document",
			fmt.Sprintf("After writing the %s version of product %s, reading it back gave a document that differs from "+
				"the configuration. Another writer may have changed it at the same time; run terraform plan to see the "+
				"difference, then apply again.", newState.VersionState.ValueString(), productID))
	}
	return newState, diags
}

func (r *privacySecurityResource) putDraft(ctx context.Context, plan *privacySecurityResourceModel) diag.Diagnostics {
	var diags diag.Diagnostics
	productID := plan.ProductID.ValueString()
	var err error
	if !plan.CommonCloudJSON.IsNull() {
		err = r.client.PutDraft(ctx, productID, json.RawMessage(plan.CommonCloudJSON.ValueString()))
	} else {
		body, d := documentToAPI(ctx, plan.CommonCloud)
		if diags.Append(d...); diags.HasError() {
			return diags
		}
		raw, mErr := json.Marshal(body)
		if mErr != nil {
			diags.AddError("Cannot encode the document", mErr.Error())
			return diags
		}
		err = r.client.PutDraft(ctx, productID, raw)
	}
	if err != nil {
		addAPIError(&diags, "writing the draft of "+productID, err)
	}
	return diags
}

// readInto GETs one version and returns prior with the document, version_state and
// properties replaced by what the API holds; nil with no error when that version does not
// exist.
func (r *privacySecurityResource) readInto(ctx context.Context, prior *privacySecurityResourceModel, state marketplace.VersionState) (*privacySecurityResourceModel, diag.Diagnostics) {
	var diags diag.Diagnostics
	productID := prior.ProductID.ValueString()
	doc, err := r.client.Get(ctx, productID, state)
	if marketplace.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		addAPIError(&diags, fmt.Sprintf("reading the %s version of %s", state, productID), err)
		return nil, diags
	}
	out := *prior
	out.ID = types.StringValue(productID)
	out.VersionState = types.StringValue(string(state))
	if out.Publish.IsNull() || out.Publish.IsUnknown() {
		out.Publish = types.BoolValue(false)
	}
	var d diag.Diagnostics
	out.Properties, d = propertiesFromAPI(doc.Properties)
	diags.Append(d...)
	commonCloud := doc.CommonCloud
	if !prior.CommonCloudJSON.IsNull() && !prior.CommonCloudJSON.IsUnknown() {
		out.CommonCloudJSON, d = commonCloudJSONFromAPI(commonCloud, prior.CommonCloudJSON.ValueString())
		diags.Append(d...)
		out.CommonCloud = types.ObjectNull(commonCloudDoc.childTypes())
	} else {
		out.CommonCloud, d = documentFromAPI(commonCloud)
		diags.Append(d...)
		out.CommonCloudJSON = jsontypes.NewNormalizedNull()
	}
	return &out, diags
}

// commonCloudJSONFromAPI is the API's commonCloud as common_cloud_json, reduced to the
// keys that the user's JSON has.
func commonCloudJSONFromAPI(got map[string]any, shapeJSON string) (jsontypes.Normalized, diag.Diagnostics) {
	var diags diag.Diagnostics
	var shape any
	if err := json.Unmarshal([]byte(shapeJSON), &shape); err != nil {
		shape = got
	}
	out, err := json.Marshal(projectJSON(got, shape))
	if err != nil {
		diags.AddError("Cannot encode the document", err.Error())
	}
	return jsontypes.NewNormalizedValue(string(out)), diags
}

func (r *privacySecurityResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	state, diags := modelFromValue(ctx, req.State.Raw)
	if resp.Diagnostics.Append(diags...); resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := state.Timeouts.Read(ctx, defaultReadTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	newState, diags := r.readBack(ctx, state)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	// The framework wants an identity from every successful read, even one that removes
	// the resource.
	if resp.Identity != nil {
		resp.Identity.Raw = identityValue(state.ProductID)
	}
	if newState == nil {
		tflog.Warn(ctx, "product has neither a draft nor a live version; removing it from state", map[string]any{
			"product_id": state.ProductID.ValueString(),
		})
		resp.State.RemoveResource(ctx)
		return
	}
	r.setState(ctx, newState, &resp.State, nil, &resp.Diagnostics)
}

// setState records m as the resource's state, and its identity when asked.
func (r *privacySecurityResource) setState(ctx context.Context, m *privacySecurityResourceModel, state *tfsdk.State, identity *tfsdk.ResourceIdentity, diags *diag.Diagnostics) {
	v, d := m.value(ctx)
	if diags.Append(d...); d.HasError() {
		return
	}
	state.Raw = v
	if identity != nil {
		identity.Raw = identityValue(m.ProductID)
	}
}

// readBack reads the version that m's publish setting reflects, and the other one only
// when that one is missing (a draft published or discarded elsewhere, or never
// published). It returns nil, without error, when neither exists.
func (r *privacySecurityResource) readBack(ctx context.Context, m *privacySecurityResourceModel) (*privacySecurityResourceModel, diag.Diagnostics) {
	order := []marketplace.VersionState{marketplace.Draft, marketplace.Live}
	if m.Publish.ValueBool() {
		order = []marketplace.VersionState{marketplace.Live, marketplace.Draft}
	}
	for _, version := range order {
		newState, diags := r.readInto(ctx, m, version)
		if newState != nil || diags.HasError() {
			return newState, diags
		}
	}
	return nil, nil
}

func (r *privacySecurityResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	state, diags := modelFromValue(ctx, req.State.Raw)
	if resp.Diagnostics.Append(diags...); resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := state.Timeouts.Delete(ctx, defaultWriteTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	productID := state.ProductID.ValueString()
	err := r.client.DeleteDraft(ctx, productID)
	if err != nil && !marketplace.IsNotFound(err) {
		addAPIError(&resp.Diagnostics, "deleting the draft of "+productID, err)
		return
	}
	if state.Publish.ValueBool() {
		resp.Diagnostics.AddWarning("The live version stays published",
			fmt.Sprintf("The draft of product %s is deleted, but its live privacy and security information stays "+
				"published: the Marketplace API has no way to withdraw it. Change it in the Marketplace if needed.", productID))
	}
}

// ImportState starts the state of an imported app from its product ID, given as the
// import ID or as the identity's product_id, checked alike before any request; the read
// that follows fills the rest.
func (r *privacySecurityResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	productID, summary := req.ID, "Invalid import ID"
	if req.ID == "" && req.Identity != nil {
		summary = "Invalid import identity"
		if identity, ok := attributes(req.Identity.Raw); ok {
			_ = identity["product_id"].As(&productID)
		}
	}
	if !uuidPattern.MatchString(productID) {
		resp.Diagnostics.AddError(summary, fmt.Sprintf("%s is not a product ID: import with the app's product ID, a UUID "+
			"such as 12345678-1234-1234-1234-123456789abc.", quoteCut(productID)))
		return
	}
	m, diags := modelFromValue(ctx, privacySecurityShape().nullState)
	if resp.Diagnostics.Append(diags...); diags.HasError() {
		return
	}
	m.ID, m.ProductID, m.Publish = types.StringValue(productID), types.StringValue(productID), types.BoolValue(false)
	r.setState(ctx, m, &resp.State, resp.Identity, &resp.Diagnostics)
}
