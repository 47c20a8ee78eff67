package document

import (
	"encoding/json"
	"reflect"
	"testing"
)

// What a write puts, by (configuration, what is there), without a server.
func TestWriteBody(t *testing.T) {
	t.Parallel()
	const typed = "typed" // a prior or a form of the typed form; a prior of "" is a create
	cases := []struct {
		name       string
		form       string // typed, or the JSON form's text (then configured is it)
		configured string
		prior      string
		base       string // "" for nil
		want       string
	}{
		{
			name: "create over nothing", form: typed,
			configured: `{"logDetails": {"loggingEnabled": true}}`,
			want:       `{"logDetails": {"loggingEnabled": true}}`,
		},
		{
			name: "create over a live document with unmodelled fields", form: typed,
			configured: `{"logDetails": {"loggingEnabled": true}}`,
			base: `{"hasRestAPIExtension": true, "logDetails": {"loggingEnabled": false, "logRetention": "30_DAYS"},
				"security": {"securityContact": "a@b.c", "newThing": {"x": 1}}}`,
			want: `{"hasRestAPIExtension": true, "logDetails": {"loggingEnabled": true}, "security": {"newThing": {"x": 1}}}`,
		},
		{
			name: "create of the JSON form over a live document keeps what it does not hold",
			form: `{"logDetails": {"loggingEnabled": true}, "custom": 1}`,
			base: `{"logDetails": {"loggingEnabled": false, "logRetention": ""}, "custom": 0, "other": {"a": ""}}`,
			want: `{"logDetails": {"loggingEnabled": true, "logRetention": ""}, "custom": 1, "other": {"a": ""}}`,
		},
		{
			name: "update of the typed form keeps unmodelled fields and empty strings", form: typed, prior: typed,
			configured: `{"logDetails": {"loggingEnabled": true}, "security": {"securityContact": "a@b.c"}}`,
			base: `{"x": "", "logDetails": {"logRetention": "", "sensitiveDataLogging": true},
				"security": {"securityContact": "", "publicSecurityPoliciesLink": "", "newThing": 1},
				"privacy": {"gdpr": {"dataProcessingBasis": ""}}}`,
			// An empty string is kept in an object the write holds; an object it does not hold stays absent.
			want: `{"x": "", "logDetails": {"loggingEnabled": true, "logRetention": ""},
				"security": {"securityContact": "a@b.c", "publicSecurityPoliciesLink": "", "newThing": 1}}`,
		},
		{
			name:  "JSON form three-way",
			form:  `{"logDetails": {"loggingEnabled": false}, "custom": {"a": 1}}`,
			prior: `{"logDetails": {"loggingEnabled": true, "sensitiveDataLogging": false}, "security": {"securityContact": "a@b.c"}}`,
			base: `{"logDetails": {"loggingEnabled": true, "sensitiveDataLogging": false, "logRetention": "30_DAYS"},
				"security": {"securityContact": "a@b.c", "newThing": 1}, "custom": {"a": 0, "b": 2},
				"dataResidency": {"dataResidencyRegions": ["EU"]}}`,
			// Kept, never held: logRetention, custom.b, dataResidency. Removed, held before:
			// sensitiveDataLogging, security (newThing below it too). Now managed: custom.a.
			want: `{"logDetails": {"loggingEnabled": false, "logRetention": "30_DAYS"}, "custom": {"a": 1, "b": 2},
				"dataResidency": {"dataResidencyRegions": ["EU"]}}`,
		},
		{
			name:  "JSON form removes a dropped key's empty string",
			form:  `{"logDetails": {"loggingEnabled": true}}`,
			prior: `{"logDetails": {"loggingEnabled": true, "logRetention": "30_DAYS"}}`,
			base:  `{"logDetails": {"loggingEnabled": true, "logRetention": ""}}`,
			want:  `{"logDetails": {"loggingEnabled": true}}`,
		},
		{
			name: "switch from the typed form to JSON", form: `{"logDetails": {"loggingEnabled": true}, "custom": 1}`, prior: typed,
			base: `{"hasRestAPIExtension": true, "logDetails": {"loggingEnabled": false, "logRetention": "30_DAYS"},
				"security": {"securityContact": "a@b.c"}, "custom": 0}`,
			// The typed form managed every modelled field: those the JSON form does not hold go.
			want: `{"hasRestAPIExtension": true, "logDetails": {"loggingEnabled": true}, "custom": 1}`,
		},
		{
			name: "switch from JSON to the typed form", form: typed, prior: `{"logDetails": {"loggingEnabled": true}, "custom": 1}`,
			configured: `{"security": {"securityContact": "a@b.c"}}`,
			base: `{"logDetails": {"loggingEnabled": true, "logRetention": ""}, "custom": 1, "other": 2,
				"security": {"securityContact": "", "publicSecurityPoliciesLink": "", "isDiskEncryptionSupported": true}}`,
			// custom was the JSON configuration's: it goes; other never was: it stays; the
			// modelled fields are the typed configuration's, with the Marketplace's "".
			want: `{"other": 2, "security": {"securityContact": "a@b.c", "publicSecurityPoliciesLink": ""}}`,
		},
		{
			name: "update with base nil, typed", form: typed, prior: typed,
			configured: `{"security": {"securityContact": "a@b.c"}}`,
			want:       `{"security": {"securityContact": "a@b.c"}}`,
		},
		{
			name: "update with base nil, JSON", form: `{"custom": {"a": 1}}`, prior: `{"custom": {"a": 0, "b": 1}}`,
			want: `{"custom": {"a": 1}}`,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			shape, configured := ShapeOf(nil), tc.configured
			if tc.form != typed {
				shape, configured = ShapeOf(&tc.form), tc.form
			}
			var prior Shape
			switch tc.prior {
			case "":
			case typed:
				prior = ShapeOf(nil)
			default:
				prior = ShapeOf(&tc.prior)
			}
			var base map[string]any
			if tc.base != "" {
				base = mustObject(t, tc.base)
			}
			config := mustObject(t, configured)
			configBefore, baseBefore := deepCopy(t, config), deepCopy(t, base)

			got := WriteBody(config, shape, prior, base)
			if want := mustObject(t, tc.want); !reflect.DeepEqual(got, want) {
				gotText, _ := Marshal(got)
				wantText, _ := Marshal(want)
				t.Errorf("wrote\n%s\nwant\n%s", gotText, wantText)
			}
			if !reflect.DeepEqual(config, configBefore) || !reflect.DeepEqual(base, baseBefore) {
				t.Errorf("WriteBody changed its arguments: configured %v, base %v", config, base)
			}
		})
	}
}

// deepCopy is v as JSON decodes it again (nil stays nil).
func deepCopy(t *testing.T, v map[string]any) map[string]any {
	t.Helper()
	if v == nil {
		return nil
	}
	text, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return mustObject(t, string(text))
}
