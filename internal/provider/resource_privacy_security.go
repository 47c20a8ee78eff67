package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/marketplace-trust/terraform-provider-marketplace/internal/document"
	"github.com/marketplace-trust/terraform-provider-marketplace/internal/review"

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
	snaps  *snapshots // the provider instance's reader of apps (snapshot.go)
	data   *providerData
}

type privacySecurityResourceModel struct {
	ID              types.String   `tfsdk:"id"`
	ProductID       types.String   `tfsdk:"product_id"`
	Publish         types.Bool     `tfsdk:"publish"`
	CommonCloud     types.Object   `tfsdk:"common_cloud"`
	CommonCloudJSON document.JSON  `tfsdk:"common_cloud_json"`
	VersionState    types.String   `tfsdk:"version_state"`
	Basis           types.String   `tfsdk:"basis"`
	Properties      types.Object   `tfsdk:"properties"`
	DraftDigest     types.String   `tfsdk:"draft_digest"`
	Timeouts        timeouts.Value `tfsdk:"timeouts"`
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
				Validators:          []validator.String{document.UUIDString("product_id", "The product ID of a Marketplace app")},
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
				MarkdownDescription: document.CommonCloud.Description() + " Exactly one of `common_cloud` and " +
					"`common_cloud_json` must be set. Fields of the Marketplace document that it does not model are " +
					"kept as they are by every write, and named in the plan.",
				Optional:   true,
				CustomType: document.CommonCloud.ObjectType(),
				Attributes: document.CommonCloud.ResourceAttributes(),
				Validators: []validator.Object{document.NotEmptyObject()},
			},
			"common_cloud_json": schema.StringAttribute{
				MarkdownDescription: "The value of `commonCloud` as a JSON string (use `jsonencode`), for fields this " +
					"provider does not model yet. Compared semantically: whitespace and key order never show a " +
					"difference. Applied three ways, like `kubectl apply`: keys it holds are managed, a key removed from " +
					"it is removed from the document, keys it never held are kept (and named in the plan of a write). " +
					"`properties` cannot be set.",
				Optional:   true,
				CustomType: document.JSONType{},
				Validators: []validator.String{document.JSONValidator{}},
			},
			"version_state": schema.StringAttribute{
				MarkdownDescription: "Which version the document in state was read from: `draft` or `live`. " +
					"Always `live` after an apply with `publish = true`.",
				Computed: true,
			},
			"basis": schema.StringAttribute{
				MarkdownDescription: "What the Marketplace held when the plan that last changed this app was made, as JSON: " +
					"for the draft and the live version it read, `null` (none), or a digest of its content, when it was last " +
					"changed and by whom (`{\"draft\":{\"digest\":\"sha256:1a2b3c4d5e6f\",\"updated_at\":\"2026-12-01T10:00:00Z\"," +
					"\"updated_by\":\"alice@example.com\"},\"live\":null}`). A plan that writes, publishes or discards shows it; " +
					"the apply first checks that the Marketplace still holds exactly that, and changes nothing for the app " +
					"otherwise. See the guide \"The plan-to-apply handshake\".",
				Computed: true,
			},
			"properties": propertiesResourceAttribute(),
			"draft_digest": schema.StringAttribute{
				MarkdownDescription: "A digest of the document the state describes (`sha256:1a2b3c4d5e6f`; key order and " +
					"the order of arrays do not count): the draft with `version_state = \"draft\"`, the live version with " +
					"`\"live\"`. In the plan of an apply that writes, it is the digest of the draft that apply writes, known " +
					"at plan time (the apply checks first that the app still holds what the plan read, so the write is " +
					"exactly that draft); unknown only when the plan cannot read what the write starts from. Give it to the " +
					"`marketplace_privacy_security_publish` action (`draft_digest = marketplace_privacy_security.NAME.draft_digest`) " +
					"so that it publishes exactly this document, or nothing: with `publish = true` the action then finds it " +
					"live already and has nothing to do.",
				Computed: true,
			},
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
	if data := providerDataFrom(req.ProviderData, &resp.Diagnostics); data != nil {
		r.client, r.snaps, r.data = data.client, data.snaps, data
	}
}

// documentForms is the two attributes that hold the trust document (common_cloud, the
// typed form, and common_cloud_json), as Terraform values; one of them is null.
type documentForms struct{ typed, json tftypes.Value }

func (m *privacySecurityResourceModel) documentForms() documentForms {
	ctx := context.Background()
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
	return !document.SameJSON(planJSON, stateJSON), true
}

// shape is what m's document attributes manage.
func (m *privacySecurityResourceModel) shape() document.Shape {
	if m.CommonCloudJSON.IsNull() || m.CommonCloudJSON.IsUnknown() {
		return document.ShapeOf(nil)
	}
	text := m.CommonCloudJSON.ValueString()
	return document.ShapeOf(&text)
}

// configuredDocument is the value of commonCloud that m's configuration holds.
func (m *privacySecurityResourceModel) configuredDocument() (map[string]any, diag.Diagnostics) {
	var diags diag.Diagnostics
	if !m.CommonCloudJSON.IsNull() {
		doc, err := document.DecodeObject(m.CommonCloudJSON.ValueString())
		if err != nil {
			diags.AddAttributeError(path.Root("common_cloud_json"), "Invalid common_cloud_json", err.Error())
		}
		return doc, diags
	}
	return document.ToAPI(m.CommonCloud)
}

// readInto GETs one version and returns prior with the document, version_state and
// properties replaced by what the API holds (stateFrom), and the version read; nil with no
// error when that version does not exist.
func (r *privacySecurityResource) readInto(ctx context.Context, prior *privacySecurityResourceModel, state marketplace.VersionState) (*privacySecurityResourceModel, *marketplace.Version, diag.Diagnostics) {
	var diags diag.Diagnostics
	productID := prior.ProductID.ValueString()
	doc, err := r.snaps.version(ctx, productID, state, asIs)
	if err != nil {
		addAPIError(&diags, fmt.Sprintf("reading the %s version of %s", state, productID), err)
		return nil, nil, diags
	}
	if doc == nil {
		return nil, nil, nil
	}
	out, diags := stateFrom(prior, state, doc)
	return out, doc, diags
}

// stateFrom is prior with the document, version_state and properties replaced by doc, the
// version state of the app.
func stateFrom(prior *privacySecurityResourceModel, state marketplace.VersionState, doc *marketplace.Version) (*privacySecurityResourceModel, diag.Diagnostics) {
	var diags diag.Diagnostics
	productID := prior.ProductID.ValueString()
	out := *prior
	out.ID = types.StringValue(productID)
	out.VersionState = types.StringValue(string(state))
	if out.Publish.IsNull() || out.Publish.IsUnknown() {
		out.Publish = types.BoolValue(false)
	}
	var d diag.Diagnostics
	out.Properties, d = propertiesFromAPI(doc.Properties)
	diags.Append(d...)
	out.DraftDigest = types.StringValue(document.Digest(doc.CommonCloud))
	if !prior.CommonCloudJSON.IsNull() && !prior.CommonCloudJSON.IsUnknown() {
		out.CommonCloudJSON, d = commonCloudJSONFromAPI(doc.CommonCloud, prior.CommonCloudJSON.ValueString())
		diags.Append(d...)
		out.CommonCloud = types.ObjectNull(document.CommonCloud.ChildTypes())
	} else {
		out.CommonCloud, d = document.FromAPI(doc.CommonCloud)
		diags.Append(d...)
		if held, ok := document.CommonCloud.EmptyStringsAsIn(out.CommonCloud, prior.CommonCloud).(types.Object); ok {
			out.CommonCloud = held
		}
		out.CommonCloudJSON = document.JSONNull()
	}
	return &out, diags
}

// commonCloudJSONFromAPI is the API's commonCloud as common_cloud_json, reduced to the
// keys that the user's JSON has.
func commonCloudJSONFromAPI(got map[string]any, shapeJSON string) (document.JSON, diag.Diagnostics) {
	var diags diag.Diagnostics
	var shape any
	if err := json.Unmarshal([]byte(shapeJSON), &shape); err != nil {
		shape = got
	}
	out, err := json.Marshal(document.ProjectJSON(got, shape))
	if err != nil {
		diags.AddError("Cannot encode the document", err.Error())
	}
	return document.NewJSON(string(out)), diags
}

func (r *privacySecurityResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state privacySecurityResourceModel
	if resp.Diagnostics.Append(req.State.Get(ctx, &state)...); resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := state.Timeouts.Read(ctx, defaultReadTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	newState, doc, read, diags := r.readBack(ctx, &state)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	// The framework wants an identity from every successful read, even one that removes
	// the resource.
	if resp.Identity != nil {
		resp.Diagnostics.Append(resp.Identity.Set(ctx, identityModel{ProductID: state.ProductID})...)
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
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateDocument, documentRecord(doc))...)
	// What this refresh saw is the basis of the plan made from it (snapshot.go); what an
	// earlier plan recorded for its own apply is no longer anyone's.
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateBasis, []byte(read.Encode()))...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateDestroyBasis, nil)...)

	// Onboarding: say what generated configuration cannot hold, and which of the document's
	// rules what the Marketplace holds breaks (kept, with a warning each: the app is adopted
	// as it stands, and fixed in a later change).
	if imported, _ := resp.Private.GetKey(ctx, privateImported); imported != nil {
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateImported, nil)...)
		// The rules run on the document as the Marketplace holds it ("" included).
		asHeld, _ := document.FromAPI(doc.CommonCloud)
		if held, d := document.ToAPI(asHeld); !d.HasError() && len(held) > 0 {
			for _, w := range document.CheckPlanned(true, state.ProductID.ValueString(), held, held) {
				if w.Severity() == diag.SeverityWarning {
					resp.Diagnostics.Append(w)
				}
			}
		}
		if _, paths := document.SplitUnmanaged(doc.CommonCloud, document.ShapeOf(nil)); len(paths) > 0 {
			resp.Diagnostics.AddAttributeWarning(path.Root("common_cloud"), "The imported document has fields common_cloud cannot express",
				fmt.Sprintf("Product %s holds %d field(s) this provider does not model: %s. Configuration generated from this "+
					"import (plan -generate-config-out) leaves them out; applies of the typed form keep them on the "+
					"Marketplace as they are, and each plan that writes says so. To manage them, use common_cloud_json "+
					"instead of common_cloud (the data source's common_cloud_json shows the whole document).",
					state.ProductID.ValueString(), len(paths), document.ListPaths(paths)))
		}
	}
}

// setState records m as the resource's state, and its identity when asked.
func (r *privacySecurityResource) setState(ctx context.Context, m *privacySecurityResourceModel, state *tfsdk.State, identity *tfsdk.ResourceIdentity, diags *diag.Diagnostics) {
	if diags.Append(state.Set(ctx, m)...); diags.HasError() {
		return
	}
	if identity != nil {
		diags.Append(identity.Set(ctx, identityModel{ProductID: m.ProductID})...)
	}
}

// readBack reads the version that m's publish setting reflects, and the other one only
// when that one is missing (a draft published or discarded elsewhere, or never
// published). A state that publishes but holds a draft (its publish failed) reads the
// draft first: the next apply then publishes it without writing it again. It returns nil,
// without error, when neither exists, and what it read.
func (r *privacySecurityResource) readBack(ctx context.Context, m *privacySecurityResourceModel) (*privacySecurityResourceModel, *marketplace.Version, review.Review, diag.Diagnostics) {
	order := []marketplace.VersionState{marketplace.Draft, marketplace.Live}
	if m.Publish.ValueBool() && m.VersionState.ValueString() != string(marketplace.Draft) {
		order = []marketplace.VersionState{marketplace.Live, marketplace.Draft}
	}
	read := review.Review{Product: m.ProductID.ValueString()}
	for _, version := range order {
		newState, doc, diags := r.readInto(ctx, m, version)
		if diags.HasError() {
			return nil, nil, read, diags
		}
		read = withVersion(read, version, doc)
		if newState != nil {
			return newState, doc, read, diags
		}
	}
	return nil, nil, read, nil
}

// readDraftElseLive is what the import of m's app reads (readBack of a state that does not
// publish: the draft, else the live version), with both versions read at once: one round
// trip, for a listing of many apps. nil, without error, when the app has neither.
func (r *privacySecurityResource) readDraftElseLive(ctx context.Context, m *privacySecurityResourceModel) (*privacySecurityResourceModel, diag.Diagnostics) {
	var diags diag.Diagnostics
	productID := m.ProductID.ValueString()
	snap, err := r.snaps.read(ctx, productID, asIs, nil, marketplace.Draft, marketplace.Live)
	if err != nil {
		addAPIError(&diags, "reading "+productID, err)
		return nil, diags
	}
	doc, version := snap.current()
	if doc == nil {
		return nil, nil
	}
	return stateFrom(m, version, doc)
}

// ImportState starts the state of an imported app from its product ID, given as the
// import ID or as the identity's product_id, checked alike before any request; the read
// that follows fills the rest.
func (r *privacySecurityResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	productID, summary := req.ID, "Invalid import ID"
	if req.ID == "" && req.Identity != nil {
		summary = "Invalid import identity"
		var identity identityModel
		if !req.Identity.Get(ctx, &identity).HasError() {
			productID = identity.ProductID.ValueString()
		}
	}
	if !document.UUIDPattern.MatchString(productID) {
		resp.Diagnostics.AddError(summary, fmt.Sprintf("%s is not a product ID: import with the app's product ID, a UUID "+
			"such as 12345678-1234-1234-1234-123456789abc.", document.QuoteCut(productID)))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), productID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("product_id"), productID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("publish"), false)...)
	if resp.Identity != nil {
		resp.Diagnostics.Append(resp.Identity.SetAttribute(ctx, path.Root("product_id"), productID)...)
	}
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateImported, []byte(`true`))...)
}
