package provider

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// Small helpers that several of the provider's files use: one home for them.

// maxEchoed is how much of a user's value a diagnostic repeats.
const maxEchoed = 80

// quoteCut quotes s for a diagnostic, cut to maxEchoed characters with its length said.
func quoteCut(s string) string {
	runes := []rune(s)
	if len(runes) <= maxEchoed {
		return fmt.Sprintf("%q", s)
	}
	return fmt.Sprintf("%q... (%d characters)", string(runes[:maxEchoed]), len(runes))
}

// canonicalJSON is v as JSON with object keys sorted and arrays in sorted order: equal for
// equal documents however the API ordered them.
func canonicalJSON(v any) string {
	switch v := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var b strings.Builder
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteByte(',')
			}
			key, _ := json.Marshal(k)
			b.Write(key)
			b.WriteByte(':')
			b.WriteString(canonicalJSON(v[k]))
		}
		b.WriteByte('}')
		return b.String()
	case []any:
		items := make([]string, len(v))
		for i, item := range v {
			items[i] = canonicalJSON(item)
		}
		sort.Strings(items)
		return "[" + strings.Join(items, ",") + "]"
	case nil:
		return "null"
	default:
		out, err := json.Marshal(v)
		if err != nil {
			return fmt.Sprint(v)
		}
		return string(out)
	}
}

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
