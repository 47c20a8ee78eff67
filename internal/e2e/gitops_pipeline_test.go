package e2e

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	neturl "net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// gitopsPipeline is examples/gitops's pipeline on the real CLI and the emulator: checkouts of
// the repository that share one backend, and scripts/pipeline.sh run in them as the workflows
// run it.
type gitopsPipeline struct {
	*fixture
	backend string // the pipeline's shared Terraform state
	rc      string // the CLI configuration: the provider from a filesystem mirror
}

const pipelineEmail, pipelineToken = "ci@example.com", "ci-token"

func newGitopsPipeline(t *testing.T, products ...string) *gitopsPipeline {
	t.Helper()
	f := newFixture(t, testCLI(t), emulatorOptions{email: pipelineEmail, token: pipelineToken, products: append([]string{productID}, products...)})
	return &gitopsPipeline{fixture: f, backend: filepath.Join(t.TempDir(), "terraform.tfstate"), rc: providerMirror(t, f.cli, f.provider)}
}

// checkout is a fresh clone of the repository at a commit: the example, with the backend
// all jobs share, and apps/example.json's log retention set to retention.
func (p *gitopsPipeline) checkout(retention string) *workspace {
	t := p.t
	t.Helper()
	w := p.workspace()
	w.env = withEnv(w.env, "TF_CLI_CONFIG_FILE", p.rc)
	w.copyIn("../../examples/gitops/.")
	override := fmt.Sprintf("terraform {\n  backend \"local\" {\n    path = %q\n  }\n}\n", p.backend)
	w.write("backend_override.tf", override)
	doc := filepath.Join(w.dir, "apps", "example.json")
	data, err := os.ReadFile(doc)
	if err != nil {
		t.Fatal(err)
	}
	w.write("apps/example.json", string(bytes.ReplaceAll(data, []byte(`"30_DAYS"`), []byte(`"`+retention+`"`))))
	return w
}

// script runs scripts/pipeline.sh as the workflow does, for the commit given, with env
// added to (and overriding) the checkout's.
func (p *gitopsPipeline) script(env []string, w *workspace, commit string, args ...string) (string, int) {
	t := p.t
	t.Helper()
	cmd := exec.CommandContext(t.Context(), "bash", append([]string{"scripts/pipeline.sh"}, args...)...)
	cmd.Dir = w.dir
	cmd.Env = append(append(append([]string{}, w.env...), "TF_BIN="+p.cli.path, "PLAN_COMMIT="+commit), env...)
	out, err := cmd.CombinedOutput()
	var exitErr *exec.ExitError
	if err != nil && !errors.As(err, &exitErr) {
		t.Fatalf("pipeline.sh %v: %v", args, err)
	}
	return string(out), cmd.ProcessState.ExitCode()
}

// artifact moves the plan job's saved plan to the apply job's checkout, as the workflow's
// upload-artifact and download-artifact do.
func (p *gitopsPipeline) artifact(from, to *workspace) {
	to.t.Helper()
	_ = os.RemoveAll(filepath.Join(to.dir, "saved-plan"))
	to.copyIn(filepath.Join(from.dir, "saved-plan"))
}

// colleague saves a draft of the example app in the Marketplace UI.
func (p *gitopsPipeline) colleague(body string) {
	p.t.Helper()
	p.put(productID, body)
}

// refused checks an apply's refusal: non-zero, the refusal's words, and want.
func (p *gitopsPipeline) refused(what, out string, code int, want ...string) {
	p.t.Helper()
	p.refusedSaying(what, out, code, append([]string{"re-run the plan job"}, want...)...)
}

// refusedSaying is refused without the advice to re-run the plan job.
func (p *gitopsPipeline) refusedSaying(what, out string, code int, want ...string) {
	p.t.Helper()
	flat := oneLine(out)
	for _, w := range append([]string{"APPLY REFUSED", "Nothing was written"}, want...) {
		if code == 0 || !strings.Contains(flat, w) {
			p.t.Errorf("%s: exit %d, want non-zero and %q:\n%s", what, code, w, out)
		}
	}
}

// examples/gitops's pipeline, through its own script (scripts/pipeline.sh, which the workflow
// runs) on the real CLI and the emulator: the pull request's job plans in one checkout and
// saves the plan; the merge's job applies that saved plan from another checkout with the same
// backend, and applying it again says it was applied and writes nothing. A colleague's edit
// in the Marketplace between the two, no saved plan for the commit (or one of another
// commit), and a plan made stale by another apply: each refuses the apply, says to re-run the
// plan job, and writes nothing.
func TestAccGitopsPipeline(t *testing.T) {
	t.Parallel()
	p := newGitopsPipeline(t)
	script := func(w *workspace, commit string, args ...string) (string, int) {
		t.Helper()
		return p.script(nil, w, commit, args...)
	}
	// Without the script's check against a plan made now, the provider's own check refuses,
	// and the script says the same.
	noPrecheck := []string{"PRECHECK=false"}
	const commit1, commit2, commit3 = "1111111111111111111111111111111111111111",
		"2222222222222222222222222222222222222222", "3333333333333333333333333333333333333333"

	// (a) The pull request's plan in one checkout, applied from the merge's checkout.
	pr, merge := p.checkout("90_DAYS"), p.checkout("90_DAYS")
	outputs := filepath.Join(t.TempDir(), "github-output")
	out, code := p.script([]string{"GITHUB_OUTPUT=" + outputs, "SUMMARY_BIN=" + summaryBinary(t)}, pr, commit1, "plan")
	if code != 0 || !strings.Contains(out, "1 to add") {
		t.Fatalf("plan: exit %d\n%s", code, out)
	}
	if data, _ := os.ReadFile(outputs); string(data) != "changes=true\npublish=false\n" {
		t.Errorf("the plan's step outputs: %q, want changes=true and publish=false (publish.auto.tfvars)", data)
	}
	// The summary for reviewers, posted above the plan.
	if summary, err := os.ReadFile(filepath.Join(pr.dir, "saved-plan", "summary.md")); err != nil ||
		!strings.Contains(string(summary), "what this plan changes") || !strings.Contains(string(summary), ": created") ||
		// The plan's warnings reach the summary by default (plan -json, -diagnostics).
		strings.Contains(string(summary), "Pass `-diagnostics`") {
		t.Errorf("the plan's summary for reviewers: %v\n%s", err, summary)
	}
	for _, f := range []string{"tfplan", "plan.txt", "show.txt", "commit", ".terraform.lock.hcl"} {
		if _, err := os.Stat(filepath.Join(pr.dir, "saved-plan", f)); err != nil {
			t.Errorf("the saved plan lacks %s: %v", f, err)
		}
	}
	if s := p.stored(); strings.Contains(s, "90_DAYS") {
		t.Fatalf("the plan wrote to the Marketplace: %s", s)
	}
	p.artifact(pr, merge)
	if out, code := script(merge, commit1, "apply"); code != 0 || !strings.Contains(out, "1 added") {
		t.Fatalf("apply of the saved plan: exit %d\n%s", code, out)
	}
	applied := p.stored()
	if !strings.Contains(applied, "90_DAYS") || !strings.Contains(applied, "security@example.com") {
		t.Fatalf("the emulator does not hold the applied plan: %s", applied)
	}
	// The same saved plan again (a re-run of the apply job): already applied, nothing to do.
	out, code = script(merge, commit1, "apply")
	if code != 0 || !strings.Contains(oneLine(out), "already applied: nothing to do") || strings.Contains(out, "APPLY REFUSED") {
		t.Errorf("apply of the same saved plan again: exit %d, want 0 and \"already applied: nothing to do\":\n%s", code, out)
	}
	if after := p.stored(); after != applied {
		t.Errorf("applying the applied plan again wrote to the Marketplace:\nbefore %s\nafter  %s", applied, after)
	}

	// (b) Reviewed, then a colleague edits the app's draft in the UI, then merged: refused.
	pr, merge = p.checkout("5_DAYS"), p.checkout("5_DAYS")
	if out, code := script(pr, commit2, "plan"); code != 0 {
		t.Fatalf("plan: exit %d\n%s", code, out)
	}
	p.colleague(`{"commonCloud": {"logDetails": {"loggingEnabled": true, "logRetention": "7_DAYS"}, "hasRestAPIExtension": true}}`)
	before := p.stored()
	p.artifact(pr, merge)
	out, code = p.script(noPrecheck, merge, commit2, "apply")
	p.refused("apply after a colleague's edit (the provider's check)", out, code, "The Marketplace changed since the plan",
		"The provider refused to write the apps", "Nothing was written for those apps")
	if after := p.stored(); after != before {
		t.Errorf("the refused apply changed the Marketplace:\nbefore %s\nafter  %s", before, after)
	}
	out, code = script(merge, commit2, "apply")
	p.refused("apply after a colleague's edit", out, code, "The Marketplace or the state changed since the plan was reviewed",
		`a plan made now differs from the saved plan for: marketplace_privacy_security.app["example"]`, "hasRestAPIExtension")
	if after := p.stored(); after != before || !strings.Contains(after, "7_DAYS") || !strings.Contains(after, "hasRestAPIExtension") {
		t.Errorf("the refused apply changed the Marketplace:\nbefore %s\nafter  %s", before, after)
	}

	// (c) No saved plan for the merged commit, or the saved plan of another commit: refused.
	_ = os.RemoveAll(filepath.Join(merge.dir, "saved-plan"))
	out, code = script(merge, commit2, "apply")
	p.refused("apply without a saved plan", out, code, "No saved plan for this commit")
	p.artifact(pr, merge)
	out, code = script(merge, commit3, "apply")
	p.refused("apply of another commit's plan", out, code, "The saved plan is of commit "+commit2)
	if after := p.stored(); after != before {
		t.Errorf("a refused apply changed the Marketplace:\nbefore %s\nafter  %s", before, after)
	}

	// (d) Planned again (the colleague's draft its basis), and another pull request's plan
	// merged and applied first: the first saved plan is stale, refused with or without the
	// check against a plan made now.
	if out, code := script(pr, commit2, "plan"); code != 0 {
		t.Fatalf("plan again: exit %d\n%s", code, out)
	}
	other := p.checkout("1_DAYS")
	if out, code := script(other, commit3, "plan"); code != 0 {
		t.Fatalf("the other pull request's plan: exit %d\n%s", code, out)
	}
	if out, code := script(other, commit3, "apply"); code != 0 || !strings.Contains(out, "1 changed") {
		t.Fatalf("apply of the other pull request's plan: exit %d\n%s", code, out)
	}
	applied = p.stored()
	if !strings.Contains(applied, "1_DAYS") || !strings.Contains(applied, "hasRestAPIExtension") {
		t.Errorf("after the other apply: %s, want 1_DAYS with the colleague's field kept", applied)
	}
	p.artifact(pr, merge)
	for _, env := range [][]string{noPrecheck, nil} {
		out, code = p.script(env, merge, commit2, "apply")
		p.refused(fmt.Sprintf("apply of a stale plan (%v)", env), out, code, "The state changed since the plan was made",
			"another apply ran, so the saved plan is stale")
		if after := p.stored(); after != applied {
			t.Errorf("the stale apply changed the Marketplace:\nbefore %s\nafter  %s", applied, after)
		}
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

// authRecorder is another host: it forwards every request to the emulator (so that a plan
// made against it works) and records which requests carried credentials.
type authRecorder struct {
	mu       sync.Mutex
	requests []string // "METHOD PATH (Authorization)" or "METHOD PATH"
}

func (r *authRecorder) start(t *testing.T, target string) string {
	t.Helper()
	u, err := neturl.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(u)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		line := req.Method + " " + req.URL.Path
		if req.Header.Get("Authorization") != "" {
			line += " (Authorization)"
		}
		r.mu.Lock()
		r.requests = append(r.requests, line)
		r.mu.Unlock()
		proxy.ServeHTTP(w, req)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// take returns the requests recorded since the last call.
func (r *authRecorder) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.requests
	r.requests = nil
	return out
}

// The apply under real mistakes and attacks, each refused before anything is written with one
// sentence of what is wrong and what to do: a truncated plan, a state file given as the plan,
// a plan made with another build of the provider, a missing token; and saved plans made from
// other files than the commit's (another base_url: the credentials would go to that host),
// with other variables' values, or against another backend. Those are refused before any
// credential reaches Terraform: the other host sees no request with credentials.
func TestAccGitopsPipelineMistakesAndAttacks(t *testing.T) {
	t.Parallel()
	p := newGitopsPipeline(t)
	const commit = "4444444444444444444444444444444444444444"
	saved := func(w *workspace, name string) string { return filepath.Join(w.dir, "saved-plan", name) }

	pr, merge := p.checkout("90_DAYS"), p.checkout("90_DAYS")
	if out, code := p.script(nil, pr, commit, "plan"); code != 0 {
		t.Fatalf("plan: exit %d\n%s", code, out)
	}
	before := p.stored()
	unchanged := func(what string) {
		t.Helper()
		if after := p.stored(); after != before {
			t.Errorf("%s changed the Marketplace:\nbefore %s\nafter  %s", what, before, after)
		}
	}

	// A plan made from files with another base_url: the apply would send the credentials
	// there. Refused before Terraform gets them: that host sees no request with credentials.
	var rec authRecorder
	evil := rec.start(t, p.url)
	tampered := p.checkout("90_DAYS")
	main, err := os.ReadFile(filepath.Join(tampered.dir, "main.tf"))
	if err != nil {
		t.Fatal(err)
	}
	tampered.write("main.tf", strings.Replace(string(main), `provider "marketplace" {}`,
		fmt.Sprintf("provider \"marketplace\" {\n  base_url = %q\n}", evil), 1))
	out, code := p.script(nil, tampered, commit, "plan")
	if code != 0 {
		t.Fatalf("the tampered plan: exit %d\n%s", code, out)
	}
	if reqs := rec.take(); len(reqs) == 0 || !strings.Contains(out, "1 to add") {
		t.Fatalf("the tampered plan does not create the app through the other host: %v\n%s", reqs, out)
	}
	p.artifact(tampered, merge)
	out, code = p.script(nil, merge, commit, "apply")
	p.refused("apply of a plan with another base_url", out, code,
		"The configuration inside the saved plan is not this commit's (it differs in main.tf)", "check who produced the artifact")
	if reqs := rec.take(); len(reqs) != 0 {
		t.Errorf("the apply of the tampered plan sent requests to the other host: %v", reqs)
	}
	unchanged("a refused apply of a plan with another base_url")

	// A plan made with other variables' values (-var publish=true over the committed tfvars).
	tampered = p.checkout("90_DAYS")
	if out, code := p.script([]string{"TF_CLI_ARGS_plan=-var=publish=true"}, tampered, commit, "plan"); code != 0 {
		t.Fatalf("the plan with -var: exit %d\n%s", code, out)
	}
	p.artifact(tampered, merge)
	out, code = p.script(nil, merge, commit, "apply")
	p.refused("apply of a plan with other variables", out, code, "The saved plan's values of the variables publish are not what this commit gives them")
	unchanged("a refused apply of a plan with other variables")

	// A plan made against another backend (a -backend-config at its init).
	tampered = p.checkout("90_DAYS")
	elsewhere := filepath.Join(t.TempDir(), "elsewhere.tfstate")
	if out, code := p.script([]string{"TF_CLI_ARGS_init=-backend-config=path=" + elsewhere}, tampered, commit, "plan"); code != 0 {
		t.Fatalf("the plan with another backend: exit %d\n%s", code, out)
	}
	p.artifact(tampered, merge)
	out, code = p.script(nil, merge, commit, "apply")
	p.refused("apply of a plan with another backend", out, code, "The saved plan would apply to another state than this commit's backend",
		"the local backend's path")
	unchanged("a refused apply of a plan with another backend")

	// A truncated plan file (a download cut short).
	p.artifact(pr, merge)
	data, err := os.ReadFile(saved(merge, "tfplan"))
	if err != nil {
		t.Fatal(err)
	}
	merge.write("saved-plan/tfplan", string(data[:len(data)/2]))
	out, code = p.script(nil, merge, commit, "apply")
	p.refused("apply of a truncated plan", out, code, "saved-plan/tfplan is not a readable plan file (truncated or corrupt")
	if strings.Contains(out, "jq:") {
		t.Errorf("apply of a truncated plan shows jq's error:\n%s", out)
	}
	// A state file given as the plan.
	state, err := os.ReadFile(p.backend)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	if len(state) == 0 {
		state = []byte(`{"version": 4, "terraform_version": "1.5.7", "serial": 1, "lineage": "x", "outputs": {}, "resources": []}`)
	}
	merge.write("saved-plan/tfplan", string(state))
	out, code = p.script(nil, merge, commit, "apply")
	p.refused("apply of a state file", out, code, "saved-plan/tfplan is a Terraform state file, not a saved plan")
	unchanged("a refused apply of a broken plan file")

	// A plan made with another build of the provider than the apply installs (a fresh
	// runner: nothing installed yet).
	fresh := p.checkout("90_DAYS")
	p.artifact(pr, fresh)
	otherBuild := filepath.Join(t.TempDir(), "terraform-provider-marketplace")
	if data, err := os.ReadFile(p.provider); err != nil {
		t.Fatal(err)
	} else if err := os.WriteFile(otherBuild, append(data, []byte("another build")...), 0o755); err != nil { //nolint:gosec // an executable
		t.Fatal(err)
	}
	out, code = p.script([]string{"TF_CLI_CONFIG_FILE=" + providerMirror(t, p.cli, otherBuild)}, fresh, commit, "apply")
	p.refused("apply with another provider build", out, code, "The saved plan was made with another build of the provider than this job installs",
		"install the same provider release")
	unchanged("a refused apply with another provider build")

	// No token in the apply job: the saved plan is fine, the secret is missing.
	p.artifact(pr, merge)
	out, code = p.script([]string{"MARKETPLACE_API_TOKEN="}, merge, commit, "apply")
	p.refusedSaying("apply without a token", out, code, "MARKETPLACE_API_TOKEN is not set in this job",
		"add the secrets MARKETPLACE_EMAIL and MARKETPLACE_API_TOKEN", "re-run this apply job; no new plan is needed")
	if strings.Contains(out, "re-run the plan job") {
		t.Errorf("apply without a token advises to plan again:\n%s", out)
	}
	unchanged("a refused apply without a token")

	// The reviewed plan itself still applies.
	p.artifact(pr, merge)
	if out, code := p.script(nil, merge, commit, "apply"); code != 0 || !strings.Contains(out, "1 added") {
		t.Fatalf("apply of the reviewed plan: exit %d\n%s", code, out)
	}
}
