package main

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// summary is what render writes: the apps and the plan's diagnostics, placed.
type summary struct {
	plan            *plan
	all             []*app
	changing        []*app
	unchanged       int
	errors          []diagnostic // errors about no app
	leftOut         int          // warnings about no app
	haveDiagnostics bool
}

// render writes the summary as Markdown.
func render(p *plan, diags []diagnostic, haveDiagnostics bool) string {
	s := &summary{plan: p, all: apps(p), haveDiagnostics: haveDiagnostics}
	s.place(diags)
	for _, a := range s.all {
		if a.verb == verbNoop && !a.importing && len(a.warnings) == 0 {
			s.unchanged++
		} else {
			s.changing = append(s.changing, a)
		}
	}
	var b strings.Builder
	b.WriteString("## Marketplace privacy and security: what this plan changes\n\n")
	if p.Errored {
		b.WriteString("**The plan did not complete: it stopped on an error. What follows is what it had planned.**\n\n")
	}
	s.writeCounts(&b)
	for _, a := range s.changing {
		b.WriteString("\n")
		writeApp(&b, a, haveDiagnostics)
	}
	s.writeFooter(&b)
	return b.String()
}

// place gives each diagnostic to its app: by address (the resource's, or an action's that
// publishes it; an action's warning in a trigger plan names both, "RESOURCE, called from
// ACTION"), else to the one app whose product ID it names (the CLI gives a destroy's no
// address, and a for_each action's the address of all its instances). Errors are shown
// whatever they are about; other warnings (the CLI's own, other providers') are left to
// the raw plan, which differs between CLIs and versions.
func (s *summary) place(diags []diagnostic) {
	byAddress := map[string]*app{}
	for _, a := range s.all {
		byAddress[a.address] = a
		for _, r := range a.releases {
			byAddress[r.address] = a
		}
	}
	for _, d := range diags {
		var a *app
		for _, address := range strings.Split(d.Address, ", called from ") {
			if a == nil {
				a = byAddress[address]
			}
		}
		if a == nil {
			a = namedApp(s.all, d)
		}
		switch {
		case a != nil:
			a.warnings = append(a.warnings, d)
		case d.Severity == "error":
			s.errors = append(s.errors, d)
		default:
			s.leftOut++
		}
	}
	sort.SliceStable(s.errors, func(i, j int) bool { // the CLI's order of resources is its walk's
		return s.errors[i].Summary+s.errors[i].Detail < s.errors[j].Summary+s.errors[j].Detail
	})
}

// namedApp is the one app whose product ID d names, if any.
func namedApp(all []*app, d diagnostic) *app {
	var found *app
	for _, a := range all {
		for _, id := range []string{a.productID, a.oldProductID} {
			if len(id) == 36 && strings.Contains(d.Summary+" "+d.Detail, id) {
				if found != nil && found != a {
					return nil
				}
				found = a
			}
		}
	}
	return found
}

func (s *summary) writeCounts(b *strings.Builder) {
	if len(s.all) == 0 {
		b.WriteString("This plan has no marketplace_privacy_security app.\n")
	}
	if len(s.changing) > 0 {
		counts := map[verb]int{}
		live, maybe := 0, 0
		for _, a := range s.changing {
			counts[a.verb]++
			switch {
			case a.goesLive():
				live++
			case a.publishes == later:
				maybe++
			}
		}
		var parts []string
		for _, v := range []verb{verbCreate, verbUpdate, verbPublish, verbReplace, verbDestroy, verbForget, verbNoop} {
			if n := counts[v]; n > 0 {
				title := verbTitles[v]
				if v == verbNoop {
					title = "imported or warned about, unchanged"
				}
				parts = append(parts, fmt.Sprintf("%d %s", n, title))
			}
		}
		fmt.Fprintf(b, "%s %s: %s.\n", countApps(len(s.changing)), agree(len(s.changing), "changes", "change"), strings.Join(parts, ", "))
		if live > 0 {
			fmt.Fprintf(b, "\n**On the public listing:** %s %s live with this apply.\n", countApps(live), agree(live, "goes", "go"))
		}
		if maybe > 0 {
			fmt.Fprintf(b, "\nWhether %s %s live is known only after the apply.\n", countApps(maybe), agree(maybe, "goes", "go"))
		}
	}
	if s.unchanged > 0 {
		if len(s.changing) > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(b, "%s unchanged.\n", countApps(s.unchanged))
	}
}

func (s *summary) writeFooter(b *strings.Builder) {
	if len(s.errors) > 0 {
		b.WriteString("\n### Errors of the plan\n\n")
		writeDiagnostics(b, s.errors)
	}
	if s.leftOut > 0 {
		b.WriteString("\n_The plan's other warnings, not about these apps, are in the raw plan._\n")
	}
	if !s.haveDiagnostics && len(s.changing) > 0 {
		b.WriteString("\n_The plan's warnings are not part of `show -json`: pending drafts, fields kept, fields a publish " +
			"removes from the live version, what a publish changes on the listing when the plan does not hold the live " +
			"version. Pass `-diagnostics` with the output of `plan -json` to include them._\n")
	}
}

// countApps is "1 app", "2 apps".
func countApps(n int) string {
	if n == 1 {
		return "1 app"
	}
	return fmt.Sprintf("%d apps", n)
}

func agree(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// timeOf shows epoch milliseconds as "1 Dec 2026 10:00 UTC".
func timeOf(ms int64) string { return time.UnixMilli(ms).UTC().Format("2 Jan 2006 15:04 MST") }

func writeDiagnostics(b *strings.Builder, diags []diagnostic) {
	for _, d := range diags {
		kind := ""
		if d.Severity == "error" {
			kind = "Error: "
		}
		detail := strings.Join(strings.Fields(d.Detail), " ")
		// The destroy warning ends with advice for whoever runs Terraform (how to stop
		// managing the app instead, which depends on the CLI's version): not for reviewers.
		if before, _, found := strings.Cut(detail, " To stop managing the app"); found {
			detail = before
		}
		if detail != "" {
			detail = ": " + escape(detail)
		}
		fmt.Fprintf(b, "- **%s%s**%s\n", kind, escape(d.Summary), detail)
	}
}
