package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

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
	productID := plan.ProductID.ValueString()
	if state != nil && state.ProductID.ValueString() != productID {
		// A new product ID replaces the resource: this plan is the only one whose warnings
		// the CLI shows, so it tells what the create half will write over.
		if _, _, ok := r.announceCreate(ctx, plan, &resp.Diagnostics); !ok {
			return review.Review{}, startingPoint{}, false
		}
		// The create half's plan gets this private state (Terraform hands it on): the
		// destroy half's check travels in it.
		if _, ok := r.recordDestroyBasis(ctx, state.ProductID.ValueString(), req.Private, resp); !ok {
			return review.Review{}, startingPoint{}, false
		}
		return review.Review{}, startingPoint{}, true // the create half of the replacement plans the basis itself
	}
	if state == nil {
		return r.planCreateBasis(ctx, plan, req, resp)
	}

	record, _ := req.Private.GetKey(ctx, privateBasis)
	b := readRecord(record)
	b.Product = ""
	base := startingPoint{doc: recordedDocument(ctx, req.Private)}
	base.known = base.doc != nil
	// The version a write changes is the draft: the plan must have seen it. A refresh of a
	// published resource read the live version only; -refresh=false read nothing.
	var pending *marketplace.Version // a draft the state does not describe, read now
	if b.Draft == nil {
		doc, err := r.snaps.version(ctx, productID, marketplace.Draft, forPlan)
		if err != nil {
			addAPIError(&resp.Diagnostics, "reading the draft of "+productID+" to plan this change", err)
			return review.Review{}, startingPoint{}, false
		}
		var writes writeOver
		if in.putting {
			writes = plan.bodyOver(state)
		}
		b.Draft = judgeDraft(doc, b.Live, writes)
		if b.Draft.AtStake() {
			r.announceOverwrittenDraft(plan, doc, in, &resp.Diagnostics)
		}
		if doc != nil {
			pending, base = doc, startingPoint{doc: doc.CommonCloud, known: true}
		}
	}
	// A publish of the pending draft without a write: what it changes on the listing is said.
	publishOnly := in.publishing && !in.putting && state.VersionState.ValueString() != string(marketplace.Live)
	var live *marketplace.Version // the live version, read now
	if !b.Draft.Exists && b.Live == nil || publishOnly {
		// No draft: the PUT starts one from the live version, whose unmanaged fields it keeps.
		doc, err := r.snaps.version(ctx, productID, marketplace.Live, forPlan)
		if err != nil {
			addAPIError(&resp.Diagnostics, "reading the live version of "+productID+" to plan this change", err)
			return review.Review{}, startingPoint{}, false
		}
		if b.Live == nil {
			b.Live = seenOf(doc)
		}
		live = doc
		if !b.Draft.Exists {
			base = startingPoint{known: true}
			if doc != nil {
				base.doc = doc.CommonCloud
			}
		}
	}
	if in.putting && in.docKnown {
		announceWrite(ctx, plan, state, pending, in, req.Private, &resp.Diagnostics)
	}
	if publishOnly && b.Draft.Exists {
		announcePublish(plan, b.Draft, base, live, &resp.Diagnostics)
	}
	return b, base, true
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

// announcePublish warns, in the plan of an apply that publishes a pending draft without
// writing it (the configuration already holds it), that the listing changes, and how: the
// attributes do not show it, since the state describes that draft already.
func announcePublish(plan *privacySecurityResourceModel, draft *review.Version, base startingPoint, live *marketplace.Version, diags *diag.Diagnostics) {
	productID := plan.ProductID.ValueString()
	published := base.doc
	what := "There is no live version yet: publishing makes this draft the first one."
	if live != nil {
		what = "It holds exactly the live version: no field of the listing changes."
		if published != nil {
			if paths := document.ChangedPaths(live.CommonCloud, published); len(paths) > 0 {
				what = fmt.Sprintf("On the public listing, %d field(s) change: %s.", len(paths), document.DescribeChanges(live.CommonCloud, published))
			}
		}
	}
	diags.AddAttributeWarning(path.Root("publish"), "Publishing the draft of "+productID,
		fmt.Sprintf("Product %s: this apply writes nothing and publishes the pending draft %s, making it the live "+
			"version. %s The apply checks first that the draft is still this one, and publishes nothing if it is not.",
			productID, draft, what))
}

// announceWrite names, in the plan of a change, what the write keeps and what it removes
// that the plan's diff does not show: the fields kept because the configuration does not
// manage them (from the document the write starts from: a pending draft read now, else the
// last read's record), the fields a switch of form removes or changes, and the fields of
// the live version that a publish over someone's draft drops (the draft does not hold them).
func announceWrite(ctx context.Context, plan, state *privacySecurityResourceModel, pending *marketplace.Version, in planIntent, private privateGetter, diags *diag.Diagnostics) {
	if pending == nil {
		announceKeptFromRecord(ctx, plan, state, private, diags)
	} else {
		kept, _ := document.SplitUnmanaged(pending.CommonCloud, state.shape())
		announceKept(plan, document.DropRemovedKeys(kept, state.shape(), plan.shape()), diags)
	}
	if plan.isJSON() != state.isJSON() {
		announceFormSwitch(ctx, plan, state, private, diags)
	}
	if pending == nil || !in.publishing || state.VersionState.ValueString() != string(marketplace.Live) {
		return
	}
	// The record holds what the live version has that the configuration does not manage.
	written := plan.bodyOver(state)(pending.CommonCloud)
	var dropped []string
	_, livePaths := document.SplitUnmanaged(keptRecord(ctx, private, state), plan.shape())
	for _, p := range livePaths {
		if written != nil && !hasPath(written, p) {
			dropped = append(dropped, p)
		}
	}
	if len(dropped) > 0 {
		diags.AddAttributeWarning(plan.documentAttribute(), "Publishing removes fields of the live version",
			fmt.Sprintf("Product %s: this apply writes over the pending draft and publishes it; the live version holds %d "+
				"field(s) that this configuration does not manage and the draft does not hold: %s. The published version "+
				"will not have them. To keep them, discard or complete the draft on the Marketplace first, then plan again.",
				plan.ProductID.ValueString(), len(dropped), document.ListPaths(dropped)))
	}
}

// announceFormSwitch warns, in the plan of a change from one form of the document to the
// other, about each field the write removes or changes: the plan shows the old attribute
// going and the new one coming, not what happens to each field the Marketplace holds (a key
// the JSON form kept without managing it, say, which the typed form's configuration leaves
// out and so removes).
func announceFormSwitch(ctx context.Context, plan, state *privacySecurityResourceModel, private privateGetter, diags *diag.Diagnostics) {
	held, d := state.configuredDocument()
	if d.HasError() {
		return
	}
	if kept := keptRecord(ctx, private, state); kept != nil {
		held = document.MergeInto(kept, held)
	}
	written := plan.bodyOver(state)(held)
	if written == nil {
		return
	}
	removed, changed := removedAndChanged(held, written)
	if len(removed)+len(changed) == 0 {
		return
	}
	var what []string
	if len(removed) > 0 {
		what = append(what, fmt.Sprintf("removes %d field(s): %s", len(removed), document.ListPaths(removed)))
	}
	if len(changed) > 0 {
		what = append(what, fmt.Sprintf("changes %d field(s): %s", len(changed), document.ListPaths(changed)))
	}
	from, to := "common_cloud", "common_cloud_json"
	if state.isJSON() {
		from, to = to, from
	}
	advice := fmt.Sprintf("To keep a field, add it to %s before applying.", to)
	if !plan.isJSON() {
		// Fields the typed form does not model cannot be added to it.
		_, unmodelled := document.SplitUnmanaged(held, plan.shape())
		var cannot []string
		for _, p := range removed {
			for _, u := range unmodelled {
				if p == u || strings.HasPrefix(p, u+".") {
					cannot = append(cannot, p)
					break
				}
			}
		}
		if len(cannot) > 0 {
			advice = fmt.Sprintf("To keep a field, add it to common_cloud before applying; %s cannot be expressed in "+
				"common_cloud (the provider does not model it): to keep it, stay with common_cloud_json.", document.ListPaths(cannot))
		}
	}
	diags.AddAttributeWarning(plan.documentAttribute(), "Switching the form of the document",
		fmt.Sprintf("Product %s: this plan moves the document from %s to %s; the write %s. %s",
			plan.ProductID.ValueString(), from, to, strings.Join(what, "; it "), advice))
}

// removedAndChanged lists the leaf paths of before that after does not hold, and those it
// holds with another value.
func removedAndChanged(before, after map[string]any) (removed, changed []string) {
	for _, p := range document.ChangedPaths(before, after) {
		if !hasPath(after, p) {
			removed = append(removed, p)
		} else if hasPath(before, p) {
			changed = append(changed, p)
		}
	}
	return removed, changed
}

// hasPath reports whether doc holds a value at a dotted path.
func hasPath(doc map[string]any, dotted string) bool {
	var cur any = doc
	for _, key := range strings.Split(dotted, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return false
		}
		if cur, ok = m[key]; !ok {
			return false
		}
	}
	return true
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

// announceCreateOver warns when a create writes over current, the app's draft or live version.
func (r *privacySecurityResource) announceCreateOver(plan *privacySecurityResourceModel, b review.Review, current *marketplace.Version, version marketplace.VersionState, diags *diag.Diagnostics) (review.Review, bool) {
	productID := plan.ProductID.ValueString()
	if b.Draft.AtStake() {
		// Said in the planned basis too: the plan of the new half of a replacement (-replace)
		// is the one whose warnings Terraform does not show.
		b.Draft.Fate = "overwritten by this apply"
	}
	if current == nil || !plan.documentKnown() {
		return b, true
	}
	configured, d := plan.configuredDocument()
	if d.HasError() {
		return b, true // validation reports it
	}
	shape := plan.shape()
	defer announceKept(plan, current.CommonCloud, diags)
	if version == marketplace.Draft && !b.Draft.AtStake() {
		if b.Live == nil || !b.Live.Exists {
			return b, true // a draft holding exactly what this create writes: nothing changes
		}
		version = marketplace.Live // a draft holding the live version as it is: describe that
	}
	if changed := document.ChangedPaths(document.ManagedPart(current.CommonCloud, shape), configured); len(changed) > 0 {
		diags.AddAttributeWarning(plan.documentAttribute(), "Creating over an existing document",
			fmt.Sprintf("Product %s already has %s. This apply replaces it with the configuration: %d field(s) would "+
				"change: %s. Nothing has been written yet. To adopt the existing document instead, import it (an "+
				"import block with id = %q, then terraform plan -generate-config-out=generated.tf) and change it from there.",
				productID, describeVersion(current, version), len(changed), document.DescribeChanges(document.ManagedPart(current.CommonCloud, shape), configured), productID))
	}
	return b, true
}

// announceOverwrittenDraft warns that a write overwrites a pending draft that the state does
// not describe (a published resource's refresh does not read the draft): who wrote it, when,
// and the fields where it differs from what this apply writes.
func (r *privacySecurityResource) announceOverwrittenDraft(plan *privacySecurityResourceModel, draft *marketplace.Version, in planIntent, diags *diag.Diagnostics) {
	if !plan.documentKnown() {
		return
	}
	configured, d := plan.configuredDocument()
	if d.HasError() {
		return
	}
	shape := plan.shape()
	changed := document.ChangedPaths(document.ManagedPart(draft.CommonCloud, shape), configured)
	if len(changed) == 0 && !in.putting {
		return // publishing a draft that holds the configuration: nothing of anyone's is lost
	}
	what := "This apply overwrites it with the configuration"
	if !in.putting {
		what = "This apply publishes the configuration over it"
	}
	detail := fmt.Sprintf("Product %s has %s. %s", plan.ProductID.ValueString(), describeVersion(draft, marketplace.Draft), what)
	if len(changed) > 0 {
		detail += fmt.Sprintf(": %d field(s) of the draft would change: %s", len(changed), document.DescribeChanges(document.ManagedPart(draft.CommonCloud, shape), configured))
	}
	diags.AddAttributeWarning(plan.documentAttribute(), "Overwriting a pending draft",
		detail+". Nothing has been written yet; the apply checks that the draft is still this one, and changes nothing if it is not.")
}

// announceKeptFromRecord warns, in the plan of a change, about the fields the write keeps
// because the configuration does not manage them (from the last read's record). A key that
// the plan removes (the JSON form's three-way rule) is not among them.
func announceKeptFromRecord(ctx context.Context, plan, state *privacySecurityResourceModel, private privateGetter, diags *diag.Diagnostics) {
	kept := keptRecord(ctx, private, state)
	if len(kept) == 0 {
		return // never read, or nothing kept: the apply keeps whatever the document holds all the same
	}
	announceKept(plan, document.DropRemovedKeys(kept, state.shape(), plan.shape()), diags)
}

// announceKept names the fields of kept that plan's configuration does not manage.
func announceKept(plan *privacySecurityResourceModel, kept map[string]any, diags *diag.Diagnostics) {
	_, keptPaths := document.SplitUnmanaged(kept, plan.shape())
	if len(keptPaths) == 0 {
		return
	}
	productID := plan.ProductID.ValueString()
	detail := fmt.Sprintf("Product %s: the Marketplace document has %d field(s) that common_cloud does not model: %s. "+
		"This apply writes the draft with them kept as they are (the typed form cannot change or remove them; "+
		"common_cloud_json can).", productID, len(keptPaths), document.ListPaths(keptPaths))
	if plan.isJSON() {
		detail = fmt.Sprintf("Product %s: the Marketplace document has %d key(s) that common_cloud_json has never held: %s. "+
			"This apply writes the draft with them kept as they are. To remove one on purpose, add it to "+
			"common_cloud_json and apply, then delete it from the configuration and apply again.",
			productID, len(keptPaths), document.ListPaths(keptPaths))
	}
	diags.AddAttributeWarning(plan.documentAttribute(), "Fields this configuration does not manage are kept", detail)
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
		draft = "Its draft (" + b.Draft.String() + ") is discarded"
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
	diags.AddError("Marketplace credentials required",
		fmt.Sprintf("This plan would %s product %s, which needs an authenticated account, and no credentials are set. "+
			"Set %s and %s (or email and api_token in the provider block) for plan and apply. Reading live versions "+
			"needs none.", what, id, EnvEmail, EnvAPIToken))
	return false
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
		return "an unpublished draft"
	}
	return "an unpublished draft (last changed" + who + ")"
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
