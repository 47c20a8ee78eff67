package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const (
	alphaID = "11111111-1111-1111-1111-111111111111"
	betaID  = "22222222-2222-2222-2222-222222222222"
)

// plan wraps resource changes in the plan JSON of terraform show -json.
func planOf(changes ...string) string {
	return `{"format_version": "1.2", "terraform_version": "1.16.4", "resource_changes": [` + strings.Join(changes, ",") + `]}`
}

// rc is one resource change of marketplace_privacy_security.
func rc(name, actions, before, after, afterUnknown string) string {
	return `{"address": "marketplace_privacy_security.` + name + `", "mode": "managed", "type": "marketplace_privacy_security",
	  "name": "` + name + `", "provider_name": "registry.terraform.io/marketplace-trust/marketplace",
	  "change": {"actions": ` + actions + `, "before": ` + before + `, "after": ` + after + `, "after_unknown": ` + afterUnknown + `}}`
}

// summarise runs the command on a plan (and diagnostics, when given) and returns its output.
func summarise(t *testing.T, planText string, diagnostics ...string) string {
	t.Helper()
	args := []string{}
	if len(diagnostics) > 0 {
		file := filepath.Join(t.TempDir(), "plan.jsonl")
		if err := os.WriteFile(file, []byte(strings.Join(diagnostics, "\n")+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		args = append(args, "-diagnostics", file)
	}
	var stdout, stderr bytes.Buffer
	if code := run(args, strings.NewReader(planText), &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	noNestedParentheses(t, stdout.String())
	return stdout.String()
}

// noNestedParentheses fails when the summary's own words nest parentheses; the provider's
// warnings, quoted as they are, are not its words.
func noNestedParentheses(t *testing.T, out string) {
	t.Helper()
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "- **") {
			continue
		}
		depth := 0
		for _, r := range line {
			switch r {
			case '(':
				if depth++; depth > 1 {
					t.Errorf("nested parentheses in %q", line)
				}
			case ')':
				depth--
			}
		}
	}
}

func wantLines(t *testing.T, out string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("the summary lacks %q:\n%s", w, out)
		}
	}
}

func dontWant(t *testing.T, out string, unwanted ...string) {
	t.Helper()
	for _, w := range unwanted {
		if strings.Contains(out, w) {
			t.Errorf("the summary has %q:\n%s", w, out)
		}
	}
}

// typedState is a state or planned value of the typed form.
func typedState(productID, commonCloud, publish, versionState, basis string) string {
	return `{"id": "` + productID + `", "product_id": "` + productID + `", "publish": ` + publish + `,
	  "common_cloud": ` + commonCloud + `, "common_cloud_json": null, "version_state": ` + versionState + `,
	  "basis": ` + basis + `, "properties": {"updated_by": "ci@example.com", "updated_at": "2026-11-30T09:00:00Z",
	  "form_status": "DRAFT", "jira_links": null}, "timeouts": null}`
}

func jsonState(productID, commonCloudJSON, publish, versionState, basis string) string {
	return `{"id": "` + productID + `", "product_id": "` + productID + `", "publish": ` + publish + `,
	  "common_cloud": null, "common_cloud_json": ` + commonCloudJSON + `, "version_state": ` + versionState + `,
	  "basis": ` + basis + `, "properties": {"updated_by": "ci@example.com", "updated_at": "2026-11-30T09:00:00Z",
	  "form_status": "DRAFT", "jira_links": null}, "timeouts": null}`
}

// A typed document as the plan JSON shows it: every attribute, null when not set.
func typedDoc(regions, basis, contact string) string {
	return `{"data_access_and_storage": null, "third_party_information": null, "log_details": null,
	  "data_residency": {"data_residency_regions": ` + regions + `, "data_residency_compliance": true},
	  "data_retention": null,
	  "privacy": {"privacy_enhancing_techniques": null, "ccpa": null, "data_processing_agreement": null,
	    "gdpr": {"gdpr_compliant": true, "data_processing_basis": ` + basis + `, "user_rights": ["ACCESS", "RIGHT_TO_ERASURE"]}},
	  "security": {"security_contact": ` + contact + `, "public_security_policies_link": null,
	    "caiq": {"is_caiq_completed": true, "caiq_lite_link": "https://example.com/caiq"},
	    "is_disk_encryption_supported": null, "has_compliant_certifications": null, "compliant_certifications": null}}`
}

// basis is the basis attribute as the plan JSON holds it: review.Encode's JSON, quoted.
func basis(draft, live string) string {
	text, _ := json.Marshal(`{"draft":` + draft + `,"live":` + live + `}`)
	return string(text)
}

// version is one version of a basis.
func version(digest, at, by string) string {
	return `{"digest":"` + digest + `","updated_at":"` + at + `","updated_by":"` + by + `"}`
}

var pendingBasis = basis(version("sha256:1a2b3c4d5e6f", "2026-12-01T10:00:00Z", "alice@example.com"), "null")

func TestUpdateOfTheTypedForm(t *testing.T) {
	before := typedState(alphaID, typedDoc(`["US"]`, `"CONSENT"`, `"security@example.com"`), "false", `"draft"`, "null")
	after := typedState(alphaID, typedDoc(`["EU", "US"]`, `"CONTRACT"`, `"https://example.com/security"`), "false", `"draft"`, pendingBasis)
	out := summarise(t, planOf(rc("alpha", `["update"]`, before, after, `{"properties": true}`)))
	want := "## Marketplace privacy and security: what this plan changes\n\n" +
		"1 app changes: 1 updated.\n\n" +
		"### `marketplace_privacy_security.alpha`: updated\n\n" +
		"Product `" + alphaID + "`. The document changes, saved as a draft, not published. " +
		"Draft by alice@example.com on 1 Dec 2026 10:00 UTC (sha256:1a2b3c4d5e6f) overwritten. " +
		"The apply writes only if the Marketplace still holds what the plan saw.\n\n" +
		"Changes:\n\n" +
		"- Data residency regions: EU added\n" +
		"- GDPR processing basis: consent → contract\n" +
		"- Security contact: \u201csecurity@example.com\u201d → \u201chttps://example.com/security\u201d\n\n" +
		"_The plan's warnings are not part of `show -json`: pending drafts, fields kept, fields a publish removes from the live version, " +
		"what a publish changes on the listing when the plan does not hold the live version. Pass `-diagnostics` with the output of `plan -json` to include them._\n"
	if out != want {
		t.Errorf("got:\n%s\nwant:\n%s", out, want)
	}
}

func TestUpdateOfTheJSONForm(t *testing.T) {
	before := jsonState(alphaID, `"{\"logDetails\":{\"logRetention\":\"THIRTY_DAYS\",\"loggingEnabled\":true},\"security\":{\"compliantCertifications\":[\"SOC2\",\"ISO27001\"],\"hasRestAPIExtension\":true}}"`, "false", `"draft"`, "null")
	after := jsonState(alphaID, `"{\"security\":{\"compliantCertifications\":[\"ISO27001\",\"PCI_DSS\"],\"hasRestAPIExtension\":false},\"logDetails\":{\"loggingEnabled\":false,\"logRetention\":\"90_DAYS\"}}"`, "false", `"draft"`, basis("null", version("sha256:00aa11bb22cc", "2026-11-02T08:30:00Z", "bob@example.com")))
	out := summarise(t, planOf(rc("alpha", `["update"]`, before, after, `{"properties": true}`)))
	wantLines(t, out,
		"- Keeps logs: yes → no\n- Log retention: thirty days → 90 days\n",
		"- Compliance certifications: PCI\\_DSS added; SOC2 removed\n",
		"- `security.hasRestAPIExtension`: yes → no\n",
		"No pending draft; the live version by bob@example.com on 2 Nov 2026 08:30 UTC (sha256:00aa11bb22cc) stays live until a draft is published.")
	// Keys reordered, sets reordered: no change.
	same := jsonState(alphaID, `"{\"security\":{\"hasRestAPIExtension\":true,\"compliantCertifications\":[\"ISO27001\",\"SOC2\"]},\"logDetails\":{\"loggingEnabled\":true,\"logRetention\":\"THIRTY_DAYS\"}}"`, "false", `"draft"`, "null")
	out = summarise(t, planOf(rc("alpha", `["update"]`, before, same, `{}`)))
	wantLines(t, out, "No field of the document changes.")
	dontWant(t, out, "Changes:", "The document changes")
}

// From common_cloud_json to common_cloud: the sides are compared in the API's shape; a key
// the typed form cannot express is kept, not removed.
func TestFormSwitchFromJSONToTyped(t *testing.T) {
	before := jsonState(alphaID, `"{\"dataResidency\":{\"dataResidencyRegions\":[\"US\"],\"dataResidencyCompliance\":true},\"privacy\":{\"gdpr\":{\"gdprCompliant\":true,\"dataProcessingBasis\":\"CONSENT\",\"userRights\":[\"ACCESS\",\"RIGHT_TO_ERASURE\"]}},\"security\":{\"securityContact\":\"security@example.com\",\"caiq\":{\"isCAIQCompleted\":true,\"CAIQLiteLink\":\"https://example.com/caiq\"},\"hasRestAPIExtension\":true}}"`, "false", `"draft"`, "null")
	after := typedState(alphaID, typedDoc(`["US", "EU"]`, `"CONSENT"`, `"security@example.com"`), "false", `"draft"`, pendingBasis)
	out := summarise(t, planOf(rc("alpha", `["update"]`, before, after, `{"properties": true}`)))
	wantLines(t, out, "Form: `common_cloud_json` → `common_cloud`.", "Fields `common_cloud` does not model are kept",
		"Changes:\n\n- Data residency regions: EU added\n\n")
	dontWant(t, out, "hasRestAPIExtension", "CAIQ", "GDPR")

	// And back: from typed to JSON, a key the JSON form adds shows.
	back := jsonState(alphaID, `"{\"dataResidency\":{\"dataResidencyRegions\":[\"US\",\"EU\"],\"dataResidencyCompliance\":true},\"privacy\":{\"gdpr\":{\"gdprCompliant\":true,\"dataProcessingBasis\":\"CONSENT\",\"userRights\":[\"ACCESS\",\"RIGHT_TO_ERASURE\"]}},\"security\":{\"securityContact\":\"security@example.com\",\"caiq\":{\"isCAIQCompleted\":true,\"CAIQLiteLink\":\"https://example.com/caiq\"},\"supportsConfigurableEgress\":true}}"`, "false", `"draft"`, pendingBasis)
	out = summarise(t, planOf(rc("alpha", `["update"]`, after, back, `{"properties": true}`)))
	wantLines(t, out, "Form: `common_cloud` → `common_cloud_json`.", "Changes:\n\n- `security.supportsConfigurableEgress`: set to yes\n\n")
}

func TestCreate(t *testing.T) {
	after := typedState(betaID, typedDoc(`["US", "EU"]`, `"LEGITIMATE_INTERESTS"`, `"security@example.com"`), "true", `"live"`, basis("null", "null"))
	after = strings.Replace(after, `"properties": {"updated_by": "ci@example.com", "updated_at": "2026-11-30T09:00:00Z",
	  "form_status": "DRAFT", "jira_links": null}`, `"properties": null`, 1)
	out := summarise(t, planOf(rc("beta", `["create"]`, "null", after, `{"id": true, "properties": true}`)))
	wantLines(t, out,
		"### `marketplace_privacy_security.beta`: created\n\n",
		"Product `"+betaID+"`. New privacy and security information, saved and published: it goes live. "+
			"The Marketplace holds no draft and no live version of it yet.",
		"The document:\n\n"+
			"- Data residency regions: EU, US\n"+
			"- Supports Atlassian data residency: yes\n"+
			"- GDPR compliant: yes\n"+
			"- GDPR processing basis: legitimate interests\n"+
			"- GDPR user rights: access, right to erasure\n"+
			"- Security contact: \u201csecurity@example.com\u201d\n"+
			"- CAIQ Lite completed: yes\n"+
			"- CAIQ Lite link: \u201chttps://example.com/caiq\u201d\n")
}

// A destroy discards the pending draft the state describes (here with the basis' digest,
// the basis naming the same draft); the live version stays.
func TestDestroyWithAPendingDraft(t *testing.T) {
	before := typedState(alphaID, typedDoc(`["US"]`, `"CONSENT"`, "null"), "false", `"draft"`, basis(version("sha256:1a2b3c4d5e6f", "2026-12-02T14:05:00Z", "alice@example.com"), "null"))
	before = strings.Replace(before, `"updated_by": "ci@example.com", "updated_at": "2026-11-30T09:00:00Z"`,
		`"updated_by": "alice@example.com", "updated_at": "2026-12-02T14:05:00Z"`, 1)
	out := summarise(t, planOf(rc("alpha", `["delete"]`, before, "null", "{}")))
	wantLines(t, out, "1 app changes: 1 destroyed.",
		"### `marketplace_privacy_security.alpha`: destroyed\n\nProduct `"+alphaID+"`. "+
			"Draft by alice@example.com on 2 Dec 2026 14:05 UTC (sha256:1a2b3c4d5e6f) discarded. "+
			"The live version, if published, stays published: the Marketplace API cannot withdraw it.\n")
	dontWant(t, out, "Changes:", "The document:")

	// A basis of an earlier plan that names another draft is not the one discarded: the
	// state's own draft is.
	stale := strings.Replace(before, basis(version("sha256:1a2b3c4d5e6f", "2026-12-02T14:05:00Z", "alice@example.com"), "null"),
		basis(version("sha256:1a2b3c4d5e6f", "2026-11-01T00:00:00Z", "carol@example.com"), "null"), 1)
	out = summarise(t, planOf(rc("alpha", `["delete"]`, stale, "null", "{}")))
	wantLines(t, out, "Draft by alice@example.com on 2 Dec 2026 14:05 UTC discarded.")
	dontWant(t, out, "carol")

	// A published app's state does not describe the draft.
	live := strings.Replace(before, `"version_state": "draft"`, `"version_state": "live"`, 1)
	out = summarise(t, planOf(rc("alpha", `["delete"]`, live, "null", "{}")))
	wantLines(t, out, "Any pending draft is discarded.")
}

func TestReplaceWithAnotherProduct(t *testing.T) {
	before := typedState(alphaID, typedDoc(`["US"]`, `"CONSENT"`, "null"), "false", `"draft"`, "null")
	before = strings.Replace(before, `"updated_by": "ci@example.com", "updated_at": "2026-11-30T09:00:00Z"`,
		`"updated_by": "alice@example.com", "updated_at": "2026-12-02T14:05:00Z"`, 1)
	after := typedState(betaID, typedDoc(`["US"]`, `"CONSENT"`, "null"), "false", `"draft"`, "null")
	out := summarise(t, planOf(rc("alpha", `["delete", "create"]`, before, after, `{"id": true, "basis": true, "properties": true, "version_state": true}`)))
	wantLines(t, out, "1 app changes: 1 replaced.", "### `marketplace_privacy_security.alpha`: replaced",
		"Product `"+alphaID+"` → `"+betaID+"`. The resource moves to another app, which gets the document, "+
			"saved as a draft, not published. On the old app: Draft by alice@example.com on 2 Dec 2026 14:05 UTC discarded.",
		"The document:\n\n- Data residency regions: US\n")

	// The same product, replaced on request: the draft is written again.
	again := strings.Replace(after, betaID, alphaID, 2)
	repl := strings.Replace(rc("alpha", `["delete", "create"]`, before, again, `{"basis": true}`),
		`"change":`, `"action_reason": "replace_by_request", "change":`, 1)
	out = summarise(t, planOf(repl))
	wantLines(t, out, "Replaced, replace by request: the draft is discarded, then the document is written again")
	dontWant(t, out, "Changes:")
}

// with is a state or planned value with attributes set: name, raw JSON value, in pairs.
func with(t *testing.T, value string, pairs ...string) string {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(value), &m); err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(pairs); i += 2 {
		m[pairs[i]] = json.RawMessage(pairs[i+1])
	}
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

const (
	aliceDraft = `{"updated_by": "alice@example.com", "updated_at": "2026-12-01T10:00:00Z", "form_status": "DRAFT", "jira_links": null}`
	bobLive    = "sha256:00aa11bb22cc"
)

var liveBasis = basis(version("sha256:1a2b3c4d5e6f", "2026-12-01T10:00:00Z", "alice@example.com"),
	version(bobLive, "2026-11-02T08:30:00Z", "bob@example.com"))

// A pending draft that differs from live, the configuration equal to it, publish = true:
// the apply writes nothing and publishes the draft. The summary says which draft goes
// live, and that the plan does not hold the live version it replaces (the provider's
// warning, with -diagnostics, says what changes on the listing).
func TestPublishOnly(t *testing.T) {
	doc := typedDoc(`["US"]`, `"CONSENT"`, "null")
	before := with(t, typedState(alphaID, doc, "true", `"draft"`, "null"),
		"draft_digest", `"sha256:1a2b3c4d5e6f"`, "properties", aliceDraft)
	after := with(t, before, "version_state", `"live"`, "basis", liveBasis)
	change := planOf(rc("alpha", `["update"]`, before, after, `{}`))
	out := summarise(t, change)
	wantLines(t, out, "1 app changes: 1 published.", "**On the public listing:** 1 app goes live with this apply.",
		"### `marketplace_privacy_security.alpha`: published\n\n",
		"Nothing is written: the apply publishes the pending draft by alice@example.com on 1 Dec 2026 10:00 UTC (sha256:1a2b3c4d5e6f), and it goes live.",
		"The plan does not hold the live version by bob@example.com on 2 Nov 2026 08:30 UTC (sha256:00aa11bb22cc), "+
			"so what changes on the public listing is not in it: the provider's warnings in the output of `plan -json` say it; pass it with `-diagnostics`.")
	dontWant(t, out, "Changes:", "does not change", "No change")

	// With the plan's warnings: the provider's, which names the listing's changes, is the app's.
	warning := `{"type":"diagnostic","diagnostic":{"severity":"warning","summary":"Publishing the draft of ` + alphaID +
		`","detail":"Product ` + alphaID + `: this apply writes nothing and publishes the pending draft. On the public listing, 1 field(s) change: privacy.gdpr.dataProcessingBasis (\"CONTRACT\" -> \"CONSENT\").","address":"marketplace_privacy_security.alpha"}}`
	out = summarise(t, change, warning)
	wantLines(t, out, "so what changes on the public listing is not in it: see the plan's warnings below.",
		"Warnings of the plan:\n\n- **Publishing the draft of "+alphaID+"**: Product "+alphaID+": this apply writes nothing")

	// The first publication: the plan read no live version.
	first := with(t, after, "basis", basis(version("sha256:1a2b3c4d5e6f", "2026-12-01T10:00:00Z", "alice@example.com"), "null"))
	out = summarise(t, planOf(rc("alpha", `["update"]`, before, first, `{}`)))
	wantLines(t, out, "The app has no live version yet: this draft becomes its first public listing.")

	// Turning publish off changes nothing on the Marketplace, and says so.
	off := summarise(t, planOf(rc("alpha", `["update"]`, after, strings.Replace(after, `"publish":true`, `"publish":false`, 1), `{}`)))
	wantLines(t, off, "`publish` is turned off", "the live version stays as it is")
}

func TestNoOpAppsAreOneLine(t *testing.T) {
	state := typedState(alphaID, typedDoc(`["US"]`, `"CONSENT"`, "null"), "false", `"draft"`, "null")
	other := strings.Replace(state, alphaID, betaID, 2)
	out := summarise(t, planOf(rc("alpha", `["no-op"]`, state, state, "{}"), rc("beta", `["no-op"]`, other, other, "{}"),
		`{"address": "null_resource.x", "mode": "managed", "type": "null_resource", "change": {"actions": ["create"], "before": null, "after": {}}}`))
	want := "## Marketplace privacy and security: what this plan changes\n\n2 apps unchanged.\n"
	if out != want {
		t.Errorf("got:\n%s\nwant:\n%s", out, want)
	}
}

// A removed block with destroy = false: nothing happens on the Marketplace.
func TestForget(t *testing.T) {
	state := typedState(alphaID, typedDoc(`["US"]`, `"CONSENT"`, "null"), "false", `"draft"`, "null")
	out := summarise(t, planOf(rc("alpha", `["forget"]`, state, "null", "{}")))
	wantLines(t, out, "1 app changes: 1 no longer managed.", "### `marketplace_privacy_security.alpha`: no longer managed",
		"Terraform stops managing the app; nothing changes on the Marketplace")
	dontWant(t, out, "discarded")
}

func TestUnknownValues(t *testing.T) {
	before := typedState(alphaID, typedDoc(`["US"]`, `"CONSENT"`, `"security@example.com"`), "false", `"draft"`, "null")
	after := typedState(alphaID, typedDoc(`["US"]`, `"CONSENT"`, "null"), "false", `"draft"`, "null")
	out := summarise(t, planOf(rc("alpha", `["update"]`, before, after,
		`{"basis": true, "properties": true, "common_cloud": {"security": {"security_contact": true}, "data_retention": true}}`)))
	wantLines(t, out, "- Security contact: \u201csecurity@example.com\u201d → (known after apply)\n",
		"- Data retention: (known after apply)\n", "What it writes over is read at apply.")

	// The whole JSON document unknown (it depends on another resource), and publish too.
	jsonAfter := jsonState(alphaID, "null", "null", "null", "null")
	out = summarise(t, planOf(rc("alpha", `["update"]`, before, jsonAfter,
		`{"common_cloud_json": true, "publish": true, "version_state": true, "basis": true, "properties": true}`)))
	wantLines(t, out, "- The document: (known after apply)\n", "whether it is published is known after apply")

	// A create whose product ID is unknown.
	created := strings.Replace(after, `"product_id": "`+alphaID+`"`, `"product_id": null`, 1)
	out = summarise(t, planOf(rc("alpha", `["create"]`, "null", created, `{"product_id": true, "basis": true}`)))
	wantLines(t, out, "Product `(known after apply)`.")
}

// The plan's warnings (terraform plan -json) are attached to their app by address; the
// others are listed apart.
func TestDiagnosticsAreAttachedToTheirApp(t *testing.T) {
	before := typedState(alphaID, typedDoc(`["US"]`, `"CONSENT"`, "null"), "false", `"draft"`, "null")
	after := typedState(alphaID, typedDoc(`["US", "EU"]`, `"CONSENT"`, "null"), "false", `"draft"`, pendingBasis)
	out := summarise(t, planOf(rc("alpha", `["update"]`, before, after, `{"properties": true}`)),
		`{"@level":"info","@message":"Terraform 1.16.4","type":"version"}`,
		`{"@level":"warn","@message":"Warning: Overwriting a pending draft","type":"diagnostic","diagnostic":{"severity":"warning","summary":"Overwriting a pending draft","detail":"Product `+alphaID+` has an unpublished draft (last changed by alice@example.com at 2026-12-01T10:00:00Z).\n\nNothing has been written yet.","address":"marketplace_privacy_security.alpha"}}`,
		`{"@level":"warn","@message":"Warning: Overwriting a pending draft","type":"diagnostic","diagnostic":{"severity":"warning","summary":"Overwriting a pending draft","detail":"Product `+alphaID+` has an unpublished draft (last changed by alice@example.com at 2026-12-01T10:00:00Z).\n\nNothing has been written yet.","address":"marketplace_privacy_security.alpha"}}`,
		`{"@level":"warn","type":"diagnostic","diagnostic":{"severity":"warning","summary":"Deprecated attribute","detail":"x_y is deprecated"}}`,
		`{"@level":"warn","type":"diagnostic","diagnostic":{"severity":"warning","summary":"Destroying leaves the live version published","detail":"Destroying marketplace_privacy_security for product `+alphaID+`."}}`,
		`{"@level":"error","type":"diagnostic","diagnostic":{"severity":"error","summary":"Invalid provider configuration","detail":"base_url must be https"}}`,
		`not JSON at all`)
	wantLines(t, out,
		"Warnings of the plan:\n\n- **Overwriting a pending draft**: Product "+alphaID+" has an unpublished draft (last changed by alice@example.com at 2026-12-01T10:00:00Z). Nothing has been written yet.\n",
		"- **Destroying leaves the live version published**: Destroying marketplace\\_privacy\\_security for product "+alphaID+".\n",
		"### Errors of the plan\n\n- **Error: Invalid provider configuration**: base\\_url must be https\n",
		"_The plan's other warnings, not about these apps, are in the raw plan._\n")
	dontWant(t, out, "Deprecated")
	if strings.Count(out, "Overwriting a pending draft") != 1 {
		t.Errorf("a repeated warning is shown more than once:\n%s", out)
	}
	dontWant(t, out, "pass `-diagnostics`")
}

func TestBadInput(t *testing.T) {
	for name, in := range map[string]string{
		"not JSON":      "terraform plan output",
		"not a plan":    `{"resource_changes": []}`,
		"newer format":  `{"format_version": "2.0"}`,
		"bad json form": planOf(rc("alpha", `["create"]`, "null", jsonState(alphaID, `"{"`, "false", "null", "null"), "{}")),
	} {
		t.Run(name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(nil, strings.NewReader(in), &stdout, &stderr)
			if name == "bad json form" {
				if code != 0 || !strings.Contains(stdout.String(), "The document could not be read") {
					t.Errorf("exit %d\n%s%s", code, stdout.String(), stderr.String())
				}
				return
			}
			if code != 1 || stderr.Len() == 0 {
				t.Errorf("exit %d, stderr %q", code, stderr.String())
			}
		})
	}
	var stdout, stderr bytes.Buffer
	if code := run([]string{"a", "b"}, strings.NewReader(""), &stdout, &stderr); code != 2 {
		t.Errorf("two files: exit %d", code)
	}
}

func TestHumanise(t *testing.T) {
	for in, want := range map[string]string{"CONSENT": "consent", "THIRTY_DAYS": "thirty days", "90_DAYS": "90 days",
		"USER_PROFILE": "user profile", "Access": "\u201cAccess\u201d", "right to erasure": "\u201cright to erasure\u201d"} {
		if got := humanise(in); got != want {
			t.Errorf("humanise(%q) = %q, want %q", in, got, want)
		}
	}
}
