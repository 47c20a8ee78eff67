package provider

import (
	"context"
	"encoding/json"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/marketplace-trust/terraform-provider-marketplace/internal/document"
)

// One table of documents drives the checks of both forms: each document, written as the
// typed form (common_cloud) and as the JSON form (common_cloud_json), must be refused at
// the same JSON paths, or accepted by both.
var documentCases = []struct {
	name  string
	doc   string
	paths []string // JSON paths of the errors; "" is the whole document
}{
	{"valid", `{"logDetails": {"loggingEnabled": true, "logRetention": "30_DAYS"}, "security": {"securityContact": "security@example.com",
		"hasCompliantCertifications": true, "compliantCertifications": ["SOC2"]}}`, nil},
	{"empty document", `{}`, []string{""}},
	{"white space security contact", `{"security": {"securityContact": "   "}}`, []string{"security.securityContact"}},
	{"security contact neither email nor URL", `{"security": {"securityContact": "call us"}}`, []string{"security.securityContact"}},
	{"contradictory certifications", `{"security": {"hasCompliantCertifications": false, "compliantCertifications": ["SOC2"]}}`,
		[]string{"security.hasCompliantCertifications"}},
	{"certifications claimed, none listed", `{"security": {"hasCompliantCertifications": true, "compliantCertifications": []}}`,
		[]string{"security.compliantCertifications"}},
	{"DPA without its URL", `{"privacy": {"dataProcessingAgreement": {"dpaAvailable": true}}}`, []string{"privacy.dataProcessingAgreement.dpaUrl"}},
	{"DPA URL not http", `{"privacy": {"dataProcessingAgreement": {"dpaAvailable": true, "dpaUrl": "ftp://example.com/dpa"}}}`,
		[]string{"privacy.dataProcessingAgreement.dpaUrl"}},
	{"CAIQ without its link", `{"security": {"caiq": {"isCAIQCompleted": true}}}`, []string{"security.caiq.CAIQLiteLink"}},
	{"data sharing without description", `{"thirdPartyInformation": {"dataSharing": true}}`, []string{"thirdPartyInformation.dataSharingDescription"}},
	{"code not a code", `{"dataAccessAndStorage": {"dataAccess": {"dataAccessScope": "user level"}}}`,
		[]string{"dataAccessAndStorage.dataAccess.dataAccessScope"}},
	{"codes in a set", `{"privacy": {"gdpr": {"userRights": ["ACCESS", "erasure"]}}}`, []string{"privacy.gdpr.userRights"}},
	{"null in a set", `{"privacy": {"gdpr": {"userRights": [null, "ACCESS"]}}}`, []string{"privacy.gdpr.userRights"}},
	{"empty string in a set", `{"dataResidency": {"dataResidencyRegions": ["EU", ""]}}`, []string{"dataResidency.dataResidencyRegions"}},
	{"empty object", `{"logDetails": {}, "security": {"securityContact": "a@example.com"}}`, []string{"logDetails"}},
	{"empty string", `{"logDetails": {"logRetention": ""}}`, []string{"logDetails.logRetention"}},
}

// errorPathsOfJSON runs common_cloud_json's checks and returns the JSON paths of the errors.
var jsonErrorPath = regexp.MustCompile(`^common_cloud_json: (.*?): `)

func TestDocumentCasesRefusedAlikeInBothForms(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	server := providerserver.NewProtocol6(newTestProvider(nil))()
	shape := privacySecurityShape()
	for _, c := range documentCases {
		doc, err := document.DecodeObject(c.doc)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		// The typed form: the document as written (empty strings, empty sets and null
		// elements included), checked by the framework with the schema's validators.
		typed, err := document.CommonCloud.ExactValueFromJSON(doc).ToTerraformValue(ctx)
		if err != nil {
			t.Fatal(err)
		}
		typedPaths := validatePaths(t, server, shape, map[string]tftypes.Value{"common_cloud": typed}, func(d *tfprotov6.Diagnostic) string {
			return jsonPathOf(d.Attribute)
		})
		jsonPaths := validatePaths(t, server, shape, map[string]tftypes.Value{"common_cloud_json": tftypes.NewValue(tftypes.String, c.doc)},
			func(d *tfprotov6.Diagnostic) string {
				m := jsonErrorPath.FindStringSubmatch(d.Detail)
				if m == nil {
					return "?" + d.Summary + ": " + d.Detail
				}
				if m[1] == "the document" {
					return ""
				}
				return regexp.MustCompile(`\.\d+$`).ReplaceAllString(m[1], "") // an element: its set
			})
		want := c.paths
		if want == nil {
			want = []string{}
		}
		if !reflect.DeepEqual(typedPaths, want) {
			t.Errorf("%s, typed form: errors at %q, want %q", c.name, typedPaths, want)
		}
		if !reflect.DeepEqual(jsonPaths, want) {
			t.Errorf("%s, JSON form: errors at %q, want %q", c.name, jsonPaths, want)
		}
	}
}

// validatePaths checks a configuration of attrs (others null) as Terraform does, by
// ValidateResourceConfig and then the plan of a create, and returns the sorted, distinct
// paths of the errors.
func validatePaths(t *testing.T, server tfprotov6.ProviderServer, shape *resourceShape, attrs map[string]tftypes.Value, pathOf func(*tfprotov6.Diagnostic) string) []string {
	t.Helper()
	seen := map[string]bool{}
	paths := []string{}
	for _, d := range checkConfig(t, server, shape, attrs) {
		if d.Severity != tfprotov6.DiagnosticSeverityError {
			continue
		}
		if p := pathOf(d); !seen[p] {
			seen[p] = true
			paths = append(paths, p)
		}
	}
	sort.Strings(paths)
	return paths
}

// checkConfig returns the diagnostics of ValidateResourceConfig and of the plan of a create
// for a configuration of attrs (others null): the document's rules are checked by the plan.
func checkConfig(t *testing.T, server tfprotov6.ProviderServer, shape *resourceShape, attrs map[string]tftypes.Value) []*tfprotov6.Diagnostic {
	t.Helper()
	all := map[string]tftypes.Value{}
	for name, typ := range shape.stateType.AttributeTypes {
		all[name] = tftypes.NewValue(typ, nil)
	}
	all["product_id"] = tftypes.NewValue(tftypes.String, testProductID)
	for name, v := range attrs {
		all[name] = v
	}
	config := tftypes.NewValue(shape.stateType, all)
	dv, err := tfprotov6.NewDynamicValue(shape.stateType, config)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := server.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{}); err != nil {
		t.Fatal(err)
	}
	resp, err := server.ValidateResourceConfig(context.Background(), &tfprotov6.ValidateResourceConfigRequest{TypeName: "marketplace_privacy_security", Config: &dv})
	if err != nil {
		t.Fatal(err)
	}
	diags := resp.Diagnostics
	// The plan of a create: computed attributes unknown in the proposed state, as Terraform sends it.
	proposed := map[string]tftypes.Value{}
	for name, v := range all {
		proposed[name] = v
	}
	for _, name := range []string{"id", "version_state", "basis", "properties", "publish"} {
		proposed[name] = tftypes.NewValue(shape.stateType.AttributeTypes[name], tftypes.UnknownValue)
	}
	pv, err := tfprotov6.NewDynamicValue(shape.stateType, tftypes.NewValue(shape.stateType, proposed))
	if err != nil {
		t.Fatal(err)
	}
	prior, _ := tfprotov6.NewDynamicValue(shape.stateType, tftypes.NewValue(shape.stateType, nil))
	plan, err := server.PlanResourceChange(context.Background(), &tfprotov6.PlanResourceChangeRequest{
		TypeName: "marketplace_privacy_security", Config: &dv, ProposedNewState: &pv, PriorState: &prior,
	})
	if err != nil {
		t.Fatal(err)
	}
	return append(diags, plan.Diagnostics...)
}

// jsonPathOf maps an attribute path under common_cloud to the document's JSON path;
// elements of a set map to the set.
func jsonPathOf(p *tftypes.AttributePath) string {
	if p == nil {
		return "?no path"
	}
	var names []string
	for i, step := range p.Steps() {
		name, ok := step.(tftypes.AttributeName)
		if !ok {
			break
		}
		if i == 0 && name != "common_cloud" {
			return "?" + string(name)
		}
		if i > 0 {
			names = append(names, string(name))
		}
	}
	out, ok := document.CommonCloud.JSONPath(names...)
	if !ok {
		return "?" + strings.Join(names, ".")
	}
	return out
}

// Checks only the JSON form can need: wrong types, keys given twice, deep nesting, unknown
// keys (warned, with the likely key), values cut in messages.
func TestJSONFormOnlyChecks(t *testing.T) {
	t.Parallel()
	server := providerserver.NewProtocol6(newTestProvider(nil))()
	shape := privacySecurityShape()
	long := strings.Repeat("x", 5000)
	for _, c := range []struct {
		name, doc, want string
		warning         bool
	}{
		{"boolean as a string", `{"privacy": {"gdpr": {"gdprCompliant": "yes"}}}`, "common_cloud_json: privacy.gdpr.gdprCompliant: this is a string, but gdprCompliant holds a boolean.", false},
		{"set as a string", `{"security": {"compliantCertifications": "SOC2"}}`, "security.compliantCertifications: this is a string", false},
		{"object as an array", `{"logDetails": []}`, "logDetails: this is an array", false},
		{"key twice", `{"security": {"securityContact": "a@example.com", "securityContact": "b@example.com"}}`, "the key \"securityContact\" appears twice in security", false},
		{"top-level key twice", `{"security": {}, "security": {}}`, "the key \"security\" appears twice in the top level", false},
		{"too deep", `{"x": ` + strings.Repeat(`[`, 40) + strings.Repeat(`]`, 40) + `}`, "nests deeper than 32 levels", false},
		{"misspelt key", `{"security": {"securityContactt": "a@example.com"}}`, "security.securityContactt is not a key this provider knows; it is sent as it is", true},
		{"misspelt key, suggestion", `{"security": {"securityContactt": "a@example.com"}}`, "Did you mean securityContact?", true},
		{"unknown key, no suggestion", `{"hasRestAPIExtension": true}`, "hasRestAPIExtension is not a key this provider knows", true},
		{"long value cut", `{"logDetails": {"logRetention": "` + long + `"}}`, `"... (5000 characters) is not a code`, false},
		{"long key cut", `{"` + long + `": 1}`, `...(5000 characters) is not a key this provider knows`, true},
	} {
		diagnostics := checkConfig(t, server, shape, map[string]tftypes.Value{"common_cloud_json": tftypes.NewValue(tftypes.String, c.doc)})
		found := false
		for _, d := range diagnostics {
			if len(d.Detail) > 600 {
				t.Errorf("%s: a diagnostic of %d characters: %.200s", c.name, len(d.Detail), d.Detail)
			}
			if strings.Contains(d.Detail, c.want) && (d.Severity == tfprotov6.DiagnosticSeverityWarning) == c.warning {
				found = true
			}
		}
		if !found {
			raw, _ := json.Marshal(diagnostics)
			t.Errorf("%s: no %s with %q in %s", c.name, map[bool]string{true: "warning", false: "error"}[c.warning], c.want, raw)
		}
	}
}

// Whatever the values, the JSON form's checks never panic, and on documents both forms can
// hold they refuse the same paths as the typed form's; any text given as JSON is answered
// without a panic.
func FuzzJSONChecksAgreeWithTypedForm(f *testing.F) {
	for _, c := range documentCases {
		f.Add("x", c.doc)
	}
	for _, s := range []string{"", "  ", "USER_LEVEL", "user level", "https://example.com/x", "a@b.c", "\x00\xff", `{"a":1,"a":2}`} {
		f.Add(s, s)
	}
	server := providerserver.NewProtocol6(newTestProvider(nil))()
	shape := privacySecurityShape()
	f.Fuzz(func(t *testing.T, s, raw string) {
		doc := map[string]any{
			"logDetails":            map[string]any{"logRetention": s, "loggingEnabled": len(s)%2 == 0},
			"security":              map[string]any{"securityContact": s, "compliantCertifications": []any{s, "SOC2"}, "hasCompliantCertifications": len(s) > 3},
			"privacy":               map[string]any{"dataProcessingAgreement": map[string]any{"dpaAvailable": len(s)%3 == 0, "dpaUrl": s}},
			"thirdPartyInformation": map[string]any{"dataSharing": s == "", "dataSharingDescription": s},
			"dataAccessAndStorage":  map[string]any{"dataAccess": map[string]any{"dataAccessTypes": []any{s}}},
		}
		text, err := json.Marshal(doc)
		if err != nil {
			t.Skip() // not valid UTF-8 as JSON text
		}
		decoded, err := document.DecodeObject(string(text))
		if err != nil {
			t.Fatal(err)
		}
		typed, err := document.CommonCloud.ExactValueFromJSON(decoded).ToTerraformValue(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		typedPaths := validatePaths(t, server, shape, map[string]tftypes.Value{"common_cloud": typed}, func(d *tfprotov6.Diagnostic) string {
			return jsonPathOf(d.Attribute)
		})
		jsonPaths := validatePaths(t, server, shape, map[string]tftypes.Value{"common_cloud_json": tftypes.NewValue(tftypes.String, string(text))},
			func(d *tfprotov6.Diagnostic) string {
				m := jsonErrorPath.FindStringSubmatch(d.Detail)
				if m == nil {
					return "?" + d.Summary
				}
				if m[1] == "the document" {
					return ""
				}
				return regexp.MustCompile(`\.\d+$`).ReplaceAllString(m[1], "")
			})
		if !reflect.DeepEqual(typedPaths, jsonPaths) {
			t.Errorf("document %s: typed form refused %q, JSON form %q", text, typedPaths, jsonPaths)
		}
		// Any text as common_cloud_json: an answer, never a panic.
		validatePaths(t, server, shape, map[string]tftypes.Value{"common_cloud_json": tftypes.NewValue(tftypes.String, raw)},
			func(d *tfprotov6.Diagnostic) string { return d.Summary })
	})
}
