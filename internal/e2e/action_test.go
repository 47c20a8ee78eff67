package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"testing"
)

// The publish action on the real CLI: terraform apply -invoke publishes the draft the
// resource wrote (publish = false), the resource then plans clean; a draft changed between
// the plan and its apply, or no draft at all, is refused and nothing is published. OpenTofu
// and Terraform before 1.14 have no actions: the configuration is rejected.

const actionProductID = "a0a0a0a0-1111-4222-8333-444444444444"

// actionConfig is the action's documented example, for the test's app, with the given log
// retention.
func actionConfig(t *testing.T, retention string) string {
	t.Helper()
	example, err := os.ReadFile("../../examples/actions/marketplace_privacy_security_publish/action.tf")
	if err != nil {
		t.Fatal(err)
	}
	text := strings.NewReplacer("12345678-1234-1234-1234-123456789abc", actionProductID, `"30_DAYS"`, `"`+retention+`"`).Replace(string(example))
	return providerHeader + text
}

const invokeFlag = "-invoke=action.marketplace_privacy_security_publish.app"

func TestAccActionPublishInvoke(t *testing.T) {
	t.Parallel()
	c := testCLI(t)
	providerBin, emulatorBin := binaries(t)
	const email, token = "release@example.com", "release-token"
	creds := []string{"MARKETPLACE_EMAIL=" + email, "MARKETPLACE_API_TOKEN=" + token}
	p := &portfolio{t: t, email: email, token: token}
	p.url = startEmulator(t, emulatorBin, seedState(t, map[string]map[string]json.RawMessage{}), baseEnv(creds...), actionProductID)
	w := newWorkspace(t, c, providerBin, baseEnv(append(creds, "MARKETPLACE_BASE_URL="+p.url)...))
	writeFile(t, w.dir, "main.tf", actionConfig(t, "30_DAYS"))

	if c.name == "OpenTofu" || !atLeast(c.version, 1, 14) {
		// No actions before Terraform 1.14, none in OpenTofu (1.12 included): the action block
		// is not part of the language there, and the configuration is refused as it is read.
		out, code := w.run("validate", "-no-color")
		if code == 0 || !strings.Contains(out, `Blocks of type "action" are not expected here`) {
			t.Fatalf("%s %s must reject an action block (exit %d):\n%s", c.name, c.version, code, out)
		}
		return
	}

	// Merge: the draft is written, nothing published.
	w.mustRun("apply", "-auto-approve", "-no-color")
	if p.get(actionProductID, "draft") == nil || p.get(actionProductID, "live") != nil {
		t.Fatalf("publish = false must write only the draft: draft %v, live %v", p.get(actionProductID, "draft"), p.get(actionProductID, "live"))
	}

	// Release: the action publishes it, with progress on the way.
	out := oneLine(w.mustRun("apply", invokeFlag, "-auto-approve", "-no-color"))
	for _, want := range []string{"reading the draft of " + actionProductID, "publishing " + actionProductID,
		"published " + actionProductID, "Actions: 1 invoked", "this action publishes the draft sha256:"} {
		if !strings.Contains(out, want) {
			t.Errorf("invoke output lacks %q:\n%s", want, out)
		}
	}
	if p.get(actionProductID, "draft") != nil || logRetention(p.get(actionProductID, "live")) != "30_DAYS" {
		t.Fatalf("the invoke must publish the draft: draft %v, live %v", p.get(actionProductID, "draft"), p.get(actionProductID, "live"))
	}
	// The resource (publish = false) stays in sync: no plan to write the draft again.
	if out, code := w.run("plan", "-detailed-exitcode", "-no-color"); code != 0 {
		t.Fatalf("plan after the publish is not empty (exit %d):\n%s", code, out)
	}

	// A colleague changes the draft between the plan and its apply: nothing is published.
	writeFile(t, w.dir, "main.tf", actionConfig(t, "90_DAYS"))
	w.mustRun("apply", "-auto-approve", "-no-color")
	w.mustRun("plan", invokeFlag, "-out=tfplan", "-no-color")
	p.put(actionProductID, `{"commonCloud": {"logDetails": {"loggingEnabled": true, "logRetention": "7_DAYS"}, "security": {"securityContact": "security@example.com"}}}`)
	out, code := w.run("apply", "-no-color", "tfplan")
	out = oneLine(out)
	if code == 0 || !strings.Contains(out, "The draft is not the one reviewed") || !strings.Contains(out, "Nothing was published") ||
		!strings.Contains(out, "last changed by "+email) {
		t.Errorf("apply of a plan whose draft changed since (exit %d):\n%s", code, out)
	}
	if logRetention(p.get(actionProductID, "live")) != "30_DAYS" || logRetention(p.get(actionProductID, "draft")) != "7_DAYS" {
		t.Errorf("a refused invoke must leave both versions: draft %v, live %v", p.get(actionProductID, "draft"), p.get(actionProductID, "live"))
	}

	// No draft: the refresh finds the live version, whose digest the action is then pinned
	// to; it is live already, so there is nothing to publish, and no error.
	p.request(http.MethodDelete, actionProductID, "")
	out, code = w.run("apply", invokeFlag, "-auto-approve", "-no-color")
	out = oneLine(out)
	if code != 0 || !strings.Contains(out, "Nothing to publish: "+actionProductID) || !strings.Contains(out, "the live version already holds the pinned draft") {
		t.Errorf("invoke with no draft (exit %d):\n%s", code, out)
	}
	if logRetention(p.get(actionProductID, "live")) != "30_DAYS" {
		t.Errorf("live changed: %v", p.get(actionProductID, "live"))
	}
}

// oneLine is the CLI's output with its lines, wrapped at 80 columns, joined by spaces.
func oneLine(out string) string { return strings.Join(strings.Fields(out), " ") }

// put writes an app's draft through the emulator's API, as a colleague in the UI would.
func (p *portfolio) put(id, body string) { p.request(http.MethodPut, id, body) }

// request sends one authenticated request to the emulator and fails the test unless it
// succeeds.
func (p *portfolio) request(method, id, body string) {
	p.t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), method, p.url+"/rest/3/privacy-and-security/products/"+id, bytes.NewBufferString(body))
	if err != nil {
		p.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.SetBasicAuth(p.email, p.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		p.t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode >= 300 {
		p.t.Fatalf("%s %s: %s", method, id, resp.Status)
	}
}
