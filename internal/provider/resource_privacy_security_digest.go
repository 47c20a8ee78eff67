package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/marketplace-trust/terraform-provider-marketplace/internal/marketplace"
)

// plannedDraftDigest is the planned draft_digest: the digest of the draft the state will
// describe after the apply. A write puts the configured document merged with the fields it
// keeps, which only the apply reads, so its digest is unknown until then; a publish leaves
// no draft (null); otherwise the draft, if any, is the one the state describes.
func plannedDraftDigest(in planIntent, state *privacySecurityResourceModel) types.String {
	switch {
	case in.versionState.IsUnknown():
		return types.StringUnknown()
	case in.versionState.ValueString() == string(marketplace.Live):
		return types.StringNull()
	case state == nil || in.putting:
		return types.StringUnknown()
	default:
		return state.DraftDigest
	}
}
