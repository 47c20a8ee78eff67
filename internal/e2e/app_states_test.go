package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// An app's state is a dimension of the tests, not a fixture: every feature runs over the
// states a vendor's portfolio really holds, on every CLI that has the feature, in both forms
// of the document where the feature has forms.

// appState is one state an app can be in on the Marketplace.
type appState struct {
	name        string
	live, draft string // the stored commonCloud (properties added), "" for none
	private     bool   // a private app (listed only when private apps are asked for)
	missing     bool   // a product that does not exist
}

const (
	stateLiveDoc  = `{"logDetails": {"loggingEnabled": true, "logRetention": "30_DAYS"}, "security": {"securityContact": "security@example.com"}, "hasRestAPIExtension": true}`
	stateDraftDoc = `{"logDetails": {"loggingEnabled": true, "logRetention": "90_DAYS"}, "security": {"securityContact": "https://example.com/security"}}`
	// Values a person left in the UI: an empty string, a code in lower case, an empty object.
	stateOddDoc = `{"logDetails": {"loggingEnabled": true, "logRetention": "thirty days"}, "security": {"securityContact": "", "hasCompliantCertifications": false}, "dataRetention": {}}`
)

var appStates = []appState{
	{name: "no document"},
	{name: "draft only", draft: stateDraftDoc},
	{name: "live only", live: stateLiveDoc},
	{name: "live and a different draft", live: stateLiveDoc, draft: stateDraftDoc},
	{name: "private", live: stateLiveDoc, private: true},
	{name: "odd values left in the UI", live: stateOddDoc},
	{name: "product that does not exist", missing: true},
}

// hasDocument reports whether the app holds a draft or a live version.
func (s appState) hasDocument() bool { return s.live != "" || s.draft != "" }

// current is what the import of the app reads: the draft, else the live version.
func (s appState) current() string {
	if s.draft != "" {
		return s.draft
	}
	return s.live
}

// portfolio is an emulator holding one app per state, for one test.
type portfolio struct {
	*fixture
	ids    map[string]string // state name -> product ID
	space  string
	states []appState
}

// newPortfolio starts an emulator with one app per state (group numbers the IDs, so that
// the tests of one run never share an app).
func newPortfolio(t *testing.T, c cli, group int) *portfolio {
	t.Helper()
	p := &portfolio{ids: map[string]string{}, space: fmt.Sprintf("0a0b0c0d-1111-4222-8333-%012d", group), states: appStates}
	seed := map[string]map[string]json.RawMessage{}
	var public, private []string
	for i, s := range appStates {
		id := fmt.Sprintf("5%07d-0000-4000-8000-%012d", group, i+1)
		p.ids[s.name] = id
		if s.missing {
			continue
		}
		docs := map[string]json.RawMessage{}
		for version, doc := range map[string]string{"live": s.live, "draft": s.draft} {
			if doc != "" {
				docs[version] = withProperties(t, doc)
			}
		}
		seed[id] = docs
		if s.private {
			private = append(private, id)
		} else {
			public = append(public, id)
		}
	}
	p.fixture = newFixture(t, c, emulatorOptions{token: fmt.Sprintf("states-token-%d", group), seed: seed, flags: []string{
		"-product", strings.Join(public, ","), "-private-product", strings.Join(private, ","), "-developer-space", p.space,
	}})
	return p
}

// withProperties is a stored body: commonCloud with the properties the UI leaves.
func withProperties(t *testing.T, doc string) json.RawMessage {
	var cc map[string]any
	if err := json.Unmarshal([]byte(doc), &cc); err != nil {
		t.Fatal(err)
	}
	cc["properties"] = map[string]any{"updatedBy": "ui@example.com", "updatedAt": 1700000000000, "formStatus": "DRAFT"}
	out, _ := json.Marshal(map[string]any{"commonCloud": cc})
	return out
}

// resourceName is the resource address's name of a state's app.
func resourceName(s appState) string {
	return "app_" + strings.NewReplacer(" ", "_", "-", "_").Replace(s.name)
}

// lifecycleConfig declares one resource per state (those of apps that exist) holding a
// document with the given log retention, in the typed or the JSON form.
func lifecycleConfig(p *portfolio, jsonForm, publish bool, retention string) string {
	var b strings.Builder
	b.WriteString(providerHeader)
	for _, s := range p.states {
		if s.missing {
			continue
		}
		doc := `common_cloud = {
    log_details = { logging_enabled = true, log_retention = "` + retention + `" }
    security    = { security_contact = "security@example.com" }
  }`
		if jsonForm {
			doc = `common_cloud_json = jsonencode({
    logDetails = { loggingEnabled = true, logRetention = "` + retention + `" }
    security   = { securityContact = "security@example.com" }
  })`
		}
		fmt.Fprintf(&b, "resource \"marketplace_privacy_security\" %q {\n  product_id = %q\n  publish    = %t\n  %s\n}\n",
			resourceName(s), p.ids[s.name], publish, doc)
	}
	return b.String()
}

var planSummary = regexp.MustCompile(`Plan: (\d+) to import, (\d+) to add, (\d+) to change, (\d+) to destroy|Plan: (\d+) to add, (\d+) to change, (\d+) to destroy`)

// Create, change, publish, -replace and destroy over every state, in both forms.
func TestAccAppStatesLifecycle(t *testing.T) {
	t.Parallel()
	c := testCLI(t)
	for i, jsonForm := range []bool{false, true} {
		t.Run(map[bool]string{false: "common_cloud", true: "common_cloud_json"}[jsonForm], func(t *testing.T) {
			t.Parallel()
			p := newPortfolio(t, c, 10+i)
			w := p.workspace()
			apply := func(what, config string) string {
				t.Helper()
				w.write("main.tf", config)
				w.mustRun("plan", "-out=tfplan", "-input=false", "-no-color")
				out := w.mustRun("apply", "-input=false", "-no-color", "tfplan")
				if out, code := w.run("plan", "-detailed-exitcode", "-input=false", "-no-color"); code != 0 {
					t.Errorf("%s: the plan after the apply is not empty (exit %d):\n%s", what, code, out)
				}
				return out
			}
			each := func(what string, check func(s appState, id string)) {
				t.Helper()
				for _, s := range p.states {
					if !s.missing {
						check(s, p.ids[s.name])
					}
				}
			}

			// Create: the draft holds the configuration; the live version is untouched; a
			// field the configuration does not manage is kept.
			apply("create", lifecycleConfig(p, jsonForm, false, "7_DAYS"))
			each("create", func(s appState, id string) {
				draft := p.get(id, "draft")
				if logRetention(draft) != "7_DAYS" {
					t.Errorf("create, %s: draft %v", s.name, draft)
				}
				if s.live != "" && logRetention(p.get(id, "live")) != logRetention(decode(t, s.live)) {
					t.Errorf("create, %s: the live version changed: %v", s.name, p.get(id, "live"))
				}
				if strings.Contains(s.current(), "hasRestAPIExtension") && draft["hasRestAPIExtension"] != true {
					t.Errorf("create, %s: the unmanaged field was not kept: %v", s.name, draft)
				}
			})
			// Change.
			apply("change", lifecycleConfig(p, jsonForm, false, "14_DAYS"))
			each("change", func(s appState, id string) {
				if got := logRetention(p.get(id, "draft")); got != "14_DAYS" {
					t.Errorf("change, %s: draft %q", s.name, got)
				}
			})
			// Publish.
			apply("publish", lifecycleConfig(p, jsonForm, true, "14_DAYS"))
			each("publish", func(s appState, id string) {
				if got := logRetention(p.get(id, "live")); got != "14_DAYS" || p.get(id, "draft") != nil {
					t.Errorf("publish, %s: live %q, draft %v", s.name, got, p.get(id, "draft"))
				}
			})
			// -replace of every app, planned and applied as a pipeline does.
			args := []string{"plan", "-out=tfplan", "-input=false", "-no-color"}
			for _, s := range p.states {
				if !s.missing {
					args = append(args, "-replace=marketplace_privacy_security."+resourceName(s))
				}
			}
			out := w.mustRun(args...)
			if m := planSummary.FindStringSubmatch(out); m == nil || (m[2] != "6" && m[5] != "6") {
				t.Errorf("-replace: the plan does not replace the 6 apps:\n%s", out)
			}
			w.mustRun("apply", "-input=false", "-no-color", "tfplan")
			each("-replace", func(s appState, id string) {
				if got := logRetention(p.get(id, "live")); got != "14_DAYS" || p.get(id, "draft") != nil {
					t.Errorf("-replace, %s: live %q, draft %v", s.name, got, p.get(id, "draft"))
				}
			})
			if out, code := w.run("plan", "-detailed-exitcode", "-input=false", "-no-color"); code != 0 {
				t.Errorf("-replace: the plan after the apply is not empty (exit %d):\n%s", code, out)
			}
			// Destroy: the live versions stay published.
			w.mustRun("apply", "-destroy", "-auto-approve", "-input=false", "-no-color")
			each("destroy", func(s appState, id string) {
				if got := logRetention(p.get(id, "live")); got != "14_DAYS" || p.get(id, "draft") != nil {
					t.Errorf("destroy, %s: live %q, draft %v", s.name, got, p.get(id, "draft"))
				}
			})

			// A product that does not exist: the plan fails, naming the API's answer.
			missing := p.ids["product that does not exist"]
			w.write("main.tf", providerHeader+`resource "marketplace_privacy_security" "missing" {
  product_id = "`+missing+`"
  common_cloud_json = jsonencode({ logDetails = { loggingEnabled = true } })
}
`)
			out, code := w.run("plan", "-input=false", "-no-color")
			if flat := oneLine(out); code != 1 || !strings.Contains(flat, "PRODUCT_NOT_FOUND") || !strings.Contains(flat, missing) {
				t.Errorf("a product that does not exist: exit %d, want 1 naming PRODUCT_NOT_FOUND:\n%s", code, out)
			}
		})
	}
}

// A base_url whose path is wrong (every path answers 404, not as the API does): the plan of
// a create fails, saying the answer is not the API's, instead of planning a create; and the
// refresh of an app in state fails the same way instead of forgetting it.
func TestAccAppStatesWrongEndpointFailsThePlan(t *testing.T) {
	t.Parallel()
	p := newPortfolio(t, testCLI(t), 20)
	config := providerHeader + `resource "marketplace_privacy_security" "app" {
  product_id = "` + p.ids["live only"] + `"
  common_cloud_json = jsonencode({ logDetails = { loggingEnabled = true } })
}
`
	for _, wrong := range []string{"/wrong/path", "/rest/3"} {
		// A create.
		w := p.workspace()
		w.env = withEnv(w.env, "MARKETPLACE_BASE_URL", p.url+wrong)
		w.write("main.tf", config)
		out, code := w.run("plan", "-input=false", "-no-color")
		flat := oneLine(out)
		if code != 1 || !strings.Contains(flat, "does not come from the Marketplace API") || !strings.Contains(flat, "base_url") {
			t.Errorf("base_url %s: exit %d, want 1 saying the answer is not the API's:\n%s", p.url+wrong, code, out)
		}
		// An app in state, refreshed through the wrong base_url: not forgotten.
		wr := p.workspace()
		wr.write("main.tf", config)
		wr.mustRun("apply", "-auto-approve", "-input=false", "-no-color")
		wr.env = withEnv(wr.env, "MARKETPLACE_BASE_URL", p.url+wrong)
		if out, code := wr.run("plan", "-input=false", "-no-color"); code != 1 || !strings.Contains(oneLine(out), "base_url") {
			t.Errorf("refresh through base_url %s: exit %d, want 1 naming base_url:\n%s", p.url+wrong, code, out)
		}
		if out := wr.mustRun("state", "list"); !strings.Contains(out, "marketplace_privacy_security.app") {
			t.Errorf("the app was forgotten after a refresh through base_url %s: %s", p.url+wrong, out)
		}
		wr.env = withEnv(wr.env, "MARKETPLACE_BASE_URL", p.url)
		wr.mustRun("apply", "-destroy", "-auto-approve", "-input=false", "-no-color")
	}
}

// Import (generated configuration, and a hand-written JSON configuration) over every state.
func TestAccAppStatesImport(t *testing.T) {
	t.Parallel()
	p := newPortfolio(t, testCLI(t), 30)
	var blocks, jsonBlocks strings.Builder
	blocks.WriteString(providerHeader)
	jsonBlocks.WriteString(providerHeader)
	n := 0
	for _, s := range p.states {
		if !s.hasDocument() {
			continue
		}
		n++
		fmt.Fprintf(&blocks, "import {\n  to = marketplace_privacy_security.%s\n  id = %q\n}\n", resourceName(s), p.ids[s.name])
		fmt.Fprintf(&jsonBlocks, "import {\n  to = marketplace_privacy_security.%s\n  id = %q\n}\n"+
			"resource \"marketplace_privacy_security\" %q {\n  product_id = %q\n  common_cloud_json = %q\n}\n",
			resourceName(s), p.ids[s.name], resourceName(s), p.ids[s.name], s.current())
	}
	want := fmt.Sprintf("Plan: %d to import, 0 to add, 0 to change, 0 to destroy.", n)

	// Generated configuration (the typed form): imports only, nothing written.
	w := p.workspace()
	w.write("main.tf", blocks.String())
	out := w.mustRun("plan", "-out=tfplan", "-input=false", "-no-color", "-generate-config-out=generated.tf")
	if !strings.Contains(out, want) {
		t.Errorf("generated configuration: want %q:\n%s", want, out)
	}
	w.mustRun("apply", "-input=false", "-no-color", "tfplan")
	if out, code := w.run("plan", "-detailed-exitcode", "-input=false", "-no-color"); code != 0 {
		t.Errorf("after importing with generated configuration, the plan is not empty (exit %d):\n%s", code, out)
	}

	// The JSON form, written by hand from what the Marketplace holds: an import reads the
	// typed form, so the plan shows the form changing, and the apply sends nothing.
	wj := p.workspace()
	wj.write("main.tf", jsonBlocks.String())
	if out := wj.mustRun("plan", "-input=false", "-no-color"); !strings.Contains(out, fmt.Sprintf("Plan: %d to import, 0 to add, %d to change, 0 to destroy.", n, n)) {
		t.Errorf("JSON form: want %d imports whose only change is the form:\n%s", n, out)
	}
	wj.mustRun("apply", "-auto-approve", "-input=false", "-no-color")
	if out, code := wj.run("plan", "-detailed-exitcode", "-input=false", "-no-color"); code != 0 {
		t.Errorf("after importing in the JSON form, the plan is not empty (exit %d):\n%s", code, out)
	}
	for _, s := range p.states {
		if s.hasDocument() && (logRetention(p.get(p.ids[s.name], "draft")) != logRetention(decode(t, orEmpty(s.draft))) ||
			logRetention(p.get(p.ids[s.name], "live")) != logRetention(decode(t, orEmpty(s.live)))) {
			t.Errorf("importing %s wrote to the Marketplace", s.name)
		}
	}

	// No document, and no product: the import says which.
	for _, tc := range []struct{ state, want string }{
		{"no document", "Nothing to import"},
		{"product that does not exist", "PRODUCT_NOT_FOUND"},
	} {
		wn := p.workspace()
		wn.write("main.tf", providerHeader+fmt.Sprintf("import {\n  to = marketplace_privacy_security.app\n  id = %q\n}\n", p.ids[tc.state]))
		out, code := wn.run("plan", "-input=false", "-no-color", "-generate-config-out=generated.tf")
		if code != 1 || !strings.Contains(oneLine(out), tc.want) {
			t.Errorf("import of an app with %s: exit %d, want 1 and %q:\n%s", tc.state, code, tc.want, out)
		}
	}
}

func orEmpty(doc string) string {
	if doc == "" {
		return "{}"
	}
	return doc
}

// terraform query over a developer space holding every state (Terraform 1.14+).
func TestAccAppStatesQuery(t *testing.T) {
	t.Parallel()
	c := testCLI(t)
	skipUnless(t, c, c.hasListBlocks(), "has no list blocks (terraform query needs Terraform 1.14+)")
	p := newPortfolio(t, c, 40)
	query := func(include bool) string {
		return fmt.Sprintf(`list "marketplace_privacy_security" "all" {
  provider         = marketplace
  include_resource = %t
  config {
    developer_id = %q
  }
}
`, include, p.space)
	}

	// Without include_resource every app is listed, the one without a document too.
	w := p.workspace()
	w.write("main.tf", providerHeader)
	w.write("all.tfquery.hcl", query(false))
	out := w.mustRun("query", "-no-color")
	for _, s := range p.states {
		if !s.missing && !strings.Contains(out, p.ids[s.name]) {
			t.Errorf("the listing lacks the app %s (%s):\n%s", s.name, p.ids[s.name], out)
		}
	}

	// With it, configuration is generated for every app with a document; the app without
	// one is named; nothing crashes; the plan of what was generated imports only.
	wg := p.workspace()
	wg.write("main.tf", providerHeader)
	wg.write("all.tfquery.hcl", query(true))
	out, code := wg.run("query", "-no-color", "-generate-config-out=generated.tf")
	flat := oneLine(out)
	if code != 0 || strings.Contains(out, "crash") || strings.Contains(out, "Incomplete List Result") ||
		!strings.Contains(flat, "No privacy and security information to import") || !strings.Contains(flat, p.ids["no document"]) {
		t.Errorf("query -generate-config-out: exit %d, want 0 naming the app without a document:\n%s", code, out)
	}
	generated, err := os.ReadFile(filepath.Join(wg.dir, "generated.tf"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, s := range p.states {
		id := p.ids[s.name]
		switch {
		case s.hasDocument():
			n++
			if bytes.Count(generated, []byte(`"`+id+`"`)) < 2 {
				t.Errorf("generated.tf lacks the resource and import of %s (%s)", s.name, id)
			}
		case bytes.Contains(generated, []byte(id)):
			t.Errorf("generated.tf holds %s (%s), which has nothing to import", s.name, id)
		}
	}
	plan := wg.mustRun("plan", "-input=false", "-no-color")
	if want := fmt.Sprintf("Plan: %d to import, 0 to add, 0 to change, 0 to destroy.", n); !strings.Contains(plan, want) {
		t.Errorf("the generated configuration does not plan imports only (%s):\n%s\ngenerated.tf:\n%s", want, plan, generated)
	}
}

// The data source over every state, live and draft.
func TestAccAppStatesDataSource(t *testing.T) {
	t.Parallel()
	p := newPortfolio(t, testCLI(t), 50)
	for _, s := range p.states {
		for _, version := range []string{"live", "draft"} {
			w := p.workspace()
			w.write("main.tf", providerHeader+fmt.Sprintf(`data "marketplace_privacy_security" "app" {
  product_id = %q
  state      = %q
}
output "version_state" { value = data.marketplace_privacy_security.app.version_state }
output "log_retention" { value = jsondecode(data.marketplace_privacy_security.app.common_cloud_json).logDetails.logRetention }
`, p.ids[s.name], version))
			out, code := w.run("plan", "-input=false", "-no-color")
			flat := oneLine(out)
			// What the data source answers: the version asked for; a draft falls back to live.
			var wantVersion, wantDoc string
			switch {
			case version == "draft" && s.draft != "":
				wantVersion, wantDoc = "draft", s.draft
			case s.live != "":
				wantVersion, wantDoc = "live", s.live
			}
			switch {
			case s.missing:
				if code != 1 || !strings.Contains(flat, "PRODUCT_NOT_FOUND") {
					t.Errorf("data source %s, %s: exit %d, want 1 naming PRODUCT_NOT_FOUND:\n%s", version, s.name, code, out)
				}
			case wantDoc == "":
				if code != 1 || !strings.Contains(flat, "No privacy and security information") {
					t.Errorf("data source %s, %s: exit %d, want 1 saying there is none:\n%s", version, s.name, code, out)
				}
			case code != 0 || !strings.Contains(flat, `version_state = "`+wantVersion+`"`) ||
				!strings.Contains(flat, `log_retention = "`+logRetention(decode(t, wantDoc))+`"`):
				t.Errorf("data source %s, %s: exit %d, want %s %s:\n%s", version, s.name, code, wantVersion, logRetention(decode(t, wantDoc)), out)
			}
		}
	}
}
