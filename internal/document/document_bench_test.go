package document

import (
	"context"
	"encoding/json"
	"os"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func benchDocument(b *testing.B) map[string]any {
	b.Helper()
	data, err := os.ReadFile("testdata/seed_get.json")
	if err != nil {
		b.Fatal(err)
	}
	var body struct {
		CommonCloud map[string]any `json:"commonCloud"`
	}
	if err := json.Unmarshal(data, &body); err != nil {
		b.Fatal(err)
	}
	return body.CommonCloud
}

// API JSON -> common_cloud, as every read does.
func BenchmarkDocumentFromAPI(b *testing.B) {
	doc := benchDocument(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, diags := FromAPI(doc); diags.HasError() {
			b.Fatal(diags)
		}
	}
}

// common_cloud -> API JSON bytes, as every write does.
func BenchmarkDocumentToAPI(b *testing.B) {
	obj, _ := FromAPI(benchDocument(b))
	b.ReportAllocs()
	for b.Loop() {
		out, diags := ToAPI(obj)
		if diags.HasError() {
			b.Fatal(diags)
		}
		if _, err := json.Marshal(out); err != nil {
			b.Fatal(err)
		}
	}
}

// Every plan-time check of one full document: the validators of each attribute, as the
// framework runs them.
func BenchmarkValidateDocument(b *testing.B) {
	obj, _ := FromAPI(benchDocument(b))
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		validateNode(ctx, b, CommonCloud, path.Root("common_cloud"), obj)
	}
}

func validateNode(ctx context.Context, b *testing.B, n docNode, p path.Path, v attr.Value) {
	switch n.kind {
	case kindString:
		sv := v.(types.String)
		for _, val := range append([]validator.String{notEmpty()}, n.stringValidators...) {
			var resp validator.StringResponse
			val.ValidateString(ctx, validator.StringRequest{Path: p, ConfigValue: sv}, &resp)
			if resp.Diagnostics.HasError() {
				b.Fatal(resp.Diagnostics)
			}
		}
	case kindObject:
		obj := v.(types.Object)
		if obj.IsNull() {
			return
		}
		for _, val := range append([]validator.Object{NotEmptyObject()}, n.objectValidators...) {
			var resp validator.ObjectResponse
			val.ValidateObject(ctx, validator.ObjectRequest{Path: p, ConfigValue: obj}, &resp)
			if resp.Diagnostics.HasError() {
				b.Fatal(resp.Diagnostics)
			}
		}
		attrs := obj.Attributes()
		for _, c := range n.children {
			if cv := attrs[c.tfName()]; !cv.IsNull() && (c.kind == kindString || c.kind == kindObject) {
				validateNode(ctx, b, c, p.AtName(c.tfName()), cv)
			}
		}
	}
}
