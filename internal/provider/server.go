package provider

import (
	"os"

	"github.com/hashicorp/terraform-plugin-framework/provider"
)

// New returns the provider that main serves, reading its environment from the process.
func New(version string) func() provider.Provider {
	return func() provider.Provider {
		return &marketplaceProvider{version: version, getenv: os.Getenv}
	}
}
