package e2e

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The reviewer's summary (cmd/marketplace-plan-summary) of a real plan, on each CLI, is the
// same expected Markdown: an app whose fields change (over a colleague's pending draft,
// with a field the configuration does not manage), an app created with the JSON form and
// published, an app destroyed with a pending draft, and one unchanged. Every document is
// seeded with fixed properties and adopted by import (which writes nothing), so that names,
// times and digests are the same on every run.
//
// SUMMARY_GOLDEN_UPDATE=1 rewrites testdata/summary.golden.md from the CLI that runs.
func TestAccSummaryOfAPlan(t *testing.T) {
	t.Parallel()
	c := testCLI(t)
	providerBin, emulatorBin := binaries(t)
	summaryBin := filepath.Join(t.TempDir(), "marketplace-plan-summary")
	build := exec.CommandContext(t.Context(), "go", "build", "-o", summaryBin, "../../cmd/marketplace-plan-summary")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	const (
		alpha = "aaaaaaaa-0000-4000-8000-000000000001" // changes, over alice's pending draft
		beta  = "bbbbbbbb-0000-4000-8000-000000000002" // created
		gamma = "cccccccc-0000-4000-8000-000000000003" // destroyed, with carol's pending draft
		delta = "dddddddd-0000-4000-8000-000000000004" // unchanged
	)
	seed := map[string]map[string]json.RawMessage{
		alpha: {"draft": json.RawMessage(`{"commonCloud": {
			"dataResidency": {"dataResidencyRegions": ["US"], "dataResidencyCompliance": true},
			"privacy": {"gdpr": {"gdprCompliant": true, "dataProcessingBasis": "CONSENT", "userRights": ["ACCESS", "ERASURE"]}},
			"logDetails": {"loggingEnabled": true, "logRetention": "THIRTY_DAYS"},
			"security": {"securityContact": "security@example.com"},
			"hasRestAPIExtension": true,
			"properties": {"updatedBy": "alice@example.com", "updatedAt": 1796119200000, "formStatus": "DRAFT"}}}`)},
		gamma: {
			"live": json.RawMessage(`{"commonCloud": {"logDetails": {"loggingEnabled": true},
				"properties": {"updatedBy": "dave@example.com", "updatedAt": 1790841600000, "formStatus": "APPROVED"}}}`),
			"draft": json.RawMessage(`{"commonCloud": {"logDetails": {"loggingEnabled": false},
				"properties": {"updatedBy": "carol@example.com", "updatedAt": 1796220300000, "formStatus": "DRAFT"}}}`),
		},
		delta: {"live": json.RawMessage(`{"commonCloud": {"security": {"securityContact": "trust@example.com"},
			"properties": {"updatedBy": "erin@example.com", "updatedAt": 1789475400000, "formStatus": "APPROVED"}}}`)},
	}
	stateFile := seedState(t, seed)
	creds := []string{"MARKETPLACE_EMAIL=ci@example.com", "MARKETPLACE_API_TOKEN=summary-token"}
	url := startEmulator(t, emulatorBin, stateFile, baseEnv(creds...), beta)
	w := newWorkspace(t, c, providerBin, baseEnv(append(creds, "MARKETPLACE_BASE_URL="+url)...))

	const header = `
terraform {
  required_providers {
    marketplace = { source = "marketplace-trust/marketplace" }
  }
}
`
	alphaConfig := func(regions, basis, retention, contact string) string {
		return `
resource "marketplace_privacy_security" "alpha" {
  product_id = "` + alpha + `"
  common_cloud = {
    data_residency = { data_residency_regions = ` + regions + `, data_residency_compliance = true }
    privacy = {
      gdpr = { gdpr_compliant = true, data_processing_basis = "` + basis + `", user_rights = ["ACCESS", "ERASURE"] }
    }
    log_details = { logging_enabled = true, log_retention = "` + retention + `" }
    security    = { security_contact = "` + contact + `" }
  }
}
`
	}
	const deltaConfig = `
resource "marketplace_privacy_security" "delta" {
  product_id   = "` + delta + `"
  common_cloud = { security = { security_contact = "trust@example.com" } }
}
`
	write := func(config string) {
		if err := os.WriteFile(filepath.Join(w.dir, "main.tf"), []byte(config), 0o600); err != nil {
			t.Fatal(err)
		}
	}

	// The apps as they stand, adopted: the import writes nothing.
	write(header + alphaConfig(`["US"]`, "CONSENT", "THIRTY_DAYS", "security@example.com") + deltaConfig + `
resource "marketplace_privacy_security" "gamma" {
  product_id   = "` + gamma + `"
  common_cloud = { log_details = { logging_enabled = false } }
}
import {
  to = marketplace_privacy_security.alpha
  id = "` + alpha + `"
}
import {
  to = marketplace_privacy_security.gamma
  id = "` + gamma + `"
}
import {
  to = marketplace_privacy_security.delta
  id = "` + delta + `"
}
`)
	seeded, err := os.ReadFile(stateFile)
	if err != nil {
		t.Fatal(err)
	}
	if out := w.mustRun("apply", "-input=false", "-auto-approve", "-no-color"); !strings.Contains(out, "3 imported, 0 added, 0 changed, 0 destroyed") {
		t.Fatalf("the import changed something:\n%s", out)
	}
	if now, _ := os.ReadFile(stateFile); string(now) != string(seeded) {
		var was, is any
		if json.Unmarshal(seeded, &was) != nil || json.Unmarshal(now, &is) != nil || !jsonEqual(was, is) {
			t.Fatalf("the import wrote to the Marketplace:\n%s", now)
		}
	}

	// The change a pull request brings: alpha's fields, beta created and published, gamma gone.
	write(header + alphaConfig(`["US", "EU"]`, "CONTRACT", "NINETY_DAYS", "https://example.com/security") + deltaConfig + `
resource "marketplace_privacy_security" "beta" {
  product_id = "` + beta + `"
  publish    = true
  common_cloud_json = jsonencode({
    dataResidency = { dataResidencyRegions = ["EU"], dataResidencyCompliance = true }
    privacy = {
      gdpr = { gdprCompliant = true, dataProcessingBasis = "LEGITIMATE_INTERESTS", userRights = ["ACCESS"] }
    }
    security = { securityContact = "security@example.com", hasCompliantCertifications = true, compliantCertifications = ["SOC2"] }
  })
}
`)
	planLog, code := w.run("plan", "-input=false", "-json", "-out=tfplan")
	if code != 0 {
		t.Fatalf("plan: exit %d\n%s", code, planLog)
	}
	diagnostics := filepath.Join(w.dir, "plan.jsonl")
	if err := os.WriteFile(diagnostics, []byte(planLog), 0o600); err != nil {
		t.Fatal(err)
	}
	planJSON := filepath.Join(w.dir, "plan.json")
	if err := os.WriteFile(planJSON, []byte(w.mustRun("show", "-json", "tfplan")), 0o600); err != nil {
		t.Fatal(err)
	}
	summary, err := exec.CommandContext(t.Context(), summaryBin, "-diagnostics", diagnostics, planJSON).CombinedOutput()
	if err != nil {
		t.Fatalf("marketplace-plan-summary: %v\n%s", err, summary)
	}

	// Without the plan's warnings, the drafts still show: from each app's basis and state.
	plain, err := exec.CommandContext(t.Context(), summaryBin, planJSON).CombinedOutput()
	if err != nil {
		t.Fatalf("marketplace-plan-summary without -diagnostics: %v\n%s", err, plain)
	}
	for _, want := range []string{"Draft by alice@example.com on 1 Dec 2026 10:00 UTC (sha256:",
		"Draft by carol@example.com on 2 Dec 2026 14:05 UTC discarded.", "pass `-diagnostics`"} {
		if !strings.Contains(string(plain), want) {
			t.Errorf("the summary without -diagnostics lacks %q:\n%s", want, plain)
		}
	}

	golden := filepath.Join("testdata", "summary.golden.md")
	if os.Getenv("SUMMARY_GOLDEN_UPDATE") != "" {
		if err := os.WriteFile(golden, summary, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if string(summary) != string(want) {
		t.Errorf("the summary on %s %s differs from %s (SUMMARY_GOLDEN_UPDATE=1 rewrites it):\n--- got\n%s\n--- want\n%s",
			c.name, c.version, golden, summary, want)
	}
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}
