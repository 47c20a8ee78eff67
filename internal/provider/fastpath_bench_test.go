package provider

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// The per-resource RPCs, in process, answered by the framework and by the fast path
// (internal/fastpath), on the full seed document. Read and apply include their HTTP calls to a
// local mock.

func benchTwin(b *testing.B) (*twin, tftypes.Value) {
	b.Helper()
	tw := newTwin(b)
	raw, err := json.Marshal(benchDocument(b))
	if err != nil {
		b.Fatal(err)
	}
	config := tw.state(map[string]tftypes.Value{"product_id": tfStr(testProductID), "common_cloud": tw.document(string(raw))})
	return tw, config
}

func benchBoth(b *testing.B, tw *twin, call func(tfprotov6.ProviderServer) error) {
	for _, side := range []struct {
		name   string
		server tfprotov6.ProviderServer
	}{{"framework", tw.framework}, {"fast", tw.fast}} {
		b.Run(side.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := call(side.server); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkValidateResourceConfig(b *testing.B) {
	tw, config := benchTwin(b)
	req := &tfprotov6.ValidateResourceConfigRequest{TypeName: "marketplace_privacy_security", Config: tw.dv(tw.stateType, config)}
	benchBoth(b, tw, func(s tfprotov6.ProviderServer) error {
		_, err := s.ValidateResourceConfig(context.Background(), req)
		return err
	})
}

func BenchmarkPlanResourceChange(b *testing.B) {
	tw, config := benchTwin(b)
	none := tftypes.NewValue(tw.stateType, nil)
	create := &tfprotov6.PlanResourceChangeRequest{
		TypeName: "marketplace_privacy_security", Config: tw.dv(tw.stateType, config),
		ProposedNewState: tw.dv(tw.stateType, config), PriorState: tw.dv(tw.stateType, none),
	}
	b.Run("create", func(b *testing.B) {
		benchBoth(b, tw, func(s tfprotov6.ProviderServer) error {
			_, err := s.PlanResourceChange(context.Background(), create)
			return err
		})
	})
	state := tw.apply("bench", nil, config, none, nil)
	noChange := &tfprotov6.PlanResourceChangeRequest{
		TypeName: "marketplace_privacy_security", Config: tw.dv(tw.stateType, config),
		ProposedNewState: tw.dv(tw.stateType, tw.proposed(config, state)), PriorState: tw.dv(tw.stateType, state),
		PriorIdentity: tw.identityOf(testProductID),
	}
	b.Run("no change", func(b *testing.B) {
		benchBoth(b, tw, func(s tfprotov6.ProviderServer) error {
			_, err := s.PlanResourceChange(context.Background(), noChange)
			return err
		})
	})
}

func BenchmarkReadResource(b *testing.B) {
	tw, config := benchTwin(b)
	state := tw.apply("bench", nil, config, tftypes.NewValue(tw.stateType, nil), nil)
	req := &tfprotov6.ReadResourceRequest{
		TypeName: "marketplace_privacy_security", CurrentState: tw.dv(tw.stateType, state), CurrentIdentity: tw.identityOf(testProductID),
	}
	benchBoth(b, tw, func(s tfprotov6.ProviderServer) error {
		_, err := s.ReadResource(context.Background(), req)
		return err
	})
}

func BenchmarkApplyResourceChangeCreate(b *testing.B) {
	tw, config := benchTwin(b)
	none := tftypes.NewValue(tw.stateType, nil)
	planned := tw.plan("bench", config, none, nil)
	req := &tfprotov6.ApplyResourceChangeRequest{
		TypeName: "marketplace_privacy_security", Config: tw.dv(tw.stateType, config),
		PlannedState: tw.dv(tw.stateType, planned), PriorState: tw.dv(tw.stateType, none),
	}
	benchBoth(b, tw, func(s tfprotov6.ProviderServer) error {
		_, err := s.ApplyResourceChange(context.Background(), req)
		return err
	})
}
