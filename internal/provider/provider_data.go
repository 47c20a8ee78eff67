package provider

import (
	"fmt"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/marketplace-trust/terraform-provider-marketplace/internal/marketplace"
)

// providerData is what Configure gives the resource and the data source: the one client of
// the provider process, and what this provider instance's plans read.
type providerData struct {
	client *marketplace.Client
	reads  *planReads
	// cliVersion is the version of the Terraform or OpenTofu CLI that configured the
	// provider, e.g. "1.5.7" ("" when it did not say), for advice that depends on it.
	cliVersion string
}

// cliHasRemovedBlocks reports whether the CLI has removed blocks (Terraform and OpenTofu
// 1.7 and later); true when the version is not known.
func (d *providerData) cliHasRemovedBlocks() bool {
	var major, minor int
	if d == nil || d.cliVersion == "" {
		return true
	}
	if _, err := fmt.Sscanf(d.cliVersion, "%d.%d", &major, &minor); err != nil {
		return true
	}
	return major > 1 || major == 1 && minor >= 7
}

func newProviderData(client *marketplace.Client) *providerData {
	return &providerData{client: client, reads: newPlanReads()}
}

func newPlanReads() *planReads {
	return &planReads{entries: map[planReadKey]planRead{}, deleted: map[string]*marketplace.Version{}, now: time.Now}
}

// providerDataFrom is what the provider's Configure shared, or nil while the provider is
// not configured yet (Terraform validates configurations before configuring providers).
func providerDataFrom(data any, diags *diag.Diagnostics) *providerData {
	if data == nil {
		return nil
	}
	pd, ok := data.(*providerData)
	if !ok {
		diags.AddError("Unexpected provider data", fmt.Sprintf("Expected *providerData, got %T.", data))
	}
	return pd
}

// planReads remembers, for a moment, the versions that plans of this provider instance
// read, so that the apply that Terraform runs right after its last plan of a resource (in
// the same walk, in the same process) takes that read as its check of the basis instead of
// reading the same version again. An entry serves only within planReadFreshness, and only
// a check that finds it equal to the planned basis: anything else reads the API.
//
// It also remembers the drafts this provider instance deleted: a replacement deletes the
// old object's draft and then, in the same walk, plans and creates the new one. The plan of
// the replacement saw the draft before the delete; the plan and the check that follow the
// delete count the draft this apply deleted itself as still there, so that they come to
// the same basis, and only someone else's change counts as a change.
type planReads struct {
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
	doc *marketplace.Version // nil: the API answered 404
	at  time.Time
}

func (c *planReads) remember(productID string, version marketplace.VersionState, doc *marketplace.Version) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	for k, e := range c.entries { // a few entries: one per resource being planned
		if now.Sub(e.at) > planReadFreshness {
			delete(c.entries, k)
		}
	}
	c.entries[planReadKey{productID, version}] = planRead{doc: doc, at: now}
}

// fresh is the read of that version made within planReadFreshness, if any.
func (c *planReads) fresh(productID string, version marketplace.VersionState) (*marketplace.Version, bool) {
	if c == nil {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[planReadKey{productID, version}]
	if !ok || c.now().Sub(e.at) > planReadFreshness {
		return nil, false
	}
	return e.doc, true
}

// deletedDraft records that this instance deleted productID's draft, which was doc.
func (c *planReads) deletedDraft(productID string, doc *marketplace.Version) {
	if c == nil || doc == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.deleted[productID] = doc
}

// ownDelete is the draft of productID that this instance deleted, if it did.
func (c *planReads) ownDelete(productID string) (*marketplace.Version, bool) {
	if c == nil {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	doc, ok := c.deleted[productID]
	return doc, ok
}
