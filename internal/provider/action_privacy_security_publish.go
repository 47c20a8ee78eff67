package provider

import (
	"context"
	"errors"
	"fmt"
	"regexp"

	"github.com/marketplace-trust/terraform-provider-marketplace/internal/document"
	"github.com/marketplace-trust/terraform-provider-marketplace/internal/review"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/marketplace-trust/terraform-provider-marketplace/internal/marketplace"
)

// The publish action publishes an app's draft: on purpose (terraform apply -invoke), or
// after the resource's apply (lifecycle action_trigger). It publishes exactly the draft
// that was reviewed, or nothing: the reviewed draft travels in the action's configuration
// as draft_digest (actions have no state), usually the resource's draft_digest, and the
// invoke reads the draft first and refuses one whose digest differs, or none at all.

var (
	_ action.Action               = &privacySecurityPublishAction{}
	_ action.ActionWithConfigure  = &privacySecurityPublishAction{}
	_ action.ActionWithModifyPlan = &privacySecurityPublishAction{}
)

// NewPrivacySecurityPublishAction is the constructor the provider registers.
func NewPrivacySecurityPublishAction() action.Action { return &privacySecurityPublishAction{} }

type privacySecurityPublishAction struct {
	client *marketplace.Client
	snaps  *snapshots // the provider instance's reader of apps (snapshot.go)
}

type privacySecurityPublishModel struct {
	ProductID   types.String `tfsdk:"product_id"`
	DraftDigest types.String `tfsdk:"draft_digest"`
}

func (a *privacySecurityPublishAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_privacy_security_publish"
}

func (a *privacySecurityPublishAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Publishes the draft of one Marketplace app's privacy and security information, making " +
			"it the live version: on purpose (`terraform apply -invoke=action.marketplace_privacy_security_publish.NAME`), " +
			"or after a resource's apply (`lifecycle { action_trigger { ... } }`). With `draft_digest` it publishes " +
			"exactly the draft that was reviewed, or nothing: it reads the draft first, and refuses a draft whose " +
			"digest differs (naming who changed it and when) or no draft at all. Needs Terraform 1.14 or later " +
			"(OpenTofu has no actions); needs credentials.",
		Attributes: map[string]schema.Attribute{
			"product_id": schema.StringAttribute{
				MarkdownDescription: "The app's product ID (a UUID).",
				Required:            true,
				Validators:          []validator.String{document.UUIDString("product_id", "The product ID of a Marketplace app")},
			},
			"draft_digest": schema.StringAttribute{
				MarkdownDescription: "The digest of the draft to publish, as the resource's `draft_digest` gives it " +
					"(`draft_digest = marketplace_privacy_security.NAME.draft_digest`: known at plan time, the digest of the " +
					"draft the resource's apply writes, or of the document its state describes), or as a plan of this " +
					"action shows it. The invoke publishes the draft only if it is this one; when the live version already " +
					"holds it, there is nothing to publish; anything else is refused and nothing is published. Unset, " +
					"whatever draft the app has at invoke time is published, and the plan warns about it.",
				Optional:   true,
				Validators: []validator.String{draftDigestValidator{}},
			},
		},
	}
}

func (a *privacySecurityPublishAction) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	if data := providerDataFrom(req.ProviderData, &resp.Diagnostics); data != nil {
		a.client, a.snaps = data.client, data.snaps
	}
}

// ModifyPlan names the draft the invoke will publish: who changed it last, when, its
// digest, and the fields where it differs from the live version. It asks the one rule
// (review.Check) of the pin, and fails the plan when the pinned draft is neither there, nor
// live already, nor written by a resource of this same apply.
func (a *privacySecurityPublishAction) ModifyPlan(ctx context.Context, req action.ModifyPlanRequest, resp *action.ModifyPlanResponse) {
	var m privacySecurityPublishModel
	if resp.Diagnostics.Append(req.Config.Get(ctx, &m)...); resp.Diagnostics.HasError() {
		return
	}
	// Values given by -var are unknown when the configuration is validated: check them here,
	// before any request.
	if !checkActionConfig(ctx, m, &resp.Diagnostics) || a.client == nil || !known(m.ProductID) {
		return // not configured yet (validate), or the app is not known until the apply
	}
	productID := m.ProductID.ValueString()
	if !a.requireCredentials(&resp.Diagnostics, productID) {
		return
	}
	if m.DraftDigest.IsUnknown() {
		// The resource writes the draft in this same apply, over a document it could not read.
		resp.Diagnostics.AddWarning("Publishing the draft this apply writes: "+productID,
			fmt.Sprintf("Product %s: draft_digest is not known until the apply, which writes the draft first. The action "+
				"is pinned to the draft that apply writes: it publishes that draft, and nothing if anyone changes it "+
				"between the write and the publish.", productID))
		return
	}
	// The draft and the live version it is compared with, read at once (one round trip).
	snap, err := a.snaps.read(ctx, productID, asIs, nil, marketplace.Draft, marketplace.Live)
	if err != nil {
		addActionAPIError(&resp.Diagnostics, "reading the draft and the live version of "+productID+" to plan its publish", err)
		return
	}
	v := judgePin(m.DraftDigest, snap)
	pinned := m.DraftDigest.ValueString()
	switch {
	case v.publish && m.DraftDigest.IsNull():
		resp.Diagnostics.AddWarning("Publishing a draft that is not pinned: "+productID,
			fmt.Sprintf("Product %s: this action publishes the draft %s. %s draft_digest is not set, so the invoke publishes "+
				"whatever draft the app has then, even one changed after this plan, and nothing checks that it is what your "+
				"configuration wrote. To publish exactly this draft, or nothing, set draft_digest = \"%s\" (or the "+
				"resource's draft_digest: marketplace_privacy_security.NAME.draft_digest).",
				productID, snap.basis.Draft, publishChanges(snap.live, snap.draft), v.found))
	case v.publish:
		resp.Diagnostics.AddWarning("Publishing the draft of "+productID,
			fmt.Sprintf("Product %s: this action publishes the draft %s. %s The invoke reads the draft again and publishes "+
				"it only if its digest is still %s.", productID, snap.basis.Draft, publishChanges(snap.live, snap.draft), pinned))
	case v.alreadyLive:
		resp.Diagnostics.AddWarning("Nothing to publish: "+productID,
			fmt.Sprintf("Product %s: the live version already holds the pinned draft %s%s. The invoke publishes nothing.",
				productID, pinned, v.otherDraft()))
	case v.pinned && a.snaps.plannedWrite(productID) == pinned:
		resp.Diagnostics.AddWarning("Publishing the draft this apply writes: "+productID,
			fmt.Sprintf("Product %s: the resource's apply in this run writes the draft %s, and this action then publishes "+
				"it, pinned: it publishes nothing if the draft is another one by then (if the resource publishes it "+
				"itself, publish = true, there is nothing left to publish).", productID, pinned))
	default:
		v.refuse(productID, atPlan, &resp.Diagnostics)
	}
}

// pinVerdict is what the one rule says of a publish pinned to a draft (or unpinned).
type pinVerdict struct {
	publish     bool            // the draft there is the one to publish
	alreadyLive bool            // no such draft: the live version already holds the pinned one
	found       string          // the digest of the draft there is ("" none)
	change      *review.Change  // how the draft differs from the pin
	draft       *review.Version // the draft there is, as read
	pinned      bool
}

// judgePin asks review.Check whether the app, as snap read it, holds the pinned draft.
func judgePin(digest types.String, snap snapshot) pinVerdict {
	v := pinVerdict{draft: snap.basis.Draft, pinned: !digest.IsNull()}
	if snap.basis.Draft.AtStake() {
		v.found = snap.basis.Draft.Digest
	}
	if !v.pinned {
		v.publish = v.found != ""
		v.change = &review.Change{Version: "draft", Reviewed: review.None(), Now: snap.basis.Draft}
		return v
	}
	pin := review.Pin(digest.ValueString())
	v.change = pin.Check(review.Review{Draft: snap.basis.Draft})
	v.publish = v.change == nil
	v.alreadyLive = !v.publish && snap.basis.Live.AtStake() && snap.basis.Live.Digest == digest.ValueString()
	return v
}

// otherDraft says, when there is a draft that is not the pinned one, that it stays.
func (v pinVerdict) otherDraft() string {
	if v.found == "" {
		return ""
	}
	return fmt.Sprintf("; the app's draft %s is another one, and stays a draft", v.draft)
}

// draftCheck is when a refusal happens, and what its messages tell the user to do then.
type draftCheck struct {
	noDraft      string // why there is no draft when the action is not pinned
	noDraftNext  string // what happens and what to do when there is no draft
	mismatchNext string // the same when the draft is not the one pinned
}

var (
	atPlan = draftCheck{
		noDraft:      "there is nothing to publish",
		noDraftNext:  "Nothing will be published. Write the draft first (the resource's apply), and plan the publish again.",
		mismatchNext: ". Nothing will be published. Review the draft as it is now (terraform plan) and plan again.",
	}
	atInvoke = draftCheck{
		noDraft:      "the app has none (draft_digest is null: the action is not pinned to a draft)",
		noDraftNext:  "Nothing was published. Refresh (terraform plan) to see the app as it is, and plan again.",
		mismatchNext: ": it changed after the plan. Nothing was published; plan again, and review the draft as it is now.",
	}
)

// refuse is the error of a publish the rule refused: no draft, or another one than pinned.
func (v pinVerdict) refuse(productID string, when draftCheck, diags *diag.Diagnostics) {
	if v.found == "" {
		why := when.noDraft
		if v.pinned {
			why = "the draft " + v.change.Reviewed.Digest + " that this action is pinned to was published or discarded " +
				"since it was read, or was never written"
		}
		diags.AddError("No draft to publish", fmt.Sprintf("Product %s has no draft: %s. %s", productID, why, when.noDraftNext))
		return
	}
	diags.AddAttributeError(path.Root("draft_digest"), "The draft is not the one reviewed",
		fmt.Sprintf("Product %s: the draft was last changed%s and is %s, not the draft this action is pinned to (%s)%s",
			productID, v.draft.Changed(), v.found, v.change.Reviewed.Digest, when.mismatchNext))
}

// publishChanges says what publishing draft changes against the live version.
func publishChanges(live, draft *marketplace.Version) string {
	if live == nil {
		return "There is no live version yet: publishing makes this draft the first one."
	}
	if paths := document.ChangedPaths(live.CommonCloud, draft.CommonCloud); len(paths) > 0 {
		return fmt.Sprintf("Against the live version, %d field(s) change: %s.", len(paths),
			document.DescribeChanges(live.CommonCloud, draft.CommonCloud))
	}
	return "It holds exactly the live version: publishing changes no field."
}

// Invoke reads the app, asks the rule of the pin, and publishes the draft when it holds.
func (a *privacySecurityPublishAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	var m privacySecurityPublishModel
	if resp.Diagnostics.Append(req.Config.Get(ctx, &m)...); resp.Diagnostics.HasError() {
		return
	}
	progress := func(format string, args ...any) {
		if resp.SendProgress != nil {
			resp.SendProgress(action.InvokeProgressEvent{Message: fmt.Sprintf(format, args...)})
		}
	}
	if a.client == nil {
		resp.Diagnostics.AddError("Provider not configured", "The marketplace provider was not configured before the action was invoked.")
		return
	}
	if !checkActionConfig(ctx, m, &resp.Diagnostics) {
		return
	}
	productID := m.ProductID.ValueString()
	if !a.requireCredentials(&resp.Diagnostics, productID) {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, defaultWriteTimeout)
	defer cancel()

	progress("reading the draft of %s", productID)
	snap, err := a.snaps.read(ctx, productID, asIs, nil, marketplace.Draft, marketplace.Live)
	if err != nil {
		addActionAPIError(&resp.Diagnostics, "reading the draft of "+productID+" before publishing it", err)
		return
	}
	v := judgePin(m.DraftDigest, snap)
	if v.alreadyLive {
		progress("nothing to publish for %s: the live version already holds draft %s%s", productID, m.DraftDigest.ValueString(), v.otherDraft())
		return
	}
	if !v.publish {
		v.refuse(productID, atInvoke, &resp.Diagnostics)
		return
	}
	a.publish(ctx, productID, v, progress, &resp.Diagnostics)
}

// publish publishes the draft found (v.found), which the rule allowed.
func (a *privacySecurityPublishAction) publish(ctx context.Context, productID string, v pinVerdict, progress func(string, ...any), diags *diag.Diagnostics) {
	found := v.found
	progress("publishing %s (draft %s, last changed%s)", productID, found, v.draft.Changed())
	err := a.client.Publish(ctx, productID)
	if marketplace.IsConflict(err) {
		// The draft read a moment ago is gone: our own publish whose answer was lost (the
		// client's retry then finds no draft), or someone else's publish or discard.
		live, liveErr := a.snaps.version(ctx, productID, marketplace.Live, asIs)
		if liveErr == nil && live != nil && document.Digest(live.CommonCloud) == found {
			tflog.Warn(ctx, "publish answered 409; the live version holds the draft", map[string]any{"product_id": productID})
			progress("published %s (the live version holds draft %s)", productID, found)
			return
		}
		diags.AddError("The draft was published or discarded meanwhile",
			fmt.Sprintf("Product %s: the Marketplace answered that there is no draft to publish (409), although the draft "+
				"%s was there a moment before: someone published or discarded it in between, and the live version does "+
				"not hold it. This action published nothing. Refresh (terraform plan) to see the app as it is.", productID, found))
		return
	}
	if err != nil {
		addActionAPIError(diags, "publishing the draft of "+productID, err)
		return
	}
	progress("published %s (draft %s)", productID, found)
}

// checkActionConfig runs the attribute checks on values known only now (given by -var).
func checkActionConfig(ctx context.Context, m privacySecurityPublishModel, diags *diag.Diagnostics) bool {
	var found diag.Diagnostics
	if known(m.ProductID) {
		resp := &validator.StringResponse{}
		document.UUIDString("product_id", "The product ID of a Marketplace app").ValidateString(ctx,
			validator.StringRequest{Path: path.Root("product_id"), ConfigValue: m.ProductID}, resp)
		found.Append(resp.Diagnostics...)
	}
	if known(m.DraftDigest) {
		resp := &validator.StringResponse{}
		draftDigestValidator{}.ValidateString(ctx, validator.StringRequest{Path: path.Root("draft_digest"), ConfigValue: m.DraftDigest}, resp)
		found.Append(resp.Diagnostics...)
	}
	diags.Append(found...)
	return !found.HasError()
}

// requireCredentials fails a plan or an invoke without credentials: reading a draft and
// publishing both need an authenticated account.
func (a *privacySecurityPublishAction) requireCredentials(diags *diag.Diagnostics, productID string) bool {
	if a.client == nil || a.client.HasCredentials() {
		return true
	}
	credentialsRequired(diags, "Publishing the draft of product "+productID+" (and reading it first)")
	return false
}

var draftDigestPattern = regexp.MustCompile(`^sha256:[0-9a-f]{12}$`)

// draftDigestValidator checks the form of a draft digest (sha256: and 12 hex digits).
type draftDigestValidator struct{}

func (draftDigestValidator) Description(context.Context) string {
	return "must be a draft digest, such as sha256:1a2b3c4d5e6f"
}

func (v draftDigestValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (draftDigestValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if s := req.ConfigValue.ValueString(); !draftDigestPattern.MatchString(s) {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid draft_digest",
			fmt.Sprintf("%s is not a draft digest: give the resource's draft_digest (marketplace_privacy_security.NAME.draft_digest), "+
				"or the digest a plan of this action shows, such as sha256:1a2b3c4d5e6f.", document.QuoteCut(s)))
	}
}

// addActionAPIError is addAPIError for the action, which has no state to forget: a product
// that does not exist is said without the resource's advice.
func addActionAPIError(diags *diag.Diagnostics, action string, err error) {
	var apiErr *marketplace.APIError
	if marketplace.IsProductNotFound(err) && errors.As(err, &apiErr) {
		diags.AddError("Marketplace API error",
			fmt.Sprintf("Error %s: %s\n\nThe Marketplace says that the product does not exist (%s), or is not visible to "+
				"this account: check the action's product_id, that the account belongs to the app's vendor, and base_url "+
				"(the request went to %s). Nothing was published.", action, err, apiErr.Code, apiErr.URL))
		return
	}
	addAPIError(diags, action, err)
}
