package fastpath

import (
	"context"
	"errors"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// The RPCs of the optional protocol interfaces (list resources, actions, state stores)
// are the framework's: they are passed on as they are, so that embedding the framework's
// server behind the ProviderServer interface does not hide them from Terraform.

// tfprotov6.ProviderServerWithListResource is deprecated only in favour of the same methods
// in ProviderServer, in a version to come; until then it is how the server is asked.
var _ tfprotov6.ProviderServerWithListResource = (*Server)(nil) //nolint:staticcheck // see above

var errNotServed = errors.New("the framework's server does not implement this RPC")

func (s *Server) ValidateListResourceConfig(ctx context.Context, req *tfprotov6.ValidateListResourceConfigRequest) (*tfprotov6.ValidateListResourceConfigResponse, error) {
	if l, ok := s.ProviderServer.(tfprotov6.ProviderServerWithListResource); ok { //nolint:staticcheck // see above
		return l.ValidateListResourceConfig(ctx, req)
	}
	return nil, errNotServed
}

func (s *Server) ListResource(ctx context.Context, req *tfprotov6.ListResourceRequest) (*tfprotov6.ListResourceServerStream, error) {
	if l, ok := s.ProviderServer.(tfprotov6.ProviderServerWithListResource); ok { //nolint:staticcheck // see above
		return l.ListResource(ctx, req)
	}
	return nil, errNotServed
}
