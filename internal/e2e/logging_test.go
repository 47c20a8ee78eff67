package e2e

import (
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
	const token = "tok-logs-0123456789abcdef"
	f := newFixture(t, c, emulatorOptions{email: "logs@example.com", token: token, products: []string{productID}})
	config := providerHeader + `resource "marketplace_privacy_security" "app" {
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
			w := newWorkspace(t, c, f.provider, f.env(tc.env...))
			w.write("main.tf", config)
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
