package provider

import (
	"context"
	"fmt"
	"regexp"
	"time"

	"github.com/marketplace-trust/terraform-provider-marketplace/internal/document"

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
					"(`draft_digest = marketplace_privacy_security.NAME.draft_digest`), or as a plan of this action " +
					"shows it. When the draft holds anything else at invoke time, nothing is published. Unset, " +
					"whatever draft the app has at invoke time is published, and the plan says so.",
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
// digest, and the fields where it differs from the live version; it fails the plan when the
// pinned draft is already gone or another one.
func (a *privacySecurityPublishAction) ModifyPlan(ctx context.Context, req action.ModifyPlanRequest, resp *action.ModifyPlanResponse) {
	var m privacySecurityPublishModel
	if resp.Diagnostics.Append(req.Config.Get(ctx, &m)...); resp.Diagnostics.HasError() {
		return
	}
	if a.client == nil || !known(m.ProductID) || m.ProductID.IsNull() {
		return // not configured yet (validate), or the app is not known until the apply
	}
	productID := m.ProductID.ValueString()
	if !a.requireCredentials(&resp.Diagnostics, productID) {
		return
	}
	if m.DraftDigest.IsUnknown() {
		// The resource writes the draft in this same apply: its digest is known then.
		resp.Diagnostics.AddWarning("Publishing the draft this apply writes",
			fmt.Sprintf("Product %s: draft_digest is not known until the apply, which writes the draft first. The action "+
				"is pinned to the draft that apply writes: it publishes that draft, and nothing if anyone changes it "+
				"between the write and the publish.", productID))
		return
	}
	// The draft and the live version it is compared with, read at once (one round trip).
	snap, err := a.snaps.read(ctx, productID, asIs, nil, marketplace.Draft, marketplace.Live)
	if err != nil {
		addAPIError(&resp.Diagnostics, "reading the draft and the live version of "+productID+" to plan its publish", err)
		return
	}
	draft := snap.doc(marketplace.Draft)
	found, ok := checkDraft(productID, draft, m.DraftDigest, atPlan, &resp.Diagnostics)
	if !ok {
		return
	}
	pin := fmt.Sprintf("The invoke reads the draft again and publishes it only if its digest is still %s.", found)
	if m.DraftDigest.IsNull() {
		pin = "draft_digest is not set, so the invoke publishes whatever draft the app has then, even one changed after " +
			"this plan; set draft_digest = \"" + found + "\" (or the resource's draft_digest) to publish exactly this draft, " +
			"or nothing."
	}
	resp.Diagnostics.AddWarning("Publishing a draft",
		fmt.Sprintf("Product %s: this action publishes the draft %s (last changed%s). %s %s",
			productID, found, changedBy(draft), publishChanges(snap.doc(marketplace.Live), draft), pin))
}

// draftCheck is when checkDraft runs, and what its messages tell the user to do then.
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

// checkDraft refuses a publish when there is no draft (at plan time even unpinned: an
// invoke after the plan would otherwise publish a draft that nobody reviewed, written in
// between) or when the draft is not the one pinned; otherwise it returns the draft's digest.
func checkDraft(productID string, draft *marketplace.Version, pinned types.String, when draftCheck, diags *diag.Diagnostics) (string, bool) {
	if draft == nil {
		why := when.noDraft
		if !pinned.IsNull() {
			why = "the draft " + pinned.ValueString() + " that this action is pinned to was published or discarded " +
				"since it was read"
		}
		diags.AddError("No draft to publish", fmt.Sprintf("Product %s has no draft: %s. %s", productID, why, when.noDraftNext))
		return "", false
	}
	found := documentDigest(draft.CommonCloud)
	if !pinned.IsNull() && found != pinned.ValueString() {
		diags.AddAttributeError(path.Root("draft_digest"), "The draft is not the one reviewed",
			fmt.Sprintf("Product %s: the draft was last changed%s and is %s, not the draft this action is pinned to (%s)%s",
				productID, changedBy(draft), found, pinned.ValueString(), when.mismatchNext))
		return "", false
	}
	return found, true
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

// Invoke reads the draft, checks it against draft_digest, and publishes it.
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
	productID := m.ProductID.ValueString()
	if !a.requireCredentials(&resp.Diagnostics, productID) {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, defaultWriteTimeout)
	defer cancel()

	progress("reading the draft of %s", productID)
	draft, err := a.client.Get(ctx, productID, marketplace.Draft)
	if marketplace.IsNotFound(err) {
		draft, err = nil, nil
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "reading the draft of "+productID+" before publishing it", err)
		return
	}
	found, ok := checkDraft(productID, draft, m.DraftDigest, atInvoke, &resp.Diagnostics)
	if !ok {
		return
	}

	progress("publishing %s (draft %s, last changed%s)", productID, found, changedBy(draft))
	err = a.client.Publish(ctx, productID)
	if marketplace.IsConflict(err) {
		// The draft read a moment ago is gone: our own publish whose answer was lost (the
		// client's retry then finds no draft), or someone else's publish or discard.
		live, liveErr := a.client.Get(ctx, productID, marketplace.Live)
		if liveErr == nil && documentDigest(live.CommonCloud) == found {
			tflog.Warn(ctx, "publish answered 409; the live version holds the draft", map[string]any{"product_id": productID})
			progress("published %s (the live version holds draft %s)", productID, found)
			return
		}
		resp.Diagnostics.AddError("The draft was published or discarded meanwhile",
			fmt.Sprintf("Product %s: the Marketplace answered that there is no draft to publish (409), although the draft "+
				"%s was there a moment before: someone published or discarded it in between, and the live version does "+
				"not hold it. This action published nothing. Refresh (terraform plan) to see the app as it is.", productID, found))
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "publishing the draft of "+productID, err)
		return
	}
	progress("published %s (draft %s)", productID, found)
}

// requireCredentials fails a plan or an invoke without credentials: reading a draft and
// publishing both need an authenticated account.
func (a *privacySecurityPublishAction) requireCredentials(diags *diag.Diagnostics, productID string) bool {
	if a.client == nil || a.client.HasCredentials() {
		return true
	}
	diags.AddError("Marketplace credentials required",
		fmt.Sprintf("Publishing the draft of product %s needs an authenticated account (reading the draft does too), and "+
			"no credentials are set. Set %s and %s (or email and api_token in the provider block).", productID, EnvEmail, EnvAPIToken))
	return false
}

// changedBy is " by WHO at WHEN" for a version, as far as its properties tell.
func changedBy(doc *marketplace.Version) string {
	if doc == nil || doc.Properties == nil {
		return ""
	}
	out := ""
	if doc.Properties.UpdatedBy != "" {
		out += " by " + doc.Properties.UpdatedBy
	}
	if doc.Properties.UpdatedAt != 0 {
		out += " at " + time.UnixMilli(doc.Properties.UpdatedAt).UTC().Format(time.RFC3339)
	}
	return out
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
