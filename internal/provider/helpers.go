package provider

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
