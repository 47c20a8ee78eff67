package main

import (
	"sort"
	"strings"
	"unicode"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/marketplace-trust/terraform-provider-marketplace/internal/review"
)

// verb is what the apply does with an app's resource.
type verb int

const (
	verbNoop verb = iota
	verbCreate
	verbUpdate
	verbPublish // only a publish: nothing is written
	verbReplace
	verbDestroy
	verbForget
)

var verbTitles = map[verb]string{
	verbNoop:    "unchanged",
	verbCreate:  "created",
	verbUpdate:  "updated",
	verbPublish: "published",
	verbReplace: "replaced",
	verbDestroy: "destroyed",
	verbForget:  "no longer managed",
}

// tri is yes, no, or known only after the apply.
type tri int

const (
	no tri = iota
	yes
	later
)

// app is what the plan does to one app: its resource's change (or, for an app only an
// action publishes, its resource as the prior state holds it) and the actions that publish it.
type app struct {
	address      string
	productID    string
	oldProductID string // a replacement's destroyed half, when the product ID changes
	verb         verb
	importing    bool
	reason       string

	before, after       *values // nil: the side holds no object
	marks               unknowns
	beforeDoc, afterDoc any
	formBefore          string
	formAfter           string
	documentError       error

	changes      []change
	created      []change // a create's document, field by field
	publishes    tri      // the resource itself publishes (publish = true)
	stopsPublish bool
	review       review.Review // the planned basis: what this plan read of the app
	reviewKnown  bool
	priorDraft   *review.Version // the draft the state describes

	releases []*release
	warnings []diagnostic
}

// analyse works out what a resource change does to its app.
func analyse(rc *tfjson.ResourceChange, reason string) *app {
	a := &app{address: rc.Address, reason: reason}
	ch := rc.Change
	if ch == nil {
		ch = &tfjson.Change{}
	}
	a.importing = ch.Importing != nil
	a.before, a.after = sideOf(ch.Before), sideOf(ch.After)
	_ = convert(ch.AfterUnknown, &a.marks)
	a.verb = verbOf(ch.Actions)
	a.readProductIDs()
	a.readDocuments()
	a.describeDocumentChange()
	a.readPublish()
	a.readReview()
	return a
}

// fromState is an app that no resource change names: its resource as the prior state holds it.
func fromState(r *tfjson.StateResource) *app {
	a := &app{address: r.Address, before: sideOf(r.AttributeValues)}
	a.readProductIDs()
	a.readDocuments()
	a.priorDraft = stateDraft(a.before)
	return a
}

func sideOf(v any) *values {
	if v == nil {
		return nil
	}
	out := &values{}
	if convert(v, out) != nil {
		return &values{}
	}
	return out
}

func verbOf(actions tfjson.Actions) verb {
	switch {
	case actions.Create():
		return verbCreate
	case actions.Update():
		return verbUpdate
	case actions.Delete():
		return verbDestroy
	case actions.Replace():
		return verbReplace
	case actions.Forget():
		return verbForget
	}
	return verbNoop
}

func (a *app) readProductIDs() {
	switch {
	case a.after != nil && bool(a.marks.ProductID):
		a.productID = "(known after apply)"
	case a.after != nil:
		a.productID = str(a.after.ProductID)
	case a.before != nil:
		a.productID = str(a.before.ProductID)
	}
	if a.verb == verbReplace && a.before != nil {
		if old := str(a.before.ProductID); old != a.productID {
			a.oldProductID = old
		}
	}
}

func (a *app) readDocuments() {
	var err error
	if a.before != nil {
		if a.beforeDoc, a.formBefore, err = documentOf(*a.before, unknowns{}); err != nil {
			a.documentError = err
		}
	}
	if a.after != nil {
		if a.afterDoc, a.formAfter, err = documentOf(*a.after, a.marks); err != nil {
			a.documentError = err
		}
	}
}

func (a *app) describeDocumentChange() {
	switch {
	case a.verb == verbCreate || (a.verb == verbReplace && a.oldProductID != ""):
		a.created = describeDocument(a.afterDoc)
	case a.verb == verbReplace || a.verb == verbUpdate:
		a.changes = diffDocuments(a.beforeDoc, a.afterDoc, a.formAfter == formTyped)
	}
}

// readPublish applies the provider's own rule: the apply publishes when the planned publish
// is true, and it writes or the state holds a draft.
func (a *app) readPublish() {
	if a.after == nil {
		return
	}
	switch {
	case bool(a.marks.Publish):
		a.publishes = later
	case isTrue(a.after.Publish) && (a.verb != verbUpdate || len(a.changes) > 0 || a.stateDescribes() != "live"):
		a.publishes = yes
	}
	a.stopsPublish = a.before != nil && isTrue(a.before.Publish) && a.publishes == no && !isTrue(a.after.Publish)
	if a.verb == verbUpdate && len(a.changes) == 0 && a.publishes == yes {
		a.verb = verbPublish
	}
}

// readReview decodes the basis the apply checks: the planned one (after), else the state's.
// A resource the plan does not change keeps the basis of the plan that last changed it:
// not what this plan read.
func (a *app) readReview() {
	side, known := a.after, a.after != nil && !bool(a.marks.Basis) && a.verb != verbNoop
	if a.after == nil || a.verb == verbReplace {
		side, known = a.before, a.before != nil
	}
	if side != nil && side.Basis != nil {
		if r, err := review.Decode(*side.Basis); err == nil {
			a.review = r
		}
	}
	a.reviewKnown = known
	a.priorDraft = stateDraft(a.before)
}

// stateDescribes is the version the prior state describes: "draft", "live" or "".
func (a *app) stateDescribes() string {
	if a.before == nil {
		return ""
	}
	return str(a.before.VersionState)
}

// stateDraft is the draft a state describes (version_state = draft): who, when, its digest.
func stateDraft(v *values) *review.Version {
	if v == nil || str(v.VersionState) != "draft" {
		return nil
	}
	d := &review.Version{Exists: true, Digest: str(v.DraftDigest)}
	if v.Properties != nil {
		d.UpdatedBy, d.UpdatedAt = v.Properties.UpdatedBy, millis(v.Properties.UpdatedAt)
	}
	return d
}

// apps works out every app of the plan, by address, with the actions that publish them.
func apps(p *plan) []*app {
	var out []*app
	for _, rc := range p.ResourceChanges {
		if rc.Type != resourceType || (rc.Mode != "" && rc.Mode != tfjson.ManagedResourceMode) {
			continue
		}
		out = append(out, analyse(rc, p.reasons[rc.Address]))
	}
	out = attachReleases(p, out)
	sort.SliceStable(out, func(i, j int) bool { return out[i].address < out[j].address })
	return out
}

// attachReleases gives each invocation of the publish action to the app it publishes: the
// resource that triggers it, else the app whose product ID it names (from the resource
// changes, then the prior state), else an app of its own.
func attachReleases(p *plan, all []*app) []*app {
	byAddress := map[string]*app{}
	for _, a := range all {
		byAddress[a.address] = a
	}
	for _, ai := range p.ActionInvocations {
		if ai == nil || ai.Type != actionType {
			continue
		}
		r := readRelease(ai)
		a := byAddress[r.trigger]
		if a == nil && r.productKnown {
			a = appOfProduct(p, all, r.productID)
			if a != nil && byAddress[a.address] == nil {
				byAddress[a.address] = a
				all = append(all, a)
			}
		}
		if a == nil {
			a = &app{address: r.address, productID: r.productID}
			if !r.productKnown {
				a.productID = "(known after apply)"
			}
			all = append(all, a)
		}
		a.releases = append(a.releases, r)
		if a.verb == verbNoop {
			a.verb = verbPublish
		}
	}
	return all
}

// appOfProduct is the app of the product: one of all, else its resource in the prior state.
func appOfProduct(p *plan, all []*app, productID string) *app {
	for _, a := range all {
		if a.productID == productID {
			return a
		}
	}
	for _, r := range p.stateResources() {
		if r.Type != resourceType || r.Mode != tfjson.ManagedResourceMode {
			continue
		}
		if a := fromState(r); a.productID == productID {
			return a
		}
	}
	return nil
}

// release is one invocation of the publish action.
type release struct {
	address      string
	trigger      string // the resource whose action_trigger runs it; "" for -invoke
	event        string // after_create, after_update, ...
	productID    string
	productKnown bool
	pin          string // draft_digest
	pinKnown     bool   // false: known only at apply
	pinned       bool   // draft_digest is set (or will be)
}

func readRelease(ai *tfjson.ActionInvocation) *release {
	var cfg actionConfig
	var marks actionUnknowns
	_ = convert(ai.ConfigValues, &cfg)
	_ = convert(ai.ConfigUnknown, &marks)
	r := &release{address: ai.Address, productID: str(cfg.ProductID), productKnown: !bool(marks.ProductID)}
	if t := ai.LifecycleActionTrigger; t != nil {
		r.trigger, r.event = t.TriggeringResourceAddress, eventName(t.ActionTriggerEvent)
	}
	r.pinKnown = !bool(marks.DraftDigest)
	r.pin = str(cfg.DraftDigest)
	r.pinned = !r.pinKnown || cfg.DraftDigest != nil
	return r
}

// goesLive reports whether the apply publishes the app: the resource, or an action.
func (a *app) goesLive() bool { return a.publishes == yes || len(a.releases) > 0 }

// writes reports whether the apply writes the app's draft.
func (a *app) writes() bool {
	switch a.verb {
	case verbCreate, verbReplace:
		return true
	case verbUpdate:
		return len(a.changes) > 0 || a.formBefore != a.formAfter
	}
	return false
}

// eventName is an action_trigger event as the configuration names it: the plan's JSON
// says AfterUpdate for after_update.
func eventName(e string) string {
	var b strings.Builder
	for i, r := range e {
		if unicode.IsUpper(r) && i > 0 {
			b.WriteByte('_')
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}
