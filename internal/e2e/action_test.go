package e2e

import (
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
	const email = "release@example.com"
	f := newFixture(t, c, emulatorOptions{email: email, token: "release-token",
		seed: map[string]map[string]json.RawMessage{}, products: []string{actionProductID}})
	w := f.workspace()
	w.write("main.tf", actionConfig(t, "30_DAYS"))

	if !c.hasActions() {
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
	if f.get(actionProductID, "draft") == nil || f.get(actionProductID, "live") != nil {
		t.Fatalf("publish = false must write only the draft: draft %v, live %v", f.get(actionProductID, "draft"), f.get(actionProductID, "live"))
	}

	// Release: the action publishes it, with progress on the way.
	out := oneLine(w.mustRun("apply", invokeFlag, "-auto-approve", "-no-color"))
	for _, want := range []string{"reading the draft of " + actionProductID, "publishing " + actionProductID,
		"published " + actionProductID, "Actions: 1 invoked", "this action publishes the draft sha256:"} {
		if !strings.Contains(out, want) {
			t.Errorf("invoke output lacks %q:\n%s", want, out)
		}
	}
	if f.get(actionProductID, "draft") != nil || logRetention(f.get(actionProductID, "live")) != "30_DAYS" {
		t.Fatalf("the invoke must publish the draft: draft %v, live %v", f.get(actionProductID, "draft"), f.get(actionProductID, "live"))
	}
	// The resource (publish = false) stays in sync: no plan to write the draft again.
	if out, code := w.run("plan", "-detailed-exitcode", "-no-color"); code != 0 {
		t.Fatalf("plan after the publish is not empty (exit %d):\n%s", code, out)
	}

	// A colleague changes the draft between the plan and its apply: nothing is published.
	w.write("main.tf", actionConfig(t, "90_DAYS"))
	w.mustRun("apply", "-auto-approve", "-no-color")
	w.mustRun("plan", invokeFlag, "-out=tfplan", "-no-color")
	f.put(actionProductID, `{"commonCloud": {"logDetails": {"loggingEnabled": true, "logRetention": "7_DAYS"}, "security": {"securityContact": "security@example.com"}}}`)
	out, code := w.run("apply", "-no-color", "tfplan")
	out = oneLine(out)
	if code == 0 || !strings.Contains(out, "The draft is not the one reviewed") || !strings.Contains(out, "Nothing was published") ||
		!strings.Contains(out, "last changed by "+email) {
		t.Errorf("apply of a plan whose draft changed since (exit %d):\n%s", code, out)
	}
	if logRetention(f.get(actionProductID, "live")) != "30_DAYS" || logRetention(f.get(actionProductID, "draft")) != "7_DAYS" {
		t.Errorf("a refused invoke must leave both versions: draft %v, live %v", f.get(actionProductID, "draft"), f.get(actionProductID, "live"))
	}

	// No draft: the refresh finds the live version, whose digest the action is then pinned
	// to; it is live already, so there is nothing to publish, and no error.
	f.request(http.MethodDelete, actionProductID, "")
	out, code = w.run("apply", invokeFlag, "-auto-approve", "-no-color")
	out = oneLine(out)
	if code != 0 || !strings.Contains(out, "Nothing to publish: "+actionProductID) || !strings.Contains(out, "the live version already holds the pinned draft") {
		t.Errorf("invoke with no draft (exit %d):\n%s", code, out)
	}
	if logRetention(f.get(actionProductID, "live")) != "30_DAYS" {
		t.Errorf("live changed: %v", f.get(actionProductID, "live"))
	}
}
