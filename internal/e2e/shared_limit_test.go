package e2e

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// Two pipelines of one vendor apply at once on one machine, each with a HOME of its own (as
// CI jobs often have), against a strict limit: one request every 125 ms, no burst, whoever
// sends it, a 429 with a whole-second Retry-After for any request sooner (the limit is below
// what the two walks ask for together, so they meet it on any machine). Both applies
// finish, no 429 reaches their output, every app is written and published exactly once,
// and the next plans are empty.
func TestAccTwoAppliesShareAStrictLimit(t *testing.T) {
	t.Parallel()
	const perPipeline = 6
	var ids [2][]string
	var all []string
	for p := range ids {
		for i := 0; i < perPipeline; i++ {
			ids[p] = append(ids[p], fmt.Sprintf("00000000-0000-4%03d-8000-%012d", p, i))
		}
		all = append(all, ids[p]...)
	}
	f := newFixture(t, testCLI(t), emulatorOptions{products: all, flags: []string{"-rate-limit", "8", "-rate-burst", "1"}})
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
	for _, id := range all {
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
