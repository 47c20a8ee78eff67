package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The README's troubleshooting lines, as a user would type them: TF_LOG_PROVIDER=DEBUG shows
// each request the provider sends (method, path, status) on the CLI's standard error,
// TRACE adds the bodies; TF_LOG_PROVIDER_MARKETPLACE sets this provider's own level within
// what TF_LOG_PROVIDER lets through, and alone shows nothing (the CLI shows provider logs
// only with TF_LOG or TF_LOG_PROVIDER set), as docs/index.md says.
func TestAccDebugLogShowsEachRequest(t *testing.T) {
	t.Parallel()
	c := testCLI(t)
	providerBin, emulatorBin := binaries(t)
	const email, token = "logs@example.com", "tok-logs-0123456789abcdef"
	url := startEmulator(t, emulatorBin, filepath.Join(t.TempDir(), "emulator.json"), baseEnv("MARKETPLACE_EMAIL="+email, "MARKETPLACE_API_TOKEN="+token), productID)
	config := `terraform {
  required_providers {
    marketplace = { source = "marketplace-trust/marketplace" }
  }
}
resource "marketplace_privacy_security" "app" {
  product_id = "` + productID + `"
  common_cloud = { security = { security_contact = "security@example.com" } }
}
`
	for _, tc := range []struct {
		name             string
		env              []string
		requests, bodies bool
	}{
		{"TF_LOG_PROVIDER=DEBUG", []string{"TF_LOG_PROVIDER=DEBUG"}, true, false},
		{"TF_LOG_PROVIDER=TRACE", []string{"TF_LOG_PROVIDER=TRACE"}, true, true},
		{"TF_LOG_PROVIDER=TRACE, this provider at DEBUG", []string{"TF_LOG_PROVIDER=TRACE", "TF_LOG_PROVIDER_MARKETPLACE=DEBUG"}, true, false},
		{"TF_LOG_PROVIDER=DEBUG, this provider at INFO", []string{"TF_LOG_PROVIDER=DEBUG", "TF_LOG_PROVIDER_MARKETPLACE=INFO"}, false, false},
		{"TF_LOG_PROVIDER_MARKETPLACE=DEBUG alone", []string{"TF_LOG_PROVIDER_MARKETPLACE=DEBUG"}, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := append([]string{"MARKETPLACE_BASE_URL=" + url, "MARKETPLACE_EMAIL=" + email, "MARKETPLACE_API_TOKEN=" + token}, tc.env...)
			w := newWorkspace(t, c, providerBin, baseEnv(env...))
			if err := os.WriteFile(filepath.Join(w.dir, "main.tf"), []byte(config), 0o600); err != nil {
				t.Fatal(err)
			}
			out := w.mustRun("plan", "-input=false")
			requests := strings.Contains(out, "sending request") && strings.Contains(out, "received response") &&
				strings.Contains(out, "/rest/3/privacy-and-security/products/"+productID)
			if requests != tc.requests {
				t.Errorf("request lines shown: %v, want %v\n%s", requests, tc.requests, out)
			}
			if bodies := strings.Contains(out, "response body"); bodies != tc.bodies {
				t.Errorf("bodies shown: %v, want %v", bodies, tc.bodies)
			}
			if strings.Contains(out, token) {
				t.Error("the token appears in the output")
			}
		})
	}
}
