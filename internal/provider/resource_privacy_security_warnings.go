package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/marketplace-trust/terraform-provider-marketplace/internal/document"
	"github.com/marketplace-trust/terraform-provider-marketplace/internal/marketplace"
	"github.com/marketplace-trust/terraform-provider-marketplace/internal/review"
)

// The plan's warnings: what the attributes alone do not show, said after planning from
// what it read: the document a create writes over, a colleague's draft a write overwrites,
// the fields a write keeps or a switch of form removes, and what a publish makes public.

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

// describeVersion names a version for a plan: whose unpublished work a draft is.
func describeVersion(doc *marketplace.Version, version marketplace.VersionState) string {
	if version == marketplace.Live {
		return "a published (live) version"
	}
	who := seenOf(doc).Changed()
	if who == "" {
		return "an unpublished draft"
	}
	return "an unpublished draft (last changed" + who + ")"
}
