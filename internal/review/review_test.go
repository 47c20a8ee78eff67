package review

import (
	"strings"
	"testing"
	"time"
)

// A review has one machine form: what the plan records is what the apply, the private
// records and the summary decode, whatever the version holds.
func TestEncodeDecodesAsTheSameReview(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC).UnixMilli()
	for name, r := range map[string]Review{
		"nothing read":       {},
		"none":               {Draft: None(), Live: None()},
		"live only":          {Live: &Version{Exists: true, UpdatedAt: at, UpdatedBy: "alice@example.com", Digest: "sha256:1a2b3c4d5e6f"}},
		"draft, no who":      {Draft: &Version{Exists: true, Digest: "sha256:0123456789ab"}, Live: None()},
		"draft, when only":   {Draft: &Version{Exists: true, UpdatedAt: at + 123, Digest: "sha256:0123456789ab"}},
		"draft, odd who":     {Draft: &Version{Exists: true, UpdatedBy: "bob, the vendor (ops); \"x\": none", Digest: "sha256:0123456789ab"}},
		"draft with a fate":  {Draft: &Version{Exists: true, UpdatedAt: at, UpdatedBy: "b@example.com", Digest: "sha256:0123456789ab", Fate: "overwritten by this apply"}},
		"with a product ID":  {Product: "12345678-1234-1234-1234-123456789abc", Live: None()},
		"settled reads none": {Draft: &Version{Exists: true, Settled: true, Digest: "sha256:0123456789ab"}},
	} {
		t.Run(name, func(t *testing.T) {
			got, err := Decode(r.Encode())
			if err != nil {
				t.Fatal(err)
			}
			want := r
			if want.Draft != nil && want.Draft.Settled {
				want.Draft = None() // puts nothing at stake: none, as the plan shows it
			}
			if got.Product != want.Product || got.String() != want.String() {
				t.Errorf("%s decoded as %q, want %q", r.Encode(), got, want)
			}
			for _, v := range []string{"draft", "live"} {
				w, g := want.Of(v), got.Of(v)
				if (w == nil) != (g == nil) || w != nil && *w != *g {
					t.Errorf("%s: decoded %+v, want %+v", v, g, w)
				}
			}
		})
	}
	for _, text := range []string{"", "draft: none; live: none", `[1]`, `{"draft":"x"}`} {
		if r, err := Decode(text); err == nil && !r.Empty() {
			t.Errorf("%q decoded as %v, want an error or nothing read", text, r)
		}
	}
}

// A version read now is the one reviewed by content only; a version that puts nothing at
// stake is none.
func TestSameByContent(t *testing.T) {
	t.Parallel()
	doc := &Version{Exists: true, UpdatedBy: "a", Digest: "sha256:aaaaaaaaaaaa"}
	sameByOther := &Version{Exists: true, UpdatedBy: "b", UpdatedAt: 5, Digest: "sha256:aaaaaaaaaaaa"}
	other := &Version{Exists: true, Digest: "sha256:bbbbbbbbbbbb"}
	settled := &Version{Exists: true, Settled: true, Digest: "sha256:bbbbbbbbbbbb"}
	for _, c := range []struct {
		now, reviewed *Version
		want          bool
	}{
		{sameByOther, doc, true}, {other, doc, false}, {None(), doc, false},
		{None(), None(), true}, {settled, None(), true}, {other, None(), false}, {settled, doc, false},
		// The draft reviewed, now holding exactly what the write puts: still that draft.
		{&Version{Exists: true, Settled: true, Digest: doc.Digest}, doc, true},
	} {
		if got := c.now.Same(c.reviewed); got != c.want {
			t.Errorf("%+v same as %+v = %v, want %v", c.now, c.reviewed, got, c.want)
		}
	}
}

// Check names the first version that changed, draft first, and checks only what was read.
func TestCheckNamesTheFirstChange(t *testing.T) {
	t.Parallel()
	d1 := &Version{Exists: true, Digest: "sha256:111111111111"}
	d2 := &Version{Exists: true, Digest: "sha256:222222222222", UpdatedBy: "colleague@example.com"}
	l1 := &Version{Exists: true, Digest: "sha256:333333333333"}
	reviewed := Review{Draft: d1, Live: l1}
	if c := reviewed.Check(Review{Draft: d1, Live: l1}); c != nil {
		t.Errorf("unchanged app: %+v", c)
	}
	c := reviewed.Check(Review{Draft: d2, Live: None()})
	if c == nil || c.Version != "draft" || c.Now != d2 || c.Gone() {
		t.Errorf("changed draft: %+v", c)
	}
	if c := reviewed.Check(Review{Draft: nil, Live: l1}); c == nil || !c.Gone() {
		t.Errorf("draft gone: %+v", c)
	}
	if c := (Review{Draft: d1}).Check(Review{Draft: d1, Live: None()}); c != nil {
		t.Errorf("the live version was not reviewed, yet checked: %+v", c)
	}
	if c := Pin("sha256:222222222222").Check(Review{Draft: d2}); c != nil {
		t.Errorf("a pin of the draft there: %+v", c)
	}
	if s := d2.String(); !strings.Contains(s, "last changed by colleague@example.com") || !strings.HasPrefix(s, d2.Digest) {
		t.Errorf("rendered %q", s)
	}
}
