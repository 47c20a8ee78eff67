package provider

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/marketplace-trust/terraform-provider-marketplace/internal/marketplace"
)

// providerData is what Configure gives the resource and the data source: the one client of
// the provider process, and the reader of apps of this provider instance (snapshot.go).
type providerData struct {
	client *marketplace.Client
	snaps  *snapshots
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
	return &providerData{client: client, snaps: newSnapshots(client)}
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
