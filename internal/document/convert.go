package document

import (
	"encoding/json"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Conversion between the API's JSON and Terraform values, one handler per node kind.

// kindNames names each kind in messages.
var kindNames = [...]string{
	kindString:    "a string",
	kindBool:      "a boolean",
	kindStringSet: "a set of strings",
	kindObject:    "an object",
}

func (n docNode) kindName() string { return kindNames[n.kind] }

func describeJSON(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case float64, json.Number:
		return "a number"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return "null"
}

// FromAPI converts the API's commonCloud object (decoded JSON) into the value of
// common_cloud. Fields this provider does not model are left out. Absent and null become
// null; empty strings, empty arrays and empty objects stay what they are, so that a
// document left so in the Marketplace UI round-trips through import and generated
// configuration (the plan's rules warn about them, and refuse them only when a
// configuration introduces them).
func FromAPI(commonCloud map[string]any) (types.Object, diag.Diagnostics) {
	v, diags := CommonCloud.fromJSON(path.Root("common_cloud"), commonCloud)
	obj, ok := v.(types.Object)
	if !ok {
		diags.AddError("Internal error", fmt.Sprintf("the document tree made a %T for common_cloud; this is a bug in the provider", v))
		return types.ObjectNull(CommonCloud.ChildTypes()), diags
	}
	return obj, diags
}

func (n docNode) fromJSON(p path.Path, raw any) (attr.Value, diag.Diagnostics) {
	switch n.kind {
	case kindString:
		return scalarFromJSON(n, p, raw, types.StringNull(), func(s string) attr.Value {
			return types.StringValue(s) // "" too: what the Marketplace holds round-trips
		})
	case kindBool:
		return scalarFromJSON(n, p, raw, types.BoolNull(), func(b bool) attr.Value { return types.BoolValue(b) })
	case kindStringSet:
		return n.setFromJSON(p, raw)
	}
	return n.objectFromJSON(p, raw)
}

// mismatchFromAPI reports that the API returned raw, not null, for n, which holds another kind.
func (n docNode) mismatchFromAPI(p path.Path, raw any) diag.Diagnostics {
	var diags diag.Diagnostics
	if raw != nil {
		diags.AddAttributeError(p, "Unexpected value from the Marketplace API",
			fmt.Sprintf("The API returned %s for %s, which this provider models as %s.", describeJSON(raw), n.json, n.kindName()))
	}
	return diags
}

// scalarFromJSON converts a string or a boolean; null when absent or of another kind.
func scalarFromJSON[T string | bool](n docNode, p path.Path, raw any, null attr.Value, value func(T) attr.Value) (attr.Value, diag.Diagnostics) {
	v, ok := raw.(T)
	if !ok {
		return null, n.mismatchFromAPI(p, raw)
	}
	return value(v), nil
}

// setFromJSON converts an array of strings, repeats dropped; [] stays an empty set.
func (n docNode) setFromJSON(p path.Path, raw any) (attr.Value, diag.Diagnostics) {
	items, ok := raw.([]any)
	if !ok {
		return types.SetNull(types.StringType), n.mismatchFromAPI(p, raw)
	}
	var diags diag.Diagnostics
	seen := make(map[string]bool, len(items))
	elems := make([]attr.Value, 0, len(items))
	for _, item := range items {
		s, ok := item.(string)
		if !ok {
			diags.AddAttributeError(p, "Unexpected value from the Marketplace API",
				fmt.Sprintf("The API returned %s in %s, which holds strings.", describeJSON(item), n.json))
			continue
		}
		if !seen[s] {
			seen[s] = true
			elems = append(elems, types.StringValue(s))
		}
	}
	return types.SetValueMust(types.StringType, elems), diags
}

func (n docNode) objectFromJSON(p path.Path, raw any) (attr.Value, diag.Diagnostics) {
	m, ok := raw.(map[string]any)
	if !ok {
		return types.ObjectNull(n.ChildTypes()), n.mismatchFromAPI(p, raw)
	}
	var diags diag.Diagnostics
	attrs := make(map[string]attr.Value, len(n.children))
	anySet := false
	for _, c := range n.children {
		v, d := c.fromJSON(p.AtName(c.tfName()), m[c.json])
		diags.Append(d...)
		attrs[c.tfName()] = v
		anySet = anySet || !v.IsNull()
	}
	// Absent (a nil map too), or holding only fields this provider does not model (the typed
	// form keeps those as they are, unseen): null. Empty ({}): an object with nothing set.
	if m == nil || (!anySet && len(m) > 0) {
		return types.ObjectNull(n.ChildTypes()), diags
	}
	obj, d := types.ObjectValue(n.ChildTypes(), attrs)
	diags.Append(d...)
	return obj, diags
}

// EmptyStringsAsIn is read (a value of n) with each empty string made null where prior, at
// the same place, holds null or nothing. On the typed form an absent optional string and an
// empty one mean the same: Terraform's configuration generator writes null for "" and
// OpenTofu's writes "", and neither an import, a refresh nor a plan may turn one into the
// other (which would write to the Marketplace for nothing).
func (n docNode) EmptyStringsAsIn(read, prior attr.Value) attr.Value {
	switch n.kind {
	case kindString:
		return emptyStringAsIn(read, prior)
	case kindObject:
		return n.objectEmptyStringsAsIn(read, prior)
	}
	return read
}

func emptyStringAsIn(read, prior attr.Value) attr.Value {
	s, ok := read.(types.String)
	if ok && !s.IsNull() && !s.IsUnknown() && s.ValueString() == "" && (prior == nil || prior.IsNull()) {
		return types.StringNull()
	}
	return read
}

func (n docNode) objectEmptyStringsAsIn(read, prior attr.Value) attr.Value {
	obj, ok := read.(types.Object)
	if !ok || obj.IsNull() || obj.IsUnknown() {
		return read
	}
	var priorAttrs map[string]attr.Value
	if p, ok := prior.(types.Object); ok && !p.IsNull() && !p.IsUnknown() {
		priorAttrs = p.Attributes()
	}
	attrs := make(map[string]attr.Value, len(n.children))
	for name, v := range obj.Attributes() {
		attrs[name] = v
	}
	for _, c := range n.children {
		attrs[c.tfName()] = c.EmptyStringsAsIn(attrs[c.tfName()], priorAttrs[c.tfName()])
	}
	if out, d := types.ObjectValue(n.ChildTypes(), attrs); !d.HasError() {
		return out
	}
	return read
}

// ToAPI converts common_cloud into the commonCloud object to send. Null
// attributes are left out: nothing the user did not configure is sent.
func ToAPI(doc types.Object) (map[string]any, diag.Diagnostics) {
	v, diags := CommonCloud.toJSON(path.Root("common_cloud"), doc)
	m, _ := v.(map[string]any)
	if m == nil {
		m = map[string]any{}
	}
	return m, diags
}

func (n docNode) toJSON(p path.Path, v attr.Value) (any, diag.Diagnostics) {
	var diags diag.Diagnostics
	if v == nil || v.IsNull() {
		return nil, nil
	}
	if v.IsUnknown() {
		diags.AddAttributeError(p, "Value not known at apply time",
			"This value is still unknown when it has to be sent to the Marketplace API. This is a bug in the provider.")
		return nil, diags
	}
	switch v := v.(type) {
	case types.String:
		if n.kind == kindString {
			return v.ValueString(), nil
		}
	case types.Bool:
		if n.kind == kindBool {
			return v.ValueBool(), nil
		}
	case types.Set:
		if n.kind == kindStringSet {
			return setToJSON(v), nil
		}
	case types.Object:
		if n.kind == kindObject {
			return n.objectToJSON(p, v)
		}
	}
	diags.AddAttributeError(p, "Internal error",
		fmt.Sprintf("The value is a %T, which the document tree does not expect here. This is a bug in the provider.", v))
	return nil, diags
}

// setToJSON is a set's known strings. Elements directly, not ElementsAs: reflection cost a
// third of every write's conversion.
func setToJSON(set types.Set) []string {
	elems := set.Elements()
	items := make([]string, 0, len(elems))
	for _, e := range elems {
		if sv, ok := e.(types.String); ok && !sv.IsNull() && !sv.IsUnknown() {
			items = append(items, sv.ValueString())
		}
	}
	return items
}

func (n docNode) objectToJSON(p path.Path, obj types.Object) (any, diag.Diagnostics) {
	var diags diag.Diagnostics
	attrs := obj.Attributes()
	out := make(map[string]any, len(attrs))
	for _, c := range n.children {
		cv, d := c.toJSON(p.AtName(c.tfName()), attrs[c.tfName()])
		diags.Append(d...)
		if cv != nil {
			out[c.json] = cv
		}
	}
	return out, diags
}

// attributesFromJSON is an object's JSON value as the attributes its object checks read,
// exactly as written (an empty string stays empty), keyed by attribute name.
func (n docNode) attributesFromJSON(obj map[string]any) map[string]attr.Value {
	out := make(map[string]attr.Value, len(n.children))
	for _, c := range n.children {
		out[c.tfName()] = c.ExactValueFromJSON(obj[c.json])
	}
	return out
}

// ExactValueFromJSON converts a JSON value as written, for checks (and tests): values of
// the wrong kind become null (their error is reported elsewhere).
func (n docNode) ExactValueFromJSON(v any) attr.Value {
	switch n.kind {
	case kindString:
		if s, ok := v.(string); ok {
			return types.StringValue(s)
		}
		return types.StringNull()
	case kindBool:
		if b, ok := v.(bool); ok {
			return types.BoolValue(b)
		}
		return types.BoolNull()
	case kindStringSet:
		return exactSetFromJSON(v)
	}
	m, ok := v.(map[string]any)
	if !ok {
		return types.ObjectNull(n.ChildTypes())
	}
	obj, diags := types.ObjectValue(n.ChildTypes(), n.attributesFromJSON(m))
	if diags.HasError() {
		return types.ObjectNull(n.ChildTypes())
	}
	return obj
}

// exactSetFromJSON is an array as written: its strings, repeats dropped, and its nulls
// (which the set's own check refuses).
func exactSetFromJSON(v any) attr.Value {
	items, ok := v.([]any)
	if !ok {
		return types.SetNull(types.StringType)
	}
	seen := map[string]bool{}
	elems := make([]attr.Value, 0, len(items))
	for _, item := range items {
		switch s := item.(type) {
		case string:
			if !seen[s] {
				seen[s] = true
				elems = append(elems, types.StringValue(s))
			}
		case nil:
			elems = append(elems, types.StringNull())
		}
	}
	set, diags := types.SetValue(types.StringType, elems)
	if diags.HasError() {
		return types.SetNull(types.StringType)
	}
	return set
}
