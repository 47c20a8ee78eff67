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
