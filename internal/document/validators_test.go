package document

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func runString(v validator.String, value types.String) []string {
	p := path.Root("common_cloud").AtName("x")
	var resp validator.StringResponse
	v.ValidateString(context.Background(), validator.StringRequest{Path: p, ConfigValue: value}, &resp)
	var out []string
	for _, d := range resp.Diagnostics.Errors() {
		out = append(out, diagPath(d))
	}
	return out
}

func TestStringValidators(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		v    validator.String
		ok   []string
		bad  []string
	}{
		{"uuid", UUIDString("product_id", "The product ID of a Marketplace app"), []string{"12345678-1234-1234-1234-123456789abc", "ABCDEF12-1234-1234-1234-123456789ABC"},
			[]string{"", "my-app", "12345678123412341234123456789abc", "12345678-1234-1234-1234-123456789abcd"}},
		{"notEmpty", notEmpty(), []string{"a"}, []string{"", "  "}},
		{"upperSnake", upperSnake(), []string{"USER_LEVEL", "90_DAYS", "SOC2", "A"}, []string{"user_level", "USER LEVEL", "_X", "X_", "X__Y", "90-DAYS"}},
		{"httpURL", httpURL(), []string{"https://example.com/dpa", "http://example.com"}, []string{"example.com/dpa", "ftp://example.com", "/caiq", "https://", "https://exa mple.com"}},
		{"emailOrURL", emailOrURL(), []string{"security@example.com", "https://example.com/report"}, []string{"call us", "security@", "@example.com", "mailto"}},
		// The document's rules (codes, URLs, ...) are the plan's (CheckPlanned): a
		// validator cannot know what the Marketplace already holds.
		{"JSON", JSONValidator{}, []string{`{"security":{"x":1}}`, `{"logDetails":{"loggingEnabled":true}}`,
			`{"logDetails":{"logRetention":"30 days"}}`},
			[]string{`{}`, `[]`, `"x"`, `{"properties":{}}`, `{"commonCloud":{}}`, `{`, `{"a":1,"a":2}`, `{} {}`,
				strings.Repeat(`{"a":`, 40) + `1` + strings.Repeat(`}`, 40)}},
	}
	for _, tc := range cases {
		for _, s := range tc.ok {
			if errs := runString(tc.v, types.StringValue(s)); len(errs) != 0 {
				t.Errorf("%s rejected %q", tc.name, s)
			}
		}
		for _, s := range tc.bad {
			errs := runString(tc.v, types.StringValue(s))
			if len(errs) == 0 {
				t.Errorf("%s accepted %q", tc.name, s)
				continue
			}
			if errs[0] != "common_cloud.x" {
				t.Errorf("%s: diagnostic at %q, want common_cloud.x", tc.name, errs[0])
			}
		}
		if errs := runString(tc.v, types.StringNull()); len(errs) != 0 {
			t.Errorf("%s rejected null", tc.name)
		}
		if errs := runString(tc.v, types.StringUnknown()); len(errs) != 0 {
			t.Errorf("%s rejected unknown", tc.name)
		}
	}
}

func runObject(v validator.Object, attrs map[string]attr.Value) []string {
	typesOf := map[string]attr.Type{}
	for k, a := range attrs {
		typesOf[k] = a.Type(context.Background())
	}
	p := path.Root("common_cloud").AtName("o")
	var resp validator.ObjectResponse
	v.ValidateObject(context.Background(), validator.ObjectRequest{Path: p, ConfigValue: types.ObjectValueMust(typesOf, attrs)}, &resp)
	var out []string
	for _, d := range resp.Diagnostics.Errors() {
		out = append(out, diagPath(d))
	}
	return out
}

func certs(items ...string) types.Set {
	if items == nil {
		return types.SetNull(types.StringType)
	}
	var elems []attr.Value
	for _, s := range items {
		elems = append(elems, types.StringValue(s))
	}
	return types.SetValueMust(types.StringType, elems)
}

func TestObjectValidators(t *testing.T) {
	t.Parallel()
	dpa := requiredWhenTrue("dpa_available", "dpa_url")
	cases := []struct {
		name  string
		v     validator.Object
		attrs map[string]attr.Value
		want  []string
	}{
		{"dpa true with url", dpa, map[string]attr.Value{"dpa_available": types.BoolValue(true), "dpa_url": types.StringValue("https://x.example")}, nil},
		{"dpa true without url", dpa, map[string]attr.Value{"dpa_available": types.BoolValue(true), "dpa_url": types.StringNull()}, []string{"common_cloud.o.dpa_url"}},
		{"dpa false without url", dpa, map[string]attr.Value{"dpa_available": types.BoolValue(false), "dpa_url": types.StringNull()}, nil},
		{"dpa unknown", dpa, map[string]attr.Value{"dpa_available": types.BoolUnknown(), "dpa_url": types.StringNull()}, nil},
		{"certs agree", certificationsAgree(), map[string]attr.Value{"has_compliant_certifications": types.BoolValue(true), "compliant_certifications": certs("SOC2")}, nil},
		{"certs claimed, none", certificationsAgree(), map[string]attr.Value{"has_compliant_certifications": types.BoolValue(true), "compliant_certifications": certs()},
			[]string{"common_cloud.o.compliant_certifications"}},
		{"certs listed, denied", certificationsAgree(), map[string]attr.Value{"has_compliant_certifications": types.BoolValue(false), "compliant_certifications": certs("SOC2")},
			[]string{"common_cloud.o.has_compliant_certifications"}},
		{"certs none, denied", certificationsAgree(), map[string]attr.Value{"has_compliant_certifications": types.BoolValue(false), "compliant_certifications": certs()}, nil},
		{"empty object", NotEmptyObject(), map[string]attr.Value{"a": types.StringNull(), "b": types.BoolNull()}, []string{"common_cloud.o"}},
		{"non-empty object", NotEmptyObject(), map[string]attr.Value{"a": types.StringNull(), "b": types.BoolValue(false)}, nil},
	}
	for _, tc := range cases {
		got := runObject(tc.v, tc.attrs)
		if len(got) != len(tc.want) || (len(got) > 0 && got[0] != tc.want[0]) {
			t.Errorf("%s: errors at %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestSuggestUpperSnake(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"user level": "USER_LEVEL", "90 days": "90_DAYS", " consent ": "CONSENT", "a--b": "A_B",
		// Not a code written otherwise: no suggestion (the message gives the rule and an example).
		"thirty days ñ \"code\" quoted\nnewline": "", "thirty\tdays": "", strings.Repeat("a", 61): ""} {
		if got := suggestUpperSnake(in); got != want {
			t.Errorf("suggestUpperSnake(%q) = %q, want %q", in, got, want)
		}
	}
}

// Invalid JSON in common_cloud_json says where: line, column, and the text before.
func TestInvalidJSONSaysWhere(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ text, want string }{
		{"{\n  \"logDetails\": {\n    \"loggingEnabled\": tru\n  }\n}", `at line 3, column 26 (after "...\": { \"loggingEnabled\": tru")`},
		{`{"security": {"securityContact": "a@example.com",}}`, `at line 1, column 50 (after "...rityContact\": \"a@example.com\",")`},
		{`{"security": {`, `the text ends before the JSON value does, at line 1, column 15`},
		{`{"a": 1` + strings.Repeat(" ", 100) + `x}`, `at line 1, column 108 (after "...")`},
	} {
		var resp validator.StringResponse
		JSONValidator{}.ValidateString(context.Background(), validator.StringRequest{
			Path: path.Root("common_cloud_json"), ConfigValue: types.StringValue(c.text),
		}, &resp)
		if !resp.Diagnostics.HasError() || !strings.Contains(resp.Diagnostics.Errors()[0].Detail(), c.want) {
			t.Errorf("%q: %v, want %s", c.text, resp.Diagnostics, c.want)
		}
	}
}
