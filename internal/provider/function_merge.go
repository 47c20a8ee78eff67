package provider

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/marketplace-trust/terraform-provider-marketplace/internal/document"
)

var _ function.Function = mergeFunction{}

// NewMergeFunction is provider::marketplace::merge: one company baseline, overrides per app.
func NewMergeFunction() function.Function { return mergeFunction{} }

type mergeFunction struct{}

func (mergeFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "merge"
}

func (mergeFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	argument := func(what string) string {
		return what + " A value of `common_cloud`, written as an object literal, a local or a variable of type `any`; " +
			"`{}` changes nothing."
	}
	resp.Definition = function.Definition{
		Summary: "Deep merge of common_cloud documents: a company baseline and overrides per app",
		MarkdownDescription: "Merges values of the `marketplace_privacy_security` resource's `common_cloud`, left to right, " +
			"and returns the result in the resource's typed form, ready for `common_cloud`. Objects merge attribute by " +
			"attribute, at every depth; a later argument wins; a set (a list in HCL) is replaced as a whole, never " +
			"joined; an attribute set to `null` in an override is removed from the result, while one the override " +
			"leaves out keeps the value before it. Every argument is checked against the document: an attribute the " +
			"document does not have, or a value of the wrong type, fails the call naming the argument and the path.",
		Parameters: []function.Parameter{
			function.DynamicParameter{
				Name: "base", AllowNullValue: true,
				MarkdownDescription: argument("The baseline: the company's policy."),
			},
			function.DynamicParameter{
				Name: "override", AllowNullValue: true,
				MarkdownDescription: argument("What differs for one app: merged over `base`."),
			},
		},
		VariadicParameter: function.DynamicParameter{
			Name: "overrides", AllowNullValue: true,
			MarkdownDescription: argument("Further overrides, each merged over the result of those before it."),
		},
		Return: function.ObjectReturn{AttributeTypes: document.CommonCloud.ChildTypes()},
	}
}

func (mergeFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var base, override types.Dynamic
	var more []types.Dynamic
	if resp.Error = req.Arguments.Get(ctx, &base, &override, &more); resp.Error != nil {
		return
	}
	args := []attr.Value{base, override}
	for _, m := range more {
		args = append(args, m)
	}
	result, err := mergeDocuments(ctx, args)
	if err != nil {
		resp.Error = err
		return
	}
	resp.Error = resp.Result.Set(ctx, result)
}

// A document as the merge handles it: only the attributes an argument sets, each a string,
// a bool, a []string (a set), a nested document, or removed (set to null).
type (
	mergeDoc = map[string]any
	removed  struct{}
)

// errUnknown stops the reading of an argument that holds a value not known yet: the
// result is then unknown too.
var errUnknown = errors.New("unknown value")

// mergeClash is where an argument does not fit the document, and why.
type mergeClash struct {
	path []string
	msg  string
}

func (c *mergeClash) Error() string { return c.msg }

// mergeDocuments merges args (values of common_cloud, as HCL hands them over) left to
// right. The first argument that does not fit the document fails the call, even when an
// earlier one is not known yet.
func mergeDocuments(ctx context.Context, args []attr.Value) (types.Object, *function.FuncError) {
	root := document.CommonCloud.ObjectType()
	var merged mergeDoc
	unknown := false
	for i, arg := range args {
		doc, err := readArgument(root, arg)
		var clash *mergeClash
		switch {
		case errors.As(err, &clash):
			return types.ObjectNull(root.AttrTypes), function.NewArgumentFuncError(int64(i), clashMessage(i, clash))
		case err != nil:
			unknown = true
		case doc != nil:
			merged = mergeObjects(merged, doc)
		}
	}
	switch {
	case unknown:
		return types.ObjectUnknown(root.AttrTypes), nil
	case merged == nil: // every argument null: nothing to merge
		return types.ObjectNull(root.AttrTypes), nil
	}
	obj, diags := typedObject(root, merged)
	return obj, function.FuncErrorFromDiags(ctx, diags)
}

// clashMessage is the error of argument i. Without its last full stop: the CLIs end the
// message with one of their own.
func clashMessage(i int, c *mergeClash) string {
	which := "The base (argument 1)"
	if i > 0 {
		which = fmt.Sprintf("Override %d (argument %d)", i, i+1)
	}
	msg := strings.TrimSuffix(c.msg, ".")
	if len(c.path) == 0 {
		return which + " " + msg
	}
	return fmt.Sprintf("%s does not fit common_cloud at %s: %s", which, strings.Join(c.path, "."), msg)
}

// mergeObjects is over merged into base, key by key at every depth; neither is changed.
func mergeObjects(base, over mergeDoc) mergeDoc {
	out := make(mergeDoc, len(base)+len(over))
	for k, v := range base {
		out[k] = v
	}
	for k, v := range over {
		baseObj, ok1 := out[k].(mergeDoc)
		overObj, ok2 := v.(mergeDoc)
		if ok1 && ok2 {
			out[k] = mergeObjects(baseObj, overObj)
			continue
		}
		out[k] = v // a value, a set, removed, or an object over what was not one
	}
	return out
}

// readArgument is one argument as a mergeDoc, nil when it is null.
func readArgument(root basetypes.ObjectType, v attr.Value) (mergeDoc, error) {
	v = unwrapDynamic(v)
	switch {
	case v == nil || v.IsNull():
		return nil, nil
	case v.IsUnknown():
		return nil, errUnknown
	}
	attrs, ok := objectAttributes(v)
	if !ok {
		return nil, &mergeClash{msg: fmt.Sprintf("is %s, not a document: merge takes values of common_cloud, objects "+
			"such as { security = { security_contact = \"security@example.com\" } }.", describeValue(v))}
	}
	return readObject(nil, "common_cloud", root, attrs)
}

func readObject(at []string, name string, t basetypes.ObjectType, attrs map[string]attr.Value) (mergeDoc, error) {
	keys := make([]string, 0, len(attrs))
	for k := range attrs {
		keys = append(keys, k)
	}
	sort.Strings(keys) // the first clash is the same on every run
	out := make(mergeDoc, len(attrs))
	for _, k := range keys {
		p := appendPath(at, k)
		childType, ok := t.AttrTypes[k]
		if !ok {
			return nil, &mergeClash{path: p, msg: fmt.Sprintf("%s has no attribute %q. Its attributes are %s; check the "+
				"name (the API's JSON name in snake_case).", name, k, attributeList(t))}
		}
		v, err := readValue(p, childType, attrs[k])
		if err != nil {
			return nil, err
		}
		out[k] = v
	}
	return out, nil
}

// readValue is v, found at path p where the document holds a t.
func readValue(p []string, t attr.Type, v attr.Value) (any, error) {
	v = unwrapDynamic(v)
	switch {
	case v == nil || v.IsNull():
		return removed{}, nil
	case v.IsUnknown():
		return nil, errUnknown
	}
	switch t := t.(type) {
	case basetypes.ObjectType:
		if attrs, ok := objectAttributes(v); ok {
			return readObject(p, p[len(p)-1], t, attrs)
		}
	case basetypes.SetType:
		if elems, ok := collectionElements(v); ok {
			return readStrings(p, elems)
		}
	case basetypes.StringType:
		if s, ok := v.(basetypes.StringValue); ok {
			return s.ValueString(), nil
		}
	case basetypes.BoolType:
		if b, ok := v.(basetypes.BoolValue); ok {
			return b.ValueBool(), nil
		}
	}
	return nil, &mergeClash{path: p, msg: fmt.Sprintf("the document holds %s there, and this argument gives %s. Give %s, "+
		"or null to remove the attribute.", kindOf(t), describeValue(v), exampleOf(t))}
}

// readStrings is the elements of a set of strings, each once, in the order given.
func readStrings(p []string, elems []attr.Value) ([]string, error) {
	out := make([]string, 0, len(elems))
	seen := make(map[string]bool, len(elems))
	for i, e := range elems {
		e = unwrapDynamic(e)
		at := appendPath(p[:len(p)-1], fmt.Sprintf("%s[%d]", p[len(p)-1], i))
		switch s, ok := e.(basetypes.StringValue); {
		case e == nil || e.IsNull():
			return nil, &mergeClash{path: at, msg: "a set holds no null elements. Leave the element out."}
		case e.IsUnknown():
			return nil, errUnknown
		case !ok:
			return nil, &mergeClash{path: at, msg: fmt.Sprintf("the set holds strings, and this element is %s. Give a string.",
				describeValue(e))}
		case !seen[s.ValueString()]:
			seen[s.ValueString()] = true
			out = append(out, s.ValueString())
		}
	}
	return out, nil
}

// typedObject is m in the document's typed form: every attribute of t, null where m has
// nothing or removed it.
func typedObject(t basetypes.ObjectType, m mergeDoc) (types.Object, diag.Diagnostics) {
	var diags diag.Diagnostics
	attrs := make(map[string]attr.Value, len(t.AttrTypes))
	for name, at := range t.AttrTypes {
		var d diag.Diagnostics
		attrs[name], d = typedValue(at, m[name])
		diags.Append(d...)
	}
	obj, d := types.ObjectValue(t.AttrTypes, attrs)
	diags.Append(d...)
	return obj, diags
}

func typedValue(t attr.Type, v any) (attr.Value, diag.Diagnostics) {
	switch v := v.(type) {
	case string:
		return types.StringValue(v), nil
	case bool:
		return types.BoolValue(v), nil
	case []string:
		elems := make([]attr.Value, len(v))
		for i, s := range v {
			elems[i] = types.StringValue(s)
		}
		return types.SetValue(types.StringType, elems)
	case mergeDoc:
		if ot, ok := t.(basetypes.ObjectType); ok {
			return typedObject(ot, v)
		}
	}
	return nullOf(t), nil // nothing set, or removed
}

func nullOf(t attr.Type) attr.Value {
	switch t := t.(type) {
	case basetypes.ObjectType:
		return types.ObjectNull(t.AttrTypes)
	case basetypes.SetType:
		return types.SetNull(t.ElemType)
	case basetypes.BoolType:
		return types.BoolNull()
	}
	return types.StringNull()
}

// unwrapDynamic is the value inside a dynamic one (an attribute HCL typed as null has one).
func unwrapDynamic(v attr.Value) attr.Value {
	for {
		d, ok := v.(basetypes.DynamicValue)
		if !ok || d.IsNull() || d.IsUnknown() {
			return v
		}
		v = d.UnderlyingValue()
	}
}

// objectAttributes is the attributes of an object, or the elements of a map (tomap, or a
// variable typed map(any)).
func objectAttributes(v attr.Value) (map[string]attr.Value, bool) {
	switch v := v.(type) {
	case basetypes.ObjectValue:
		return v.Attributes(), true
	case basetypes.MapValue:
		return v.Elements(), true
	}
	return nil, false
}

// collectionElements is the elements of what HCL may hand over for a set: a tuple (a list
// literal), a list or a set.
func collectionElements(v attr.Value) ([]attr.Value, bool) {
	switch v := v.(type) {
	case basetypes.TupleValue:
		return v.Elements(), true
	case basetypes.ListValue:
		return v.Elements(), true
	case basetypes.SetValue:
		return v.Elements(), true
	}
	return nil, false
}

func describeValue(v attr.Value) string {
	switch v := v.(type) {
	case basetypes.StringValue:
		return "a string (" + document.QuoteCut(v.ValueString()) + ")"
	case basetypes.BoolValue:
		return fmt.Sprintf("a bool (%t)", v.ValueBool())
	case basetypes.NumberValue:
		return "a number (" + strings.Trim(document.QuoteCut(v.ValueBigFloat().String()), `"`) + ")"
	case basetypes.ObjectValue, basetypes.MapValue:
		return "an object"
	case basetypes.TupleValue, basetypes.ListValue, basetypes.SetValue:
		return "a list"
	}
	return "a value of type " + v.Type(context.Background()).String()
}

func kindOf(t attr.Type) string {
	switch t.(type) {
	case basetypes.ObjectType:
		return "an object"
	case basetypes.SetType:
		return "a set of strings"
	case basetypes.BoolType:
		return "a bool"
	}
	return "a string"
}

func exampleOf(t attr.Type) string {
	switch t.(type) {
	case basetypes.ObjectType:
		return "an object ({ ... }) of its attributes"
	case basetypes.SetType:
		return "a list of strings (such as [\"EU\"])"
	case basetypes.BoolType:
		return "true or false"
	}
	return "a string (in quotes)"
}

func attributeList(t basetypes.ObjectType) string {
	names := make([]string, 0, len(t.AttrTypes))
	for name := range t.AttrTypes {
		names = append(names, name)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

func appendPath(p []string, name string) []string {
	out := make([]string, len(p), len(p)+1)
	copy(out, p)
	return append(out, name)
}
