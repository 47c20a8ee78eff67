package document

import (
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestSnakeCase(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"commonCloud":                "common_cloud",
		"dataAccessDescription":      "data_access_description",
		"isCAIQCompleted":            "is_caiq_completed",
		"CAIQLiteLink":               "caiq_lite_link",
		"gdprCompliant":              "gdpr_compliant",
		"dpaUrl":                     "dpa_url",
		"hasRestAPIExtension":        "has_rest_api_extension",
		"publicSecurityPoliciesLink": "public_security_policies_link",
		"gdpr":                       "gdpr",
	}
	for in, want := range cases {
		if got := snakeCase(in); got != want {
			t.Errorf("snakeCase(%q) = %q, want %q", in, got, want)
		}
	}
}

// Every field of the reference's document has an attribute, and every attribute a field.
func TestDocumentTreeCoversTheReference(t *testing.T) {
	t.Parallel()
	seed := seedCommonCloud(t, "testdata/seed_put.json")
	var walk func(prefix string, n docNode, doc map[string]any)
	walk = func(prefix string, n docNode, doc map[string]any) {
		for _, c := range n.children {
			v, ok := doc[c.json]
			if !ok {
				t.Errorf("%s%s is modelled but not in the reference", prefix, c.json)
				continue
			}
			if c.kind == kindObject {
				walk(prefix+c.json+".", c, v.(map[string]any))
			}
		}
		if len(doc) != len(n.children) {
			t.Errorf("%s: reference has %d fields, the tree %d", prefix, len(doc), len(n.children))
		}
	}
	walk("commonCloud.", CommonCloud, seed)
}

func seedCommonCloud(t *testing.T, file string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var body struct {
		CommonCloud map[string]any `json:"commonCloud"`
	}
	if err := json.Unmarshal(data, &body); err != nil {
		t.Fatal(err)
	}
	return body.CommonCloud
}

// API JSON -> common_cloud -> API JSON gives back the document (properties and unknown
// fields aside; arrays compared as the sets they are).
func TestDocumentRoundTrip(t *testing.T) {
	t.Parallel()
	in := seedCommonCloud(t, "testdata/seed_get.json")
	in["hasRestAPIExtension"] = true // unknown to the typed form: dropped

	obj, diags := FromAPI(in)
	if diags.HasError() {
		t.Fatal(diags)
	}
	out, diags := ToAPI(obj)
	if diags.HasError() {
		t.Fatal(diags)
	}

	want := seedCommonCloud(t, "testdata/seed_put.json")
	if !reflect.DeepEqual(sortStringArrays(normalizeJSON(t, out)), sortStringArrays(want)) {
		g, _ := json.MarshalIndent(out, "", " ")
		t.Errorf("round trip:\n%s", g)
	}

	// And back again: the Terraform value is stable.
	again, _ := FromAPI(normalizeJSON(t, out))
	if !again.Equal(obj) {
		t.Errorf("second conversion differs:\n%v\n%v", again, obj)
	}

	// Spot-check names and types.
	sec := obj.Attributes()["security"].(types.Object).Attributes()
	if sec["caiq"].(types.Object).Attributes()["caiq_lite_link"].(types.String).ValueString() != "https://example.com/caiq" {
		t.Error("security.caiq.caiq_lite_link not converted")
	}
	if sec["is_disk_encryption_supported"].(types.Bool).ValueBool() != true {
		t.Error("security.is_disk_encryption_supported not converted")
	}
}

func normalizeJSON(t *testing.T, v any) map[string]any {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// What the Marketplace holds round-trips: an empty string stays "", an empty list an empty
// set, an empty object an object with nothing set; absent and null are null.
func TestDocumentFromAPIKeepsEmptyValues(t *testing.T) {
	t.Parallel()
	in := map[string]any{
		"logDetails":    map[string]any{"logRetention": "", "loggingEnabled": false},
		"dataResidency": map[string]any{"dataResidencyRegions": []any{}},
		"privacy":       map[string]any{"gdpr": map[string]any{}},
		"security":      nil,
	}
	obj, diags := FromAPI(in)
	if diags.HasError() {
		t.Fatal(diags)
	}
	attrs := obj.Attributes()
	logs := attrs["log_details"].(types.Object).Attributes()
	if logs["log_retention"].IsNull() || logs["log_retention"].(types.String).ValueString() != "" || logs["logging_enabled"].(types.Bool).ValueBool() || logs["logging_enabled"].IsNull() {
		t.Errorf("log_details = %v (the empty string must stay \"\", false must stay false)", logs)
	}
	if regions := attrs["data_residency"].(types.Object).Attributes()["data_residency_regions"]; regions.IsNull() || len(regions.(types.Set).Elements()) != 0 {
		t.Errorf("data_residency_regions = %v, want an empty set", regions)
	}
	if gdpr := attrs["privacy"].(types.Object).Attributes()["gdpr"]; gdpr.IsNull() {
		t.Error("privacy.gdpr = null, want an object with nothing set")
	}
	for _, name := range []string{"security", "data_retention"} {
		if !attrs[name].IsNull() {
			t.Errorf("%s = %v, want null", name, attrs[name])
		}
	}
	out, diags := ToAPI(obj)
	if diags.HasError() {
		t.Fatal(diags)
	}
	delete(in, "security")
	if got, want := CanonicalJSON(asDecodedJSON(out)), CanonicalJSON(asDecodedJSON(in)); got != want {
		t.Errorf("round trip: %s, want %s", got, want)
	}
}

func TestDocumentFromAPITypeMismatch(t *testing.T) {
	t.Parallel()
	_, diags := FromAPI(map[string]any{
		"privacy": map[string]any{"gdpr": map[string]any{"gdprCompliant": "yes", "userRights": []any{"ACCESS", 3.0}}},
	})
	if len(diags.Errors()) != 2 {
		t.Fatalf("diagnostics = %v", diags)
	}
	paths := []string{diagPath(diags.Errors()[0]), diagPath(diags.Errors()[1])}
	joined := strings.Join(paths, " ")
	for _, want := range []string{"common_cloud.privacy.gdpr.gdpr_compliant", "common_cloud.privacy.gdpr.user_rights"} {
		if !strings.Contains(joined, want) {
			t.Errorf("no diagnostic at %s (got %v)", want, paths)
		}
	}
}

func TestDocumentToAPISendsOnlyWhatIsSet(t *testing.T) {
	t.Parallel()
	types0 := CommonCloud.ChildTypes()
	attrs := map[string]attr.Value{}
	for name, typ := range types0 {
		v, _ := nullOf(typ)
		attrs[name] = v
	}
	logTypes := types0["log_details"].(types.ObjectType).AttrTypes
	attrs["log_details"] = types.ObjectValueMust(logTypes, map[string]attr.Value{
		"logging_enabled": types.BoolValue(false), "log_retention": types.StringNull(), "sensitive_data_logging": types.BoolNull(),
	})
	out, diags := ToAPI(types.ObjectValueMust(types0, attrs))
	if diags.HasError() {
		t.Fatal(diags)
	}
	got, _ := json.Marshal(out)
	if string(got) != `{"logDetails":{"loggingEnabled":false}}` {
		t.Errorf("sent %s", got)
	}
}

func nullOf(t attr.Type) (attr.Value, error) {
	switch tt := t.(type) {
	case types.ObjectType:
		return types.ObjectNull(tt.AttrTypes), nil
	case types.SetType:
		return types.SetNull(tt.ElemType), nil
	}
	if t.Equal(types.BoolType) {
		return types.BoolNull(), nil
	}
	return types.StringNull(), nil
}

func TestProjectJSON(t *testing.T) {
	t.Parallel()
	var got, shape any
	_ = json.Unmarshal([]byte(`{"a":1,"extra":2,"o":{"x":1,"y":[1,2],"added":true},"arr":[{"k":1,"z":2}]}`), &got)
	_ = json.Unmarshal([]byte(`{"a":0,"o":{"x":0,"y":[]},"arr":[],"missing":1}`), &shape)
	out, _ := json.Marshal(ProjectJSON(got, shape))
	if string(out) != `{"a":1,"arr":[{"k":1,"z":2}],"o":{"x":1,"y":[1,2]}}` {
		t.Errorf("ProjectJSON = %s", out)
	}
}
