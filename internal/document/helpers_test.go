package document

import (
	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/marketplace-trust/terraform-provider-marketplace/internal/testsupport"
)

// sortStringArrays sorts every array of strings in v, in place: the API answers them in any order.
var sortStringArrays = testsupport.SortStringArrays

// diagPath is the attribute path a diagnostic points at, "" for none.
func diagPath(d diag.Diagnostic) string {
	if wp, ok := d.(diag.DiagnosticWithPath); ok {
		return wp.Path().String()
	}
	return ""
}
