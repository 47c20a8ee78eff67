package mockmarketplace

import (
	"encoding/json"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// The mock's wire schema is written out by hand, apart from the provider's document tree,
// so that a misnamed field in the provider fails against it. It must still hold exactly
// the fields of the API reference's examples: a field the reference adds, renames or drops
// fails here, so the mock cannot fall behind the API the provider is tested against.
func TestSchemaIsTheAPIReferenceExample(t *testing.T) {
	t.Parallel()
	var examples []string
	const reference = "../../../shared/reference/marketplace-privacy-security-v3.md"
	if text, err := os.ReadFile(reference); err == nil {
		for _, m := range regexp.MustCompile("(?s)```json\n(.*?)```").FindAllStringSubmatch(string(text), -1) {
			examples = append(examples, m[1])
		}
		if len(examples) == 0 {
			t.Fatalf("%s has no JSON example", reference)
		}
	} else {
		// A clone without the shared folder beside it: the seed the provider's tests hold,
		// which is the reference's GET example.
		seed, err := os.ReadFile("../document/testdata/seed_get.json")
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s not found (%v); using the provider's seed, the reference's GET example", reference, err)
		examples = append(examples, string(seed))
	}
	want := map[string]string{}
	for _, example := range examples {
		var body map[string]any
		if err := json.Unmarshal([]byte(example), &body); err != nil {
			t.Fatalf("an example of the reference is not JSON: %v", err)
		}
		examplePaths("", body["commonCloud"], want)
	}
	got := map[string]string{}
	schemaPaths("", commonCloudSchema, got)
	var diffs []string
	for p, k := range want {
		if got[p] != k {
			diffs = append(diffs, "reference has "+p+" ("+k+"), the mock's schema "+orNone(got[p]))
		}
	}
	for p, k := range got {
		if _, ok := want[p]; !ok {
			diffs = append(diffs, "the mock's schema has "+p+" ("+k+"), the reference has not")
		}
	}
	sort.Strings(diffs)
	if len(diffs) > 0 {
		t.Errorf("internal/mockmarketplace/schema.go and the API reference differ:\n%s", strings.Join(diffs, "\n"))
	}
}

func orNone(kind string) string {
	if kind == "" {
		return "has not"
	}
	return "has it as " + kind
}

func examplePaths(prefix string, v any, out map[string]string) {
	switch v := v.(type) {
	case map[string]any:
		if prefix != "" {
			out[prefix] = "object"
		}
		for k, child := range v {
			examplePaths(strings.TrimPrefix(prefix+"."+k, "."), child, out)
		}
	case []any:
		out[prefix] = "strings"
	case string:
		out[prefix] = "string"
	case bool:
		out[prefix] = "bool"
	case float64:
		out[prefix] = "number"
	}
}

func schemaPaths(prefix string, f field, out map[string]string) {
	switch f.kind {
	case kindObject:
		if prefix != "" {
			out[prefix] = "object"
		}
		for k, child := range f.children {
			schemaPaths(strings.TrimPrefix(prefix+"."+k, "."), child, out)
		}
	case kindStrings:
		out[prefix] = "strings"
	case kindString:
		out[prefix] = "string"
	case kindBool:
		out[prefix] = "bool"
	case kindNumber:
		out[prefix] = "number"
	}
}
