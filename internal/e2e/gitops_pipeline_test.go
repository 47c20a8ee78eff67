package e2e

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// examples/gitops's pipeline, through its own script (scripts/pipeline.sh, which the workflow
// runs) on the real CLI and the emulator: the pull request's job plans in one checkout and
// saves the plan; the merge's job applies that saved plan from another checkout with the same
// backend. A colleague's edit in the Marketplace between the two, no saved plan for the
// commit (or one of another commit), and a plan made stale by another apply: each refuses the
// apply, says to re-run the plan job, and writes nothing.
func TestAccGitopsPipeline(t *testing.T) {
	t.Parallel()
	c := testCLI(t)
	providerBin, emulatorBin := binaries(t)
	const email, token = "ci@example.com", "ci-token"
	creds := []string{"MARKETPLACE_EMAIL=" + email, "MARKETPLACE_API_TOKEN=" + token}
	stateFile := filepath.Join(t.TempDir(), "emulator.json")
	url := startEmulator(t, emulatorBin, stateFile, baseEnv(creds...), productID)
	backend := filepath.Join(t.TempDir(), "terraform.tfstate") // the pipeline's shared state
	rc := providerMirror(t, c, providerBin)

	// checkout is a fresh clone of the repository at a commit: the example, with the backend
	// both jobs share.
	checkout := func(retention string) *workspace {
		w := newWorkspace(t, c, providerBin, baseEnv(append(creds, "MARKETPLACE_BASE_URL="+url)...))
		w.env = append(w.env, "TF_CLI_CONFIG_FILE="+rc) // the last one counts
		if out, err := exec.CommandContext(t.Context(), "cp", "-R", "../../examples/gitops/.", w.dir).CombinedOutput(); err != nil {
			t.Fatalf("cp: %v %s", err, out)
		}
		override := fmt.Sprintf("terraform {\n  backend \"local\" {\n    path = %q\n  }\n}\n", backend)
		if err := os.WriteFile(filepath.Join(w.dir, "backend_override.tf"), []byte(override), 0o600); err != nil {
			t.Fatal(err)
		}
		doc := filepath.Join(w.dir, "apps", "example.json")
		data, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(doc, bytes.ReplaceAll(data, []byte(`"30_DAYS"`), []byte(`"`+retention+`"`)), 0o600); err != nil {
			t.Fatal(err)
		}
		return w
	}
	// scriptWith runs scripts/pipeline.sh as the workflow does, for the commit given.
	scriptWith := func(env []string, w *workspace, commit string, args ...string) (string, int) {
		t.Helper()
		cmd := exec.CommandContext(t.Context(), "bash", append([]string{"scripts/pipeline.sh"}, args...)...)
		cmd.Dir = w.dir
		cmd.Env = append(append(append([]string{}, w.env...), "TF_BIN="+c.path, "PLAN_COMMIT="+commit), env...)
		out, err := cmd.CombinedOutput()
		var exitErr *exec.ExitError
		if err != nil && !errors.As(err, &exitErr) {
			t.Fatalf("pipeline.sh %v: %v", args, err)
		}
		return string(out), cmd.ProcessState.ExitCode()
	}
	script := func(w *workspace, commit string, args ...string) (string, int) {
		t.Helper()
		return scriptWith(nil, w, commit, args...)
	}
	// Without the script's check against a plan made now, Terraform's and the provider's own
	// checks refuse, and the script says the same.
	noPrecheck := []string{"PRECHECK=false"}
	// artifact moves the plan job's saved plan to the apply job's checkout, as the
	// workflow's upload-artifact and download-artifact do.
	artifact := func(from, to *workspace) {
		t.Helper()
		_ = os.RemoveAll(filepath.Join(to.dir, "saved-plan"))
		if out, err := exec.CommandContext(t.Context(), "cp", "-R", filepath.Join(from.dir, "saved-plan"), to.dir).CombinedOutput(); err != nil {
			t.Fatalf("cp: %v %s", err, out)
		}
	}
	stored := func() string {
		data, err := os.ReadFile(stateFile)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		return string(data)
	}
	colleague := func(body string) {
		req, err := http.NewRequestWithContext(context.Background(), http.MethodPut,
			url+"/rest/3/privacy-and-security/products/"+productID, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.SetBasicAuth(email, token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if resp.StatusCode/100 != 2 {
			t.Fatalf("the colleague's edit: %s %s", resp.Status, data)
		}
	}
	refused := func(what, out string, code int, want ...string) {
		t.Helper()
		flat := strings.Join(strings.Fields(out), " ")
		for _, w := range append([]string{"APPLY REFUSED", "Nothing was written", "re-run the plan job"}, want...) {
			if code == 0 || !strings.Contains(flat, w) {
				t.Errorf("%s: exit %d, want non-zero and %q:\n%s", what, code, w, out)
			}
		}
	}
	const commit1, commit2, commit3 = "1111111111111111111111111111111111111111",
		"2222222222222222222222222222222222222222", "3333333333333333333333333333333333333333"

	// (a) The pull request's plan in one checkout, applied from the merge's checkout.
	pr, merge := checkout("90_DAYS"), checkout("90_DAYS")
	outputs := filepath.Join(t.TempDir(), "github-output")
	out, code := scriptWith([]string{"GITHUB_OUTPUT=" + outputs, "SUMMARY_BIN=" + summaryBinary(t)}, pr, commit1, "plan")
	if code != 0 || !strings.Contains(out, "1 to add") {
		t.Fatalf("plan: exit %d\n%s", code, out)
	}
	if data, _ := os.ReadFile(outputs); string(data) != "changes=true\npublish=false\n" {
		t.Errorf("the plan's step outputs: %q, want changes=true and publish=false (publish.auto.tfvars)", data)
	}
	// The summary for reviewers, posted above the plan.
	if summary, err := os.ReadFile(filepath.Join(pr.dir, "saved-plan", "summary.md")); err != nil ||
		!strings.Contains(string(summary), "what this plan changes") || !strings.Contains(string(summary), ": created") {
		t.Errorf("the plan's summary for reviewers: %v\n%s", err, summary)
	}
	for _, f := range []string{"tfplan", "plan.txt", "show.txt", "commit", ".terraform.lock.hcl"} {
		if _, err := os.Stat(filepath.Join(pr.dir, "saved-plan", f)); err != nil {
			t.Errorf("the saved plan lacks %s: %v", f, err)
		}
	}
	if s := stored(); strings.Contains(s, "90_DAYS") {
		t.Fatalf("the plan wrote to the Marketplace: %s", s)
	}
	artifact(pr, merge)
	if out, code := script(merge, commit1, "apply"); code != 0 || !strings.Contains(out, "1 added") {
		t.Fatalf("apply of the saved plan: exit %d\n%s", code, out)
	}
	if s := stored(); !strings.Contains(s, "90_DAYS") || !strings.Contains(s, "security@example.com") {
		t.Fatalf("the emulator does not hold the applied plan: %s", s)
	}

	// (b) Reviewed, then a colleague edits the app's draft in the UI, then merged: refused.
	pr, merge = checkout("5_DAYS"), checkout("5_DAYS")
	if out, code := script(pr, commit2, "plan"); code != 0 {
		t.Fatalf("plan: exit %d\n%s", code, out)
	}
	colleague(`{"commonCloud": {"logDetails": {"loggingEnabled": true, "logRetention": "7_DAYS"}, "hasRestAPIExtension": true}}`)
	before := stored()
	artifact(pr, merge)
	out, code = scriptWith(noPrecheck, merge, commit2, "apply")
	refused("apply after a colleague's edit (the provider's check)", out, code, "The Marketplace changed since the plan",
		"The provider refused to write the apps", "Nothing was written for those apps")
	if after := stored(); after != before {
		t.Errorf("the refused apply changed the Marketplace:\nbefore %s\nafter  %s", before, after)
	}
	out, code = script(merge, commit2, "apply")
	refused("apply after a colleague's edit", out, code, "The Marketplace or the state changed since the plan was reviewed",
		`a plan made now differs from the saved plan for: marketplace_privacy_security.app["example"]`, "hasRestAPIExtension")
	if after := stored(); after != before || !strings.Contains(after, "7_DAYS") || !strings.Contains(after, "hasRestAPIExtension") {
		t.Errorf("the refused apply changed the Marketplace:\nbefore %s\nafter  %s", before, after)
	}

	// (c) No saved plan for the merged commit, or the saved plan of another commit: refused.
	_ = os.RemoveAll(filepath.Join(merge.dir, "saved-plan"))
	out, code = script(merge, commit2, "apply")
	refused("apply without a saved plan", out, code, "No saved plan for this commit")
	artifact(pr, merge)
	out, code = script(merge, commit3, "apply")
	refused("apply of another commit's plan", out, code, "The saved plan is of commit "+commit2)
	if after := stored(); after != before {
		t.Errorf("a refused apply changed the Marketplace:\nbefore %s\nafter  %s", before, after)
	}

	// (d) Planned again (the colleague's draft its basis), and a second plan of the same
	// commit applied first (a re-run): the first saved plan is stale, refused.
	other := checkout("5_DAYS")
	if out, code := script(pr, commit2, "plan"); code != 0 {
		t.Fatalf("plan again: exit %d\n%s", code, out)
	}
	if out, code := script(other, commit2, "plan"); code != 0 {
		t.Fatalf("second plan: exit %d\n%s", code, out)
	}
	artifact(other, merge)
	if out, code := script(merge, commit2, "apply"); code != 0 || !strings.Contains(out, "1 changed") {
		t.Fatalf("apply of the second plan: exit %d\n%s", code, out)
	}
	applied := stored()
	if !strings.Contains(applied, "5_DAYS") || !strings.Contains(applied, "hasRestAPIExtension") {
		t.Errorf("after planning again: %s, want 5_DAYS with the colleague's field kept", applied)
	}
	artifact(pr, merge)
	out, code = scriptWith(noPrecheck, merge, commit2, "apply")
	refused("apply of a stale plan (Terraform's check)", out, code, "Saved plan is stale", "the state changed since the plan was made")
	if after := stored(); after != applied {
		t.Errorf("the stale apply changed the Marketplace:\nbefore %s\nafter  %s", applied, after)
	}
	out, code = script(merge, commit2, "apply")
	refused("apply of a stale plan", out, code, "The Marketplace or the state changed since the plan was reviewed")
	if after := stored(); after != applied {
		t.Errorf("the stale apply changed the Marketplace:\nbefore %s\nafter  %s", applied, after)
	}
}

// providerMirror installs the built provider in a filesystem mirror, as version 0.1.0 of the
// example's source, and returns a CLI configuration that installs it from there: the
// pipeline runs terraform init (for the backend), which development overrides do not allow
// for the overridden provider, and the saved plan goes with the lock file that init writes.
func providerMirror(t *testing.T, c cli, providerBin string) string {
	t.Helper()
	host := "registry.terraform.io"
	if c.name == "OpenTofu" {
		host = "registry.opentofu.org"
	}
	mirror := t.TempDir()
	dir := filepath.Join(mirror, host, "marketplace-trust", "marketplace", "0.1.0", runtime.GOOS+"_"+runtime.GOARCH)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(providerBin)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "terraform-provider-marketplace_v0.1.0"), data, 0o755); err != nil { //nolint:gosec // an executable
		t.Fatal(err)
	}
	rc := filepath.Join(t.TempDir(), "mirror.tfrc")
	config := fmt.Sprintf(`provider_installation {
  filesystem_mirror {
    path    = %q
    include = ["marketplace-trust/marketplace"]
  }
}
`, mirror)
	if err := os.WriteFile(rc, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	return rc
}
