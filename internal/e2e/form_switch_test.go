package e2e

import (
	"encoding/json"
	"strings"
	"testing"
)

// Switching an app from common_cloud_json to common_cloud: the plan shows the JSON going and
// the typed form coming, not what happens to each field, so it names every field the write
// removes or changes, a field the JSON form was keeping for a colleague included; nothing
// is dropped without the plan saying so.
func TestAccFormSwitchNamesWhatTheWriteRemoves(t *testing.T) {
	t.Parallel()
	// A colleague set isDiskEncryptionSupported in the UI; the JSON configuration never held it.
	live := `{"commonCloud": {"logDetails": {"loggingEnabled": true, "logRetention": "30_DAYS"},
		"security": {"securityContact": "security@example.com", "isDiskEncryptionSupported": true},
		"properties": {"updatedBy": "ui@example.com", "updatedAt": 1700000000000, "formStatus": "APPROVED"}}}`
	w := newFixture(t, testCLI(t), emulatorOptions{seed: map[string]map[string]json.RawMessage{productID: {"live": json.RawMessage(live)}}}).workspace()

	w.write("main.tf", providerHeader+`resource "marketplace_privacy_security" "app" {
  product_id = "`+productID+`"
  common_cloud_json = jsonencode({
    logDetails = { loggingEnabled = true, logRetention = "30_DAYS" }
    security   = { securityContact = "security@example.com" }
    hasRestAPIExtension = true
  })
}
`)
	w.mustRun("apply", "-auto-approve", "-input=false", "-no-color")
	w.write("main.tf", providerHeader+`resource "marketplace_privacy_security" "app" {
  product_id = "`+productID+`"
  common_cloud = {
    log_details = { logging_enabled = true, log_retention = "90_DAYS" }
    security    = { security_contact = "security@example.com" }
  }
}
`)
	out := oneLine(w.mustRun("plan", "-input=false", "-no-color"))
	for _, want := range []string{"Switching the form of the document", "from common_cloud_json to common_cloud",
		"removes 2 field(s): hasRestAPIExtension, security.isDiskEncryptionSupported", "changes 1 field(s): logDetails.logRetention",
		"hasRestAPIExtension cannot be expressed in common_cloud", "stay with common_cloud_json"} {
		if !strings.Contains(out, want) {
			t.Errorf("the plan of the switch lacks %q:\n%s", want, out)
		}
	}
}
