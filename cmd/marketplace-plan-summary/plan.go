package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
)

// The JSON of `terraform show -json PLANFILE` (and `tofu show -json`), the parts read here.
type planJSON struct {
	FormatVersion   string           `json:"format_version"`
	ResourceChanges []resourceChange `json:"resource_changes"`
	Errored         bool             `json:"errored"`
}

type resourceChange struct {
	Address      string `json:"address"`
	Mode         string `json:"mode"`
	Type         string `json:"type"`
	ActionReason string `json:"action_reason"`
	Change       struct {
		Actions      []string        `json:"actions"`
		Before       map[string]any  `json:"before"`
		After        map[string]any  `json:"after"`
		AfterUnknown map[string]any  `json:"after_unknown"`
		Importing    json.RawMessage `json:"importing"`
	} `json:"change"`
}

const resourceType = "marketplace_privacy_security"

func decodePlan(r io.Reader) (*planJSON, error) {
	var p planJSON
	dec := json.NewDecoder(r)
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("reading the plan's JSON (the output of terraform show -json PLANFILE): %w", err)
	}
	if p.FormatVersion == "" {
		return nil, fmt.Errorf("this JSON has no format_version: it is not the output of terraform show -json PLANFILE")
	}
	if major, _, _ := strings.Cut(p.FormatVersion, "."); major != "1" {
		return nil, fmt.Errorf("plan JSON format %s is not supported (1.x is)", p.FormatVersion)
	}
	return &p, nil
}

// diagnostic is one entry of the machine-readable UI output (terraform plan -json).
type diagnostic struct {
	Severity string `json:"severity"`
	Summary  string `json:"summary"`
	Detail   string `json:"detail"`
	Address  string `json:"address"`
}

// decodeDiagnostics reads the JSON lines of terraform plan -json and keeps the warnings
// and errors, each once. Lines that are not JSON (a CLI's stray output) are skipped.
func decodeDiagnostics(r io.Reader) ([]diagnostic, error) {
	var out []diagnostic
	seen := map[diagnostic]bool{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 16*1024*1024)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if !strings.HasPrefix(line, "{") {
			continue
		}
		var entry struct {
			Type       string      `json:"type"`
			Diagnostic *diagnostic `json:"diagnostic"`
		}
		if json.Unmarshal([]byte(line), &entry) != nil || entry.Type != "diagnostic" || entry.Diagnostic == nil {
			continue
		}
		d := *entry.Diagnostic
		if d.Severity != "warning" && d.Severity != "error" {
			continue
		}
		if !seen[d] {
			seen[d] = true
			out = append(out, d)
		}
	}
	return out, sc.Err()
}

// verb is what the apply does with an app.
type verb int

const (
	verbNoop verb = iota
	verbCreate
	verbUpdate
	verbPublish // only a publish: the document does not change
	verbReplace
	verbDestroy
	verbForget
)

var verbTitles = map[verb]string{
	verbCreate:  "created",
	verbUpdate:  "updated",
	verbPublish: "published",
	verbReplace: "replaced",
	verbDestroy: "destroyed",
	verbForget:  "no longer managed",
}

// app is what the plan does to one app, worked out from its resource change.
type app struct {
	address       string
	productID     string
	oldProductID  string // a replacement's destroyed half, when the product ID changes
	verb          verb
	importing     bool
	formBefore    string
	formAfter     string
	changes       []change
	created       []change // a create's document, field by field
	publishes     string   // "yes", "no" or "unknown"
	stopsPublish  bool
	basis         string // the planned basis (after), else the state's (before)
	basisKnown    bool
	priorDraft    *version // the draft the state describes (version_state = draft)
	reason        string
	warnings      []diagnostic
	documentError error
}

// version is a version of the document as a plan or a state names it.
type version struct {
	exists bool
	at     time.Time
	by     string
	digest string
}

func analyse(rc resourceChange) *app {
	ch := rc.Change
	a := &app{address: rc.Address, reason: rc.ActionReason}
	a.importing = len(ch.Importing) > 0 && string(ch.Importing) != "null"
	before, after := ch.Before, ch.After
	marks := ch.AfterUnknown
	a.productID = stringAttr(after, marks, "product_id")
	if after == nil {
		a.productID = stringAttr(before, nil, "product_id")
	}
	switch strings.Join(ch.Actions, ",") {
	case "create":
		a.verb = verbCreate
	case "update":
		a.verb = verbUpdate
	case "delete":
		a.verb = verbDestroy
	case "delete,create", "create,delete":
		a.verb = verbReplace
		if old := stringAttr(before, nil, "product_id"); old != a.productID {
			a.oldProductID = old
		}
	case "forget":
		a.verb = verbForget
	default:
		a.verb = verbNoop
	}

	var bdoc, adoc any
	var err error
	if before != nil {
		if bdoc, a.formBefore, err = documentOf(before, nil); err != nil {
			a.documentError = err
		}
	}
	if after != nil {
		if adoc, a.formAfter, err = documentOf(after, marks); err != nil {
			a.documentError = err
		}
	}
	switch a.verb {
	case verbCreate:
		a.created = describeDocument(adoc)
	case verbReplace:
		if a.oldProductID != "" {
			a.created = describeDocument(adoc)
		} else {
			a.changes = diffDocuments(bdoc, adoc, a.formAfter == formTyped)
		}
	case verbUpdate:
		a.changes = diffDocuments(bdoc, adoc, a.formAfter == formTyped)
	}

	// Publishing: the planned version_state is live, and the apply writes or the state
	// holds a draft (the provider's own rule).
	if after != nil {
		publish, known := boolAttr(after, marks, "publish")
		switch {
		case !known:
			a.publishes = "unknown"
		case publish && (a.verb != verbUpdate || len(a.changes) > 0 || stringAttr(before, nil, "version_state") != "live"):
			a.publishes = "yes"
		default:
			a.publishes = "no"
		}
		if wasPublishing, _ := boolAttr(before, nil, "publish"); before != nil && wasPublishing && known && !publish {
			a.stopsPublish = true
		}
	}
	if a.verb == verbUpdate && len(a.changes) == 0 && a.publishes == "yes" {
		a.verb = verbPublish
	}

	a.basis, a.basisKnown = stringAttr(after, marks, "basis"), after != nil && !isUnknown(marks["basis"])
	if after == nil || a.verb == verbReplace {
		a.basis, a.basisKnown = stringAttr(before, nil, "basis"), before != nil
	}
	if before != nil && stringAttr(before, nil, "version_state") == "draft" {
		if props, ok := before["properties"].(map[string]any); ok {
			v := &version{exists: true}
			v.by, _ = props["updated_by"].(string)
			if at, ok := props["updated_at"].(string); ok {
				v.at, _ = time.Parse(time.RFC3339, at)
			}
			a.priorDraft = v
		}
	}
	return a
}

// stringAttr reads a string attribute; "(known after apply)" when unknown.
func stringAttr(side, marks map[string]any, name string) string {
	if isUnknown(marks[name]) {
		return "(known after apply)"
	}
	s, _ := side[name].(string)
	return s
}

func boolAttr(side, marks map[string]any, name string) (value, known bool) {
	if isUnknown(marks[name]) {
		return false, false
	}
	b, _ := side[name].(bool)
	return b, true
}

// parseBasis reads the basis attribute's text, e.g.
// "draft: 2026-12-01T10:00:00Z by alice@example.com, sha256:1a2b3c4d5e6f; live: none".
func parseBasis(text string) map[string]*version {
	out := map[string]*version{}
	for _, part := range strings.Split(text, "; ") {
		name, rest, ok := strings.Cut(part, ": ")
		if !ok {
			continue
		}
		v := &version{}
		out[name] = v
		if rest == "none" {
			continue
		}
		v.exists = true
		head := rest
		if i := strings.LastIndex(rest, ", "); i >= 0 {
			head, v.digest = rest[:i], rest[i+2:]
		} else if strings.HasPrefix(rest, "sha256:") {
			head, v.digest = "", rest
		}
		if stamp, by, _ := strings.Cut(head, " "); stamp != "" {
			if t, err := time.Parse(time.RFC3339, stamp); err == nil {
				v.at = t
				head = by
			}
		}
		v.by = strings.TrimPrefix(head, "by ")
	}
	return out
}

// describe names a version for a reviewer: "by alice@example.com on 1 Dec 2026 10:00 UTC
// (sha256:1a2b3c4d5e6f)".
func (v *version) describe() string {
	var parts []string
	if v.by != "" {
		parts = append(parts, "by "+escape(v.by))
	}
	if !v.at.IsZero() {
		parts = append(parts, "on "+v.at.UTC().Format("2 Jan 2006 15:04 MST"))
	}
	if v.digest != "" {
		parts = append(parts, "("+v.digest+")")
	}
	return strings.Join(parts, " ")
}

// apps works out every app of the plan, by address.
func apps(p *planJSON) []*app {
	var out []*app
	for _, rc := range p.ResourceChanges {
		if rc.Type != resourceType || (rc.Mode != "" && rc.Mode != "managed") {
			continue
		}
		out = append(out, analyse(rc))
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].address < out[j].address })
	return out
}
