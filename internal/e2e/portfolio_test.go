package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// A vendor's whole portfolio in one command (Terraform 1.14+; OpenTofu has no list blocks):
// terraform query -generate-config-out over a developer space of 120 apps (3 pages, some
// private), looked up by vendor ID, writes a resource and an import block for every app; the
// plan then imports all 120 and changes nothing; include_resource costs one round trip per app
// (its draft and live version read at once).
func TestAccPortfolioQueryGeneratesEveryApp(t *testing.T) {
	t.Parallel()
	c := testCLI(t)
	skipUnless(t, c, c.hasListBlocks(), "has no list blocks (terraform query needs Terraform 1.14+)")
	const developerSpace, vendor = "0a0b0c0d-1111-4222-8333-444455556666", "1234"

	// 120 apps filled in on the Marketplace: each has a live document; every tenth is private.
	seed := map[string]map[string]json.RawMessage{}
	var public, private []string
	for i := 1; i <= 120; i++ {
		id := fmt.Sprintf("00000000-0000-4000-8000-%012d", i)
		seed[id] = map[string]json.RawMessage{"live": json.RawMessage(fmt.Sprintf(`{"commonCloud": {
			"logDetails": {"loggingEnabled": true, "logRetention": "%d_DAYS"},
			"security": {"securityContact": "security@example.com"},
			"properties": {"updatedBy": "ui@example.com", "updatedAt": 1700000000000, "formStatus": "APPROVED"}}}`, i))}
		if i%10 == 0 {
			private = append(private, id)
		} else {
			public = append(public, id)
		}
	}
	f := newFixture(t, c, emulatorOptions{seed: seed, flags: []string{
		"-product", strings.Join(public, ","), "-private-product", strings.Join(private, ","),
		"-developer-space", developerSpace, "-vendor-id", vendor,
	}})
	log := f.log
	w := f.workspace()
	// examples/onboarding/portfolio as it is (its vendor ID is the emulator's here).
	for _, name := range []string{"main.tf", "portfolio.tfquery.hcl"} {
		text, err := os.ReadFile(filepath.Join("../../examples/onboarding/portfolio", name))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(text), `vendor_id = "`+vendor+`"`) && name != "main.tf" {
			t.Fatalf("%s does not list vendor %s", name, vendor)
		}
		w.write(name, string(text))
	}

	before := len(log.String())
	w.mustRun("query", "-generate-config-out=generated.tf", "-no-color")
	queryLog := log.String()[before:]
	// Each app's draft and live version, read at once (one round trip per app), as its import
	// reads it: the draft, else the live version.
	if n, drafts := strings.Count(queryLog, `"GET" "/rest/3/privacy-and-security/products/`), strings.Count(queryLog, "state=draft"); n != 240 || drafts != 120 {
		t.Errorf("the query read %d documents, %d of them drafts; want the draft and the live version of each app (240, 120)", n, drafts)
	}
	if n := strings.Count(queryLog, `"/rest/3/product-listing/developer-space/`+developerSpace); n != 3 {
		t.Errorf("the query read %d pages of the listing, want 3", n)
	}
	generated, err := os.ReadFile(filepath.Join(w.dir, "generated.tf"))
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range append(public, private...) {
		if strings.Count(string(generated), `"`+id+`"`) < 2 { // the resource's product_id and the import's identity
			t.Errorf("generated.tf lacks app %s", id)
		}
	}
	if n := len(regexp.MustCompile(`(?m)^resource "marketplace_privacy_security"`).FindAllString(string(generated), -1)); n != 120 {
		t.Errorf("generated.tf has %d resource blocks, want 120", n)
	}

	out := w.mustRun("plan", "-input=false", "-no-color")
	if !strings.Contains(out, "Plan: 120 to import, 0 to add, 0 to change, 0 to destroy.") {
		t.Errorf("the plan of the generated configuration is not 120 clean imports:\n%s", out)
	}
	w.mustRun("apply", "-auto-approve", "-input=false", "-no-color")
	if out, code := w.run("plan", "-detailed-exitcode", "-input=false", "-no-color"); code != 0 {
		t.Errorf("after the imports the plan is not empty (exit %d):\n%s", code, out)
	}
}
