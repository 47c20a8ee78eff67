package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

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
	ID              types.String    `tfsdk:"id"`
	ProductID       types.String    `tfsdk:"product_id"`
	Publish         types.Bool      `tfsdk:"publish"`
	CommonCloud     types.Object    `tfsdk:"common_cloud"`
	CommonCloudJSON commonCloudJSON `tfsdk:"common_cloud_json"`
	VersionState    types.String    `tfsdk:"version_state"`
	Properties      types.Object    `tfsdk:"properties"`
	Timeouts        timeouts.Value  `tfsdk:"timeouts"`
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
					"`common_cloud_json` must be set. Fields of the Marketplace document that it does not model are " +
					"kept as they are by every write, and named in the plan.",
				Optional:   true,
				CustomType: commonCloudDoc.objectType,
				Attributes: commonCloudDoc.resourceAttributes(),
				Validators: []validator.Object{notEmptyObject()},
			},
			"common_cloud_json": schema.StringAttribute{
				MarkdownDescription: "The value of `commonCloud` as a JSON string (use `jsonencode`), for fields this " +
					"provider does not model yet. Compared semantically: whitespace and key order never show a " +
					"difference. Applied three ways, like `kubectl apply`: keys it holds are managed, a key removed from " +
					"it is removed from the document, keys it never held are kept (and named in the plan of a write). " +
					"`properties` cannot be set.",
				Optional:   true,
				CustomType: commonCloudJSONType{},
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
// ends on the live version, and writing without publishing ends on the draft. It also
// makes the plan tell what the apply will do beyond the attributes: a plan that would write
// without credentials fails, a create over an existing document and a write that keeps
// fields the configuration does not manage are announced. It works on the plan's values
// directly (the model would convert the whole document): Terraform asks for a plan of
// every resource in every run.
func (r *privacySecurityResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		// A destroy deletes the draft.
		r.requireCredentials(&resp.Diagnostics, "destroy", req.State.Raw)
		return
	}
	plan, ok := attributes(req.Plan.Raw)
	if !ok {
		resp.Diagnostics.AddError("Unexpected plan", "The plan of the resource is not a known object.")
		return
	}
	state, hasState := attributes(req.State.Raw)

	docChanged, docKnown := true, true
	if hasState {
		docChanged, docKnown = documentChanged(documentFormsOf(plan), documentFormsOf(state))
	}
	planned := tftypes.NewValue(tftypes.String, tftypes.UnknownValue)
	var publish bool
	publishKnown := plan["publish"].IsKnown() && plan["publish"].As(&publish) == nil
	switch {
	case !publishKnown:
	case publish:
		planned = tftypes.NewValue(tftypes.String, string(marketplace.Live))
	case !hasState:
		planned = tftypes.NewValue(tftypes.String, string(marketplace.Draft))
	case !docKnown:
	case docChanged:
		planned = tftypes.NewValue(tftypes.String, string(marketplace.Draft))
	default:
		planned = state["version_state"]
	}

	// What the apply will send: a PUT when the document changes (or is created), a publish
	// when the live version is not what the configuration holds.
	putting := !docKnown || docChanged
	publishing := !publishKnown || (publish && (putting || !state["version_state"].Equal(tftypes.NewValue(tftypes.String, string(marketplace.Live)))))
	if putting || publishing {
		action := "change"
		if !hasState {
			action = "create"
		}
		if !r.requireCredentials(&resp.Diagnostics, action, req.Plan.Raw) {
			return
		}
	}
	if putting && docKnown {
		r.announceWrite(ctx, plan, hasState, req, resp)
	}

	// properties changes with every write, and with a publish (formStatus). When nothing
	// else in the plan moves, the framework keeps the old value; say it will change. When
	// nothing will be sent (the JSON text only laid out anew, timeouts changed), it stays.
	propertiesChange := hasState && (putting || publishing || !planned.Equal(state["version_state"]))
	properties := plan["properties"]
	switch {
	case propertiesChange:
		properties = tftypes.NewValue(plan["properties"].Type(), tftypes.UnknownValue)
	case hasState:
		properties = state["properties"]
	}
	if planned.Equal(plan["version_state"]) && properties.Equal(plan["properties"]) {
		return // the plan already says so (a plan with no change: the common case)
	}
	plan["version_state"], plan["properties"] = planned, properties
	resp.Plan.Raw = tftypes.NewValue(req.Plan.Raw.Type(), plan)
}

// requireCredentials fails a plan that would write without credentials: the apply would
// fail, after the merge of a pipeline's pull request. value is the plan or state, for the
// product ID.
func (r *privacySecurityResource) requireCredentials(diags *diag.Diagnostics, action string, value tftypes.Value) bool {
	if r.client == nil || r.client.HasCredentials() {
		return true
	}
	productID := "(not known yet)"
	if attrs, ok := attributes(value); ok {
		_ = attrs["product_id"].As(&productID)
	}
	what := map[string]string{
		"create":  "write the draft of",
		"change":  "write the draft of (or publish)",
		"destroy": "delete the draft of",
	}[action]
	diags.AddError("Marketplace credentials required",
		fmt.Sprintf("This plan would %s product %s, which needs an authenticated account, and no credentials are set. "+
			"Set %s and %s (or email and api_token in the provider block) for plan and apply. Reading live versions "+
			"needs none.", what, productID, EnvEmail, EnvAPIToken))
	return false
}

// announceWrite warns, in the plan of a write, about what the apply does beyond the
// attributes shown: on a create, the app's existing document it replaces (read now; nothing
// is written at plan time); on every write, the fields it keeps because the configuration
// does not manage them (from the last read's record).
func (r *privacySecurityResource) announceWrite(ctx context.Context, plan map[string]tftypes.Value, hasState bool, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	var productID string
	if !plan["product_id"].IsKnown() || plan["product_id"].As(&productID) != nil || productID == "" || r.client == nil {
		return
	}
	// What there is to announce first: most plans have nothing, and converting the
	// configured document is the larger part of the work.
	var current *marketplace.Version
	var version marketplace.VersionState
	var kept map[string]any
	if !hasState {
		var err error
		current, version, err = r.current(ctx, productID)
		if err != nil {
			addAPIError(&resp.Diagnostics, "reading the current document of "+productID+" to plan its creation", err)
			return
		}
		recentReads.remember(r.client, productID, current)
		if current == nil {
			return
		}
		kept = current.CommonCloud
	} else {
		recorded, _ := req.Private.GetKey(ctx, privateUnmanaged)
		if recorded == nil {
			return // never read: the apply reads the document and keeps them all the same
		}
		var err error
		if kept, err = decodeObject(string(recorded)); err != nil || len(kept) == 0 {
			return
		}
	}

	m, diags := modelFromValue(ctx, req.Plan.Raw)
	if diags.HasError() {
		return
	}
	shape, attribute := m.shape(), path.Root("common_cloud")
	if _, isJSON := shape.(jsonShape); isJSON {
		attribute = path.Root("common_cloud_json")
	}
	_, keptPaths := splitUnmanaged(kept, shape)
	if current != nil {
		configured, diags := m.configuredDocument()
		if diags.HasError() {
			return // validation reports it
		}
		if changed := changedPaths(managedPart(current.CommonCloud, shape), configured); len(changed) > 0 {
			resp.Diagnostics.AddAttributeWarning(attribute, "Creating over an existing document",
				fmt.Sprintf("Product %s already has %s. This apply replaces it with the configuration: %d field(s) would "+
					"change: %s. Nothing has been written yet. To adopt the existing document instead, import it (an "+
					"import block with id = %q, then terraform plan -generate-config-out=generated.tf) and change it from there.",
					productID, describeVersion(current, version), len(changed), listPaths(changed), productID))
		}
	}
	if len(keptPaths) == 0 {
		return
	}
	detail := fmt.Sprintf("Product %s: the Marketplace document has %d field(s) that common_cloud does not model: %s. "+
		"This apply writes the draft with them kept as they are (the typed form cannot change or remove them; "+
		"common_cloud_json can).", productID, len(keptPaths), listPaths(keptPaths))
	if attribute.Equal(path.Root("common_cloud_json")) {
		detail = fmt.Sprintf("Product %s: the Marketplace document has %d key(s) that common_cloud_json has never held: %s. "+
			"This apply writes the draft with them kept as they are. To remove one on purpose, add it to "+
			"common_cloud_json and apply, then delete it from the configuration and apply again.",
			productID, len(keptPaths), listPaths(keptPaths))
	}
	resp.Diagnostics.AddAttributeWarning(attribute, "Fields this configuration does not manage are kept", detail)
}

// managedPart is what of doc a configuration of the given shape shows: for the typed
// form, the modelled fields as the provider reads them; for the JSON form, the keys the
// configuration holds.
func managedPart(doc map[string]any, shape managedShape) map[string]any {
	if js, ok := shape.(jsonShape); ok {
		out, _ := projectJSON(doc, js.keys).(map[string]any)
		return out
	}
	typed, _ := documentFromAPI(doc)
	out, _ := documentToAPI(typed)
	return out
}

// describeVersion names a version for a plan: whose unpublished work a draft is.
func describeVersion(doc *marketplace.Version, version marketplace.VersionState) string {
	if version == marketplace.Live {
		return "a published (live) version"
	}
	who := ""
	if doc.Properties != nil && doc.Properties.UpdatedBy != "" {
		who = " by " + doc.Properties.UpdatedBy
		if doc.Properties.UpdatedAt != 0 {
			who += " at " + time.UnixMilli(doc.Properties.UpdatedAt).UTC().Format(time.RFC3339)
		}
	}
	if who == "" {
		return "an unpublished draft, which this apply overwrites"
	}
	return "an unpublished draft (last changed" + who + "), which this apply overwrites"
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
func documentChanged(plan, state documentForms) (changed, known bool) {
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
	return !sameDocumentJSON(planJSON, stateJSON), true
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

	// A create gets no private state from its plan (the framework does not pass it), so
	// the fields to keep are read again here.
	newState, unmanaged, diags := r.write(ctx, plan, nil, nil)
	resp.Diagnostics.Append(diags...)
	if newState != nil {
		r.setState(ctx, newState, &resp.State, resp.Identity, &resp.Diagnostics)
	}
	if unmanaged != nil {
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateUnmanaged, unmanaged)...)
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

	recorded, diags := req.Private.GetKey(ctx, privateUnmanaged)
	resp.Diagnostics.Append(diags...)
	newState, unmanaged, diags := r.write(ctx, plan, state, recorded)
	resp.Diagnostics.Append(diags...)
	if newState == nil {
		newState = state // nothing was written: the prior state is still the truth.
	}
	r.setState(ctx, newState, &resp.State, resp.Identity, &resp.Diagnostics)
	if unmanaged != nil {
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateUnmanaged, unmanaged)...)
	}
}

// write carries out a create (state nil) or an update: PUT the draft when the document
// changed, publish when asked and there is something to publish, then read back the
// version that state reflects. It returns the state to save, which is nil only when
// nothing reached the API; when a step after PUT fails, the state describes the draft,
// so that the next plan retries the publish instead of losing it. recorded is the private
// record of the fields the configuration does not manage (nil when there is none); the
// record of the version read back is returned (nil when nothing was read).
func (r *privacySecurityResource) write(ctx context.Context, plan, state *privacySecurityResourceModel, recorded []byte) (*privacySecurityResourceModel, []byte, diag.Diagnostics) {
	var diags diag.Diagnostics
	productID := plan.ProductID.ValueString()

	docChanged := true
	if state != nil {
		docChanged, _ = documentChanged(plan.documentForms(ctx), state.documentForms(ctx))
	}
	if docChanged {
		kept, d := r.keptFields(ctx, plan, state, recorded)
		if diags.Append(d...); diags.HasError() {
			return nil, nil, diags
		}
		if state != nil {
			kept = dropRemovedKeys(kept, state.shape(), plan.shape())
		}
		if d := r.putDraft(ctx, plan, kept); d.HasError() {
			return nil, nil, d
		}
	}

	publishing := plan.Publish.ValueBool() && (docChanged || state == nil || state.VersionState.ValueString() != string(marketplace.Live))
	if !docChanged && !publishing {
		// Only publish or timeouts changed, and nothing needs the API (turning publish off
		// cannot unpublish; turning it on with the document already live has nothing to
		// publish): the refreshed state is still the truth.
		out := *state
		out.Publish, out.Timeouts = plan.Publish, plan.Timeouts
		return &out, nil, diags
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
				return nil, nil, diags // nothing was written: the prior state still holds.
			}
			// The draft holds the change; record it as such, so that the next plan
			// (version_state draft, publish true) publishes it. An interrupted apply (its
			// context ended) still gets this one read, on a short context of its own; if it
			// fails too, the publish's error is the one to show, and the prior state stays
			// (the next plan writes and publishes again).
			readCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
			defer cancel()
			draft, doc, d := r.readInto(readCtx, plan, marketplace.Draft)
			if d.HasError() {
				tflog.Warn(ctx, "could not read the draft after a failed publish; keeping the prior state", map[string]any{"product_id": productID})
				return nil, nil, diags
			}
			return draft, unmanagedRecord(doc, plan), diags
		}
	}

	newState, doc, d := r.readBack(ctx, plan)
	diags.Append(d...)
	if diags.HasError() {
		return newState, unmanagedRecord(doc, plan), diags
	}
	if newState == nil {
		diags.AddError("The document disappeared",
			fmt.Sprintf("Product %s has neither a draft nor a live version right after this apply: another writer "+
				"may have discarded it. Apply again to write it.", productID))
		return nil, nil, diags
	}
	if changed, _ := documentChanged(plan.documentForms(ctx), newState.documentForms(ctx)); changed {
		diags.AddError("The Marketplace holds a different document",
			fmt.Sprintf("After writing the %s version of product %s, reading it back gave a document that differs from "+
				"the configuration. Another writer may have changed it at the same time; run terraform plan to see the "+
				"difference, then apply again.", newState.VersionState.ValueString(), productID))
	}
	return newState, unmanagedRecord(doc, plan), diags
}

// unmanagedRecord is the private record of the fields of doc that m's configuration does
// not manage; nil when doc is nil.
func unmanagedRecord(doc *marketplace.Version, m *privacySecurityResourceModel) []byte {
	if doc == nil {
		return nil
	}
	kept, _ := splitUnmanaged(doc.CommonCloud, m.shape())
	return encodeUnmanaged(kept)
}

// shape is what m's document attributes manage.
func (m *privacySecurityResourceModel) shape() managedShape {
	if m.CommonCloudJSON.IsNull() || m.CommonCloudJSON.IsUnknown() {
		return shapeOf(nil)
	}
	text := m.CommonCloudJSON.ValueString()
	return shapeOf(&text)
}

// keptFields is what the PUT must keep of the current document: the record the last read
// left, or, without one (a create, or a state written before records), the current
// document read now, less what the configuration of state (else of plan) manages.
func (r *privacySecurityResource) keptFields(ctx context.Context, plan, state *privacySecurityResourceModel, recorded []byte) (map[string]any, diag.Diagnostics) {
	var diags diag.Diagnostics
	if recorded != nil {
		kept, err := decodeObject(string(recorded))
		if err == nil {
			return kept, nil
		}
	}
	productID := plan.ProductID.ValueString()
	current, fresh := recentReads.take(r.client, productID)
	var err error
	if !fresh {
		current, _, err = r.current(ctx, productID)
	}
	if err != nil {
		addAPIError(&diags, "reading the current document of "+productID+" (to keep the fields the configuration does not manage)", err)
		return nil, diags
	}
	if current == nil {
		return nil, nil
	}
	owner := plan
	if state != nil {
		owner = state
	}
	kept, _ := splitUnmanaged(current.CommonCloud, owner.shape())
	return kept, nil
}

// current reads the app's current document: its draft, else its live version; nil when
// it has neither. Without credentials only the live version can be read.
func (r *privacySecurityResource) current(ctx context.Context, productID string) (*marketplace.Version, marketplace.VersionState, error) {
	for _, version := range []marketplace.VersionState{marketplace.Draft, marketplace.Live} {
		if version == marketplace.Draft && !r.client.HasCredentials() {
			continue
		}
		doc, err := r.client.Get(ctx, productID, version)
		if marketplace.IsNotFound(err) {
			continue
		}
		return doc, version, err
	}
	return nil, "", nil
}

// putDraft writes the configured document, merged into the fields to keep: those the
// configuration now manages are left to it.
func (r *privacySecurityResource) putDraft(ctx context.Context, plan *privacySecurityResourceModel, kept map[string]any) diag.Diagnostics {
	var diags diag.Diagnostics
	productID := plan.ProductID.ValueString()
	configured, d := plan.configuredDocument()
	if diags.Append(d...); diags.HasError() {
		return diags
	}
	kept, _ = splitUnmanaged(kept, plan.shape())
	body, err := marshalDocument(mergeInto(kept, configured))
	if err != nil {
		diags.AddError("Cannot encode the document", err.Error())
		return diags
	}
	if err := r.client.PutDraft(ctx, productID, body); err != nil {
		addAPIError(&diags, "writing the draft of "+productID, err)
	}
	return diags
}

// configuredDocument is the value of commonCloud that m's configuration holds.
func (m *privacySecurityResourceModel) configuredDocument() (map[string]any, diag.Diagnostics) {
	var diags diag.Diagnostics
	if !m.CommonCloudJSON.IsNull() {
		doc, err := decodeObject(m.CommonCloudJSON.ValueString())
		if err != nil {
			diags.AddAttributeError(path.Root("common_cloud_json"), "Invalid common_cloud_json", err.Error())
		}
		return doc, diags
	}
	return documentToAPI(m.CommonCloud)
}

// marshalDocument encodes a document as JSON, leaving <, > and & as they are.
func marshalDocument(doc map[string]any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	return bytes.TrimSpace(buf.Bytes()), nil
}

// readInto GETs one version and returns prior with the document, version_state and
// properties replaced by what the API holds, and the version read; nil with no error when
// that version does not exist.
func (r *privacySecurityResource) readInto(ctx context.Context, prior *privacySecurityResourceModel, state marketplace.VersionState) (*privacySecurityResourceModel, *marketplace.Version, diag.Diagnostics) {
	var diags diag.Diagnostics
	productID := prior.ProductID.ValueString()
	doc, err := r.client.Get(ctx, productID, state)
	if marketplace.IsNotFound(err) {
		return nil, nil, nil
	}
	if err != nil {
		addAPIError(&diags, fmt.Sprintf("reading the %s version of %s", state, productID), err)
		return nil, nil, diags
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
	if !prior.CommonCloudJSON.IsNull() && !prior.CommonCloudJSON.IsUnknown() {
		out.CommonCloudJSON, d = commonCloudJSONFromAPI(doc.CommonCloud, prior.CommonCloudJSON.ValueString())
		diags.Append(d...)
		out.CommonCloud = types.ObjectNull(commonCloudDoc.childTypes())
	} else {
		out.CommonCloud, d = documentFromAPI(doc.CommonCloud)
		diags.Append(d...)
		out.CommonCloudJSON = commonCloudJSONNull()
	}
	return &out, doc, diags
}

// commonCloudJSONFromAPI is the API's commonCloud as common_cloud_json, reduced to the
// keys that the user's JSON has.
func commonCloudJSONFromAPI(got map[string]any, shapeJSON string) (commonCloudJSON, diag.Diagnostics) {
	var diags diag.Diagnostics
	var shape any
	if err := json.Unmarshal([]byte(shapeJSON), &shape); err != nil {
		shape = got
	}
	out, err := json.Marshal(projectJSON(got, shape))
	if err != nil {
		diags.AddError("Cannot encode the document", err.Error())
	}
	return newCommonCloudJSON(string(out)), diags
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

	newState, doc, diags := r.readBack(ctx, state)
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
		if imported, _ := req.Private.GetKey(ctx, privateImported); imported != nil {
			// Rather than the CLI's "non-existent remote object": say what there is.
			resp.Diagnostics.AddError("Nothing to import",
				fmt.Sprintf("Product %s has no privacy and security information yet: the Marketplace holds neither a draft "+
					"nor a live version of it, so there is nothing to import. Remove the import block (or skip terraform "+
					"import) and let the resource create it: declare it with common_cloud or common_cloud_json and apply. "+
					"If the app should have one, check product_id and that the account belongs to the app's vendor.",
					state.ProductID.ValueString()))
			return
		}
		tflog.Warn(ctx, "product has neither a draft nor a live version; removing it from state", map[string]any{
			"product_id": state.ProductID.ValueString(),
		})
		resp.State.RemoveResource(ctx)
		return
	}
	r.setState(ctx, newState, &resp.State, nil, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateUnmanaged, unmanagedRecord(doc, state))...)

	// Onboarding: say what generated configuration cannot hold.
	if imported, _ := resp.Private.GetKey(ctx, privateImported); imported != nil {
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateImported, nil)...)
		if _, paths := splitUnmanaged(doc.CommonCloud, shapeOf(nil)); len(paths) > 0 {
			resp.Diagnostics.AddAttributeWarning(path.Root("common_cloud"), "The imported document has fields common_cloud cannot express",
				fmt.Sprintf("Product %s holds %d field(s) this provider does not model: %s. Configuration generated from this "+
					"import (plan -generate-config-out) leaves them out; applies of the typed form keep them on the "+
					"Marketplace as they are, and each plan that writes says so. To manage them, use common_cloud_json "+
					"instead of common_cloud (the data source's common_cloud_json shows the whole document).",
					state.ProductID.ValueString(), len(paths), listPaths(paths)))
		}
	}
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
func (r *privacySecurityResource) readBack(ctx context.Context, m *privacySecurityResourceModel) (*privacySecurityResourceModel, *marketplace.Version, diag.Diagnostics) {
	order := []marketplace.VersionState{marketplace.Draft, marketplace.Live}
	if m.Publish.ValueBool() {
		order = []marketplace.VersionState{marketplace.Live, marketplace.Draft}
	}
	for _, version := range order {
		newState, doc, diags := r.readInto(ctx, m, version)
		if newState != nil || diags.HasError() {
			return newState, doc, diags
		}
	}
	return nil, nil, nil
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
		draft := "The draft of product %s is deleted"
		if err != nil {
			draft = "Product %s had no draft to delete"
		}
		resp.Diagnostics.AddWarning("The live version stays published",
			fmt.Sprintf(draft+", but its live privacy and security information stays "+
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
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateImported, []byte(`true`))...)
}
