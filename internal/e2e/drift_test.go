package e2e

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// examples/gitops's nightly drift job, through its own script (scripts/pipeline.sh drift, which
// .github/workflows/marketplace-drift.yml runs) on the real CLI and the emulator, over a
// portfolio of two apps: applied, it reports nothing (clean, exit 0); after a colleague
// publishes an edit of one app and saves a draft of the other, it reports both (drift, exit
// 2): which app, its live listing or pending draft, who changed it and when, and what to do;
// a failed check is an error (exit 1), not drift; applied again, it is clean again. It never
// writes to the Marketplace.
func TestAccDrift(t *testing.T) {
	t.Parallel()
	const second = "87654321-4321-4321-4321-cba987654321"
	const commit = "5555555555555555555555555555555555555555"
	p := newGitopsPipeline(t, second)
	w := p.checkout("30_DAYS")
	w.write("apps.auto.tfvars", "apps = {\n  example = \""+productID+"\"\n  second  = \""+second+"\"\n}\n")
	w.write("apps/second.json", `{
  "security": { "securityContact": "https://second.example.com/security" },
  "logDetails": { "loggingEnabled": false }
}
`)
	apply := func() {
		t.Helper()
		if out, code := p.script(nil, w, commit, "plan"); code != 0 {
			t.Fatalf("plan: exit %d\n%s", code, out)
		}
		if out, code := p.script(nil, w, commit, "apply"); code != 0 {
			t.Fatalf("apply: exit %d\n%s", code, out)
		}
	}
	// drift runs the job's step; it returns its output, exit code, drift.md and the step's
	// outputs for the workflow.
	drift := func(env ...string) (string, int, string, string) {
		t.Helper()
		outputs := filepath.Join(t.TempDir(), "github-output")
		before := p.stored()
		out, code := p.script(append(env, "GITHUB_OUTPUT="+outputs, "SUMMARY_BIN="+summaryBinary(t)), w, commit, "drift")
		if after := p.stored(); after != before {
			t.Errorf("the drift check wrote to the Marketplace:\nbefore %s\nafter  %s", before, after)
		}
		report, err := os.ReadFile(filepath.Join(w.dir, "drift", "drift.md"))
		if err != nil {
			t.Errorf("the drift check wrote no drift.md: %v\n%s", err, out)
		}
		step, _ := os.ReadFile(outputs)
		return out, code, string(report), string(step)
	}
	lastLine := func(out string) string {
		lines := strings.Split(strings.TrimSpace(out), "\n")
		return lines[len(lines)-1]
	}

	apply()
	out, code, report, step := drift()
	if code != 0 || lastLine(out) != "clean" || step != "status=clean\n" || !strings.Contains(report, "holds what Git says for every app") {
		t.Errorf("drift check of an applied portfolio: exit %d, last line %q, outputs %q, want 0, clean:\n%s\ndrift.md:\n%s",
			code, lastLine(out), step, out, report)
	}

	// A colleague edits the example app and publishes it (its live listing changes, its
	// draft is gone), and saves a draft of the second app.
	p.colleague(`{"commonCloud": {"logDetails": {"loggingEnabled": true, "logRetention": "7_DAYS"}, "security": {"securityContact": "security@example.com"}}}`)
	p.request(http.MethodPost, productID+"/publish", "")
	p.put(second, `{"commonCloud": {"logDetails": {"loggingEnabled": true, "logRetention": "90_DAYS"}}}`)
	out, code, report, step = drift()
	flat := oneLine(report)
	if code != 2 || lastLine(out) != "drift" || step != "status=drift\n" {
		t.Errorf("drift check after the colleague's edits: exit %d, last line %q, outputs %q, want 2 and drift:\n%s", code, lastLine(out), step, out)
	}
	for _, want := range []string{
		"The Marketplace differs from Git", "Nothing was written",
		"**example** (product " + productID + "): its live listing differs from Git; last changed by " + pipelineEmail + " on ",
		"**second** (product " + second + "): its pending draft differs from Git; last changed by " + pipelineEmail + " on ",
		"Adopt the change in Git", "restore what Git says",
		"Log retention", "7_DAYS", "loggingEnabled", // the fields, in the summary's words and the plan's
	} {
		if !strings.Contains(flat, want) {
			t.Errorf("drift.md lacks %q:\n%s", want, report)
		}
	}

	// A check that fails (a wrong token) is an error, not drift, and drift.md says so.
	out, code, report, step = drift("MARKETPLACE_API_TOKEN=wrong-token")
	if code != 1 || lastLine(out) != "error" || step != "status=error\n" || !strings.Contains(report, "The Marketplace drift check failed") ||
		strings.Contains(report, "## The Marketplace differs from Git") || !strings.Contains(out, "401") {
		t.Errorf("drift check with a wrong token: exit %d, last line %q, outputs %q, want 1 and error:\n%s\ndrift.md:\n%s",
			code, lastLine(out), step, out, report)
	}

	// Git's version applied again (a pull request merged): clean, so the job closes the issue.
	apply()
	if out, code, report, _ := drift(); code != 0 || lastLine(out) != "clean" {
		t.Errorf("drift check after restoring: exit %d, last line %q, want 0 and clean:\n%s\ndrift.md:\n%s", code, lastLine(out), out, report)
	}
}
