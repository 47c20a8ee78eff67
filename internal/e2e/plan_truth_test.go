package e2e

import (
	"encoding/json"
	"strings"
	"testing"
)

// What an apply will do beyond the attributes shows in the plan, in the CLI's own output:
// a plan that cannot apply for want of credentials fails; a create over an app that has
// someone's unpublished draft says so and writes nothing; a write that keeps fields the
// configuration does not manage names them; a plan with no change warns of nothing.
func TestAccPlanTellsWhatTheApplyWillDo(t *testing.T) {
	t.Parallel()
	seed := map[string]map[string]json.RawMessage{productID: {"draft": json.RawMessage(`{"commonCloud": {
		"logDetails": {"loggingEnabled": false, "logRetention": "7_DAYS"}, "hasRestAPIExtension": true,
		"properties": {"updatedBy": "colleague@example.com", "updatedAt": 1642233600000, "formStatus": "DRAFT"}}}`)}}
	f := newFixture(t, testCLI(t), emulatorOptions{seed: seed})
	config := func(retention string) string {
		return "\n" + providerHeader + `resource "marketplace_privacy_security" "app" {
  product_id = "` + productID + `"
  common_cloud = {
    log_details = {
      logging_enabled = true
      log_retention   = "` + retention + `"
    }
  }
}
`
	}
	write := func(w *workspace, retention string) { w.write("main.tf", config(retention)) }
	before := f.stored()

	// Without credentials: the plan fails, naming the variables to set.
	anonymous := f.workspaceWithEnv("MARKETPLACE_BASE_URL=" + f.url)
	write(anonymous, "30_DAYS")
	out, code := anonymous.run("plan", "-input=false", "-no-color")
	if code != 1 || !strings.Contains(out, "Marketplace credentials required") ||
		!strings.Contains(out, "MARKETPLACE_EMAIL") || !strings.Contains(out, "MARKETPLACE_API_TOKEN") {
		t.Errorf("plan without credentials: exit %d, want 1 naming MARKETPLACE_EMAIL and MARKETPLACE_API_TOKEN:\n%s", code, out)
	}

	// With them: the create announces the draft it would overwrite, and what it keeps.
	w := f.workspace()
	write(w, "30_DAYS")
	out = w.mustRun("plan", "-input=false", "-no-color")
	for _, want := range []string{"Creating over an existing document", "unpublished draft", "colleague@example.com",
		"logDetails.logRetention", "Fields this configuration does not manage are kept", "hasRestAPIExtension"} {
		if !strings.Contains(oneLine(out), want) {
			t.Errorf("the plan of the create lacks %q:\n%s", want, out)
		}
	}
	if after := f.stored(); after != before {
		t.Errorf("the plan wrote to the Marketplace:\n%s", after)
	}

	w.mustRun("apply", "-input=false", "-auto-approve")
	if after := f.stored(); !strings.Contains(after, "hasRestAPIExtension") || !strings.Contains(after, "30_DAYS") {
		t.Errorf("after the apply the draft lost a field or lacks the change:\n%s", after)
	}

	// No change: no warning of the provider's.
	if out, code := w.run("plan", "-input=false", "-no-color", "-detailed-exitcode"); code != 0 ||
		strings.Contains(out, "does not manage") || strings.Contains(out, "existing document") {
		t.Errorf("a plan with no change: exit %d, or a warning:\n%s", code, out)
	}
	// A change: the fields kept are named again.
	write(w, "90_DAYS")
	out = w.mustRun("plan", "-input=false", "-no-color")
	if !strings.Contains(out, "Fields this configuration does not manage are kept") || !strings.Contains(out, "hasRestAPIExtension") ||
		strings.Contains(out, "Creating over an existing document") {
		t.Errorf("the plan of a change does not name the fields kept:\n%s", out)
	}
}

// A key of common_cloud_json the provider does not know is sent, with a warning in the
// plan that suggests the likely key.
func TestAccPlanWarnsOfUnknownJSONKeys(t *testing.T) {
	t.Parallel()
	w := newFixture(t, testCLI(t), emulatorOptions{products: []string{productID}}).workspace()
	w.write("main.tf", "\n"+providerHeader+`resource "marketplace_privacy_security" "app" {
  product_id        = "`+productID+`"
  common_cloud_json = jsonencode({ security = { securityContactt = "security@example.com" }, hasRestAPIExtension = true })
}
`)
	out := w.mustRun("plan", "-input=false", "-no-color")
	flat := oneLine(out)
	// Two unknown keys: each warning is shown, the typo's suggestion too (warnings that share
	// a summary are folded into one by the CLI).
	for _, want := range []string{"Unknown key in common_cloud_json: security.securityContactt (did you mean securityContact?)",
		"security.securityContactt is not a key this provider knows", "Unknown key in common_cloud_json: hasRestAPIExtension",
		"1 to add"} {
		if !strings.Contains(flat, want) {
			t.Errorf("the plan lacks %q:\n%s", want, out)
		}
	}
}

// An import by identity checks product_id exactly as an import by ID does, before any
// request (identity import blocks need Terraform 1.12 or OpenTofu).
func TestAccIdentityImportChecksTheProductID(t *testing.T) {
	t.Parallel()
	c := testCLI(t)
	skipUnless(t, c, c.hasIdentityImport(), "has no identity import blocks")
	f := newFixture(t, c, emulatorOptions{products: []string{productID}})
	w := f.workspace()
	w.write("main.tf", "\n"+providerHeader+`import {
  to       = marketplace_privacy_security.app
  identity = { product_id = "not-a-uuid" }
}
resource "marketplace_privacy_security" "app" {
  product_id   = "`+productID+`"
  common_cloud = { log_details = { logging_enabled = true } }
}
`)
	out, code := w.run("plan", "-input=false", "-no-color")
	if code == 0 || !strings.Contains(out, "Invalid import identity") || !strings.Contains(out, "is not a product ID") {
		t.Errorf("plan: exit %d\n%s", code, out)
	}
	if strings.Contains(f.log.String(), "not-a-uuid") {
		t.Errorf("the bad product ID reached the API:\n%s", f.log.String())
	}
}
