// Package review is what a plan reviewed of an app, and the one rule that answers "is what
// the Marketplace holds now what was reviewed?". The resource, the publish action and the
// plan summary all use it: the resource plans a Review and keeps it in its basis attribute
// (Encode), its apply decodes it and asks Check against a fresh read; the action's pin is a
// Review of one draft; the summary decodes the attribute and renders it (Version.Describe).
// Display text is only ever rendered from a Review, never read back.
package review

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Version is what a read found of one version (draft or live) of an app.
type Version struct {
	// Exists: the version exists and puts something at stake. A draft that holds exactly
	// the live version, or exactly what the apply writes, loses nobody's work when it is
	// overwritten or discarded: it counts as none (Settled) and is encoded as none.
	Exists  bool
	Settled bool
	Digest  string // document.Digest of its content
	// UpdatedAt (epoch milliseconds) and UpdatedBy are the API's properties, when it sent them.
	UpdatedAt int64
	UpdatedBy string
	// Fate is what the planned apply does to the version, when the change does not show it
	// ("overwritten by this apply": a create or a replacement over someone's draft).
	Fate string
}

// None is a version that was read and does not exist.
func None() *Version { return &Version{} }

// AtStake reports whether v is a version whose loss would lose someone's work.
func (v *Version) AtStake() bool { return v != nil && v.Exists && !v.Settled }

// Same reports whether v, read now, is the version reviewed: by content, not by who saved
// it or when; a version that puts nothing at stake is none.
func (v *Version) Same(reviewed *Version) bool {
	if !reviewed.AtStake() {
		return !v.AtStake()
	}
	return v != nil && v.Exists && v.Digest == reviewed.Digest
}

// Review is what a plan saw of an app: each version it read (nil: not read).
type Review struct {
	Product string // in private records only
	Draft   *Version
	Live    *Version
}

// Empty reports whether nothing was read.
func (r Review) Empty() bool { return r.Draft == nil && r.Live == nil }

// Of is the version named "draft" or "live".
func (r Review) Of(version string) *Version {
	if version == "draft" {
		return r.Draft
	}
	return r.Live
}

// Names lists the versions r read, draft first.
func (r Review) Names() []string {
	var out []string
	for _, v := range []string{"draft", "live"} {
		if r.Of(v) != nil {
			out = append(out, v)
		}
	}
	return out
}

// Change is how an app differs from a review: the first version (draft first) that is not
// the one reviewed.
type Change struct {
	Version  string   // "draft" or "live"
	Reviewed *Version // as the review saw it
	Now      *Version // as it is now
}

// Gone reports whether the version reviewed no longer exists.
func (c *Change) Gone() bool { return c.Reviewed.AtStake() && !c.Now.Exists }

// Check is the one rule: whether now, a fresh read of the versions r names, is what r
// reviewed. nil when it is; otherwise the first version that changed. A version r did not
// read is not checked; one that now reads nil counts as none.
func (r Review) Check(now Review) *Change {
	for _, name := range r.Names() {
		reviewed, found := r.Of(name), now.Of(name)
		if found == nil {
			found = None()
		}
		if !found.Same(reviewed) {
			return &Change{Version: name, Reviewed: reviewed, Now: found}
		}
	}
	return nil
}

// Pin is the review of one draft by its digest: what the publish action publishes.
func Pin(digest string) Review {
	return Review{Draft: &Version{Exists: true, Digest: digest}}
}

// wire is the machine form of a version: null for none.
type wire struct {
	Digest    string `json:"digest"`
	UpdatedAt string `json:"updated_at,omitempty"`
	UpdatedBy string `json:"updated_by,omitempty"`
	Fate      string `json:"fate,omitempty"`
}

// Encode is r's one machine form, a JSON object: {"draft": {...} or null, "live": ...},
// a key only for a version read; "product" only when set.
func (r Review) Encode() string {
	out := map[string]any{}
	if r.Product != "" {
		out["product"] = r.Product
	}
	for _, name := range r.Names() {
		v := r.Of(name)
		if !v.AtStake() {
			out[name] = nil
			continue
		}
		w := wire{Digest: v.Digest, UpdatedBy: v.UpdatedBy, Fate: v.Fate}
		if v.UpdatedAt != 0 {
			w.UpdatedAt = time.UnixMilli(v.UpdatedAt).UTC().Format(time.RFC3339Nano)
		}
		out[name] = w
	}
	text, _ := json.Marshal(out) // strings and maps always encode
	return string(text)
}

// Decode reads r back from Encode's form; anything else (empty, a legacy text) reads as a
// review of nothing, with an error.
func Decode(text string) (Review, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(text), &raw); err != nil {
		return Review{}, fmt.Errorf("not a review: %w", err)
	}
	var r Review
	if p, ok := raw["product"]; ok {
		_ = json.Unmarshal(p, &r.Product)
	}
	for _, name := range []string{"draft", "live"} {
		msg, ok := raw[name]
		if !ok {
			continue
		}
		v := None()
		if !bytes.Equal(bytes.TrimSpace(msg), []byte("null")) {
			var w wire
			if err := json.Unmarshal(msg, &w); err != nil {
				return Review{}, fmt.Errorf("not a review: %s: %w", name, err)
			}
			v = &Version{Exists: true, Digest: w.Digest, UpdatedBy: w.UpdatedBy, Fate: w.Fate}
			if t, err := time.Parse(time.RFC3339Nano, w.UpdatedAt); err == nil {
				v.UpdatedAt = t.UnixMilli()
			}
		}
		if name == "draft" {
			r.Draft = v
		} else {
			r.Live = v
		}
	}
	return r, nil
}

// Changed is " by WHO at WHEN", as far as the version tells ("" when it tells nothing).
func (v *Version) Changed() string {
	return ChangedBy(v.UpdatedBy, v.UpdatedAt)
}

// ChangedBy is " by WHO at WHEN" for what the API's properties tell.
func ChangedBy(by string, atMillis int64) string {
	out := ""
	if by != "" {
		out += " by " + by
	}
	if atMillis != 0 {
		out += " at " + time.UnixMilli(atMillis).UTC().Format(time.RFC3339)
	}
	return out
}

// String renders v for a diagnostic: "none", or "sha256:1a2b3c4d5e6f (last changed by
// alice@example.com at 2026-12-01T10:00:00Z; overwritten by this apply)".
func (v *Version) String() string {
	if !v.AtStake() {
		return "none"
	}
	var notes []string
	if c := v.Changed(); c != "" {
		notes = append(notes, "last changed"+c)
	}
	if v.Fate != "" {
		notes = append(notes, v.Fate)
	}
	if len(notes) == 0 {
		return v.Digest
	}
	return v.Digest + " (" + strings.Join(notes, "; ") + ")"
}

// String renders r for a diagnostic: "draft: ...; live: none".
func (r Review) String() string {
	var parts []string
	for _, name := range r.Names() {
		parts = append(parts, name+": "+r.Of(name).String())
	}
	if len(parts) == 0 {
		return "nothing read"
	}
	return strings.Join(parts, "; ")
}
