package main

import (
	"fmt"
	"strings"
)

// notes is a paragraph of sentences.
type notes []string

func (n *notes) add(format string, args ...any) { *n = append(*n, fmt.Sprintf(format, args...)) }

// writeApp writes one app: what its resource does, what goes live, and its warnings.
func writeApp(b *strings.Builder, a *app, haveDiagnostics bool) {
	fmt.Fprintf(b, "### `%s`: %s\n\n", a.address, a.title())
	var n notes
	if a.oldProductID != "" {
		n.add("Product `%s` → `%s`.", a.oldProductID, a.productID)
	} else {
		n.add("Product `%s`.", a.productID)
	}
	verbNotes[a.verb](a, &n)
	if a.stopsPublish {
		n.add("`publish` is turned off: this and later applies save drafts only; the live version stays as it is, since the API cannot unpublish.")
	}
	b.WriteString(strings.Join(n, " ") + "\n")
	if a.documentError != nil {
		fmt.Fprintf(b, "\n**The document could not be read:** %s\n", escape(a.documentError.Error()))
	}
	list, heading := a.changes, "Changes:"
	switch {
	case a.created != nil:
		list, heading = a.created, "The document:"
	case a.listingIsTheChange():
		heading = "What changes on the public listing, live version → the draft this apply writes:"
	}
	writeList(b, heading, list)
	if a.publishes == yes && !a.listingIsTheChange() {
		writeListing(b, a, a.publishedDraft(), haveDiagnostics)
	}
	for _, r := range a.releases {
		writeRelease(b, a, r, haveDiagnostics)
	}
	if len(a.warnings) > 0 {
		b.WriteString("\nWarnings of the plan:\n\n")
		writeDiagnostics(b, a.warnings)
	}
}

func (a *app) title() string {
	title := verbTitles[a.verb]
	if len(a.releases) > 0 && a.verb != verbPublish {
		title += ", then published by an action"
	}
	if a.importing {
		title = "imported, " + title
	}
	return title
}

func writeList(b *strings.Builder, heading string, list []change) {
	if len(list) == 0 {
		return
	}
	fmt.Fprintf(b, "\n%s\n\n", heading)
	for _, c := range list {
		fmt.Fprintf(b, "- %s\n", c)
	}
}

// writeListing writes what publishing p changes on the public listing.
func writeListing(b *strings.Builder, a *app, p published, haveDiagnostics bool) {
	text, list := a.listingNote(p, haveDiagnostics)
	if text == "" {
		return
	}
	if list == nil {
		fmt.Fprintf(b, "\n%s\n", text)
		return
	}
	writeList(b, text, list)
}

// writeRelease writes what an invocation of the publish action does.
func writeRelease(b *strings.Builder, a *app, r *release, haveDiagnostics bool) {
	how := "invoked on purpose, `terraform apply -invoke`"
	if r.trigger != "" {
		how = fmt.Sprintf("triggered by `%s` of `%s`", r.event, r.trigger)
	}
	p := a.releaseDraft(r)
	fmt.Fprintf(b, "\n**The apply publishes** with `%s`, %s: %s goes live. %s\n", r.address, how, p.name(), a.pinNote(r, p))
	if p.thisApply && a.listingIsTheChange() {
		return // the changes above are the listing's
	}
	writeListing(b, a, p, haveDiagnostics)
}

// verbNotes say what the resource's change does, per verb.
var verbNotes = map[verb]func(a *app, n *notes){
	verbCreate: func(a *app, n *notes) {
		n.add("New privacy and security information, %s.", a.savedAs())
		a.existing(n)
	},
	verbUpdate:  noteUpdate,
	verbPublish: notePublish,
	verbReplace: noteReplace,
	verbDestroy: func(a *app, n *notes) { a.discarded(n) },
	verbForget: func(_ *app, n *notes) {
		n.add("Terraform stops managing the app; nothing changes on the Marketplace: its draft and live version stay.")
	},
	verbNoop: func(_ *app, n *notes) { n.add("No change.") },
}

func noteUpdate(a *app, n *notes) {
	if len(a.changes) > 0 {
		n.add("The document changes, %s.", a.savedAs())
	} else {
		n.add("No field of the document changes.")
	}
	if a.formBefore != "" && a.formAfter != "" && a.formBefore != a.formAfter {
		n.add("Form: `%s` → `%s`.", a.formBefore, a.formAfter)
		if a.formAfter == formTyped {
			n.add("Fields `common_cloud` does not model are kept as the Marketplace holds them.")
		}
	}
	a.existing(n)
}

// notePublish: the apply writes nothing and publishes: the pending draft (publish = true),
// or whatever the actions below publish.
func notePublish(a *app, n *notes) {
	switch {
	case a.publishes != yes:
		n.add("Terraform changes nothing of the resource; an action publishes the app.")
	case a.pendingDraft() != nil:
		n.add("Nothing is written: the apply publishes %s, and it goes live.", a.publishedDraft().name())
	default:
		n.add("Nothing is written: the apply publishes the app's pending draft, and it goes live.")
	}
}

func noteReplace(a *app, n *notes) {
	if a.oldProductID != "" {
		n.add("The resource moves to another app, which gets the document, %s. On the old app:", a.savedAs())
	} else {
		why := ""
		if a.reason != "" {
			why = ", " + strings.ReplaceAll(a.reason, "_", " ")
		}
		n.add("Replaced%s: the draft is discarded, then the document is written again, %s.", why, a.savedAs())
	}
	a.discarded(n)
}

// savedAs says whether the apply publishes what it writes.
func (a *app) savedAs() string {
	switch {
	case a.publishes == yes:
		return "saved and published: it goes live"
	case a.publishes == later:
		return "saved as a draft; whether it is published is known after apply"
	case len(a.releases) > 0:
		return "saved as a draft, which an action then publishes: it goes live"
	}
	return "saved as a draft, not published"
}

// existing says what a write goes over: the review the apply checks.
func (a *app) existing(n *notes) {
	draft, live := a.review.Draft, a.review.Live
	switch {
	case !a.reviewKnown:
		n.add("What it writes over is read at apply.")
	case draft.AtStake():
		n.add("Draft %s overwritten.", describeVersion(draft))
	case live.AtStake() && a.goesLive():
		n.add("Live version %s replaced.", describeVersion(live))
	case live.AtStake():
		n.add("No pending draft; the live version %s stays live until a draft is published.", describeVersion(live))
	case draft != nil && live != nil:
		n.add("The Marketplace holds no draft and no live version of it yet.")
	case draft != nil:
		n.add("No pending draft.")
	}
	if a.reviewKnown && !a.review.Empty() {
		n.add("The apply writes only if the Marketplace still holds what the plan saw.")
	}
}

// discarded says what a destroy (or a replacement's destroy) deletes: the draft the state
// describes, completed with the review's digest when it names the same draft.
func (a *app) discarded(n *notes) {
	draft := a.priorDraft
	if d := a.review.Draft; d.AtStake() && draft != nil && d.UpdatedBy == draft.UpdatedBy && d.UpdatedAt == draft.UpdatedAt {
		draft = d
	}
	if draft != nil {
		n.add("Draft %s discarded.", describeVersion(draft))
	} else {
		n.add("Any pending draft is discarded.")
	}
	n.add("The live version, if published, stays published: the Marketplace API cannot withdraw it.")
}
