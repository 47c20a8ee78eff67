package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/marketplace-trust/terraform-provider-marketplace/internal/mockmarketplace"
)

const exampleAddr = "marketplace_privacy_security.example"

func TestAccResourceCreateDraftFromSeedExample(t *testing.T) {
	mock := startMock(t)
	seed := seedPutCommonCloud(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(mockEnv(mock)),
		Steps: []resource.TestStep{
			{
				Config: exampleConfig(t, false),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(exampleAddr, plancheck.ResourceActionCreate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(exampleAddr, tfjsonpath.New("id"), knownvalue.StringExact(testProductID)),
					statecheck.ExpectKnownValue(exampleAddr, tfjsonpath.New("version_state"), knownvalue.StringExact("draft")),
					statecheck.ExpectKnownValue(exampleAddr, tfjsonpath.New("publish"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(exampleAddr, tfjsonpath.New("properties").AtMapKey("form_status"), knownvalue.StringExact("DRAFT")),
					statecheck.ExpectKnownValue(exampleAddr, tfjsonpath.New("properties").AtMapKey("updated_by"), knownvalue.StringExact(mockmarketplace.TestEmail)),
					statecheck.ExpectKnownValue(exampleAddr, tfjsonpath.New("common_cloud").AtMapKey("security").AtMapKey("compliant_certifications"),
						knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("SOC2"), knownvalue.StringExact("ISO27001")})),
					statecheck.ExpectKnownValue(exampleAddr, tfjsonpath.New("common_cloud_json"), knownvalue.Null()),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					// The seed's HCL produces exactly the seed's PUT body.
					checkStored(t, "draft", func() []byte { return mock.Draft(testProductID) }, seed),
					checkStored(t, "live", func() []byte { return mock.Live(testProductID) }, nil),
					checkCalls(mock, map[mockmarketplace.Route]int{
						mockmarketplace.RoutePut: 1, mockmarketplace.RoutePublish: 0, mockmarketplace.RouteGetDraft: 1,
					}),
				),
			},
			{
				Config:   exampleConfig(t, false),
				PlanOnly: true,
			},
			{
				ResourceName:      exampleAddr,
				ImportState:       true,
				ImportStateId:     testProductID,
				ImportStateVerify: true,
			},
		},
	})
}
