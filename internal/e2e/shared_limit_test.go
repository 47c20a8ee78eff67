package e2e

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// Two pipelines of one vendor apply at once on one machine, each with a HOME of its own (as
// CI jobs often have), against a strict limit: one request every 125 ms, no burst, whoever
// sends it, a 429 with a whole-second Retry-After for any request sooner (the limit is below
// what the two walks ask for together, so they meet it on any machine). Each pipeline
// creates one app in every state a create can meet (no document, draft only, live only,
// both, private, odd values left in the UI). Both applies finish, no 429 reaches their
// output, every app is written and published exactly once and holds the configuration,
// and the next plans are empty.
func TestAccTwoAppliesShareAStrictLimit(t *testing.T) {
	t.Parallel()
	var ids [2][]string
	var all, public, private []string
	seed := map[string]map[string]json.RawMessage{}
	for p := range ids {
		for i, s := range appStates {
			if s.missing {
				continue // a create's plan fails there: TestAccAppStates* cover it
			}
			id := fmt.Sprintf("00000000-0000-4%03d-8000-%012d", p, i)
			ids[p] = append(ids[p], id)
			docs := map[string]json.RawMessage{}
			for version, doc := range map[string]string{"live": s.live, "draft": s.draft} {
				if doc != "" {
					docs[version] = withProperties(t, doc)
				}
			}
			seed[id] = docs
			if s.private {
				private = append(private, id)
			} else {
				public = append(public, id)
			}
		}
		all = append(all, ids[p]...)
	}
	perPipeline := len(ids[0])
	f := newFixture(t, testCLI(t), emulatorOptions{seed: seed, flags: []string{
		"-product", strings.Join(public, ","), "-private-product", strings.Join(private, ","),
		"-rate-limit", "8", "-rate-burst", "1",
	}})
	var ws [2]*workspace
	for p := range ws {
		ws[p] = f.workspace()
		ws[p].write("main.tf", fmt.Sprintf(`
%sresource "marketplace_privacy_security" "app" {
  for_each   = toset(%s)
  product_id = each.value
  publish    = true
  common_cloud = {
    security = {
      security_contact = "security+${each.value}@example.com"
    }
  }
}
`, providerHeader, hclList(ids[p])))
	}

	var wg sync.WaitGroup
	outs := make([]string, len(ws))
	codes := make([]int, len(ws))
	for p, w := range ws {
		wg.Add(1)
		go func() {
			defer wg.Done()
			outs[p], codes[p] = w.run("apply", "-auto-approve", "-input=false")
		}()
	}
	wg.Wait()
	for p := range ws {
		if codes[p] != 0 || !strings.Contains(outs[p], fmt.Sprintf("%d added, 0 changed, 0 destroyed", perPipeline)) {
			t.Errorf("pipeline %d: exit %d\n%s", p, codes[p], tail(outs[p], 40))
		}
		if strings.Contains(outs[p], "429") || strings.Contains(strings.ToLower(outs[p]), "too many requests") {
			t.Errorf("pipeline %d shows the rate limit to the user:\n%s", p, tail(outs[p], 40))
		}
	}

	log := f.log.String()
	limited := strings.Count(log, `" 429 `)
	t.Logf("%s: the emulator answered %d requests, %d with 429", f.cli.name+" "+f.cli.version, strings.Count(log, "\n"), limited)
	if limited == 0 {
		t.Error("no request met the limit: the test shows nothing about sharing it")
	}
	saved := f.storedDocs()
	for _, id := range all {
		var live struct {
			CommonCloud struct {
				Security map[string]any `json:"security"`
			} `json:"commonCloud"`
		}
		if err := json.Unmarshal(saved[id]["live"], &live); err != nil || live.CommonCloud.Security["securityContact"] != "security+"+id+"@example.com" {
			t.Errorf("%s: live %s (%v), want the configured security contact", id, saved[id]["live"], err)
		}
		writes := len(regexp.MustCompile(`"PUT" "/rest/3/privacy-and-security/products/`+id+`" 2\d\d `).FindAllString(log, -1))
		publishes := len(regexp.MustCompile(`"POST" "/rest/3/privacy-and-security/products/`+id+`/publish" 2\d\d `).FindAllString(log, -1))
		if writes != 1 || publishes != 1 {
			t.Errorf("%s: written %d times, published %d times; want once each", id, writes, publishes)
		}
	}
	for p, w := range ws {
		if out, code := w.run("plan", "-input=false", "-detailed-exitcode"); code != 0 {
			t.Errorf("pipeline %d: plan after the apply (exit %d):\n%s", p, code, tail(out, 30))
		}
	}
}

// hclList is ids as an HCL list of strings.
func hclList(ids []string) string {
	quoted := make([]string, len(ids))
	for i, id := range ids {
		quoted[i] = fmt.Sprintf("%q", id)
	}
	return "[" + strings.Join(quoted, ", ") + "]"
}
