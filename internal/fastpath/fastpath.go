// Package fastpath answers, for the resources whose schema it can read completely, the
// four RPCs Terraform sends once per resource in every plan and apply
// (ValidateResourceConfig, PlanResourceChange, ReadResource, ApplyResourceChange), and
// hands every other RPC, and every resource it cannot answer for exactly, to the
// terraform-plugin-framework server unchanged.
//
// # Why
//
// Around a resource's own methods the framework walks every value of the request
// generically, path by path, several times per RPC. For a document of about 60
// attributes that was most of the provider's CPU at hundreds of resources, more than the
// CLI itself spends. This package does the same steps knowing the schema.
//
// # Contract
//
//   - Derived, not copied: everything it applies is read, when the server is built, from
//     the resource's own schema, identity schema, metadata and interfaces: defaults,
//     computed attributes, plan modifiers (run as the framework runs them), types with
//     semantic equality, identity behaviour. It knows no resource by name.
//   - Fail closed: a resource, or one RPC of it, that uses anything not listed in
//     support.go (a write-only attribute, a plan modifier below the top level, a list block,
//     a provider meta schema, ...) is answered by the framework. So is any single request
//     it cannot decode, a request whose private state the framework reserves (an import),
//     a provider that deferred its configuration, and a plan whose ModifyPlan asked for a
//     replacement or a deferral (the framework then plans again; ModifyPlan must not write).
//   - The resource's methods are called as the framework calls them: Configure first, with
//     the provider's ResourceData, then the same requests (config, plan, state, identity,
//     private state, client capabilities), and the same checks of what they return.
//   - Private state is carried both ways, keys reserved by the framework included.
//
// Tests in the provider compare the two servers answer by answer over a mock API, and
// fail when a resource's schema makes this package hand an RPC to the framework
// (Server.Unsupported says why). Setting the provider's documented environment variable
// switches the package off: the framework then answers everything.
package fastpath

import (
	"context"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// Provider is the framework provider, with what the framework keeps to itself: what its
// last Configure answered (nil and false before one), the ResourceData that resources'
// Configure receives and whether it deferred.
type Provider interface {
	provider.Provider
	Configured() (resourceData any, deferred bool)
}

// RPC names the RPCs this package can answer.
type RPC string

const (
	Validate RPC = "ValidateResourceConfig"
	Plan     RPC = "PlanResourceChange"
	Read     RPC = "ReadResource"
	Apply    RPC = "ApplyResourceChange"
)

// RPCs is every RPC this package can answer.
var RPCs = []RPC{Validate, Plan, Read, Apply}

// Server is a protocol 6 server: the framework's, with the per-resource RPCs of the
// resources it can read answered here.
type Server struct {
	tfprotov6.ProviderServer // the framework: everything not answered here

	provider    Provider
	resources   map[string]*resourceType // by type name
	unsupported map[string]map[RPC][]string
}

// New builds the framework's server for p and reads every resource of p once.
func New(p Provider) *Server {
	ctx := context.Background()
	s := &Server{
		ProviderServer: providerserver.NewProtocol6(p)(),
		provider:       p,
		resources:      map[string]*resourceType{},
		unsupported:    map[string]map[RPC][]string{},
	}
	var meta provider.MetadataResponse
	p.Metadata(ctx, provider.MetadataRequest{}, &meta)
	_, hasMeta := p.(provider.ProviderWithMetaSchema)
	for _, factory := range p.Resources(ctx) {
		rt := newResourceType(ctx, meta.TypeName, factory)
		if hasMeta {
			rt.notFor(nil, "the provider has a meta schema (provider_meta), which is not carried here")
		}
		if !privateStateReadable {
			rt.notFor(nil, "the framework's private state type is not the one this package reads (a framework upgrade?)")
		}
		s.resources[rt.typeName] = rt
		if len(rt.unsupported) > 0 {
			s.unsupported[rt.typeName] = rt.unsupported
		}
	}
	return s
}

// Unsupported lists, per resource type and RPC, why the framework answers it instead of
// this package: empty when every RPC of every resource is answered here.
func (s *Server) Unsupported() map[string]map[RPC][]string { return s.unsupported }

// Handled lists the resource types and RPCs answered here, sorted, for tests and docs.
func (s *Server) Handled() map[string][]RPC {
	out := map[string][]RPC{}
	for name, rt := range s.resources {
		for _, rpc := range RPCs {
			if len(rt.unsupported[rpc]) == 0 {
				out[name] = append(out[name], rpc)
			}
		}
	}
	for name := range out {
		sort.Slice(out[name], func(i, j int) bool { return out[name][i] < out[name][j] })
	}
	return out
}

// handled is the resource type when rpc for typeName is answered here.
func (s *Server) handled(typeName string, rpc RPC) *resourceType {
	rt := s.resources[typeName]
	if rt == nil || len(rt.unsupported[rpc]) > 0 {
		return nil
	}
	if _, deferred := s.provider.Configured(); deferred {
		return nil // the framework defers every resource then
	}
	return rt
}
