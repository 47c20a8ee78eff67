package document

import (
	"sort"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// sortStringArrays sorts every array of strings in v, in place: the API answers them in any order.
func sortStringArrays(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = sortStringArrays(e)
		}
	case []any:
		strs := make([]string, 0, len(x))
		for _, e := range x {
			s, ok := e.(string)
			if !ok {
				return x
			}
			strs = append(strs, s)
		}
		sort.Strings(strs)
		out := make([]any, len(strs))
		for i, s := range strs {
			out[i] = s
		}
		return out
	}
	return v
}

// diagPath is the attribute path a diagnostic points at, "" for none.
func diagPath(d diag.Diagnostic) string {
	if wp, ok := d.(diag.DiagnosticWithPath); ok {
		return wp.Path().String()
	}
	return ""
}
