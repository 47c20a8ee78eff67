package e2e

import (
	"encoding/json"
	"strings"
	"testing"
)

// A published app whose live version holds a field the configuration does not manage, and a
// colleague's pending draft without it: a change with publish = true writes over the draft
// and publishes it. The plan must not say the field is kept (the write starts from the draft),
// and must say the published version loses it.
func TestAccPublishOverADraftNamesWhatTheLiveVersionLoses(t *testing.T) {
	t.Parallel()
	live := `{"commonCloud": {"logDetails": {"loggingEnabled": true, "logRetention": "30_DAYS"}, "hasRestAPIExtension": true,
		"properties": {"updatedBy": "ui@example.com", "updatedAt": 1700000000000, "formStatus": "SUBMITTED"}}}`
	f := newFixture(t, testCLI(t), emulatorOptions{seed: map[string]map[string]json.RawMessage{productID: {"live": json.RawMessage(live)}}})
	w := f.workspace()
	config := func(retention string) {
		w.write("main.tf", providerHeader+`resource "marketplace_privacy_security" "app" {
  product_id = "`+productID+`"
  publish    = true
  common_cloud = {
    log_details = { logging_enabled = true, log_retention = "`+retention+`" }
  }
}
`)
	}
	config("30_DAYS")
	w.mustRun("apply", "-auto-approve", "-input=false", "-no-color")

	// A colleague's draft, without the field.
	f.put(productID, `{"commonCloud": {"logDetails": {"loggingEnabled": false}}}`)

	config("90_DAYS")
	out := oneLine(w.mustRun("plan", "-input=false", "-no-color"))
	if !strings.Contains(out, "Publishing removes fields of the live version") || !strings.Contains(out, "does not hold: hasRestAPIExtension") {
		t.Errorf("the plan does not say the published version loses hasRestAPIExtension:\n%s", out)
	}
	if strings.Contains(out, "does not model: hasRestAPIExtension") {
		t.Errorf("the plan says hasRestAPIExtension is kept, and the write drops it:\n%s", out)
	}
}
