package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/marketplace-trust/terraform-provider-marketplace/internal/mockmarketplace"
)

func jsonConfig(publish bool, commonCloudExpr string) string {
	return fmt.Sprintf(`
resource "marketplace_privacy_security" "example" {
  product_id        = %q
  publish           = %t
  common_cloud_json = %s
}
`, testProductID, publish, commonCloudExpr)
}

const jsonEncoded = `jsonencode({
    security = {
      securityContact = "security@example.com"
      futureField     = { level = "HIGH", since = 2026 }
    }
    hasRestAPIExtension = true
  })`

// The same document by hand: other whitespace, other key order.
const jsonHeredoc = `<<-JSON
    {"hasRestAPIExtension": true,
     "security": {"futureField": {"since": 2026,   "level": "HIGH"},
                  "securityContact": "security@example.com"}}
  JSON`

func jsonDoc() map[string]any {
	return map[string]any{
		"hasRestAPIExtension": true,
		"security": map[string]any{
			"securityContact": "security@example.com",
			"futureField":     map[string]any{"level": "HIGH", "since": float64(2026)},
		},
	}
}

func TestAccResourceCommonCloudJSON(t *testing.T) {
	mock := startMock(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(mockEnv(mock)),
		Steps: []resource.TestStep{
			{
				Config: jsonConfig(true, jsonEncoded),
				ConfigStateChecks: []statecheck.StateCheck{
					expectVersionState("live"),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					// Unknown fields are sent as they are, and stored.
					checkStored(t, "live", liveOf(mock), jsonDoc()),
					checkCalls(mock, map[mockmarketplace.Route]int{mockmarketplace.RoutePut: 1, mockmarketplace.RoutePublish: 1}),
				),
			},
			{
				// The API answers with its own key order and spacing: no difference.
				PreConfig:        func() { mock.ResetRequests() },
				Config:           jsonConfig(true, jsonEncoded),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				// The configuration itself rewritten with other whitespace and key order:
				// Terraform lists the new text (it compares configuration strings exactly),
				// but the document is the same, so nothing is sent and the next plan is empty.
				Config: jsonConfig(true, jsonHeredoc),
				Check: checkCalls(mock, map[mockmarketplace.Route]int{
					mockmarketplace.RoutePut: 0, mockmarketplace.RoutePublish: 0,
				}),
			},
			{
				Config:   jsonConfig(true, jsonHeredoc),
				PlanOnly: true,
			},
			{
				// A field the server adds on its own is not a difference either.
				PreConfig: func() {
					mock.SetLive(testProductID, []byte(`{"commonCloud":{"hasRestAPIExtension":true,"supportsConfigurableEgress":false,
						"security":{"securityContact":"security@example.com","futureField":{"level":"HIGH","since":2026}}}}`))
				},
				Config:           jsonConfig(true, jsonHeredoc),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				// A change to a field the user manages, unknown to the provider, does show.
				PreConfig: func() {
					mock.SetLive(testProductID, []byte(`{"commonCloud":{"hasRestAPIExtension":true,
						"security":{"securityContact":"security@example.com","futureField":{"level":"LOW","since":2026}}}}`))
				},
				Config:           jsonConfig(true, jsonHeredoc),
				ConfigPlanChecks: expectAction(plancheck.ResourceActionUpdate),
				Check:            checkStored(t, "live", liveOf(mock), jsonDoc()),
			},
		},
	})
}
