package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The reviewer's summary (cmd/marketplace-plan-summary) of a real plan, on each CLI, is the
// same expected Markdown: an app whose fields change (over a colleague's pending draft,
// with a field the configuration does not manage), an app created with the JSON form and
// published, an app destroyed with a pending draft, an app whose pending draft is published
// as it is (publish turned on: nothing is written, the listing changes), and one unchanged.
// Every document is seeded with fixed properties and adopted by import (which writes
// nothing), so that names, times and digests are the same on every run.
//
// SUMMARY_GOLDEN_UPDATE=1 rewrites testdata/summary.golden.md from the CLI that runs.
func TestAccSummaryOfAPlan(t *testing.T) {
	t.Parallel()
	c := testCLI(t)

	const (
		alpha = "aaaaaaaa-0000-4000-8000-000000000001" // changes, over alice's pending draft
		beta  = "bbbbbbbb-0000-4000-8000-000000000002" // created
		gamma = "cccccccc-0000-4000-8000-000000000003" // destroyed, with carol's pending draft
		delta = "dddddddd-0000-4000-8000-000000000004" // unchanged
		eps   = "eeeeeeee-0000-4000-8000-000000000005" // frank's pending draft, published as it is
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
		eps: {
			"live": json.RawMessage(`{"commonCloud": {"logDetails": {"loggingEnabled": true, "logRetention": "THIRTY_DAYS"},
				"properties": {"updatedBy": "dave@example.com", "updatedAt": 1790841600000, "formStatus": "APPROVED"}}}`),
			"draft": json.RawMessage(`{"commonCloud": {"logDetails": {"loggingEnabled": true, "logRetention": "NINETY_DAYS"},
				"properties": {"updatedBy": "frank@example.com", "updatedAt": 1796205600000, "formStatus": "DRAFT"}}}`),
		},
	}
	f := newFixture(t, c, emulatorOptions{email: "ci@example.com", token: "summary-token", seed: seed, products: []string{beta}})
	w := f.workspace()

	const header = "\n" + providerHeader
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
	epsConfig := func(publish string) string {
		return `
resource "marketplace_privacy_security" "eps" {
  product_id   = "` + eps + `"
  publish      = ` + publish + `
  common_cloud = { log_details = { logging_enabled = true, log_retention = "NINETY_DAYS" } }
}
`
	}
	write := func(config string) { w.write("main.tf", config) }

	// The apps as they stand, adopted: the import writes nothing.
	write(header + alphaConfig(`["US"]`, "CONSENT", "THIRTY_DAYS", "security@example.com") + deltaConfig + epsConfig("false") + `
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
import {
  to = marketplace_privacy_security.eps
  id = "` + eps + `"
}
`)
	seeded := f.stored()
	if out := w.mustRun("apply", "-input=false", "-auto-approve", "-no-color"); !strings.Contains(out, "4 imported, 0 added, 0 changed, 0 destroyed") {
		t.Fatalf("the import changed something:\n%s", out)
	}
	if now := f.stored(); now != seeded {
		var was, is any
		if json.Unmarshal([]byte(seeded), &was) != nil || json.Unmarshal([]byte(now), &is) != nil || !jsonEqual(was, is) {
			t.Fatalf("the import wrote to the Marketplace:\n%s", now)
		}
	}

	// The change a pull request brings: alpha's fields, beta created and published, gamma
	// gone, eps's draft published.
	write(header + alphaConfig(`["US", "EU"]`, "CONTRACT", "NINETY_DAYS", "https://example.com/security") + deltaConfig + epsConfig("true") + `
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
	summary, plain := summariseRealPlan(t, w, "tfplan")
	// Without the plan's warnings, the drafts still show: from each app's basis and state; and
	// that the plan does not hold what eps's publish changes on the listing.
	for _, want := range []string{"Draft by alice@example.com on 1 Dec 2026 10:00 UTC (sha256:",
		"Draft by carol@example.com on 2 Dec 2026 14:05 UTC (sha256:", "discarded.",
		"Nothing is written: the apply publishes the pending draft by frank@example.com on 2 Dec 2026 10:00 UTC (sha256:",
		"so what changes on the public listing is not in it: the provider's warnings in the output of `plan -json` say it; pass it with `-diagnostics`.",
		"Pass `-diagnostics`"} {
		if !strings.Contains(plain, want) {
			t.Errorf("the summary without -diagnostics lacks %q:\n%s", want, plain)
		}
	}
	matchGolden(t, c, "summary.golden.md", summary)
}

// summariseRealPlan runs plan -json -out=NAME (with args), show -json NAME and the summary,
// with the plan's diagnostics and without; the plan must succeed.
func summariseRealPlan(t *testing.T, w *workspace, name string, args ...string) (summary, plain string) {
	t.Helper()
	planLog, code := w.run(append([]string{"plan", "-input=false", "-json", "-out=" + name}, args...)...)
	if code != 0 {
		t.Fatalf("plan %v: exit %d\n%s", args, code, planLog)
	}
	diagnostics := filepath.Join(w.dir, name+".jsonl")
	if err := os.WriteFile(diagnostics, []byte(planLog), 0o600); err != nil {
		t.Fatal(err)
	}
	planJSON := filepath.Join(w.dir, name+".json")
	if err := os.WriteFile(planJSON, []byte(w.mustRun("show", "-json", name)), 0o600); err != nil {
		t.Fatal(err)
	}
	bin := summaryBinary(t)
	with, err := exec.CommandContext(t.Context(), bin, "-diagnostics", diagnostics, planJSON).CombinedOutput()
	if err != nil {
		t.Fatalf("marketplace-plan-summary: %v\n%s", err, with)
	}
	without, err := exec.CommandContext(t.Context(), bin, planJSON).CombinedOutput()
	if err != nil {
		t.Fatalf("marketplace-plan-summary without -diagnostics: %v\n%s", err, without)
	}
	return string(with), string(without)
}

// matchGolden compares a summary with testdata/NAME; SUMMARY_GOLDEN_UPDATE=1 rewrites it.
func matchGolden(t *testing.T, c cli, name, summary string) {
	t.Helper()
	golden := filepath.Join("testdata", name)
	if os.Getenv("SUMMARY_GOLDEN_UPDATE") != "" {
		if err := os.WriteFile(golden, []byte(summary), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if summary != string(want) {
		t.Errorf("the summary on %s %s differs from %s (SUMMARY_GOLDEN_UPDATE=1 rewrites it):\n--- got\n%s\n--- want\n%s",
			c.name, c.version, golden, summary, want)
	}
}

// The summary of plans with the publish action (Terraform 1.14 and later; OpenTofu has no
// actions), compared with testdata/summary-actions.golden.md: a trigger plan (an update
// whose after_update publishes the draft it writes: the state describes the live version,
// so the listing's changes are the plan's), and an -invoke release of two apps (for_each),
// each publishing its pending draft: every invocation is in the summary, with its app and
// the action's warning, where Terraform's own output folds the two warnings into one.
func TestAccSummaryOfActionPlans(t *testing.T) {
	t.Parallel()
	c := testCLI(t)
	skipUnless(t, c, c.hasActions(), "has no actions (Terraform 1.14 and later have)")
	const (
		app  = "ffffffff-0000-4000-8000-000000000006" // live only; the trigger publishes its update
		wiki = "99999999-0000-4000-8000-000000000007" // alice's pending draft, released
		docs = "88888888-0000-4000-8000-000000000008" // bob's pending draft, released
	)
	live := json.RawMessage(`{"commonCloud": {"logDetails": {"loggingEnabled": true, "logRetention": "THIRTY_DAYS"},
		"security": {"securityContact": "security@example.com"},
		"properties": {"updatedBy": "dave@example.com", "updatedAt": 1790841600000, "formStatus": "APPROVED"}}}`)
	draft := func(retention, by string, at int64) json.RawMessage {
		return json.RawMessage(fmt.Sprintf(`{"commonCloud": {"logDetails": {"loggingEnabled": true, "logRetention": %q},
			"security": {"securityContact": "security@example.com"},
			"properties": {"updatedBy": %q, "updatedAt": %d, "formStatus": "DRAFT"}}}`, retention, by, at))
	}
	w := newFixture(t, c, emulatorOptions{email: "ci@example.com", token: "summary-token", seed: map[string]map[string]json.RawMessage{
		app:  {"live": live},
		wiki: {"live": live, "draft": draft("NINETY_DAYS", "alice@example.com", 1796119200000)},
		docs: {"live": live, "draft": draft("SEVEN_DAYS", "bob@example.com", 1796220300000)},
	}}).workspace()

	apps := func(appRetention, trigger string) string {
		return "\n" + providerHeader + `
resource "marketplace_privacy_security" "app" {
  product_id = "` + app + `"
  common_cloud = {
    log_details = { logging_enabled = true, log_retention = "` + appRetention + `" }
    security    = { security_contact = "security@example.com" }
  }
` + trigger + `}

action "marketplace_privacy_security_publish" "app" {
  config {
    product_id   = marketplace_privacy_security.app.product_id
    draft_digest = marketplace_privacy_security.app.draft_digest
  }
}

variable "release" {
  type    = set(string)
  default = []
}

resource "marketplace_privacy_security" "apps" {
  for_each   = { wiki = "` + wiki + `", docs = "` + docs + `" }
  product_id = each.value
  common_cloud = {
    log_details = { logging_enabled = true, log_retention = each.key == "wiki" ? "NINETY_DAYS" : "SEVEN_DAYS" }
    security    = { security_contact = "security@example.com" }
  }
}

action "marketplace_privacy_security_publish" "release" {
  for_each = var.release
  config {
    product_id   = marketplace_privacy_security.apps[each.key].product_id
    draft_digest = marketplace_privacy_security.apps[each.key].draft_digest
  }
}
`
	}
	// Adopted as they stand: the import writes nothing.
	w.write("main.tf", apps("THIRTY_DAYS", "")+`
import {
  to = marketplace_privacy_security.app
  id = "`+app+`"
}
import {
  to = marketplace_privacy_security.apps["wiki"]
  id = "`+wiki+`"
}
import {
  to = marketplace_privacy_security.apps["docs"]
  id = "`+docs+`"
}
`)
	if out := w.mustRun("apply", "-input=false", "-auto-approve", "-no-color"); !strings.Contains(out, "3 imported, 0 added, 0 changed, 0 destroyed") {
		t.Fatalf("the import changed something:\n%s", out)
	}

	// A merge that changes the app, whose trigger publishes what the apply writes.
	w.write("main.tf", apps("NINETY_DAYS", `
  lifecycle {
    action_trigger {
      events  = [after_create, after_update]
      actions = [action.marketplace_privacy_security_publish.app]
    }
  }
`))
	trigger, plainTrigger := summariseRealPlan(t, w, "trigger.tfplan")
	for _, want := range []string{"updated, then published by an action", "saved as a draft, which an action then publishes: it goes live.",
		"What changes on the public listing, live version → the draft this apply writes:\n\n- Log retention: thirty days → ninety days\n",
		"triggered by `after_update` of `marketplace_privacy_security.app`"} {
		if !strings.Contains(plainTrigger, want) {
			t.Errorf("the trigger plan's summary without -diagnostics lacks %q:\n%s", want, plainTrigger)
		}
	}

	// A release: both apps' pending drafts, on purpose (the app's change left out).
	w.write("main.tf", apps("THIRTY_DAYS", ""))
	release, plainRelease := summariseRealPlan(t, w, "release.tfplan",
		"-invoke=action.marketplace_privacy_security_publish.release", `-var=release=["wiki","docs"]`)
	for _, want := range []string{"2 apps change: 2 published.", "the pending draft by alice@example.com on 1 Dec 2026 10:00 UTC (sha256:",
		"the pending draft by bob@example.com on 2 Dec 2026 14:05 UTC (sha256:", "The plan does not hold the live version"} {
		if !strings.Contains(plainRelease, want) {
			t.Errorf("the release plan's summary without -diagnostics lacks %q:\n%s", want, plainRelease)
		}
	}
	for _, id := range []string{wiki, docs} {
		if !strings.Contains(release, "- **Publishing the draft of "+id+"**") {
			t.Errorf("the release plan's summary lacks the action's warning for %s:\n%s", id, release)
		}
	}
	matchGolden(t, c, "summary-actions.golden.md", "<!-- trigger plan -->\n"+trigger+"\n<!-- release plan -->\n"+release)
}
