package e2e

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A full apply and destroy with TF_LOG=TRACE: the token and the Authorization value appear
// nowhere in the CLI's output, its log (which holds the provider's logs too) or the state,
// whether the token comes from the environment or from the provider block.
func TestAccTokenNeverLeaks(t *testing.T) {
	t.Parallel()
	c := testCLI(t)
	const email, token = "secrets@example.com", "tok-9f8e7d6c5b4a39281706f5e4d3c2b1a0"
	basic := base64.StdEncoding.EncodeToString([]byte(email + ":" + token))
	f := newFixture(t, c, emulatorOptions{email: email, token: token, products: []string{productID}})

	for name, setup := range map[string]struct {
		env      []string
		provider string
	}{
		"environment": {
			env:      []string{"MARKETPLACE_EMAIL=" + email, "MARKETPLACE_API_TOKEN=" + token},
			provider: `provider "marketplace" {}`,
		},
		"provider block": {
			env: []string{"TF_VAR_token=" + token},
			provider: `variable "token" {
  type      = string
  sensitive = true
}
provider "marketplace" {
  email     = "` + email + `"
  api_token = var.token
}`,
		},
	} {
		t.Run(name, func(t *testing.T) {
			logFile := filepath.Join(t.TempDir(), "trace.log")
			env := append(setup.env, "MARKETPLACE_BASE_URL="+f.url, "TF_LOG=TRACE", "TF_LOG_PATH="+logFile)
			w := newWorkspace(t, c, f.provider, baseEnv(env...))
			w.write("main.tf", providerHeader+setup.provider+`
resource "marketplace_privacy_security" "app" {
  product_id = "`+productID+`"
  publish    = true
  common_cloud = { security = { security_contact = "security@example.com" } }
}
`)
			output := w.mustRun("apply", "-auto-approve", "-input=false")
			output += w.mustRun("destroy", "-auto-approve", "-input=false")

			logs, err := os.ReadFile(logFile)
			if err != nil {
				t.Fatal(err)
			}
			state, err := os.ReadFile(filepath.Join(w.dir, "terraform.tfstate"))
			if err != nil {
				t.Fatal(err)
			}
			// The log really holds the provider's request logs, so an absence means something.
			for _, want := range []string{"sending request", "received response", "@module=marketplace.marketplace_api"} {
				if !strings.Contains(string(logs), want) {
					t.Errorf("the trace log lacks %q: the provider's logs were not captured", want)
				}
			}
			for what, text := range map[string]string{"output": output, "log": string(logs), "state": string(state)} {
				for _, secret := range []string{token, basic} {
					if strings.Contains(text, secret) {
						t.Errorf("the %s holds a secret (%.8s...)", what, secret)
					}
				}
			}
		})
	}
}
