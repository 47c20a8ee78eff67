package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Any document the Marketplace holds can be adopted: one left so in the UI (an empty
// security contact, certifications claimed and none listed, a DPA without its URL, codes
// in lower case, an empty object) is imported with generated configuration, which plans
// clean with a warning naming each rule on every CLI (an empty string is the same as none);
// empty lists and objects round-trip. A later change that
// introduces a value breaking a rule is refused, one that mends it passes.
func TestAccAdoptionOfADocumentAsItStands(t *testing.T) {
	t.Parallel()
	c := testCLI(t)
	skipUnless(t, c, c.generatesConfig(), "cannot generate configuration (plan -generate-config-out needs 1.5+)")
	left := `{"commonCloud": {
		"security": {"securityContact": "", "hasCompliantCertifications": true},
		"privacy": {"dataProcessingAgreement": {"dpaAvailable": true}, "gdpr": {"userRights": ["Access", "right to erasure"]}},
		"dataRetention": {},
		"properties": {"updatedBy": "ui@example.com", "updatedAt": 1700000000000, "formStatus": "APPROVED"}}}`
	w := newFixture(t, c, emulatorOptions{seed: map[string]map[string]json.RawMessage{productID: {"live": json.RawMessage(left)}}}).workspace()
	w.copyIn("../../examples/onboarding/main.tf")

	planOut, _ := w.run("plan", "-input=false", "-no-color", "-generate-config-out=generated.tf")
	t.Cleanup(func() {
		if g, err := os.ReadFile(filepath.Join(w.dir, "generated.tf")); err == nil && t.Failed() {
			t.Logf("generated.tf:\n%s", g)
		}
	})
	out := oneLine(planOut)
	// An empty string and an absent one mean the same on the typed form: the import records
	// neither as a value (Terraform's generator would write null for "", OpenTofu's ""),
	// and the generated configuration plans the import alone on every CLI.
	if !strings.Contains(out, "1 to import, 0 to add, 0 to change, 0 to destroy") {
		t.Errorf("the generated configuration does not plan the import alone:\n%s", out)
	}
	for _, want := range []string{"Empty string (kept: the Marketplace holds it)", "Missing compliant_certifications (kept",
		"Missing dpa_url (kept", "Invalid code (kept", `"right to erasure"`, "Empty object (kept", "Fix it in a later change"} {
		if !strings.Contains(out, want) {
			t.Errorf("the onboarding plan lacks the warning %q:\n%s", want, out)
		}

	}
	generated, err := os.ReadFile(filepath.Join(w.dir, "generated.tf"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(oneLine(string(generated)), "data_retention = { backup_retention = null deletion_process = null retention_period = null }") {
		t.Errorf("the empty object does not round-trip into generated.tf:\n%s", generated)
	}
	// Each warning once (Terraform 1.16 shows an import's warnings again at the generated
	// configuration when the read's diagnostics carry attribute paths).
	applyOut := oneLine(w.mustRun("apply", "-input=false", "-auto-approve", "-no-color"))
	for _, want := range []string{"Missing dpa_url (kept", "Empty object (kept", "Missing compliant_certifications (kept"} {
		if n := strings.Count(out, want) + strings.Count(applyOut, want); n > 2 {
			t.Errorf("plan and apply say %q %d times, want once each:\nplan: %s\napply: %s", want, n, out, applyOut)
		}
		if n := strings.Count(out, want); n != 1 {
			t.Errorf("the plan says %q %d times, want once:\n%s", want, n, out)
		}
		if n := strings.Count(applyOut, want); n > 1 {
			t.Errorf("the apply says %q %d times, want once:\n%s", want, n, applyOut)
		}
	}
	if out, code := w.run("plan", "-input=false", "-detailed-exitcode", "-no-color"); code != 0 {
		t.Errorf("after adopting, the plan is not empty (exit %d):\n%s", code, out)
	}

	// A change that introduces a value breaking a rule is refused; mending it passes.
	text := string(generated)
	bad := strings.Replace(text, `"Access"`, `"Access", "portability"`, 1)
	if bad == text {
		t.Fatalf("cannot find the user rights in generated.tf:\n%s", text)
	}
	w.write("generated.tf", bad)
	if out, code := w.run("plan", "-input=false", "-no-color"); code != 1 || !strings.Contains(oneLine(out), `"portability" is not a code`) {
		t.Errorf("a new lower-case code: exit %d, want 1 refusing it:\n%s", code, out)
	}
	good := strings.Replace(text, `"Access"`, `"ACCESS"`, 1)
	w.write("generated.tf", good)
	if out, code := w.run("plan", "-input=false", "-no-color", "-detailed-exitcode"); code != 2 {
		t.Errorf("mending a code: exit %d, want 2 (a change):\n%s", code, out)
	}
}
