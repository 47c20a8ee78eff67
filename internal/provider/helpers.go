package provider

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// Small helpers that several of the provider's files use: one home for them.

// firstNonEmpty is the first of values that is not "".
func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

// known reports whether v is known (null counts as known).
func known(v interface{ IsUnknown() bool }) bool { return !v.IsUnknown() }

// credentialsRequired is the one error of a plan or call that needs an authenticated
// account when no credentials are set; what says what needed it ("This plan would write
// the draft of product X").
func credentialsRequired(diags *diag.Diagnostics, what string) {
	diags.AddError("Marketplace credentials required",
		fmt.Sprintf("%s, which needs an authenticated account, and no credentials are set. Set %s and %s (or email and "+
			"api_token in the provider block) for plan and apply. Reading live versions needs none.", what, EnvEmail, EnvAPIToken))
}
