package provider

import (
	"context"
	"math/big"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/marketplace-trust/terraform-provider-marketplace/internal/document"
)

// obj and tuple write test values the way HCL hands them to a function: an object literal
// is an object type of exactly its attributes, a list literal a tuple, null a dynamic null.
type (
	obj   = map[string]any
	tuple = []any
)

func lit(v any) attr.Value {
	switch v := v.(type) {
	case nil:
		return types.DynamicNull()
	case attr.Value:
		return v
	case string:
		return types.StringValue(v)
	case bool:
		return types.BoolValue(v)
	case int:
		return types.NumberValue(big.NewFloat(float64(v)))
	case tuple:
		elems, typs := make([]attr.Value, len(v)), make([]attr.Type, len(v))
		for i, e := range v {
			elems[i] = lit(e)
			typs[i] = elems[i].Type(context.Background())
		}
		return types.TupleValueMust(typs, elems)
	case obj:
		attrs, typs := make(map[string]attr.Value, len(v)), make(map[string]attr.Type, len(v))
		for k, e := range v {
			attrs[k] = lit(e)
			typs[k] = attrs[k].Type(context.Background())
		}
		return types.ObjectValueMust(typs, attrs)
	}
	panic("lit: unsupported value")
}

// runMerge calls the function as Terraform does: base, override, and the rest as the
// variadic tuple, each wrapped in a dynamic value.
func runMerge(t *testing.T, args ...any) (types.Object, *function.FuncError) {
	t.Helper()
	values := []attr.Value{types.DynamicValue(lit(args[0])), types.DynamicValue(lit(args[1]))}
	var rest []attr.Value
	var restTypes []attr.Type
	for _, a := range args[2:] {
		rest = append(rest, types.DynamicValue(lit(a)))
		restTypes = append(restTypes, types.DynamicType)
	}
	values = append(values, types.TupleValueMust(restTypes, rest))
	ctx := context.Background()
	resp := function.RunResponse{Result: function.NewResultData(types.ObjectUnknown(document.CommonCloud.ChildTypes()))}
	NewMergeFunction().Run(ctx, function.RunRequest{Arguments: function.NewArgumentsData(values)}, &resp)
	if resp.Error != nil {
		return types.Object{}, resp.Error
	}
	got, ok := resp.Result.Value().(types.Object)
	if !ok {
		t.Fatalf("result is a %T, want the common_cloud object", resp.Result.Value())
	}
	if !got.Type(ctx).Equal(document.CommonCloud.ObjectType()) {
		t.Fatalf("result type %s is not common_cloud's", got.Type(ctx))
	}
	return got, nil
}

// plain is a typed result as obj (only the attributes set), sets as sorted []any.
func plain(v attr.Value) any {
	if v.IsNull() {
		return nil
	}
	if v.IsUnknown() {
		return "(unknown)"
	}
	switch v := v.(type) {
	case basetypes.ObjectValue:
		out := obj{}
		for k, a := range v.Attributes() {
			if p := plain(a); p != nil {
				out[k] = p
			}
		}
		return out
	case basetypes.SetValue:
		var strs []string
		for _, e := range v.Elements() {
			strs = append(strs, e.(basetypes.StringValue).ValueString())
		}
		sort.Strings(strs)
		out := tuple{}
		for _, s := range strs {
			out = append(out, s)
		}
		return out
	case basetypes.StringValue:
		return v.ValueString()
	case basetypes.BoolValue:
		return v.ValueBool()
	}
	return v.String()
}

var mergeBase = obj{
	"security": obj{
		"security_contact":             "security@example.com",
		"has_compliant_certifications": true,
		"compliant_certifications":     tuple{"SOC2", "ISO27001"},
		"caiq":                         obj{"is_caiq_completed": true, "caiq_lite_link": "https://example.com/caiq"},
	},
	"data_residency": obj{"data_residency_regions": tuple{"EU"}, "data_residency_compliance": true},
	"log_details":    obj{"logging_enabled": true, "log_retention": "30_DAYS"},
}

func TestMergeSemantics(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		args []any
		want any
	}{
		{"an object merges key by key, at every depth", []any{mergeBase, obj{"security": obj{"security_contact": "https://a.example/sec"}}}, obj{
			"security": obj{
				"security_contact": "https://a.example/sec", "has_compliant_certifications": true,
				"compliant_certifications": tuple{"ISO27001", "SOC2"},
				"caiq":                     obj{"is_caiq_completed": true, "caiq_lite_link": "https://example.com/caiq"},
			},
			"data_residency": obj{"data_residency_regions": tuple{"EU"}, "data_residency_compliance": true},
			"log_details":    obj{"logging_enabled": true, "log_retention": "30_DAYS"},
		}},
		{"a list (a set) replaces, never joins", []any{obj{"data_residency": obj{"data_residency_regions": tuple{"EU", "US"}}}, obj{"data_residency": obj{"data_residency_regions": tuple{"AU"}}}},
			obj{"data_residency": obj{"data_residency_regions": tuple{"AU"}}}},
		{"an empty list replaces too", []any{obj{"security": obj{"compliant_certifications": tuple{"SOC2"}}}, obj{"security": obj{"compliant_certifications": tuple{}}}},
			obj{"security": obj{"compliant_certifications": tuple{}}}},
		{"null removes a value", []any{mergeBase, obj{"log_details": obj{"log_retention": nil}, "security": nil, "data_residency": nil}},
			obj{"log_details": obj{"logging_enabled": true}}},
		{"null removes a nested object", []any{obj{"security": obj{"security_contact": "s@example.com", "caiq": obj{"is_caiq_completed": false}}}, obj{"security": obj{"caiq": nil}}},
			obj{"security": obj{"security_contact": "s@example.com"}}},
		{"what an override leaves out, or gives as {}, is kept", []any{obj{"log_details": obj{"logging_enabled": true}}, obj{"log_details": obj{}}},
			obj{"log_details": obj{"logging_enabled": true}}},
		{"an object over nothing is the override's", []any{obj{}, obj{"privacy": obj{"gdpr": obj{"gdpr_compliant": true, "user_rights": tuple{"ACCESS"}}}}},
			obj{"privacy": obj{"gdpr": obj{"gdpr_compliant": true, "user_rights": tuple{"ACCESS"}}}}},
		{"an empty object stays an object", []any{obj{"privacy": obj{}}, nil}, obj{"privacy": obj{}}},
		{"overrides apply left to right", []any{mergeBase,
			obj{"log_details": obj{"log_retention": "90_DAYS"}},
			obj{"log_details": obj{"log_retention": "7_DAYS", "sensitive_data_logging": false}},
			obj{"security": nil, "data_residency": obj{"data_residency_regions": nil}},
			obj{"log_details": obj{"logging_enabled": false}},
		}, obj{
			"data_residency": obj{"data_residency_compliance": true},
			"log_details":    obj{"logging_enabled": false, "log_retention": "7_DAYS", "sensitive_data_logging": false},
		}},
		{"a null argument is skipped", []any{nil, obj{"log_details": obj{"logging_enabled": true}}, nil},
			obj{"log_details": obj{"logging_enabled": true}}},
		{"only null arguments: null", []any{nil, nil}, nil},
		{"null in the base is nothing", []any{obj{"log_details": obj{"log_retention": nil, "logging_enabled": true}}, obj{}},
			obj{"log_details": obj{"logging_enabled": true}}},
		{"a list given twice the same element holds it once, an empty string stays", []any{obj{"data_residency": obj{"data_residency_regions": tuple{"EU", "EU"}}}, obj{"data_retention": obj{"retention_period": ""}}},
			obj{"data_residency": obj{"data_residency_regions": tuple{"EU"}}, "data_retention": obj{"retention_period": ""}}},
		{"maps, lists and sets are taken (tomap, tolist, toset, typed variables)", []any{
			types.MapValueMust(types.DynamicType, map[string]attr.Value{"security": types.DynamicValue(lit(obj{"security_contact": "s@example.com"}))}),
			obj{"security": obj{"compliant_certifications": types.SetValueMust(types.StringType, []attr.Value{types.StringValue("SOC2")})}},
			obj{"data_residency": obj{"data_residency_regions": types.ListValueMust(types.StringType, []attr.Value{types.StringValue("EU")})}},
		}, obj{
			"security":       obj{"security_contact": "s@example.com", "compliant_certifications": tuple{"SOC2"}},
			"data_residency": obj{"data_residency_regions": tuple{"EU"}},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := runMerge(t, tc.args...)
			if err != nil {
				t.Fatalf("error: %s", err.Text)
			}
			if p := plain(got); !reflect.DeepEqual(p, tc.want) {
				t.Errorf("got  %v\nwant %v", p, tc.want)
			}
		})
	}
}

func TestMergeClashes(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", 200)
	cases := []struct {
		name string
		args []any
		arg  int64
		want []string // each in the message
	}{
		{"an object given a string", []any{mergeBase, obj{"security": "x"}}, 1,
			[]string{`Override 1 (argument 2) does not fit common_cloud at security:`, `holds an object there`, `gives a string ("x")`, `null to remove`}},
		{"a set given a string", []any{mergeBase, obj{}, obj{"security": obj{"compliant_certifications": "SOC2"}}}, 2,
			[]string{`Override 2 (argument 3) does not fit common_cloud at security.compliant_certifications:`, `a set of strings`, `("SOC2")`, `["EU"]`}},
		{"a bool given a string", []any{obj{"log_details": obj{"logging_enabled": "true"}}, nil}, 0,
			[]string{`The base (argument 1) does not fit common_cloud at log_details.logging_enabled:`, `holds a bool there`, `true or false`}},
		{"a string given a number", []any{obj{}, obj{"log_details": obj{"log_retention": 30}}}, 1,
			[]string{`at log_details.log_retention:`, `gives a number (30)`, `a string (in quotes)`}},
		{"a string given an object", []any{obj{}, obj{"log_details": obj{"log_retention": obj{"days": 30}}}}, 1,
			[]string{`at log_details.log_retention:`, `gives an object`}},
		{"an attribute the document does not have", []any{obj{"securty": obj{}}, obj{}}, 0,
			[]string{`at securty: common_cloud has no attribute "securty"`, `data_residency, data_retention`, `snake_case`}},
		{"a nested attribute the document does not have", []any{obj{}, obj{}, obj{}, obj{"security": obj{"caiq": obj{"completed": true}}}}, 3,
			[]string{`Override 3 (argument 4) does not fit common_cloud at security.caiq.completed: caiq has no attribute "completed"`, `caiq_lite_link, is_caiq_completed`}},
		{"the whole resource given for its common_cloud", []any{obj{"common_cloud": obj{}}, obj{}}, 0,
			[]string{`common_cloud has no attribute "common_cloud"`}},
		{"a null element", []any{obj{"security": obj{"compliant_certifications": tuple{"SOC2", nil}}}, obj{}}, 0,
			[]string{`at security.compliant_certifications[1]: a set holds no null elements`}},
		{"an element not a string", []any{obj{}, obj{"data_residency": obj{"data_residency_regions": tuple{"EU", true}}}}, 1,
			[]string{`at data_residency.data_residency_regions[1]:`, `this element is a bool (true)`}},
		{"an argument not a document", []any{"security@example.com", obj{}}, 0,
			[]string{`The base (argument 1) is a string ("security@example.com"), not a document`}},
		{"a list as the document", []any{obj{}, tuple{obj{}}}, 1,
			[]string{`Override 1 (argument 2) is a list, not a document`}},
		{"a long value is cut", []any{obj{}, obj{"security": long}}, 1,
			[]string{`"` + strings.Repeat("x", document.MaxEchoed) + `"... (200 characters)`}},
		{"the first argument that clashes is named", []any{obj{}, obj{"security": 1}, obj{"log_details": 1}}, 1,
			[]string{`at security:`}},
		{"within an argument, the first path in order", []any{obj{}, obj{"security": 1, "data_residency": 1}}, 1,
			[]string{`at data_residency:`}},
		{"a clash after an unknown argument is still said", []any{obj{"log_details": obj{"log_retention": types.StringUnknown()}}, obj{"log_details": 1}}, 1,
			[]string{`at log_details:`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := runMerge(t, tc.args...)
			if err == nil {
				t.Fatal("no error")
			}
			if err.FunctionArgument == nil || *err.FunctionArgument != tc.arg {
				t.Errorf("argument %v, want %d", err.FunctionArgument, tc.arg)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Text, w) {
					t.Errorf("message %q does not hold %q", err.Text, w)
				}
			}
			if strings.HasSuffix(err.Text, ".") {
				t.Errorf("message ends with a full stop, and the CLIs add one: %q", err.Text)
			}
			if strings.Contains(err.Text, long) {
				t.Errorf("message repeats a 200-character value whole: %q", err.Text)
			}
		})
	}
}

// A value not known yet (a resource's attribute during the first plan) makes the result
// unknown, of common_cloud's type, so that the plan still type-checks.
func TestMergeUnknown(t *testing.T) {
	t.Parallel()
	for name, args := range map[string][]any{
		"nested":        {mergeBase, obj{"security": obj{"security_contact": types.StringUnknown()}}},
		"element":       {obj{"data_residency": obj{"data_residency_regions": tuple{"EU", types.StringUnknown()}}}, nil},
		"whole":         {mergeBase, types.DynamicUnknown()},
		"in a variadic": {mergeBase, obj{}, obj{"log_details": types.ObjectUnknown(map[string]attr.Type{"a": types.StringType})}},
	} {
		got, err := runMerge(t, args...)
		if err != nil {
			t.Fatalf("%s: %s", name, err.Text)
		}
		if !got.IsUnknown() {
			t.Errorf("%s: got %v, want unknown", name, got)
		}
	}
}

// The inputs are never changed: a baseline shared by every app's call stays as it was.
func TestMergeLeavesItsArgumentsAlone(t *testing.T) {
	t.Parallel()
	base := lit(mergeBase)
	before := base.String()
	if _, err := runMerge(t, base, obj{"security": obj{"caiq": nil, "security_contact": "other@example.com"}}); err != nil {
		t.Fatal(err.Text)
	}
	again, err := runMerge(t, base, obj{})
	if err != nil {
		t.Fatal(err.Text)
	}
	if base.String() != before {
		t.Errorf("base changed:\n%s\nwas\n%s", base, before)
	}
	if got := plain(again).(obj)["security"].(obj)["security_contact"]; got != "security@example.com" {
		t.Errorf("second merge sees security_contact %v", got)
	}
}

func TestMergeDefinition(t *testing.T) {
	t.Parallel()
	var resp function.DefinitionResponse
	NewMergeFunction().Definition(context.Background(), function.DefinitionRequest{}, &resp)
	if !resp.Definition.Return.GetType().Equal(document.CommonCloud.ObjectType()) {
		t.Errorf("return type %s, want common_cloud's", resp.Definition.Return.GetType())
	}
	if len(resp.Definition.Parameters) != 2 || resp.Definition.VariadicParameter == nil {
		t.Errorf("want base, override and variadic overrides: %+v", resp.Definition)
	}
	var meta function.MetadataResponse
	NewMergeFunction().Metadata(context.Background(), function.MetadataRequest{}, &meta)
	if meta.Name != "merge" {
		t.Errorf("name %q", meta.Name)
	}
}
