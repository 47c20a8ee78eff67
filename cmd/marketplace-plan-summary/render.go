package main

import (
	"fmt"
	"sort"
	"strings"
)

// render writes the summary as Markdown.
func render(p *planJSON, diags []diagnostic, haveDiagnostics bool) string {
	all := apps(p)
	byAddress := map[string]*app{}
	for _, a := range all {
		byAddress[a.address] = a
	}
	// A warning belongs to the app at its address; one without an address (the CLI gives
	// none to a destroy's) to the app whose product ID it names. Errors are shown whatever
	// they are about; other warnings (the CLI's own, other providers') are left to the raw
	// plan, which differs between CLIs and versions.
	var other []diagnostic
	leftOut := 0
	for _, d := range diags {
		if a := byAddress[d.Address]; a != nil {
			a.warnings = append(a.warnings, d)
		} else if a := namedApp(all, d); d.Address == "" && a != nil {
			a.warnings = append(a.warnings, d)
		} else if d.Severity == "error" {
			other = append(other, d)
		} else {
			leftOut++
		}
	}

	sort.SliceStable(other, func(i, j int) bool { // the CLI's order of resources is its walk's
		return other[i].Summary+other[i].Detail < other[j].Summary+other[j].Detail
	})

	var b strings.Builder
	b.WriteString("## Marketplace privacy and security: what this plan changes\n\n")
	if p.Errored {
		b.WriteString("**The plan did not complete: it stopped on an error. What follows is what it had planned.**\n\n")
	}
	counts := map[verb]int{}
	var changing []*app
	unchanged := 0
	for _, a := range all {
		if a.verb == verbNoop && !a.importing && len(a.warnings) == 0 {
			unchanged++
			continue
		}
		counts[a.verb]++
		changing = append(changing, a)
	}
	if len(all) == 0 {
		b.WriteString("This plan has no marketplace_privacy_security app.\n")
	}
	if len(changing) > 0 {
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
		verbForm := "change"
		if len(changing) == 1 {
			verbForm = "changes"
		}
		fmt.Fprintf(&b, "%s %s: %s.\n", plural(len(changing), "app"), verbForm, strings.Join(parts, ", "))
	}
	if unchanged > 0 {
		if len(changing) > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "%s unchanged.\n", plural(unchanged, "app"))
	}
	for _, a := range changing {
		b.WriteString("\n")
		renderApp(&b, a)
	}
	if len(other) > 0 {
		b.WriteString("\n### Errors of the plan\n\n")
		writeDiagnostics(&b, other)
	}
	if leftOut > 0 {
		b.WriteString("\n_The plan's other warnings, not about these apps, are in the raw plan._\n")
	}
	if !haveDiagnostics && len(changing) > 0 {
		b.WriteString("\n_The plan's warnings (pending drafts, fields kept) are not part of `show -json`; " +
			"pass `-diagnostics` with the output of `plan -json` to include them._\n")
	}
	return b.String()
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

func plural(n int, noun string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", noun)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func renderApp(b *strings.Builder, a *app) {
	title := verbTitles[a.verb]
	if a.verb == verbNoop {
		title = "unchanged"
	}
	if a.importing {
		title = "imported, " + title
	}
	fmt.Fprintf(b, "### `%s`: %s\n\n", a.address, title)

	var notes []string
	note := func(format string, args ...any) { notes = append(notes, fmt.Sprintf(format, args...)) }
	product := "Product `" + a.productID + "`."
	if a.oldProductID != "" {
		product = "Product `" + a.oldProductID + "` → `" + a.productID + "`."
	}
	note("%s", product)

	basis := parseBasis(a.basis)
	switch a.verb {
	case verbCreate:
		note("New privacy and security information, %s.", savedAs(a))
		existing(basis, a, note)
	case verbUpdate:
		if len(a.changes) > 0 {
			note("The document changes, %s.", savedAs(a))
		} else {
			note("No field of the document changes.")
		}
		if a.formBefore != "" && a.formAfter != "" && a.formBefore != a.formAfter {
			note("Form: `%s` → `%s`.", a.formBefore, a.formAfter)
			if a.formAfter == formTyped {
				note("Fields `common_cloud` does not model are kept as the Marketplace holds them.")
			}
		}
		existing(basis, a, note)
	case verbPublish:
		if d := basis["draft"]; d != nil && d.exists {
			note("The document does not change: the draft %s is published and goes live.", d.describe())
		} else {
			note("The document does not change: it is published and goes live.")
		}
	case verbReplace:
		if a.oldProductID != "" {
			note("The resource moves to another app, which gets the document, %s. On the old app:", savedAs(a))
		} else {
			why := ""
			if a.reason != "" {
				why = " (" + strings.ReplaceAll(a.reason, "_", " ") + ")"
			}
			note("Replaced%s: the draft is discarded, then the document is written again, %s.", why, savedAs(a))
		}
		discarded(a, basis, note)
	case verbDestroy:
		discarded(a, basis, note)
	case verbForget:
		note("Terraform stops managing the app; nothing changes on the Marketplace (its draft and live version stay).")
	case verbNoop:
		note("No change.")
	}
	if a.stopsPublish {
		note("`publish` is turned off: this and later applies save drafts only; the live version stays as it is (the API cannot unpublish).")
	}
	b.WriteString(strings.Join(notes, " "))
	b.WriteString("\n")

	if a.documentError != nil {
		fmt.Fprintf(b, "\n**The document could not be read:** %s\n", escape(a.documentError.Error()))
	}
	list := a.changes
	heading := "Changes:"
	if a.created != nil {
		list, heading = a.created, "The document:"
	}
	if len(list) > 0 {
		fmt.Fprintf(b, "\n%s\n\n", heading)
		for _, c := range list {
			fmt.Fprintf(b, "- %s\n", c)
		}
	}
	if len(a.warnings) > 0 {
		b.WriteString("\nWarnings of the plan:\n\n")
		writeDiagnostics(b, a.warnings)
	}
}

// savedAs says whether the apply publishes what it writes.
func savedAs(a *app) string {
	switch a.publishes {
	case "yes":
		return "saved and published (it goes live)"
	case "unknown":
		return "saved as a draft; whether it is published is known after apply"
	}
	return "saved as a draft (not published)"
}

// existing says what a write goes over: the basis the apply checks.
func existing(basis map[string]*version, a *app, note func(string, ...any)) {
	draft, live := basis["draft"], basis["live"]
	switch {
	case !a.basisKnown:
		note("What it writes over is read at apply.")
	case draft != nil && draft.exists:
		note("Draft %s overwritten.", draft.describe())
	case live != nil && live.exists && a.publishes == "yes":
		note("Live version %s replaced.", live.describe())
	case live != nil && live.exists:
		note("No pending draft; the live version %s stays live until a draft is published.", live.describe())
	case draft != nil && live != nil:
		note("The Marketplace holds no draft and no live version of it yet.")
	case draft != nil:
		note("No pending draft.")
	}
	if a.basisKnown && a.basis != "" {
		note("The apply writes only if the Marketplace still holds what the plan saw.")
	}
}

// discarded says what a destroy (or a replacement's destroy) deletes: the draft the state
// describes, completed with the basis' digest when the basis names the same draft.
func discarded(a *app, basis map[string]*version, note func(string, ...any)) {
	draft := a.priorDraft
	if d := basis["draft"]; d != nil && d.exists && draft != nil && d.by == draft.by && d.at.Equal(draft.at) {
		draft = d
	}
	switch {
	case draft != nil && draft.exists:
		note("Draft %s discarded.", draft.describe())
	default:
		note("Any pending draft is discarded.")
	}
	note("The live version, if published, stays published (the Marketplace API cannot withdraw it).")
}

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
