package e2e

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// The pipeline's shape, on the real CLI and the emulator: a plan is saved and reviewed, a
// colleague edits the app in the Marketplace meanwhile, and the saved plan is applied. The
// apply changes nothing for that app and says who changed it and to plan again; planned
// again, it converges and keeps the colleague's field. The plans of a destroy, of a
// replacement (-replace and a new product_id) and of a published app with someone's draft
// say what they will do.
func TestAccPipelineAppliesWhatWasReviewed(t *testing.T) {
	t.Parallel()
	const other = "87654321-4321-4321-4321-cba987654321"
	f := newFixture(t, testCLI(t), emulatorOptions{products: []string{productID, other}})
	email := f.email
	w := f.workspace()
	config := func(product, retention string, publish bool) {
		w.write("main.tf", providerHeader+`resource "marketplace_privacy_security" "app" {
  product_id = "`+product+`"
  publish    = `+map[bool]string{true: "true", false: "false"}[publish]+`
  common_cloud = {
    log_details = {
      logging_enabled = true
      log_retention   = "`+retention+`"
    }
  }
}
`)
	}

	config(productID, "30_DAYS", false)
	w.mustRun("apply", "-auto-approve", "-input=false", "-no-color")

	// The reviewed plan, then a colleague's edit in the UI, then the apply of the saved plan.
	config(productID, "90_DAYS", false)
	plan := w.mustRun("plan", "-out=tfplan", "-input=false", "-no-color")
	if !strings.Contains(plan, `basis`) || !strings.Contains(plan, `updated_by = "`+email+`"`) {
		t.Errorf("the plan does not show its basis:\n%s", plan)
	}
	f.put(productID, `{"commonCloud": {"logDetails": {"loggingEnabled": true, "logRetention": "7_DAYS"}, "hasRestAPIExtension": true}}`)
	out, code := w.run("apply", "-input=false", "-no-color", "tfplan")
	for _, want := range []string{"The Marketplace changed since the plan", productID, "by " + email,
		"logDetails.logRetention", "Nothing was written, published or discarded", "Run terraform plan again"} {
		if code != 1 || !strings.Contains(oneLine(out), want) {
			t.Errorf("apply of the stale plan: exit %d, want 1 and %q:\n%s", code, want, out)
		}
	}
	if draft := f.request(http.MethodGet, productID+"?state=draft", ""); !strings.Contains(draft, "7_DAYS") || !strings.Contains(draft, "hasRestAPIExtension") {
		t.Errorf("the stale apply changed the colleague's draft: %s", draft)
	}

	// Planned again: the plan shows the colleague's draft as its basis; the apply converges.
	w.mustRun("plan", "-out=tfplan", "-input=false", "-no-color")
	w.mustRun("apply", "-input=false", "-no-color", "tfplan")
	if draft := f.request(http.MethodGet, productID+"?state=draft", ""); !strings.Contains(draft, "90_DAYS") || !strings.Contains(draft, "hasRestAPIExtension") {
		t.Errorf("after planning again: %s, want 90_DAYS with the colleague's field kept", draft)
	}
	if _, code := w.run("plan", "-detailed-exitcode", "-input=false", "-no-color"); code != 0 {
		t.Errorf("the plan after converging has changes (exit %d)", code)
	}

	// -replace: the replacement's plan shows what the new object will be written over.
	out = oneLine(w.mustRun("plan", "-replace=marketplace_privacy_security.app", "-input=false", "-no-color"))
	if !strings.Contains(out, "will be replaced, as requested") || !strings.Contains(out, `~ basis = jsonencode(`) || !strings.Contains(out, `~ draft = {`) {
		t.Errorf("the -replace plan does not show the replacement's basis:\n%s", out)
	}

	// A new product_id: the plan that forces the replacement warns of the other app's draft.
	f.put(other, `{"commonCloud": {"logDetails": {"loggingEnabled": false}}}`)
	config(other, "90_DAYS", false)
	out = oneLine(w.mustRun("plan", "-input=false", "-no-color"))
	for _, want := range []string{"must be replaced", "Creating over an existing document", "Product " + other + " already has an unpublished draft", "logDetails.loggingEnabled (false -> true)"} {
		if !strings.Contains(out, want) {
			t.Errorf("the replacing plan lacks %q:\n%s", want, out)
		}
	}

	// Published, with a colleague's pending draft: the plan of a change names it.
	config(productID, "90_DAYS", true)
	w.mustRun("apply", "-auto-approve", "-input=false", "-no-color")
	f.put(productID, `{"commonCloud": {"logDetails": {"loggingEnabled": true, "logRetention": "1_DAYS"}}}`)
	config(productID, "30_DAYS", true)
	out = oneLine(w.mustRun("plan", "-input=false", "-no-color"))
	for _, want := range []string{"Overwriting a pending draft", "unpublished draft (last changed by " + email, `logDetails.logRetention ("1_DAYS" -> "30_DAYS")`} {
		if !strings.Contains(out, want) {
			t.Errorf("the plan over a pending draft lacks %q:\n%s", want, out)
		}
	}

	// -replace over that pending draft: the plan names the draft the new object overwrites
	// (Terraform shows no warning of a replacement's create half, so the basis says it).
	out = oneLine(w.mustRun("plan", "-replace=marketplace_privacy_security.app", "-input=false", "-no-color"))
	if !strings.Contains(out, "will be replaced, as requested") || !regexp.MustCompile(`draft = \{ .*fate = "overwritten by this apply"`).MatchString(out) ||
		!strings.Contains(out, `updated_by = "`+email+`"`) {
		t.Errorf("the -replace plan does not name the pending draft it overwrites:\n%s", out)
	}

	// A destroy's plan says what it discards and that the live version stays.
	out = oneLine(w.mustRun("plan", "-destroy", "-input=false", "-no-color"))
	for _, want := range []string{"Destroying leaves the live version published", "Its draft sha256:", "is discarded", "stays published"} {
		if !strings.Contains(out, want) {
			t.Errorf("the destroy plan lacks %q:\n%s", want, out)
		}
	}
}
