package document

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework-jsontypes/jsontypes"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/attr/xattr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// JSONType is common_cloud_json's type: JSON text (checked as JSON by jsontypes),
// compared by what it means to the Marketplace: key order and white space aside, like
// jsontypes.Normalized, and also arrays the document models as sets compared without
// order, and a key set to null the same as an absent one. The semantic equality keeps a
// reformatted configuration, or an answer listing a set in another order, from showing a
// difference or sending anything.
type JSONType struct{ jsontypes.NormalizedType }

var (
	_ basetypes.StringTypable                    = JSONType{}
	_ basetypes.StringValuableWithSemanticEquals = JSON{}
)

func (t JSONType) String() string { return "JSONType" }

func (t JSONType) Equal(o attr.Type) bool {
	_, ok := o.(JSONType)
	return ok
}

func (t JSONType) ValueType(context.Context) attr.Value { return JSON{} }

func (t JSONType) ValueFromString(_ context.Context, in basetypes.StringValue) (basetypes.StringValuable, diag.Diagnostics) {
	return JSON{Normalized: jsontypes.Normalized{StringValue: in}}, nil
}

func (t JSONType) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	v, err := t.StringType.ValueFromTerraform(ctx, in)
	if err != nil {
		return nil, err
	}
	s, ok := v.(basetypes.StringValue)
	if !ok {
		return nil, fmt.Errorf("unexpected value type of %T", v)
	}
	out, diags := t.ValueFromString(ctx, s)
	if diags.HasError() {
		return nil, fmt.Errorf("unexpected error converting StringValue to StringValuable: %v", diags)
	}
	return out, nil
}

// JSON is a value of JSONType.
type JSON struct{ jsontypes.Normalized }

func NewJSON(s string) JSON {
	return JSON{Normalized: jsontypes.NewNormalizedValue(s)}
}

func JSONNull() JSON {
	return JSON{Normalized: jsontypes.NewNormalizedNull()}
}

func (v JSON) Type(context.Context) attr.Type { return JSONType{} }

// ValidateAttribute replaces jsontypes' syntax check, whose message says neither where
// nor what: invalid JSON is reported with its line, column and the text before it. The
// attribute's validator checks the document itself.
func (v JSON) ValidateAttribute(_ context.Context, req xattr.ValidateAttributeRequest, resp *xattr.ValidateAttributeResponse) {
	if v.IsNull() || v.IsUnknown() {
		return
	}
	text := v.ValueString()
	if json.Valid([]byte(text)) {
		return
	}
	var x any
	err := json.Unmarshal([]byte(text), &x)
	resp.Diagnostics.AddAttributeError(req.Path, "Invalid JSON", "common_cloud_json is not valid JSON: "+describeJSONError(text, err))
}

func (v JSON) Equal(o attr.Value) bool {
	other, ok := o.(JSON)
	return ok && v.StringValue.Equal(other.StringValue)
}

func (v JSON) StringSemanticEquals(_ context.Context, newValuable basetypes.StringValuable) (bool, diag.Diagnostics) {
	var diags diag.Diagnostics
	other, ok := newValuable.(JSON)
	if !ok {
		diags.AddError("Semantic Equality Check Error", fmt.Sprintf("Expected value type %T but got value type %T.", v, newValuable))
		return false, diags
	}
	return SameJSON(v.ValueString(), other.ValueString()), diags
}

// SameJSON reports whether two common_cloud_json texts mean the same document.
func SameJSON(a, b string) bool {
	if a == b {
		return true
	}
	da, err1 := DecodeObject(a)
	db, err2 := DecodeObject(b)
	if err1 != nil || err2 != nil {
		return false
	}
	return reflect.DeepEqual(canonicalDocument(CommonCloud, da), canonicalDocument(CommonCloud, db))
}

// canonicalDocument drops null values, and sorts and deduplicates the arrays the document
// tree models as sets; what the tree does not model is kept as it is (an unknown array's
// order may mean something).
func canonicalDocument(n docNode, v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, item := range v {
			if item == nil {
				continue
			}
			child, known := n.childByJSON(k)
			if !known || n.kind != kindObject {
				out[k] = canonicalUnknown(item)
				continue
			}
			out[k] = canonicalDocument(child, item)
		}
		return out
	case []any:
		if n.kind != kindStringSet {
			return canonicalUnknown(v)
		}
		seen := map[string]bool{}
		var items []string
		for _, item := range v {
			if s, ok := item.(string); ok && !seen[s] {
				seen[s] = true
				items = append(items, s)
			}
		}
		sort.Strings(items)
		out := make([]any, len(items))
		for i, s := range items {
			out[i] = s
		}
		if len(v) != len(items) {
			out = append(out, fmt.Sprintf("(%d non-string or repeated items)", len(v)-len(items)))
		}
		return out
	}
	return v
}

// canonicalUnknown drops null values of objects the tree does not model.
func canonicalUnknown(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, item := range v {
			if item != nil {
				out[k] = canonicalUnknown(item)
			}
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, item := range v {
			out[i] = canonicalUnknown(item)
		}
		return out
	}
	return v
}
