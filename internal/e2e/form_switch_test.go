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
	c := testCLI(t)
	providerBin, emulatorBin := binaries(t)
	// A colleague set isDiskEncryptionSupported in the UI; the JSON configuration never held it.
	live := `{"commonCloud": {"logDetails": {"loggingEnabled": true, "logRetention": "30_DAYS"},
		"security": {"securityContact": "security@example.com", "isDiskEncryptionSupported": true},
		"properties": {"updatedBy": "ui@example.com", "updatedAt": 1700000000000, "formStatus": "APPROVED"}}}`
	stateFile := seedState(t, map[string]map[string]json.RawMessage{productID: {"live": json.RawMessage(live)}})
	creds := []string{"MARKETPLACE_EMAIL=vendor@example.com", "MARKETPLACE_API_TOKEN=switch-token"}
	url := startEmulator(t, emulatorBin, stateFile, baseEnv(creds...))
	w := newWorkspace(t, c, providerBin, baseEnv(append(creds, "MARKETPLACE_BASE_URL="+url)...))
	flat := func(s string) string { return strings.Join(strings.Fields(s), " ") }

	writeFile(t, w.dir, "main.tf", providerHeader+`resource "marketplace_privacy_security" "app" {
  product_id = "`+productID+`"
  common_cloud_json = jsonencode({
    logDetails = { loggingEnabled = true, logRetention = "30_DAYS" }
    security   = { securityContact = "security@example.com" }
    hasRestAPIExtension = true
  })
}
`)
	w.mustRun("apply", "-auto-approve", "-input=false", "-no-color")
	writeFile(t, w.dir, "main.tf", providerHeader+`resource "marketplace_privacy_security" "app" {
  product_id = "`+productID+`"
  common_cloud = {
    log_details = { logging_enabled = true, log_retention = "90_DAYS" }
    security    = { security_contact = "security@example.com" }
  }
}
`)
	out := flat(w.mustRun("plan", "-input=false", "-no-color"))
	for _, want := range []string{"Switching the form of the document", "from common_cloud_json to common_cloud",
		"removes 2 field(s): hasRestAPIExtension, security.isDiskEncryptionSupported", "changes 1 field(s): logDetails.logRetention",
		"hasRestAPIExtension cannot be expressed in common_cloud", "stay with common_cloud_json"} {
		if !strings.Contains(out, want) {
			t.Errorf("the plan of the switch lacks %q:\n%s", want, out)
		}
	}
}
