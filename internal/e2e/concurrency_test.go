package e2e

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// 200 resources applied with -parallelism=20 against an emulator that fails one request in
// ten with 503 and rate-limits with 429: the apply succeeds, every product holds its
// configuration, and the next plan (through the same faults) is empty.
func TestAccConcurrentApplyUnderFaults(t *testing.T) {
	t.Parallel()
	const n = 200
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("00000000-0000-4000-8000-%012d", i)
	}
	f := newFixture(t, testCLI(t), emulatorOptions{email: "ci@example.com", token: "ci-token",
		flags: []string{"-product", strings.Join(ids, ","), "-fail-rate", "0.1", "-fail-status", "503", "-rate-limit", "100", "-rate-burst", "5"}})

	w := f.workspace()
	idList, _ := json.Marshal(ids)
	w.write("main.tf", fmt.Sprintf(`
%sprovider "marketplace" {
  max_retries = 10
}
locals {
  ids = %s
}
resource "marketplace_privacy_security" "app" {
  for_each   = toset(local.ids)
  product_id = each.value
  publish    = true
  common_cloud = {
    security = {
      security_contact = "security+${each.value}@example.com"
    }
    log_details = {
      logging_enabled = true
      log_retention   = "30_DAYS"
    }
  }
}
`, providerHeader, idList))

	out := w.mustRun("apply", "-auto-approve", "-input=false", "-parallelism=20")
	if !strings.Contains(out, fmt.Sprintf("%d added, 0 changed, 0 destroyed", n)) {
		t.Errorf("apply:\n%s", tail(out, 40))
	}

	saved := f.storedDocs()
	for _, id := range ids {
		var live struct {
			CommonCloud map[string]any `json:"commonCloud"`
		}
		if err := json.Unmarshal(saved[id]["live"], &live); err != nil {
			t.Errorf("%s: live %s: %v", id, saved[id]["live"], err)
			continue
		}
		delete(live.CommonCloud, "properties")
		got, _ := json.Marshal(live.CommonCloud)
		want := fmt.Sprintf(`{"logDetails":{"logRetention":"30_DAYS","loggingEnabled":true},"security":{"securityContact":"security+%s@example.com"}}`, id)
		if string(got) != want || len(saved[id]["draft"]) != 0 {
			t.Errorf("%s: live %s, draft %s", id, got, saved[id]["draft"])
		}
	}

	if out, code := w.run("plan", "-input=false", "-detailed-exitcode", "-parallelism=20"); code != 0 {
		t.Errorf("plan after apply (exit %d):\n%s", code, tail(out, 40))
	}

	// The faults did happen, so the run above proves something.
	log := f.log.String()
	failures, limited := strings.Count(log, `" 503 `), strings.Count(log, `" 429 `)
	t.Logf("emulator answered %d requests: %d with 503, %d with 429", strings.Count(log, "\n")-1, failures, limited)
	if failures == 0 || limited == 0 {
		t.Errorf("expected both injected 503s and rate-limit 429s, got %d and %d", failures, limited)
	}
}
