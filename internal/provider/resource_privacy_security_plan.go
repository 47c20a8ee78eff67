package provider

import (
	"context"
	"fmt"

	"github.com/marketplace-trust/terraform-provider-marketplace/internal/document"
	"github.com/marketplace-trust/terraform-provider-marketplace/internal/review"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/marketplace-trust/terraform-provider-marketplace/internal/marketplace"
)

// The plan: what the apply will do, told before it does it. ModifyPlan predicts
// version_state and properties, records the basis the apply will check (snapshot.go), fails a
// plan that would write without credentials, and announces what the attributes alone do
// not show: the existing document a create or a replacement writes over, a colleague's
// pending draft that a write or a destroy overwrites or discards, the fields a write keeps
// because the configuration does not manage them, and that a destroy leaves the live
// version published.

// planIntent is what the apply of a plan will send.
type planIntent struct {
	create       bool // no prior state: the resource is created (or is the new half of a replacement)
	putting      bool // a PUT: the document changes, or is created
	publishing   bool // a publish
	docKnown     bool // the planned document is known
	versionState types.String
}

// intentOf works out what the apply of plan over state (nil for a create) will send; kept
// is the last read's record of the fields the state's configuration does not manage (nil
// when there is none).
func intentOf(plan, state *privacySecurityResourceModel, kept map[string]any) planIntent {
	in := planIntent{create: state == nil, docKnown: true, putting: true}
	if state != nil {
		var changed bool
		changed, in.docKnown = documentChanged(plan.documentForms(), state.documentForms())
		in.putting = !in.docKnown || changed && !sameContentInAnotherForm(plan, state, kept)
	}
	publishKnown := !plan.Publish.IsUnknown()
	publish := plan.Publish.ValueBool()
	in.publishing = !publishKnown || (publish && (in.putting || state.VersionState.ValueString() != string(marketplace.Live)))
	in.versionState = types.StringUnknown()
	switch {
	case !publishKnown:
	case publish:
		in.versionState = types.StringValue(string(marketplace.Live))
	case state == nil:
		in.versionState = types.StringValue(string(marketplace.Draft))
	case !in.docKnown:
	case in.putting:
		in.versionState = types.StringValue(string(marketplace.Draft))
	default:
		in.versionState = state.VersionState
	}
	return in
}

func (r *privacySecurityResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		r.planDestroy(ctx, req, resp)
		return
	}
	if !req.State.Raw.IsNull() && req.Plan.Raw.Equal(req.State.Raw) && !publishPending(ctx, req.State) {
		return // nothing changes (the common case): the plan already says so
	}
	plan, state, ok := planModels(ctx, req, &resp.Diagnostics)
	if !ok {
		return
	}
	var kept map[string]any
	if state != nil {
		kept = keptRecord(ctx, req.Private, state)
	}
	in := intentOf(plan, state, kept)
	if !r.planIsAllowed(plan, state, in, &resp.Diagnostics) {
		return
	}
	planned := plannedComputed(plan, state, in)
	if r.needsBasis(plan, state, in) {
		b, base, ok := r.planBasis(ctx, planned, state, in, req, resp)
		if !ok {
			return
		}
		planned.Basis = types.StringUnknown() // the create half of a replacement plans it
		if !b.Empty() {
			planned.Basis = types.StringValue(b.Encode())
		}
		if in.putting {
			planned.DraftDigest = plannedWrite(planned, state, base)
			if known(planned.DraftDigest) {
				r.snaps.planWrite(planned.ProductID.ValueString(), planned.DraftDigest.ValueString())
			}
		}
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, planned)...)
}

// planModels reads the plan and the prior state (nil for a create).
func planModels(ctx context.Context, req resource.ModifyPlanRequest, diags *diag.Diagnostics) (plan, state *privacySecurityResourceModel, ok bool) {
	plan = &privacySecurityResourceModel{}
	if diags.Append(req.Plan.Get(ctx, plan)...); diags.HasError() {
		return nil, nil, false
	}
	if !req.State.Raw.IsNull() {
		state = &privacySecurityResourceModel{}
		if diags.Append(req.State.Get(ctx, state)...); diags.HasError() {
			return nil, nil, false
		}
	}
	return plan, state, true
}

// planIsAllowed is the plan's refusals: a document that breaks a rule where the
// configuration introduces or changes it (checkDocument), and a write without credentials.
func (r *privacySecurityResource) planIsAllowed(plan, state *privacySecurityResourceModel, in planIntent, diags *diag.Diagnostics) bool {
	if in.putting && in.docKnown && known(plan.ProductID) && !r.checkDocument(plan, state, diags) {
		return false
	}
	if !in.putting && !in.publishing {
		return true
	}
	action := "change"
	if in.create {
		action = "create"
	}
	return r.requireCredentials(diags, action, plan.ProductID)
}

// plannedComputed is plan with its computed attributes predicted: version_state;
// properties, which change with every write and with a publish (formStatus), and stay when
// nothing is sent (the JSON text only laid out anew, timeouts changed); basis, as the state
// holds it until planBasis says otherwise.
func plannedComputed(plan, state *privacySecurityResourceModel, in planIntent) *privacySecurityResourceModel {
	planned := *plan
	planned.VersionState = in.versionState
	planned.Basis = types.StringUnknown()
	planned.DraftDigest = plannedDraftDigest(in, state)
	if state == nil {
		return &planned
	}
	planned.Basis = state.Basis
	planned.Properties = state.Properties
	if in.putting || in.publishing || !in.versionState.Equal(state.VersionState) {
		planned.Properties = types.ObjectUnknown(propertiesAttrTypes)
	}
	return &planned
}

// needsBasis reports whether the plan records a basis: it writes, publishes, or replaces
// the resource with a new product ID (Terraform shows the warnings of this plan, and drops
// those of the create half's plan that follows).
func (r *privacySecurityResource) needsBasis(plan, state *privacySecurityResourceModel, in planIntent) bool {
	if r.client == nil || !known(plan.ProductID) {
		return false
	}
	replacing := state != nil && !plan.ProductID.Equal(state.ProductID)
	return in.putting || in.publishing || replacing
}

// checkDocument runs the document's rules on what the plan writes (document.CheckPlanned),
// against what the state holds; false when a rule refused a value.
func (r *privacySecurityResource) checkDocument(plan, state *privacySecurityResourceModel, diags *diag.Diagnostics) bool {
	doc, d := plan.configuredDocument()
	if d.HasError() {
		return true // reported by the validators
	}
	var prior map[string]any
	if state != nil && state.documentKnown() {
		prior, _ = state.configuredDocument()
	}
	found := document.CheckPlanned(!plan.isJSON(), plan.ProductID.ValueString(), doc, prior)
	diags.Append(found...)
	return !found.HasError()
}

// sameContentInAnotherForm reports whether plan holds state's document in the other form
// (common_cloud for common_cloud_json, or the reverse), so that its write would put exactly
// what the Marketplace holds: an app imported in the typed form and configured in the JSON
// form, say. Such a plan sends nothing.
func sameContentInAnotherForm(plan, state *privacySecurityResourceModel, kept map[string]any) bool {
	if plan.isJSON() == state.isJSON() || !state.documentKnown() {
		return false
	}
	held, d := state.configuredDocument()
	if d.HasError() {
		return false
	}
	held = document.MergeInto(kept, held)
	written := plan.bodyOver(state)(held)
	// An empty string and none are the same (the typed form holds "" as null).
	return written != nil && document.CanonicalJSON(withoutEmptyStrings(written)) == document.CanonicalJSON(withoutEmptyStrings(held))
}

// withoutEmptyStrings is a copy of doc without its empty strings, at any depth.
func withoutEmptyStrings(doc map[string]any) map[string]any {
	out := make(map[string]any, len(doc))
	for k, v := range doc {
		switch v := v.(type) {
		case string:
			if v == "" {
				continue
			}
		case map[string]any:
			out[k] = withoutEmptyStrings(v)
			continue
		}
		out[k] = v
	}
	return out
}

// publishPending reports whether a state publishes and yet describes the draft (its
// publish failed): the plan publishes it although no attribute changed.
func publishPending(ctx context.Context, state tfsdk.State) bool {
	var publish types.Bool
	var version types.String
	return !state.GetAttribute(ctx, path.Root("publish"), &publish).HasError() && publish.ValueBool() &&
		!state.GetAttribute(ctx, path.Root("version_state"), &version).HasError() && version.ValueString() != string(marketplace.Live)
}

// planBasis works out what the apply will check before it writes (snapshot.go), reading what
// the refresh did not, and announces what the write overwrites and keeps. false: the plan
// failed (a read failed).
func (r *privacySecurityResource) planBasis(ctx context.Context, plan, state *privacySecurityResourceModel, in planIntent, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) (review.Review, startingPoint, bool) {
	switch {
	case state == nil:
		return r.planCreateBasis(ctx, plan, req, resp)
	case state.ProductID.ValueString() != plan.ProductID.ValueString():
		return review.Review{}, startingPoint{}, r.planReplacement(ctx, plan, state, req, resp)
	}
	seen, ok := r.readForUpdate(ctx, plan, state, in, req.Private, &resp.Diagnostics)
	if !ok {
		return review.Review{}, startingPoint{}, false
	}
	// Then what the attributes alone do not show.
	if seen.basis.Draft.AtStake() && seen.pending != nil {
		r.announceOverwrittenDraft(plan, seen.pending, in, &resp.Diagnostics)
	}
	if in.putting && in.docKnown {
		announceWrite(ctx, plan, state, seen.pending, in, req.Private, &resp.Diagnostics)
	}
	if seen.publishOnly && seen.basis.Draft.Exists {
		announcePublish(plan, seen.basis.Draft, seen.base, seen.live, &resp.Diagnostics)
	}
	return seen.basis, seen.base, true
}

// planReplacement plans the destroy half of a replacement by a new product ID: this plan
// is the only one whose warnings the CLI shows, so it tells what the create half will
// write over; the create half plans its own basis.
func (r *privacySecurityResource) planReplacement(ctx context.Context, plan, state *privacySecurityResourceModel, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) bool {
	if _, _, ok := r.announceCreate(ctx, plan, &resp.Diagnostics); !ok {
		return false
	}
	// The create half's plan gets this private state (Terraform hands it on): the destroy
	// half's check travels in it.
	_, ok := r.recordDestroyBasis(ctx, state.ProductID.ValueString(), req.Private, resp)
	return ok
}

// updateReads is what the plan of an update knows of the app.
type updateReads struct {
	basis       review.Review
	base        startingPoint        // what the write starts from
	pending     *marketplace.Version // a draft the state does not describe, read now
	live        *marketplace.Version // the live version, read now
	publishOnly bool                 // the apply publishes the pending draft without writing
}

// readForUpdate works out what the update's apply will check: the refresh's record, and
// what it did not read. The version a write changes is the draft, so the plan must have
// seen it (a refresh of a published resource read the live version only; -refresh=false
// read nothing); without a draft, the PUT starts from the live version; a publish of the
// pending draft without a write says what it changes on the listing, from live.
func (r *privacySecurityResource) readForUpdate(ctx context.Context, plan, state *privacySecurityResourceModel, in planIntent, private privateGetter, diags *diag.Diagnostics) (updateReads, bool) {
	productID := plan.ProductID.ValueString()
	record, _ := private.GetKey(ctx, privateBasis)
	seen := updateReads{basis: readRecord(record)}
	seen.basis.Product = ""
	seen.base.doc = recordedDocument(ctx, private)
	seen.base.known = seen.base.doc != nil
	if seen.basis.Draft == nil {
		doc, err := r.snaps.version(ctx, productID, marketplace.Draft, forPlan)
		if err != nil {
			addAPIError(diags, "reading the draft of "+productID+" to plan this change", err)
			return seen, false
		}
		var writes writeOver
		if in.putting {
			writes = plan.bodyOver(state)
		}
		seen.basis.Draft = judgeDraft(doc, seen.basis.Live, writes)
		if doc != nil {
			seen.pending, seen.base = doc, startingPoint{doc: doc.CommonCloud, known: true}
		}
	}
	seen.publishOnly = in.publishing && !in.putting && state.VersionState.ValueString() != string(marketplace.Live)
	if !seen.publishOnly && (seen.basis.Draft.Exists || seen.basis.Live != nil) {
		return seen, true // the write starts from the draft, or from the live version the refresh read
	}
	doc, err := r.snaps.version(ctx, productID, marketplace.Live, forPlan)
	if err != nil {
		addAPIError(diags, "reading the live version of "+productID+" to plan this change", err)
		return seen, false
	}
	if seen.basis.Live == nil {
		seen.basis.Live = seenOf(doc)
	}
	seen.live = doc
	if !seen.basis.Draft.Exists {
		seen.base = startingPoint{known: true}
		if doc != nil {
			seen.base.doc = doc.CommonCloud
		}
	}
	return seen, true
}

// startingPoint is the document the apply's write starts from (the app's draft, else its
// live version), as the plan knows it: nil doc when the app has none; known false when the
// plan cannot tell (a state recorded before this provider version kept it).
type startingPoint struct {
	doc   map[string]any
	known bool
}

// plannedWrite is the planned draft_digest of a write: the digest of what it puts over base
// (known at plan time: the apply checks, before writing, that the app still holds base).
func plannedWrite(plan, state *privacySecurityResourceModel, base startingPoint) types.String {
	if !base.known {
		return types.StringUnknown()
	}
	body := plan.bodyOver(state)(base.doc)
	if body == nil {
		return types.StringUnknown()
	}
	return types.StringValue(document.Digest(body))
}

// planCreateBasis reads the app's current document for a create: its draft, else its live
// version, and announces a create over an existing one. The plan of the new half of a
// replacement (Terraform hands it the old half's private state) also records what the old
// half's destroy will check.
func (r *privacySecurityResource) planCreateBasis(ctx context.Context, plan *privacySecurityResourceModel, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) (review.Review, startingPoint, bool) {
	record, _ := req.Private.GetKey(ctx, privateBasis)
	if old := readRecord(record); old.Product != "" {
		if _, ok := r.recordDestroyBasis(ctx, old.Product, req.Private, resp); !ok {
			return review.Review{}, startingPoint{}, false
		}
	}
	return r.announceCreate(ctx, plan, &resp.Diagnostics)
}

// announceCreate reads the app's current document (draft, else live) and warns when the
// create would write over one. It returns the basis of the create and the document it
// writes over.
func (r *privacySecurityResource) announceCreate(ctx context.Context, plan *privacySecurityResourceModel, diags *diag.Diagnostics) (review.Review, startingPoint, bool) {
	productID := plan.ProductID.ValueString()
	snap, err := r.snaps.current(ctx, productID, forPlan, plan.bodyOver(nil))
	current, version := snap.current()
	b := snap.basis
	b.Product = ""
	if err != nil {
		addAPIError(diags, "reading the current document of "+productID+" to plan its creation", err)
		return review.Review{}, startingPoint{}, false
	}
	if current == nil && !r.productExists(ctx, productID, diags) {
		return review.Review{}, startingPoint{}, false
	}
	base := startingPoint{known: true}
	if current != nil {
		base.doc = current.CommonCloud
	}
	b, ok := r.announceCreateOver(plan, b, current, version, diags)
	return b, base, ok
}

// productExists confirms, for a create over an app with neither version, that the product
// exists: the privacy-and-security endpoints answer 404 alike for a product without a
// document and for one that does not exist, in words that vary. One call, only then.
func (r *privacySecurityResource) productExists(ctx context.Context, productID string, diags *diag.Diagnostics) bool {
	if !r.client.HasCredentials() {
		return true // the plan fails for want of credentials anyway
	}
	exists, err := r.client.ProductExists(ctx, productID)
	if err != nil {
		addAPIError(diags, "checking that product "+productID+" exists", err)
		return false
	}
	if !exists {
		diags.AddAttributeError(path.Root("product_id"), "No such product",
			fmt.Sprintf("The Marketplace has no app with product ID %s, or this account cannot see it: it has neither "+
				"privacy and security information nor a listing. Check product_id (the app's UUID, shown in its "+
				"Marketplace listing's admin pages), that the account belongs to the app's vendor, and base_url. Nothing "+
				"has been written.", productID))
		return false
	}
	return true
}

// planDestroy plans a destroy: credentials, what the delete will check (the draft as this
// plan saw it, read now when the refresh did not), and what the destroy does: the draft it
// discards, and the live version that stays.
func (r *privacySecurityResource) planDestroy(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	state := &privacySecurityResourceModel{}
	if resp.Diagnostics.Append(req.State.Get(ctx, state)...); resp.Diagnostics.HasError() {
		return
	}
	if !r.requireCredentials(&resp.Diagnostics, "destroy", state.ProductID) || r.client == nil {
		return
	}
	productID := state.ProductID.ValueString()
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateDestroyBasis, nil)...) // this plan's own, below
	b, ok := r.recordDestroyBasis(ctx, productID, resp.Private, resp)
	if !ok {
		return
	}
	draft := "It has no draft, so nothing is deleted"
	switch {
	case b.Draft.AtStake():
		draft = "Its draft " + b.Draft.String() + " is discarded"
	case b.Draft != nil && b.Draft.Exists:
		draft = "Its draft, which holds the live version as it is, is discarded (nothing is lost)"
	}
	keep := "use a removed block with lifecycle { destroy = false } instead"
	if !r.data.cliHasRemovedBlocks() {
		keep = "remove it from state instead (terraform state rm ADDRESS, then delete its block): this CLI version has " +
			"no removed blocks (Terraform and OpenTofu 1.7 and later have them)"
	}
	resp.Diagnostics.AddWarning("Destroying leaves the live version published",
		fmt.Sprintf("Destroying marketplace_privacy_security for product %s. %s. Its live privacy and security "+
			"information, if published, stays published: the Marketplace API has no way to withdraw it. To stop "+
			"managing the app and keep its draft, %s.", productID, draft, keep))
}

// recordDestroyBasis puts in the plan's private state what a destroy of productID's
// draft will check: the draft as the refresh read it, or as read now.
func (r *privacySecurityResource) recordDestroyBasis(ctx context.Context, productID string, private privateGetter, resp *resource.ModifyPlanResponse) (review.Review, bool) {
	if raw, _ := private.GetKey(ctx, privateDestroyBasis); raw != nil {
		if b := readRecord(raw); !b.Empty() {
			return b, true
		}
	}
	record, _ := private.GetKey(ctx, privateBasis)
	b := readRecord(record)
	if b.Draft == nil {
		doc, err := r.snaps.version(ctx, productID, marketplace.Draft, forPlan)
		if err != nil {
			addAPIError(&resp.Diagnostics, "reading the draft of "+productID+" to plan its destroy", err)
			return review.Review{}, false
		}
		b.Draft = judgeDraft(doc, b.Live, nil)
	}
	b.Product = productID
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateDestroyBasis, []byte(b.Encode()))...)
	return b, true
}

// requireCredentials fails a plan that would write without credentials: the apply would
// fail, after the merge of a pipeline's pull request.
func (r *privacySecurityResource) requireCredentials(diags *diag.Diagnostics, action string, productID types.String) bool {
	if r.client == nil || r.client.HasCredentials() {
		return true
	}
	id := "(not known yet)"
	if known(productID) {
		id = productID.ValueString()
	}
	what := map[string]string{
		"create":  "write the draft of",
		"change":  "write the draft of (or publish)",
		"destroy": "delete the draft of",
	}[action]
	credentialsRequired(diags, fmt.Sprintf("This plan would %s product %s", what, id))
	return false
}

// privateGetter is the part of private state a plan reads.
type privateGetter interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
}

// documentAttribute is the attribute that holds m's document.
func (m *privacySecurityResourceModel) documentAttribute() path.Path {
	if m.isJSON() {
		return path.Root("common_cloud_json")
	}
	return path.Root("common_cloud")
}

func (m *privacySecurityResourceModel) isJSON() bool { return !m.CommonCloudJSON.IsNull() }

// documentKnown reports whether m's document is wholly known.
func (m *privacySecurityResourceModel) documentKnown() bool {
	forms := m.documentForms()
	return forms.typed.IsFullyKnown() && forms.json.IsFullyKnown()
}
