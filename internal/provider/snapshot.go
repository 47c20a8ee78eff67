package provider

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/marketplace-trust/terraform-provider-marketplace/internal/document"

	"github.com/marketplace-trust/terraform-provider-marketplace/internal/marketplace"
)

// The plan-to-apply handshake, in one place: how the provider reads an app (snapshots),
// what a plan saw of it (its basis), the basis's one encoding (its text) and its one
// comparison (seen.matches).
//
// The apply does what the reviewed plan showed, or nothing. Each plan records what it saw
// of the app, its basis: for the draft and for the live version, whichever it read, whether
// the version existed and, when it did, who changed it last, when, and a digest of its
// content. Immediately before a PUT, a publish or a DELETE the apply reads the version it is
// about to change; when that differs from the basis, nothing is sent for the app and the
// apply fails, saying who changed it, when, which fields, and to plan again.
//
// Where the basis travels from the plan to the apply, always as its text (basis.String):
//   - updates and publishes: the planned value of the basis attribute, which the plan shows;
//     Terraform keeps it in a saved plan, and refuses an apply whose own last plan, made
//     right before the apply, comes to another value ("Provider produced inconsistent final
//     plan"), so it cannot be lost or replaced on the way;
//   - creates: the same attribute (the framework gives a create no private state);
//   - destroys: the destroy plan's private state, which Terraform hands to the delete.
//
// The refresh's reads are recorded in private state (privateBasis), so that a plan made
// from them, with -refresh=false too, has the basis of what the state describes.
//
// The basis records what an apply would lose, not who touched the app last: versions are
// compared by content (their digest), and a draft that puts nothing at stake counts as
// none. A draft holds nothing at stake when its content is exactly the live version's
// (discarding or overwriting it loses nothing the Marketplace does not keep) or exactly
// what this apply writes: a request that timed out on our side and was carried out later
// leaves such a draft, whoever wrote it. Any other draft is someone's work, and a change
// to it refuses the apply.

const (
	// privateUnmanaged holds the fields of the document read last that the configuration
	// of that time did not manage, as a JSON object: absent when nothing was read yet
	// (document.SplitUnmanaged; every PUT keeps them).
	privateUnmanaged = "unmanaged"
	// privateImported marks a state just imported, until the read that follows.
	privateImported = "imported"
	// privateBasis holds the basis of the last read (refresh, import, apply): basis.record.
	privateBasis = "basis"
	// privateDestroyBasis holds what a destroy plan saw, for the delete: basis.record.
	privateDestroyBasis = "destroy_basis"
)

// seen is what a read found of one version: nil when the version was not read.
type seen struct {
	Exists bool
	// Settled: the version exists and puts nothing at stake (a draft holding exactly the
	// live version, or exactly what the write puts): it counts as none, and reads as none.
	Settled bool
	// Fate is what the planned apply does to the version, said in the plan when it is not
	// plain from the change itself: a create (or a replacement) over someone's draft.
	Fate      string
	UpdatedAt int64 // epoch milliseconds
	UpdatedBy string
	Digest    string
}

// basis is what a plan saw of an app: each version it read.
type basis struct {
	Draft *seen
	Live  *seen
	// ProductID is the app read, in the private records (not shown).
	ProductID string
}

// seenOf describes a version read: doc nil when it does not exist.
func seenOf(doc *marketplace.Version) *seen {
	if doc == nil {
		return &seen{}
	}
	s := &seen{Exists: true, Digest: documentDigest(doc.CommonCloud)}
	if doc.Properties != nil {
		s.UpdatedAt, s.UpdatedBy = doc.Properties.UpdatedAt, doc.Properties.UpdatedBy
	}
	return s
}

// with is b with the version read recorded.
func (b basis) with(version marketplace.VersionState, doc *marketplace.Version) basis {
	if version == marketplace.Draft {
		b.Draft = seenOf(doc)
	} else {
		b.Live = seenOf(doc)
	}
	return b
}

// writeOver is what a write would put when the draft it writes over holds base (nil for an
// operation that writes no document: a publish, a destroy).
type writeOver func(base map[string]any) map[string]any

// withDraft records the draft read, settled (counting as none) when it puts nothing at
// stake: its content is the live version's as this basis saw it, or what the write puts.
func (b basis) withDraft(doc *marketplace.Version, writes writeOver) basis {
	b.Draft = b.judgeDraft(doc, writes)
	return b
}

// judgeDraft is seenOf for a draft, settled when it puts nothing at stake (withDraft).
func (b basis) judgeDraft(doc *marketplace.Version, writes writeOver) *seen {
	s := seenOf(doc)
	if !s.Exists {
		return s
	}
	if b.Live != nil && b.Live.Exists && !b.Live.Settled && b.Live.Digest == s.Digest {
		s.Settled = true
	} else if writes != nil {
		if body := writes(doc.CommonCloud); body != nil && documentDigest(body) == s.Digest {
			s.Settled = true
		}
	}
	return s
}

// atStake reports whether s is a version whose loss would lose someone's work.
func (s *seen) atStake() bool { return s != nil && s.Exists && !s.Settled }

// matches reports whether s, read now, is the version a plan saw (planned): by content, not
// by who saved it or when; a version that puts nothing at stake is none.
func (s *seen) matches(planned *seen) bool {
	if !planned.atStake() {
		return !s.atStake()
	}
	return s.Exists && s.Digest == planned.Digest
}

func (b basis) empty() bool { return b.Draft == nil && b.Live == nil }

// version is what b saw of one version (nil: not read).
func (b basis) version(v marketplace.VersionState) *seen {
	if v == marketplace.Draft {
		return b.Draft
	}
	return b.Live
}

// String is the basis as the plan shows it, and its one encoding (parseBasis reads it back), e.g.
// "draft: 2026-12-01T10:00:00Z by alice@example.com, sha256:1a2b3c4d5e6f; live: none".
func (b basis) String() string {
	var parts []string
	for _, v := range []marketplace.VersionState{marketplace.Draft, marketplace.Live} {
		if s := b.version(v); s != nil {
			parts = append(parts, string(v)+": "+s.String())
		}
	}
	if len(parts) == 0 {
		return "nothing read"
	}
	return strings.Join(parts, "; ")
}

// record is the basis as private state keeps it: its text, after the product read, as a
// JSON string (private state holds JSON); readRecord reads it back.
func (b basis) record() []byte {
	out, _ := json.Marshal("product: " + b.ProductID + "; " + b.String()) // a string always encodes
	return out
}

// readRecord is the basis a record holds (nothing read when it holds none).
func readRecord(record []byte) basis {
	var text string
	if json.Unmarshal(record, &text) != nil {
		return basis{}
	}
	return parseBasis(text)
}

func (s *seen) String() string {
	if !s.atStake() {
		return "none"
	}
	var out []string
	if s.UpdatedAt != 0 {
		out = append(out, time.UnixMilli(s.UpdatedAt).UTC().Format(time.RFC3339))
	}
	if s.UpdatedBy != "" {
		out = append(out, "by "+s.UpdatedBy)
	}
	text := strings.Join(out, " ")
	if text != "" {
		text += ", "
	}
	text += s.Digest
	if s.Fate != "" {
		text += " (" + s.Fate + ")"
	}
	return text
}

// parseBasis reads a basis back from its text (String, or record): the versions it names,
// each as seen; those it does not name are nil (not read). What is not a basis reads as
// nothing read.
func parseBasis(text string) basis {
	var b basis
	for _, part := range strings.Split(text, "; ") {
		name, desc, ok := strings.Cut(part, ": ")
		if !ok {
			continue
		}
		switch name {
		case "product":
			b.ProductID = desc
		case string(marketplace.Draft):
			b.Draft = parseSeen(desc)
		case string(marketplace.Live):
			b.Live = parseSeen(desc)
		}
	}
	return b
}

func parseSeen(text string) *seen {
	if text == "none" {
		return &seen{}
	}
	s := &seen{Exists: true}
	if i := strings.LastIndex(text, " ("); i >= 0 && strings.HasSuffix(text, ")") {
		text, s.Fate = text[:i], text[i+2:len(text)-1]
	}
	who, digest := "", text
	if i := strings.LastIndex(text, ", "); i >= 0 {
		who, digest = text[:i], text[i+2:]
	}
	s.Digest = digest
	if when, rest, _ := strings.Cut(who, " "); !strings.HasPrefix(who, "by ") {
		if t, err := time.Parse(time.RFC3339, when); err == nil {
			s.UpdatedAt = t.UnixMilli()
		}
		who = rest
	}
	s.UpdatedBy = strings.TrimPrefix(who, "by ")
	return s
}

// documentDigest is a digest of a document's content that ignores what carries no
// meaning: key order, and the order of arrays (the API answers them in any order).
func documentDigest(doc map[string]any) string {
	sum := sha256.Sum256([]byte(document.CanonicalJSON(doc)))
	return "sha256:" + hex.EncodeToString(sum[:6])
}

// snapshot is an app as read at one moment: each version read (nil: it does not exist,
// or was not read) and what they make of the basis.
type snapshot struct {
	draft, live *marketplace.Version
	basis       basis
}

// current is the app's current document, its draft, else its live version, and which it is;
// nil when it has neither (of those read).
func (s snapshot) current() (*marketplace.Version, marketplace.VersionState) {
	switch {
	case s.draft != nil:
		return s.draft, marketplace.Draft
	case s.live != nil:
		return s.live, marketplace.Live
	}
	return nil, ""
}

func (s snapshot) doc(v marketplace.VersionState) *marketplace.Version {
	if v == marketplace.Draft {
		return s.draft
	}
	return s.live
}

// purpose is what a read is for, which decides what it may take instead of the API's answer.
type purpose int

const (
	// asIs: the API's answer (refresh, import, read back after a write).
	asIs purpose = iota
	// forPlan: a plan's read, remembered for the check of the apply that may follow in this
	// walk; a draft this provider instance deleted counts as still there.
	forPlan
	// forCheck: the check before a write: the read this walk's last plan of the resource
	// made a moment ago (Terraform plans it again right before applying), else the API's
	// answer; a draft this provider instance deleted counts as still there.
	forCheck
)

// snapshots reads apps for the resource: the provider instance's one reader, with what its
// plans read and the drafts it deleted.
//
// It remembers, for a moment, the versions that plans of this provider instance read, so
// that the apply that Terraform runs right after its last plan of a resource (in the same
// walk, in the same process) takes that read as its check of the basis instead of reading
// the same version again. An entry serves only within planReadFreshness, and only a check
// that finds it equal to the planned basis: anything else reads the API.
//
// It also remembers the drafts this provider instance deleted: a replacement deletes the
// old object's draft and then, in the same walk, plans and creates the new one. The plan of
// the replacement saw the draft before the delete; the plan and the check that follow the
// delete count the draft this apply deleted itself as still there, so that they come to
// the same basis, and only someone else's change counts as a change.
type snapshots struct {
	client  *marketplace.Client
	mu      sync.Mutex
	entries map[planReadKey]planRead
	deleted map[string]*marketplace.Version // product ID -> the draft this instance deleted
	now     func() time.Time
}

const planReadFreshness = time.Second

type planReadKey struct {
	productID string
	version   marketplace.VersionState
}

type planRead struct {
	doc *marketplace.Version // nil: the version does not exist
	at  time.Time
}

func newSnapshots(client *marketplace.Client) *snapshots {
	return &snapshots{client: client, entries: map[planReadKey]planRead{}, deleted: map[string]*marketplace.Version{}, now: time.Now}
}

// read reads the versions of productID asked for, at once (one round trip): a snapshot
// whose basis records each version read, the draft judged as withDraft does (writes: what
// the write would put; nil for none).
func (s *snapshots) read(ctx context.Context, productID string, why purpose, writes writeOver, versions ...marketplace.VersionState) (snapshot, error) {
	docs := make([]*marketplace.Version, len(versions))
	errs := make([]error, len(versions))
	var wg sync.WaitGroup
	for i, v := range versions {
		wg.Add(1)
		go func() {
			defer wg.Done()
			docs[i], errs[i] = s.version(ctx, productID, v, why)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return snapshot{}, err
	}
	snap := snapshot{basis: basis{ProductID: productID}}
	for i, v := range versions {
		if v == marketplace.Live {
			snap.live = docs[i]
			snap.basis = snap.basis.with(v, docs[i])
		}
	}
	for i, v := range versions {
		if v == marketplace.Draft {
			snap.draft = docs[i]
			snap.basis = snap.basis.withDraft(docs[i], writes)
		}
	}
	return snap, nil
}

// current reads the app's current document: its draft, else its live version, both at once
// (one round trip). Without credentials only the live version can be read. A draft that
// puts something at stake makes the basis by itself: the live version does not matter then.
func (s *snapshots) current(ctx context.Context, productID string, why purpose, writes writeOver) (snapshot, error) {
	versions := []marketplace.VersionState{marketplace.Live}
	if s.client.HasCredentials() {
		versions = []marketplace.VersionState{marketplace.Draft, marketplace.Live}
	}
	snap, err := s.read(ctx, productID, why, writes, versions...)
	if err == nil && snap.basis.Draft.atStake() {
		snap.basis.Live = nil
	}
	return snap, err
}

// version reads one version of productID; nil, nil when it does not exist.
func (s *snapshots) version(ctx context.Context, productID string, version marketplace.VersionState, why purpose) (*marketplace.Version, error) {
	if why == forCheck {
		if doc, ok := s.fresh(productID, version); ok {
			return doc, nil
		}
	}
	doc, err := s.client.Get(ctx, productID, version)
	if marketplace.IsNotFound(err) {
		doc, err = nil, nil
		if own, ok := s.ownDelete(productID); ok && version == marketplace.Draft && why != asIs {
			doc = own
		}
	}
	if err == nil && why == forPlan {
		s.remember(productID, version, doc)
	}
	return doc, err
}

func (s *snapshots) remember(productID string, version marketplace.VersionState, doc *marketplace.Version) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	for k, e := range s.entries { // a few entries: one per resource being planned
		if now.Sub(e.at) > planReadFreshness {
			delete(s.entries, k)
		}
	}
	s.entries[planReadKey{productID, version}] = planRead{doc: doc, at: now}
}

// fresh is the plan's read of that version made within planReadFreshness, if any.
func (s *snapshots) fresh(productID string, version marketplace.VersionState) (*marketplace.Version, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.entries[planReadKey{productID, version}]
	if !ok || s.now().Sub(e.at) > planReadFreshness {
		return nil, false
	}
	return e.doc, true
}

// deletedDraft records that this instance deleted productID's draft, which was doc.
func (s *snapshots) deletedDraft(productID string, doc *marketplace.Version) {
	if doc == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.deleted[productID] = doc
}

// ownDelete is the draft of productID that this instance deleted, if it did.
func (s *snapshots) ownDelete(productID string) (*marketplace.Version, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	doc, ok := s.deleted[productID]
	return doc, ok
}

// encodeUnmanaged is what privateUnmanaged holds: a JSON object, {} when nothing is kept.
func encodeUnmanaged(kept map[string]any) []byte {
	if kept == nil {
		kept = map[string]any{}
	}
	out, err := document.Marshal(kept)
	if err != nil {
		return []byte(`{}`)
	}
	return out
}
