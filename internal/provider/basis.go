package provider

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"regexp"
	"strings"
	"time"

	"github.com/marketplace-trust/terraform-provider-marketplace/internal/marketplace"
)

// The apply does what the reviewed plan showed, or nothing. Each plan records what it saw
// of the app, its basis: for the draft and for the live version, whichever it read, whether
// the version existed and, when it did, who changed it last, when, and a digest of its
// content. Immediately before a PUT, a publish or a DELETE the apply reads the version it is
// about to change; when that differs from the basis, nothing is sent for the app and the
// apply fails, saying who changed it, when, which fields, and to plan again.
//
// Where the basis travels from the plan to the apply:
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
	// privateBasis holds the basis of the last read (refresh, import, apply), as JSON.
	privateBasis = "basis"
	// privateDestroyBasis holds what a destroy plan saw, for the delete.
	privateDestroyBasis = "destroy_basis"
)

// seen is what a read found of one version: nil when the version was not read.
type seen struct {
	Exists bool `json:"exists"`
	// Settled: the version exists and puts nothing at stake (a draft holding exactly the
	// live version, or exactly what the write puts): it counts as none.
	Settled bool `json:"settled,omitempty"`
	// Fate is what the planned apply does to the version, said in the plan when it is not
	// plain from the change itself: a create (or a replacement) over someone's draft.
	Fate      string `json:"fate,omitempty"`
	UpdatedAt int64  `json:"updated_at,omitempty"` // epoch milliseconds
	UpdatedBy string `json:"updated_by,omitempty"`
	Digest    string `json:"digest,omitempty"`
}

// basis is what a plan saw of an app: each version it read.
type basis struct {
	Draft *seen `json:"draft,omitempty"`
	Live  *seen `json:"live,omitempty"`
	// ProductID is the app read, in the private records (not shown).
	ProductID string `json:"product_id,omitempty"`
}

// seenOf describes a version read: doc nil when the API answered 404.
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

// matches reports whether s, read now, is the version described by want (the text of a
// planned basis, seen.String): by content, not by who saved it or when.
func (s *seen) matches(want string) bool {
	if want == "none" {
		return !s.atStake()
	}
	return s.Exists && s.Digest == digestOf(want)
}

var digestPattern = regexp.MustCompile(`sha256:[0-9a-f]+`)

// digestOf is the digest in a version's text (seen.String), "" for none.
func digestOf(text string) string {
	return digestPattern.FindString(text)
}

func (b basis) empty() bool { return b.Draft == nil && b.Live == nil }

// String is the basis as the plan shows it, e.g.
// "draft: 2026-12-01T10:00:00Z by alice@example.com, sha256:1a2b3c4d5e6f; live: none".
func (b basis) String() string {
	var parts []string
	for _, v := range []struct {
		name string
		s    *seen
	}{{"draft", b.Draft}, {"live", b.Live}} {
		if v.s != nil {
			parts = append(parts, v.name+": "+v.s.String())
		}
	}
	if len(parts) == 0 {
		return "nothing read"
	}
	return strings.Join(parts, "; ")
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

func encodeBasis(b basis) []byte {
	out, err := json.Marshal(b)
	if err != nil {
		return nil
	}
	return out
}

func decodeBasis(data []byte) (basis, bool) {
	var b basis
	if len(data) == 0 || json.Unmarshal(data, &b) != nil {
		return basis{}, false
	}
	return b, true
}

// documentDigest is a digest of a document's content that ignores what carries no
// meaning: key order, and the order of arrays (the API answers them in any order).
func documentDigest(doc map[string]any) string {
	sum := sha256.Sum256([]byte(canonicalJSON(doc)))
	return "sha256:" + hex.EncodeToString(sum[:6])
}
