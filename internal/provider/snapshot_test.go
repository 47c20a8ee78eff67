package provider

import (
	"testing"
	"time"

	"github.com/marketplace-trust/terraform-provider-marketplace/internal/marketplace"
)

func TestPlanReadsServeOnlyFreshReadsOfThatVersion(t *testing.T) {
	t.Parallel()
	now := time.Unix(1000, 0)
	c := newSnapshots(nil)
	c.now = func() time.Time { return now }
	doc := &marketplace.Version{CommonCloud: map[string]any{}}
	c.remember("a", marketplace.Draft, doc)
	if got, ok := c.fresh("a", marketplace.Draft); !ok || got != doc {
		t.Error("a fresh read was not served")
	}
	if _, ok := c.fresh("a", marketplace.Live); ok {
		t.Error("a read of the draft was served for the live version")
	}
	if _, ok := c.fresh("b", marketplace.Draft); ok {
		t.Error("a read of another product was served")
	}
	now = now.Add(planReadFreshness + time.Millisecond)
	if _, ok := c.fresh("a", marketplace.Draft); ok {
		t.Error("a read older than planReadFreshness was served")
	}
}

// The basis has one encoding, its text: what the plan shows is what the apply and the
// private records read back, whatever the version holds.
func TestBasisTextReadsBackAsTheSameBasis(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC).UnixMilli()
	for name, b := range map[string]basis{
		"nothing read":       {},
		"none":               {Draft: &seen{}, Live: &seen{}},
		"live only":          {Live: &seen{Exists: true, UpdatedAt: at, UpdatedBy: "alice@example.com", Digest: "sha256:1a2b3c4d5e6f"}},
		"draft, no who":      {Draft: &seen{Exists: true, Digest: "sha256:0123456789ab"}, Live: &seen{}},
		"draft, when only":   {Draft: &seen{Exists: true, UpdatedAt: at, Digest: "sha256:0123456789ab"}},
		"draft, who only":    {Draft: &seen{Exists: true, UpdatedBy: "bob, the vendor (ops)", Digest: "sha256:0123456789ab"}},
		"draft with a fate":  {Draft: &seen{Exists: true, UpdatedAt: at, UpdatedBy: "b@example.com", Digest: "sha256:0123456789ab", Fate: "overwritten by this apply"}},
		"with a product ID":  {ProductID: "12345678-1234-1234-1234-123456789abc", Live: &seen{}},
		"settled reads none": {Draft: &seen{Exists: true, Settled: true, Digest: "sha256:0123456789ab"}},
	} {
		t.Run(name, func(t *testing.T) {
			got := readRecord(b.record())
			want := b
			if want.Draft != nil && want.Draft.Settled {
				want.Draft = &seen{} // puts nothing at stake: none, as the plan shows it
			}
			if got.String() != want.String() || got.ProductID != want.ProductID {
				t.Errorf("record %q read back as %q (product %q)", b.record(), got.String(), got.ProductID)
			}
			for _, v := range []marketplace.VersionState{marketplace.Draft, marketplace.Live} {
				w, g := want.version(v), got.version(v)
				if (w == nil) != (g == nil) || w != nil && (*w != *g) {
					t.Errorf("%s: read back %+v, want %+v", v, g, w)
				}
			}
		})
	}
	if b := readRecord([]byte(`{"draft":{"exists":true}}`)); !b.empty() {
		t.Errorf("a record that is not a basis read as %v, want nothing read", b)
	}
}

// A version read now matches what the plan saw by content only; a version that puts
// nothing at stake is none.
func TestSeenMatchesByContent(t *testing.T) {
	t.Parallel()
	doc := &seen{Exists: true, UpdatedBy: "a", Digest: "sha256:aaaaaaaaaaaa"}
	sameByOther := &seen{Exists: true, UpdatedBy: "b", UpdatedAt: 5, Digest: "sha256:aaaaaaaaaaaa"}
	other := &seen{Exists: true, Digest: "sha256:bbbbbbbbbbbb"}
	settled := &seen{Exists: true, Settled: true, Digest: "sha256:bbbbbbbbbbbb"}
	for _, c := range []struct {
		now, planned *seen
		want         bool
	}{
		{sameByOther, doc, true}, {other, doc, false}, {&seen{}, doc, false},
		{&seen{}, &seen{}, true}, {settled, &seen{}, true}, {other, &seen{}, false}, {settled, doc, false},
	} {
		if got := c.now.matches(c.planned); got != c.want {
			t.Errorf("%+v matches %+v = %v, want %v", c.now, c.planned, got, c.want)
		}
	}
}
