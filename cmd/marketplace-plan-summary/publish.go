package main

import (
	"fmt"
	"strings"

	"github.com/marketplace-trust/terraform-provider-marketplace/internal/review"
)

// What a publish puts on the public listing, from the plan alone: which draft goes live
// (who saved it, when, its digest), and the listing's changes, live version to that draft,
// when the plan holds both (the prior state describes the live version when there is no
// pending draft). When it does not, the summary says so: the provider's warnings in the
// output of plan -json name the changes, and are attached to the app.

// published is the draft a publish makes live, as far as the plan tells.
type published struct {
	thisApply   bool            // the draft this apply writes
	version     *review.Version // who, when, digest; nil when the plan does not tell
	doc         any             // its document; nil when the plan does not hold it
	liveAlready bool            // the live version holds it already: nothing to publish
	other       *review.Version // the draft the plan names, when the action is pinned to another
}

// publishedDraft is the draft the apply publishes: the one it writes, else the pending
// draft the state describes.
func (a *app) publishedDraft() published {
	if a.writes() {
		p := published{thisApply: true, doc: a.afterDoc}
		if a.after != nil && a.after.DraftDigest != nil && !bool(a.marks.DraftDigest) {
			p.version = &review.Version{Exists: true, Digest: *a.after.DraftDigest}
		}
		return p
	}
	if d := a.pendingDraft(); d != nil {
		return published{version: d, doc: a.beforeDoc}
	}
	return published{}
}

// pendingDraft is the draft the state describes, as this plan read it when it did.
func (a *app) pendingDraft() *review.Version {
	d := a.priorDraft
	if d == nil {
		return nil
	}
	if r := a.review.Draft; a.reviewKnown && r.AtStake() && (d.Digest == "" || r.Digest == d.Digest) {
		return r
	}
	return d
}

// releaseDraft is the draft release r publishes: as publishedDraft, checked against its pin.
func (a *app) releaseDraft(r *release) published {
	p := a.publishedDraft()
	if !r.pinned || !r.pinKnown || (p.version != nil && p.version.Digest == r.pin) {
		return p
	}
	pin := &review.Version{Exists: true, Digest: r.pin}
	if !p.thisApply && a.stateDescribes() == "live" && a.before != nil && str(a.before.DraftDigest) == r.pin {
		return published{liveAlready: true, version: pin}
	}
	// Pinned to another draft than the plan names, or the plan names none: that draft, which
	// the plan does not hold.
	return published{version: pin, other: p.version}
}

// describeVersion names a version for a reviewer: "by alice@example.com on 1 Dec 2026 10:00
// UTC (sha256:1a2b3c4d5e6f)".
func describeVersion(v *review.Version) string {
	var parts []string
	if v.UpdatedBy != "" {
		parts = append(parts, "by "+escape(v.UpdatedBy))
	}
	if v.UpdatedAt != 0 {
		parts = append(parts, "on "+timeOf(v.UpdatedAt))
	}
	if v.Digest != "" {
		parts = append(parts, "("+v.Digest+")")
	}
	return strings.Join(parts, " ")
}

// name is how a sentence names the draft p: "the draft this apply writes (sha256:…)".
func (p published) name() string {
	switch {
	case p.thisApply && p.version != nil:
		return "the draft this apply writes (" + p.version.Digest + ")"
	case p.thisApply:
		return "the draft this apply writes"
	case p.version != nil && p.doc != nil:
		return "the pending draft " + describeVersion(p.version)
	case p.version != nil:
		return "the draft " + p.version.Digest
	}
	return "whatever draft the app holds then"
}

// pinNote says whether release r publishes exactly the draft reviewed.
func (a *app) pinNote(r *release, p published) string {
	switch {
	case !r.pinned:
		return "**Not pinned:** the action's `draft_digest` is null, so it publishes whatever draft the app holds " +
			"when it runs, even one saved after this review. Set `draft_digest = marketplace_privacy_security.NAME.draft_digest` " +
			"to publish exactly the draft reviewed, or nothing."
	case !r.pinKnown:
		return "Pinned to the draft this apply writes: the action publishes nothing if the app holds another draft then."
	case p.other != nil:
		return fmt.Sprintf("**Pinned to another draft** than the one this plan names, %s: the action publishes nothing "+
			"unless the app holds %s then.", describeVersion(p.other), r.pin)
	case p.doc == nil:
		return "Pinned to " + r.pin + ": the action publishes nothing if the app holds another draft then."
	}
	return "Pinned to " + r.pin + ": the action publishes exactly this draft, and nothing if the app holds another one then."
}

// liveVersion is the app's live version and its document, as far as the plan holds them:
// the prior state describes it when the app has no pending draft.
func (a *app) liveVersion() (doc any, held, none bool) {
	if a.stateDescribes() == "live" {
		return a.beforeDoc, true, false
	}
	if a.reviewKnown && a.review.Live != nil && !a.review.Live.AtStake() {
		return nil, false, true
	}
	return nil, false, false
}

// listingNote says what publishing p changes on the public listing, with the changes.
func (a *app) listingNote(p published, haveDiagnostics bool) (string, []change) {
	live, held, none := a.liveVersion()
	switch {
	case p.liveAlready:
		return "The live version already holds this draft: the action publishes nothing.", nil
	case none && a.verb == verbCreate:
		return "", nil // said with what the create writes over
	case none:
		return "The app has no live version yet: this draft becomes its first public listing.", nil
	case held && p.doc != nil:
		if _, ok := p.doc.(unknown); !ok {
			changes := diffDocuments(live, p.doc, a.formAfter == formTyped)
			if len(changes) == 0 {
				return "The public listing does not change: the draft holds what is live.", nil
			}
			return "What changes on the public listing, live version → this draft:", changes
		}
	}
	what := "the live version"
	if l := a.review.Live; !held && a.reviewKnown && l.AtStake() {
		what += " " + describeVersion(l)
	}
	if held {
		what = "the draft's document"
	}
	return fmt.Sprintf("The plan does not hold %s, so what changes on the public listing is not in it: %s", what,
		whereWarnings(a, haveDiagnostics)), nil
}

// whereWarnings points at the provider's warnings, which name what a publish changes.
func whereWarnings(a *app, haveDiagnostics bool) string {
	switch {
	case len(a.warnings) > 0:
		return "see the plan's warnings below."
	case haveDiagnostics:
		return "the plan has no warning about it either."
	}
	return "the provider's warnings in the output of `plan -json` say it; pass it with `-diagnostics`."
}

// listingIsTheChange reports whether the change list is the listing's: the apply publishes
// what it writes over the live version the state describes.
func (a *app) listingIsTheChange() bool {
	if !a.writes() || a.stateDescribes() != "live" || a.verb == verbCreate {
		return false
	}
	if a.publishes == yes {
		return true
	}
	for _, r := range a.releases {
		if p := a.releaseDraft(r); p.thisApply {
			return true
		}
	}
	return false
}
