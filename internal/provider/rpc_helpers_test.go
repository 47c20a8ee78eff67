package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/marketplace-trust/terraform-provider-marketplace/internal/mockmarketplace"
)

// rpcServer is the provider's protocol 6 server, configured against a mock of its own, for
// tests that call one RPC the way Terraform does.
type rpcServer struct {
	t         testing.TB
	mock      *mockmarketplace.Server
	server    tfprotov6.ProviderServer
	stateType tftypes.Object
}

// newRPCServerFor is newRPCServer configured by the given CLI version.
func newRPCServerFor(t testing.TB, cliVersion string) *rpcServer {
	t.Helper()
	mock := startMock(t)
	rs := &rpcServer{t: t, mock: mock, server: providerserver.NewProtocol6(newTestProvider(mockEnv(mock)))(),
		stateType: privacySecurityShape().stateType}
	ctx := context.Background()
	providerType := providerSchema().Type().TerraformType(ctx)
	nulls := map[string]tftypes.Value{}
	for name, typ := range providerType.(tftypes.Object).AttributeTypes {
		nulls[name] = tftypes.NewValue(typ, nil)
	}
	config := rs.dv(providerType, tftypes.NewValue(providerType, nulls))
	if _, err := rs.server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{}); err != nil {
		t.Fatal(err)
	}
	resp, err := rs.server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{TerraformVersion: cliVersion, Config: config})
	if err != nil || len(resp.Diagnostics) > 0 {
		t.Fatalf("configure: %v %v", err, resp.Diagnostics)
	}
	return rs
}

// state builds a value of the resource's type: attrs, everything else null.
func (rs *rpcServer) state(attrs map[string]tftypes.Value) tftypes.Value {
	all := make(map[string]tftypes.Value, len(rs.stateType.AttributeTypes))
	for name, typ := range rs.stateType.AttributeTypes {
		all[name] = tftypes.NewValue(typ, nil)
	}
	for name, v := range attrs {
		all[name] = v
	}
	return tftypes.NewValue(rs.stateType, all)
}

func (rs *rpcServer) dv(typ tftypes.Type, v tftypes.Value) *tfprotov6.DynamicValue {
	dv, err := tfprotov6.NewDynamicValue(typ, v)
	if err != nil {
		rs.t.Fatal(err)
	}
	return &dv
}

func tfStr(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }
