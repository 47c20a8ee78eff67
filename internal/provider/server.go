package provider

import (
	"os"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/marketplace-trust/terraform-provider-marketplace/internal/fastpath"
)

// EnvFastPath set to "off" (or "false", "0") makes the framework answer every RPC: for a
// user who suspects that the fast path (internal/fastpath) answers differently.
const EnvFastPath = "MARKETPLACE_FAST_PATH"

// NewServer returns the protocol 6 server that main serves.
func NewServer(version string) func() tfprotov6.ProviderServer {
	return func() tfprotov6.ProviderServer {
		return newServer(&marketplaceProvider{version: version, getenv: os.Getenv})
	}
}

// newServer is the framework's server for p, with the fast path in front of it unless
// EnvFastPath turns it off.
func newServer(p *marketplaceProvider) tfprotov6.ProviderServer {
	switch strings.ToLower(strings.TrimSpace(p.getenv(EnvFastPath))) {
	case "off", "false", "0":
		return providerserver.NewProtocol6(p)()
	}
	return fastpath.New(p)
}
