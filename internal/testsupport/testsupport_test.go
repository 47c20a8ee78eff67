package testsupport

import (
	"os/exec"
	"reflect"
	"strings"
	"testing"
)

func TestSortStringArrays(t *testing.T) {
	got := SortStringArrays(map[string]any{
		"codes": []any{"b", "a"},
		"mixed": []any{"b", 1.0},
		"inner": map[string]any{"list": []any{"z", "y"}},
		"plain": "x",
	})
	want := map[string]any{
		"codes": []any{"a", "b"},
		"mixed": []any{"b", 1.0},
		"inner": map[string]any{"list": []any{"y", "z"}},
		"plain": "x",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

// No package's non-test code imports testsupport: it is for tests only.
func TestOnlyTestsImportIt(t *testing.T) {
	const self = "github.com/marketplace-trust/terraform-provider-marketplace/internal/testsupport"
	out, err := exec.CommandContext(t.Context(), "go", "list", "-f", `{{.ImportPath}}: {{join .Imports " "}}`, "../../...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		pkg, imports, _ := strings.Cut(line, ": ")
		for _, imp := range strings.Fields(imports) {
			if imp == self {
				t.Errorf("%s imports %s outside its tests", pkg, self)
			}
		}
	}
}
