package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// plannedDraftDigest is the planned draft_digest before planBasis reads the app: the digest
// of the document the state will describe after the apply, whichever version that is. A
// write puts the configured document merged with the fields it keeps: plannedWrite works it
// out from what the plan reads (unknown until then); a publish without a write publishes the
// draft the state describes, which keeps its digest; so does an apply that sends nothing.
// A state written before draft_digest described live versions holds null: unknown then.
func plannedDraftDigest(in planIntent, state *privacySecurityResourceModel) types.String {
	if state == nil || in.putting || state.DraftDigest.IsNull() {
		return types.StringUnknown()
	}
	return state.DraftDigest
}
