package e2e

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// examples/gitops applies as a pipeline would (drafts, then publish switched on by the
// variable), and plans clean afterwards.
func TestAccGitOpsExample(t *testing.T) {
	t.Parallel()
	c := testCLI(t)
	providerBin, emulatorBin := binaries(t)
	stateFile := filepath.Join(t.TempDir(), "emulator.json")
	creds := []string{"MARKETPLACE_EMAIL=ci@example.com", "MARKETPLACE_API_TOKEN=ci-token"}
	url := startEmulator(t, emulatorBin, stateFile, baseEnv(creds...), productID)
	w := newWorkspace(t, c, providerBin, baseEnv(append(creds, "MARKETPLACE_BASE_URL="+url)...))
	if out, err := exec.CommandContext(t.Context(), "cp", "-R", "../../examples/gitops/.", w.dir).CombinedOutput(); err != nil {
		t.Fatalf("cp: %v %s", err, out)
	}

	w.mustRun("validate")
	if out := w.mustRun("apply", "-auto-approve"); !strings.Contains(out, "1 added") {
		t.Errorf("apply:\n%s", out)
	}
	stored := func() map[string]json.RawMessage {
		data, _ := os.ReadFile(stateFile)
		var s map[string]map[string]json.RawMessage
		_ = json.Unmarshal(data, &s)
		return s[productID]
	}
	if s := stored(); len(s["draft"]) == 0 || len(s["live"]) != 0 {
		t.Errorf("publish=false must write only the draft: %v", s)
	}
	if out := w.mustRun("apply", "-auto-approve", "-var", "publish=true"); !strings.Contains(out, "1 changed") {
		t.Errorf("publishing apply:\n%s", out)
	}
	if s := stored(); len(s["draft"]) != 0 || !strings.Contains(string(s["live"]), "security@example.com") {
		t.Errorf("publish=true must publish: %v", s)
	}
	if out, code := w.run("plan", "-detailed-exitcode", "-var", "publish=true"); code != 0 {
		t.Errorf("plan after apply not empty (exit %d):\n%s", code, out)
	}
}
