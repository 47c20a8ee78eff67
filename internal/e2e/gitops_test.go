package e2e

import (
	"strings"
	"testing"
)

// examples/gitops applies as a pipeline would (drafts, then publish switched on by the
// variable), and plans clean afterwards.
func TestAccGitOpsExample(t *testing.T) {
	t.Parallel()
	f := newFixture(t, testCLI(t), emulatorOptions{email: "ci@example.com", token: "ci-token", products: []string{productID}})
	w := f.workspace()
	w.copyIn("../../examples/gitops/.")

	w.mustRun("validate")
	if out := w.mustRun("apply", "-auto-approve"); !strings.Contains(out, "1 added") {
		t.Errorf("apply:\n%s", out)
	}
	if s := f.storedDocs()[productID]; len(s["draft"]) == 0 || len(s["live"]) != 0 {
		t.Errorf("publish=false must write only the draft: %v", s)
	}
	if out := w.mustRun("apply", "-auto-approve", "-var", "publish=true"); !strings.Contains(out, "1 changed") {
		t.Errorf("publishing apply:\n%s", out)
	}
	if s := f.storedDocs()[productID]; len(s["draft"]) != 0 || !strings.Contains(string(s["live"]), "security@example.com") {
		t.Errorf("publish=true must publish: %v", s)
	}
	if out, code := w.run("plan", "-detailed-exitcode", "-var", "publish=true"); code != 0 {
		t.Errorf("plan after apply not empty (exit %d):\n%s", code, out)
	}
}
