// Package testsupport holds what the tests of several packages share. Only _test.go files
// import it (TestOnlyTestsImportIt checks), and it imports no package of this module, so
// the client and the mock still share no code through it.
package testsupport

import "sort"

// SortStringArrays sorts every array of strings in v, in place, and returns v: the API
// answers them in any order (it treats them as sets).
func SortStringArrays(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = SortStringArrays(e)
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
