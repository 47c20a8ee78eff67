package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/marketplace-trust/terraform-provider-marketplace/internal/document"
	"github.com/marketplace-trust/terraform-provider-marketplace/internal/review"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/marketplace-trust/terraform-provider-marketplace/internal/marketplace"
)

// The apply: what the reviewed plan showed, or nothing. Each write first checks its basis
// (snapshot.go), then PUTs the draft when the document changes, publishes when asked, and
// reads back the version the state describes. Its outcome is one of the named cases below,
// which README's "After a failed or interrupted publish" describes.

// outcome is how a write ended, and so what the state says afterwards.
type outcome int

const (
	// written: everything the plan showed was done; the state is what was read back.
	written outcome = iota
	// nothingSent: the basis check failed, or the PUT (or, with the document unchanged, the
	// publish) failed: the Marketplace holds what it held, and so does the state.
	nothingSent
	// draftOnly: the PUT succeeded and the publish failed or was interrupted: the state
	// describes the draft (version_state = "draft"), so the next plan publishes it without
	// writing it again. A create in this case is an error all the same, and Terraform
	// taints it: the next apply replaces it (discards the draft, writes and publishes).
	draftOnly
	// readBackFailed: everything was sent, and reading it back failed or found another
	// document: the state is what could be read (the prior state when nothing could), and
	// the next plan shows any difference.
	readBackFailed
)

func (o outcome) String() string {
	return [...]string{"written", "nothing sent", "draft only (publish failed)", "read back failed"}[o]
}

// writeResult is what write returns.
type writeResult struct {
	outcome outcome
	state   *privacySecurityResourceModel // the state to save; nil: keep the prior one (nothingSent)
	doc     *marketplace.Version          // the version read last, for the private records
	read    review.Review                 // what was read last, for the private records
}

func (r *privacySecurityResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan privacySecurityResourceModel
	if resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...); resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Create(ctx, defaultWriteTimeout)
	if resp.Diagnostics.Append(diags...); resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	res, diags := r.write(ctx, &plan, nil, nil)
	tflog.Debug(ctx, "create ended", map[string]any{"product_id": plan.ProductID.ValueString(), "outcome": res.outcome.String()})
	resp.Diagnostics.Append(diags...)
	if res.state != nil {
		r.setState(ctx, res.state, &resp.State, resp.Identity, &resp.Diagnostics)
		r.recordRead(ctx, resp.Private, res, &plan)
	}
}

func (r *privacySecurityResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state privacySecurityResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.Append(req.State.Get(ctx, &state)...); resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Update(ctx, defaultWriteTimeout)
	if resp.Diagnostics.Append(diags...); resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	res, diags := r.write(ctx, &plan, &state, keptRecord(ctx, req.Private, &state))
	tflog.Debug(ctx, "update ended", map[string]any{"product_id": plan.ProductID.ValueString(), "outcome": res.outcome.String()})
	resp.Diagnostics.Append(diags...)
	newState := res.state
	if newState == nil {
		newState = &state // nothing was sent: the prior state is still the truth
	}
	r.setState(ctx, newState, &resp.State, resp.Identity, &resp.Diagnostics)
	if res.state != nil {
		r.recordRead(ctx, resp.Private, res, &plan)
	}
}

// privateSetter is the part of private state an apply writes.
type privateSetter interface {
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

// recordRead keeps, in private state, what the apply read last: the fields the
// configuration does not manage, and the basis a later plan (-refresh=false too) starts from.
func (r *privacySecurityResource) recordRead(ctx context.Context, private privateSetter, res writeResult, m *privacySecurityResourceModel) {
	if res.doc != nil {
		private.SetKey(ctx, privateDocument, documentRecord(res.doc))
		private.SetKey(ctx, privateUnmanaged, nil)
	}
	if !res.read.Empty() {
		res.read.Product = m.ProductID.ValueString()
		private.SetKey(ctx, privateBasis, []byte(res.read.Encode()))
	}
	private.SetKey(ctx, privateDestroyBasis, nil)
}

// write carries out a create (state nil) or an update.
func (r *privacySecurityResource) write(ctx context.Context, plan, state *privacySecurityResourceModel, kept map[string]any) (writeResult, diag.Diagnostics) {
	var diags diag.Diagnostics
	productID := plan.ProductID.ValueString()
	in := intentOf(plan, state, kept)
	if !in.putting && !in.publishing {
		// Only publish or timeouts changed, or the document's form (the same content), and
		// nothing needs the API (turning publish off cannot unpublish; turning it on with the
		// document already live has nothing to publish): the refreshed state is still the
		// truth, in the configuration's form.
		out := *state
		out.Publish, out.Timeouts = plan.Publish, plan.Timeouts
		out.CommonCloud, out.CommonCloudJSON = plan.CommonCloud, plan.CommonCloudJSON
		return writeResult{outcome: written, state: &out}, nil
	}

	current, d := r.checkBasis(ctx, plan, state, in)
	if diags.Append(d...); diags.HasError() {
		return writeResult{outcome: nothingSent}, diags
	}
	if in.putting {
		var base map[string]any
		if current != nil {
			base = current.CommonCloud
		}
		if d := r.putDraft(ctx, plan, plan.bodyOver(state)(base)); d.HasError() {
			return writeResult{outcome: nothingSent}, d
		}
	}
	if in.publishing {
		err := r.client.Publish(ctx, productID)
		switch {
		case err == nil:
		case marketplace.IsConflict(err):
			// The draft checked (or just written) a moment ago is gone: most likely a publish
			// whose answer was lost on the way (the retry then finds no draft). The read
			// below verifies that the live version holds the configuration.
			tflog.Warn(ctx, "publish answered 409; verifying the live version", map[string]any{"product_id": productID})
		default:
			addAPIError(&diags, "publishing the draft of "+productID, err)
			if !in.putting {
				return writeResult{outcome: nothingSent}, diags
			}
			return r.afterFailedPublish(ctx, plan, diags)
		}
	}
	return r.readBackAfterWrite(ctx, plan, diags)
}

// afterFailedPublish is the draftOnly case: the draft holds the change. An interrupted
// apply (its context ended) still gets this one read, on a short context of its own; if it
// fails too, the publish's error is the one to show, and the prior state stays (the next
// plan writes and publishes again).
func (r *privacySecurityResource) afterFailedPublish(ctx context.Context, plan *privacySecurityResourceModel, diags diag.Diagnostics) (writeResult, diag.Diagnostics) {
	readCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	draft, doc, d := r.readInto(readCtx, plan, marketplace.Draft)
	if d.HasError() || draft == nil {
		tflog.Warn(ctx, "could not read the draft after a failed publish; keeping the prior state", map[string]any{"product_id": plan.ProductID.ValueString()})
		return writeResult{outcome: nothingSent}, diags
	}
	return writeResult{outcome: draftOnly, state: draft, doc: doc, read: withVersion(review.Review{}, marketplace.Draft, doc)}, diags
}

// readBackAfterWrite reads back the version the state describes: the written case, or
// readBackFailed.
func (r *privacySecurityResource) readBackAfterWrite(ctx context.Context, plan *privacySecurityResourceModel, diags diag.Diagnostics) (writeResult, diag.Diagnostics) {
	productID := plan.ProductID.ValueString()
	newState, doc, read, d := r.readBack(ctx, plan)
	diags.Append(d...)
	res := writeResult{outcome: written, state: newState, doc: doc, read: read}
	switch {
	case diags.HasError():
		res.outcome = readBackFailed
	case newState == nil:
		res.outcome = readBackFailed
		diags.AddError("The document disappeared",
			fmt.Sprintf("Product %s has neither a draft nor a live version right after this apply: another writer "+
				"may have discarded it. Apply again to write it.", productID))
	default:
		if changed, _ := documentChanged(plan.documentForms(), newState.documentForms()); changed {
			res.outcome = readBackFailed
			diags.AddError("The Marketplace holds a different document",
				fmt.Sprintf("After writing the %s version of product %s, reading it back gave a document that differs from "+
					"the configuration. Another writer may have changed it at the same time; run terraform plan to see the "+
					"difference, then apply again.", newState.VersionState.ValueString(), productID))
		}
	}
	return res, diags
}

// checkBasis reads, immediately before the write, each version the plan's basis names, and
// fails when the Marketplace no longer holds what the plan saw (by content: seen.matches;
// a draft that puts nothing at stake counts as none). It returns the app's current document
// (the draft, else the live version; nil when it has neither), whose unmanaged fields the
// PUT keeps.
func (r *privacySecurityResource) checkBasis(ctx context.Context, plan, state *privacySecurityResourceModel, in planIntent) (*marketplace.Version, diag.Diagnostics) {
	var diags diag.Diagnostics
	productID := plan.ProductID.ValueString()
	planned, decodeErr := review.Decode(plan.Basis.ValueString())
	var writes writeOver
	if in.putting {
		writes = plan.bodyOver(state)
	}
	if plan.Basis.IsNull() || plan.Basis.IsUnknown() || decodeErr != nil || planned.Empty() {
		// A plan made before this provider version recorded its basis: read the current
		// document, as such versions did, and check nothing.
		snap, err := r.snaps.current(ctx, productID, forCheck, writes)
		if err != nil {
			addAPIError(&diags, "reading the current document of "+productID, err)
		}
		current, _ := snap.current()
		return current, diags
	}
	var named []marketplace.VersionState
	for _, v := range planned.Names() {
		named = append(named, marketplace.VersionState(v))
	}
	// What the plan saw of the live version decides whether a draft is settled.
	snap, err := r.snaps.read(ctx, productID, forCheck, nil, named...)
	if err != nil {
		addAPIError(&diags, "reading the versions of "+productID+" to check them before writing", err)
		return nil, diags
	}
	now := review.Review{}
	if planned.Live != nil {
		now.Live = seenOf(snap.live)
	}
	if planned.Draft != nil {
		now.Draft = judgeDraft(snap.draft, planned.Live, writes)
	}
	if change := planned.Check(now); change != nil {
		addBasisChanged(&diags, productID, change, snap.doc(marketplace.VersionState(change.Version)), plan, state)
		return nil, diags
	}
	current, _ := snap.current()
	return current, diags
}

// addBasisChanged is the error of a write whose basis changed: the app, who changed it and
// when, the fields that differ, and to plan again.
func addBasisChanged(diags *diag.Diagnostics, productID string, change *review.Change, doc *marketplace.Version, plan, state *privacySecurityResourceModel) {
	version := change.Version
	detail := fmt.Sprintf("Product %s changed on the Marketplace since this plan was made: ", productID)
	switch {
	case change.Gone():
		detail += fmt.Sprintf("the %s the plan saw (%s) is gone: published or discarded since.", version, change.Reviewed)
	case !change.Reviewed.AtStake():
		detail += fmt.Sprintf("a %s was written since the plan: %s.", version, change.Now)
	default:
		detail += fmt.Sprintf("its %s was changed since the plan: now %s; the plan saw %s.", version, change.Now, change.Reviewed)
	}
	if doc != nil {
		// What differs: from the document the plan saw when the state describes that version
		// (the refresh read it), else from what this apply would have written.
		var before map[string]any
		label := "fields changed since the plan"
		if state != nil && state.VersionState.ValueString() == version && state.documentKnown() {
			before, _ = state.configuredDocument()
		} else if plan.documentKnown() {
			before, _ = plan.configuredDocument()
			label = "fields where it differs from this configuration"
		}
		shape := plan.shape()
		if state != nil {
			shape = state.shape()
		}
		if changes := document.DescribeChanges(before, document.ManagedPart(doc.CommonCloud, shape)); changes != "" {
			detail += " " + strings.ToUpper(label[:1]) + label[1:] + ": " + changes + "."
		}
	}
	detail += " Nothing was written, published or discarded for this app. Run terraform plan again, review what it " +
		"shows now, and apply that plan."
	diags.AddError("The Marketplace changed since the plan", detail)
}

// bodyOver is what the write of plan over state (nil for a create) puts when the app's
// current document holds base (document.WriteBody); nil when the document is not known.
func (m *privacySecurityResourceModel) bodyOver(state *privacySecurityResourceModel) writeOver {
	return func(base map[string]any) map[string]any {
		if !m.documentKnown() {
			return nil
		}
		configured, d := m.configuredDocument()
		if d.HasError() {
			return nil
		}
		var prior document.Shape
		if state != nil {
			prior = state.shape()
		}
		return document.WriteBody(configured, m.shape(), prior, base)
	}
}

// putDraft writes body as the draft.
func (r *privacySecurityResource) putDraft(ctx context.Context, plan *privacySecurityResourceModel, body map[string]any) diag.Diagnostics {
	var diags diag.Diagnostics
	productID := plan.ProductID.ValueString()
	if body == nil {
		diags.AddError("Cannot encode the document", "the document of "+productID+" is not known")
		return diags
	}
	data, err := document.Marshal(body)
	if err != nil {
		diags.AddError("Cannot encode the document", err.Error())
		return diags
	}
	if err := r.client.PutDraft(ctx, productID, data); err != nil {
		addAPIError(&diags, "writing the draft of "+productID, err)
	}
	return diags
}

func (r *privacySecurityResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state privacySecurityResourceModel
	if resp.Diagnostics.Append(req.State.Get(ctx, &state)...); resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := state.Timeouts.Delete(ctx, defaultWriteTimeout)
	if resp.Diagnostics.Append(diags...); resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	productID := state.ProductID.ValueString()
	raw, _ := req.Private.GetKey(ctx, privateDestroyBasis)
	planned := readRecord(raw)
	if planned.Draft == nil {
		// A plan without a destroy basis (a tainted object's replacement: Terraform gives
		// its plan no private state): discard the draft there is, remembered for the plan
		// of the new object that follows in this walk.
		draft, err := r.snaps.version(ctx, productID, marketplace.Draft, forCheck)
		if err != nil {
			addAPIError(&resp.Diagnostics, "reading the draft of "+productID+" before deleting it", err)
			return
		}
		if draft == nil {
			return
		}
		if err := r.client.DeleteDraft(ctx, productID); err != nil && !marketplace.IsNotFound(err) {
			addAPIError(&resp.Diagnostics, "deleting the draft of "+productID, err)
			return
		}
		r.snaps.deletedDraft(productID, draft)
		return
	}
	draft, err := r.snaps.version(ctx, productID, marketplace.Draft, forCheck)
	if err != nil {
		addAPIError(&resp.Diagnostics, "reading the draft of "+productID+" to check it before deleting", err)
		return
	}
	// The one rule (review.Check), on the draft: by content, a draft holding the live
	// version counting as none. A draft gone since the plan (published or discarded
	// meanwhile) loses nothing.
	now := review.Review{Draft: judgeDraft(draft, planned.Live, nil)}
	if change := (review.Review{Draft: planned.Draft}).Check(now); draft != nil && change != nil {
		addBasisChanged(&resp.Diagnostics, productID, change, draft, &state, &state)
		return
	}
	if draft == nil {
		return // no draft, as the plan said: nothing to delete
	}
	if err := r.client.DeleteDraft(ctx, productID); err != nil && !marketplace.IsNotFound(err) {
		addAPIError(&resp.Diagnostics, "deleting the draft of "+productID, err)
		return
	}
	r.snaps.deletedDraft(productID, draft)
}
