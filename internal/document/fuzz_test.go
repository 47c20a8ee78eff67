package document

import (
	"encoding/json"
	"os"
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// API JSON -> common_cloud -> API JSON -> common_cloud is stable: the second conversion
// gives what the first did, whatever the API sends. The seeds run in every `go test`.
func FuzzDocumentRoundTrip(f *testing.F) {
	for _, file := range []string{"testdata/seed_get.json", "testdata/seed_put.json"} {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		var body struct {
			CommonCloud json.RawMessage `json:"commonCloud"`
		}
		if err := json.Unmarshal(data, &body); err != nil {
			f.Fatal(err)
		}
		f.Add([]byte(body.CommonCloud))
	}
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"security":{"securityContact":"","compliantCertifications":[]}}`))
	f.Add([]byte(`{"privacy":{"gdpr":{"gdprCompliant":"yes","userRights":["A",1,"A"]}},"logDetails":null}`))
	f.Add([]byte(`{"dataResidency":{"dataResidencyRegions":["EU","EU","US"]},"extra":{"deep":[1,{"x":null}]}}`))

	f.Fuzz(func(t *testing.T, data []byte) {
		var in map[string]any
		if json.Unmarshal(data, &in) != nil || in == nil {
			return
		}
		first, diags := FromAPI(in)
		if diags.HasError() {
			return // a mistyped answer is reported, not converted
		}
		out, diags := ToAPI(first)
		if diags.HasError() {
			t.Fatalf("ToAPI: %v", diags)
		}
		encoded, err := json.Marshal(out)
		if err != nil {
			t.Fatal(err)
		}
		var again map[string]any
		if err := json.Unmarshal(encoded, &again); err != nil {
			t.Fatal(err)
		}
		second, diags := FromAPI(again)
		if diags.HasError() {
			t.Fatalf("the provider's own JSON does not convert back: %v\n%s", diags, encoded)
		}
		if !second.Equal(first) {
			t.Fatalf("unstable:\n%v\n%v", first, second)
		}
		out2, _ := ToAPI(second)
		if !reflect.DeepEqual(sortStringArrays(normalizeJSON(t, out2)), sortStringArrays(normalizeJSON(t, out))) {
			t.Fatalf("JSON unstable:\n%v\n%v", out, out2)
		}
	})
}

// No validator panics, whatever the string.
func FuzzValidators(f *testing.F) {
	for _, s := range []string{"", " ", "USER_LEVEL", "user level", "https://example.com/x", "http://", "mailto:a@b",
		"a@b.c", "12345678-1234-1234-1234-123456789abc", `{"properties":{}}`, `[`, "\x00\xff", "http://[::1"} {
		f.Add(s)
	}
	validators := []validator.String{UUIDString("product_id", "The product ID of a Marketplace app"), notEmpty(), upperSnake(), httpURL(), emailOrURL(),
		JSONValidator{}}
	f.Fuzz(func(t *testing.T, s string) {
		for _, v := range validators {
			runString(v, types.StringValue(s))
		}
		_ = suggestUpperSnake(s)
		_ = snakeCase(s)
	})
}
