package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// A published app whose live version holds a field the configuration does not manage, and a
// colleague's pending draft without it: a change with publish = true writes over the draft
// and publishes it. The plan must not say the field is kept (the write starts from the draft),
// and must say the published version loses it.
func TestAccPublishOverADraftNamesWhatTheLiveVersionLoses(t *testing.T) {
	t.Parallel()
	c := testCLI(t)
	providerBin, emulatorBin := binaries(t)
	const email, token = "vendor@example.com", "pending-token"
	live := `{"commonCloud": {"logDetails": {"loggingEnabled": true, "logRetention": "30_DAYS"}, "hasRestAPIExtension": true,
		"properties": {"updatedBy": "ui@example.com", "updatedAt": 1700000000000, "formStatus": "SUBMITTED"}}}`
	stateFile := seedState(t, map[string]map[string]json.RawMessage{productID: {"live": json.RawMessage(live)}})
	creds := []string{"MARKETPLACE_EMAIL=" + email, "MARKETPLACE_API_TOKEN=" + token}
	url := startEmulator(t, emulatorBin, stateFile, baseEnv(creds...))
	w := newWorkspace(t, c, providerBin, baseEnv(append(creds, "MARKETPLACE_BASE_URL="+url)...))
	config := func(retention string) {
		writeFile(t, w.dir, "main.tf", providerHeader+`resource "marketplace_privacy_security" "app" {
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
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPut, url+"/rest/3/privacy-and-security/products/"+productID,
		bytes.NewReader([]byte(`{"commonCloud": {"logDetails": {"loggingEnabled": false}}}`)))
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(email, token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()

	config("90_DAYS")
	out := strings.Join(strings.Fields(w.mustRun("plan", "-input=false", "-no-color")), " ")
	if !strings.Contains(out, "Publishing removes fields of the live version") || !strings.Contains(out, "does not hold: hasRestAPIExtension") {
		t.Errorf("the plan does not say the published version loses hasRestAPIExtension:\n%s", out)
	}
	if strings.Contains(out, "does not model: hasRestAPIExtension") {
		t.Errorf("the plan says hasRestAPIExtension is kept, and the write drops it:\n%s", out)
	}
}
