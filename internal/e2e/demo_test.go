package e2e

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// make demo, on the CLI under test: the apply succeeds, the live document is printed once
// (the apply's outputs), and the second plan is empty.
func TestAccDemo(t *testing.T) {
	t.Parallel()
	c := testCLI(t)
	cmd := exec.CommandContext(t.Context(), "bash", "../../scripts/demo.sh")
	cmd.Env = append(os.Environ(), "DEMO_CLI_PATH="+c.path, "TF_LOG=", "TF_LOG_PROVIDER=")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("make demo: %v\n%s", err, out)
	}
	text := string(out)
	// dpaUrl is in the live document only, so it counts how often the document is printed.
	if n := strings.Count(text, `"dpaUrl"`); n != 1 {
		t.Errorf("the live document is printed %d times, want once:\n%s", n, text)
	}
	for _, want := range []string{"Apply complete! Resources: 1 added", "a second plan is empty", "no changes", `"POST" "/rest/3/privacy-and-security/products/12345678-1234-1234-1234-123456789abc/publish" 204`} {
		if !strings.Contains(text, want) {
			t.Errorf("the demo's output lacks %q:\n%s", want, text)
		}
	}
}
