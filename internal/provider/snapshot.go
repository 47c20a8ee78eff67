package provider

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/marketplace-trust/terraform-provider-marketplace/internal/document"
	"github.com/marketplace-trust/terraform-provider-marketplace/internal/review"

	"github.com/marketplace-trust/terraform-provider-marketplace/internal/marketplace"
)

// How the provider reads an app (snapshots) and what a plan saw of it (a review.Review, its
// basis). docs/handshake.md tells the whole plan-to-apply handshake: what is reviewed, where
// it is kept, who checks it.

const (
	// privateDocument holds the document (commonCloud) read last, as JSON: what the fields a
	// write keeps are taken from, and what the planned draft_digest is computed over.
	privateDocument = "document"
	// privateUnmanaged is the record of states written before privateDocument: the fields
	// the configuration of that time did not manage. Read, never written.
	privateUnmanaged = "unmanaged"
	// privateImported marks a state just imported, until the read that follows.
	privateImported = "imported"
	// privateBasis holds the review of the last read (refresh, import, apply), encoded.
	privateBasis = "basis"
	// privateDestroyBasis holds what a destroy plan saw, for the delete, encoded.
	privateDestroyBasis = "destroy_basis"
)

// seenOf describes a version read: doc nil when it does not exist.
func seenOf(doc *marketplace.Version) *review.Version {
	if doc == nil {
		return review.None()
	}
	v := &review.Version{Exists: true, Digest: document.Digest(doc.CommonCloud)}
	if doc.Properties != nil {
		v.UpdatedAt, v.UpdatedBy = doc.Properties.UpdatedAt, doc.Properties.UpdatedBy
	}
	return v
}

// withVersion is r with the version read recorded.
func withVersion(r review.Review, version marketplace.VersionState, doc *marketplace.Version) review.Review {
	if version == marketplace.Draft {
		r.Draft = seenOf(doc)
	} else {
		r.Live = seenOf(doc)
	}
	return r
}

// writeOver is what a write would put when the draft it writes over holds base (nil for an
// operation that writes no document: a publish, a destroy).
type writeOver func(base map[string]any) map[string]any

// judgeDraft is seenOf for a draft, settled (counting as none) when it puts nothing at
// stake: its content is the live version's as live describes it, or what the write puts.
func judgeDraft(doc *marketplace.Version, live *review.Version, writes writeOver) *review.Version {
	v := seenOf(doc)
	if !v.Exists {
		return v
	}
	if live.AtStake() && live.Digest == v.Digest {
		v.Settled = true
	} else if writes != nil {
		if body := writes(doc.CommonCloud); body != nil && document.Digest(body) == v.Digest {
			v.Settled = true
		}
	}
	return v
}

// readRecord is the review a private record holds (nothing read when it holds none).
func readRecord(record []byte) review.Review {
	r, _ := review.Decode(string(record))
	return r
}

// snapshot is an app as read at one moment: each version read (nil: it does not exist,
// or was not read) and what they make of the basis.
type snapshot struct {
	draft, live *marketplace.Version
	basis       review.Review
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
	// writes: product ID -> the digest of the draft a plan of this instance plans to write
	// (the resource's planned draft_digest), so that a publish action triggered by that
	// resource knows, in the same plan, that its pinned draft is written before it runs.
	writes map[string]string
	now    func() time.Time
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
	return &snapshots{client: client, entries: map[planReadKey]planRead{}, deleted: map[string]*marketplace.Version{},
		writes: map[string]string{}, now: time.Now}
}

// read reads the versions of productID asked for, at once (one round trip): a snapshot
// whose basis records each version read, the draft judged as judgeDraft does (writes: what
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
	snap := snapshot{basis: review.Review{Product: productID}}
	for i, v := range versions {
		if v == marketplace.Live {
			snap.live = docs[i]
			snap.basis.Live = seenOf(docs[i])
		}
	}
	for i, v := range versions {
		if v == marketplace.Draft {
			snap.draft = docs[i]
			snap.basis.Draft = judgeDraft(docs[i], snap.basis.Live, writes)
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
	if err == nil && snap.basis.Draft.AtStake() {
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

// planWrite records that a plan of this instance writes productID's draft with digest.
func (s *snapshots) planWrite(productID, digest string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.writes[productID] = digest
}

// plannedWrite is the digest of the draft a plan of this instance writes for productID
// ("" none).
func (s *snapshots) plannedWrite(productID string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.writes[productID]
}

// ownDelete is the draft of productID that this instance deleted, if it did.
func (s *snapshots) ownDelete(productID string) (*marketplace.Version, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	doc, ok := s.deleted[productID]
	return doc, ok
}

// documentRecord is what privateDocument holds: doc's commonCloud as JSON, {} when there
// is none.
func documentRecord(doc *marketplace.Version) []byte {
	if doc == nil || doc.CommonCloud == nil {
		return []byte(`{}`)
	}
	out, err := document.Marshal(doc.CommonCloud)
	if err != nil {
		return []byte(`{}`)
	}
	return out
}

// recordedDocument is the document the last read found (nil when none was recorded).
func recordedDocument(ctx context.Context, private privateGetter) map[string]any {
	return privateObject(ctx, private, privateDocument)
}

// privateObject is the JSON object a private key holds (nil when it holds none).
func privateObject(ctx context.Context, private privateGetter, key string) map[string]any {
	recorded, _ := private.GetKey(ctx, key)
	if recorded == nil {
		return nil
	}
	obj, err := document.DecodeObject(string(recorded))
	if err != nil {
		return nil
	}
	return obj
}

// keptRecord is the fields of the document read last that state's configuration does not
// manage (nil when nothing was recorded): what a write keeps.
func keptRecord(ctx context.Context, private privateGetter, state *privacySecurityResourceModel) map[string]any {
	if doc := recordedDocument(ctx, private); doc != nil {
		kept, _ := document.SplitUnmanaged(doc, state.shape())
		if kept == nil {
			kept = map[string]any{}
		}
		return kept
	}
	return privateObject(ctx, private, privateUnmanaged) // a record of an earlier version
}
