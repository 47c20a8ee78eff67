package provider

import (
	"regexp"
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
						mockmarketplace.RoutePut: 1, mockmarketplace.RoutePublish: 0, mockmarketplace.RouteGetDraft: createReads + 1,
						mockmarketplace.RouteGetLive: createReads,
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
				// basis is what the plan of the last write saw; an import made no such plan.
				ImportStateVerifyIgnore: []string{"basis"},
			},
		},
	})
}

func draftOf(mock *mockmarketplace.Server) func() []byte {
	return func() []byte { return mock.Draft(testProductID) }
}

func liveOf(mock *mockmarketplace.Server) func() []byte {
	return func() []byte { return mock.Live(testProductID) }
}

func expectAction(action plancheck.ResourceActionType) resource.ConfigPlanChecks {
	return resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(exampleAddr, action)}}
}

func expectVersionState(v string) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(exampleAddr, tfjsonpath.New("version_state"), knownvalue.StringExact(v))
}

func TestAccResourceUpdateInPlace(t *testing.T) {
	mock := startMock(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(mockEnv(mock)),
		Steps: []resource.TestStep{
			{
				Config: smallConfig(false, "30_DAYS"),
				Check:  checkCalls(mock, map[mockmarketplace.Route]int{mockmarketplace.RoutePut: 1}),
			},
			{
				Config:           smallConfig(false, "90_DAYS"),
				ConfigPlanChecks: expectAction(plancheck.ResourceActionUpdate),
				ConfigStateChecks: []statecheck.StateCheck{
					expectVersionState("draft"),
					statecheck.ExpectKnownValue(exampleAddr, tfjsonpath.New("common_cloud").AtMapKey("log_details").AtMapKey("log_retention"),
						knownvalue.StringExact("90_DAYS")),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkStored(t, "draft", draftOf(mock), smallDoc("90_DAYS")),
					checkStored(t, "live", liveOf(mock), nil),
					// One GET for each refresh (the test harness plans, then applies, and each
					// refreshes), then the write: the check read, one PUT and one GET to read it back.
					checkCalls(mock, map[mockmarketplace.Route]int{
						mockmarketplace.RoutePut: 1, mockmarketplace.RoutePublish: 0, mockmarketplace.RouteGetDraft: 4, mockmarketplace.RouteGetLive: 0,
					}),
				),
			},
			{
				Config:           smallConfig(false, "90_DAYS"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check:            checkCalls(mock, map[mockmarketplace.Route]int{mockmarketplace.RoutePut: 0, mockmarketplace.RoutePublish: 0}),
			},
		},
	})
}

func TestAccResourcePublishOnCreate(t *testing.T) {
	mock := startMock(t)
	seed := seedPutCommonCloud(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(mockEnv(mock)),
		CheckDestroy: resource.ComposeAggregateTestCheckFunc(
			// Destroy discards the draft (there is none: 404 is fine) and leaves live published.
			checkStored(t, "live after destroy", liveOf(mock), seed),
			checkStored(t, "draft after destroy", draftOf(mock), nil),
			checkCalls(mock, map[mockmarketplace.Route]int{mockmarketplace.RouteDelete: 1, mockmarketplace.RoutePut: 0}),
		),
		Steps: []resource.TestStep{
			{
				Config:           exampleConfig(t, true),
				ConfigPlanChecks: expectAction(plancheck.ResourceActionCreate),
				ConfigStateChecks: []statecheck.StateCheck{
					expectVersionState("live"),
					statecheck.ExpectKnownValue(exampleAddr, tfjsonpath.New("properties").AtMapKey("form_status"), knownvalue.StringExact("SUBMITTED")),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkStored(t, "live", liveOf(mock), seed),
					checkStored(t, "draft", draftOf(mock), nil),
					checkCalls(mock, map[mockmarketplace.Route]int{
						mockmarketplace.RoutePut: 1, mockmarketplace.RoutePublish: 1, mockmarketplace.RouteGetLive: createReads + 1,
						mockmarketplace.RouteGetDraft: createReads,
					}),
				),
			},
			{
				Config:           exampleConfig(t, true),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check: checkCalls(mock, map[mockmarketplace.Route]int{
					mockmarketplace.RoutePut: 0, mockmarketplace.RoutePublish: 0, mockmarketplace.RouteGetDraft: 0,
				}),
			},
			{
				// Drift in the live version: someone edited it in the Marketplace.
				PreConfig: func() {
					mock.SetLive(testProductID, []byte(`{"commonCloud":{"security":{"securityContact":"someone@else.example"}}}`))
				},
				Config:            exampleConfig(t, true),
				ConfigPlanChecks:  expectAction(plancheck.ResourceActionUpdate),
				ConfigStateChecks: []statecheck.StateCheck{expectVersionState("live")},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkStored(t, "live", liveOf(mock), seed),
					checkStored(t, "draft", draftOf(mock), nil),
				),
			},
			{
				// A draft edited elsewhere does not matter while the live version is right.
				PreConfig: func() {
					mock.SetDraft(testProductID, []byte(`{"commonCloud":{"security":{"securityContact":"someone@else.example"}}}`))
					mock.ResetRequests()
				},
				Config:           exampleConfig(t, true),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

func TestAccResourcePublishToggle(t *testing.T) {
	mock := startMock(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(mockEnv(mock)),
		Steps: []resource.TestStep{
			{
				Config:            smallConfig(false, "30_DAYS"),
				ConfigStateChecks: []statecheck.StateCheck{expectVersionState("draft")},
				Check:             checkCalls(mock, map[mockmarketplace.Route]int{mockmarketplace.RoutePut: 1, mockmarketplace.RoutePublish: 0}),
			},
			{
				// Same document, publish turned on: publish the draft, write nothing.
				Config:            smallConfig(true, "30_DAYS"),
				ConfigPlanChecks:  expectAction(plancheck.ResourceActionUpdate),
				ConfigStateChecks: []statecheck.StateCheck{expectVersionState("live")},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkStored(t, "live", liveOf(mock), smallDoc("30_DAYS")),
					checkStored(t, "draft", draftOf(mock), nil),
					checkCalls(mock, map[mockmarketplace.Route]int{mockmarketplace.RoutePut: 0, mockmarketplace.RoutePublish: 1}),
				),
			},
			{
				// publish turned off: nothing to call, the API cannot unpublish.
				Config:            smallConfig(false, "30_DAYS"),
				ConfigPlanChecks:  expectAction(plancheck.ResourceActionUpdate),
				ConfigStateChecks: []statecheck.StateCheck{expectVersionState("live")},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkStored(t, "live", liveOf(mock), smallDoc("30_DAYS")),
					checkCalls(mock, map[mockmarketplace.Route]int{
						mockmarketplace.RoutePut: 0, mockmarketplace.RoutePublish: 0, mockmarketplace.RouteDelete: 0,
					}),
				),
			},
			{
				Config:   smallConfig(false, "30_DAYS"),
				PlanOnly: true,
			},
			{
				// Turned on again while live already holds the document: nothing to publish.
				Config: smallConfig(true, "30_DAYS"),
				Check: resource.ComposeAggregateTestCheckFunc(
					checkStored(t, "live", liveOf(mock), smallDoc("30_DAYS")),
					checkCalls(mock, map[mockmarketplace.Route]int{mockmarketplace.RoutePut: 0, mockmarketplace.RoutePublish: 0}),
				),
			},
		},
	})
}

func TestAccResourceDraftDrift(t *testing.T) {
	mock := startMock(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(mockEnv(mock)),
		CheckDestroy: resource.ComposeAggregateTestCheckFunc(
			checkStored(t, "draft after destroy", draftOf(mock), nil),
		),
		Steps: []resource.TestStep{
			{Config: smallConfig(false, "30_DAYS")},
			{
				// Someone changed the draft outside Terraform: the plan shows it, apply restores it.
				PreConfig:        func() { mock.SetDraft(testProductID, smallBody("7_DAYS")) },
				Config:           smallConfig(false, "30_DAYS"),
				ConfigPlanChecks: expectAction(plancheck.ResourceActionUpdate),
				Check:            checkStored(t, "draft", draftOf(mock), smallDoc("30_DAYS")),
			},
			{
				// The draft was published elsewhere with the same content: nothing to do.
				PreConfig: func() {
					mock.SetLive(testProductID, mock.Draft(testProductID))
					mock.SetDraft(testProductID, nil)
					mock.ResetRequests()
				},
				Config:            smallConfig(false, "30_DAYS"),
				ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				ConfigStateChecks: []statecheck.StateCheck{expectVersionState("live")},
				Check:             checkCalls(mock, map[mockmarketplace.Route]int{mockmarketplace.RoutePut: 0}),
			},
			{
				// Both versions gone: the resource is created again.
				PreConfig: func() {
					mock.SetLive(testProductID, nil)
					mock.SetDraft(testProductID, nil)
				},
				Config:            smallConfig(false, "30_DAYS"),
				ConfigPlanChecks:  expectAction(plancheck.ResourceActionCreate),
				ConfigStateChecks: []statecheck.StateCheck{expectVersionState("draft")},
				Check:             checkStored(t, "draft", draftOf(mock), smallDoc("30_DAYS")),
			},
		},
	})
}

func TestAccResourcePublishFailureIsHealedByTheNextApply(t *testing.T) {
	mock := startMock(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(mockEnv(mock)),
		Steps: []resource.TestStep{
			{Config: smallConfig(true, "30_DAYS")},
			{
				PreConfig: func() {
					mock.InjectFault(mockmarketplace.RoutePublish, mockmarketplace.Fault{Status: 500, Times: 1})
				},
				Config:      smallConfig(true, "90_DAYS"),
				ExpectError: regexp.MustCompile(`(?s)publishing the draft.*answered 500`),
			},
			{
				// The change waits in the draft; state says so, so the plan publishes it,
				// without writing it again.
				PreConfig:        mock.ResetRequests,
				Config:           smallConfig(true, "90_DAYS"),
				ConfigPlanChecks: expectAction(plancheck.ResourceActionUpdate),
				ConfigStateChecks: []statecheck.StateCheck{
					expectVersionState("live"),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkStored(t, "live", liveOf(mock), smallDoc("90_DAYS")),
					checkStored(t, "draft", draftOf(mock), nil),
					checkCalls(mock, map[mockmarketplace.Route]int{mockmarketplace.RoutePut: 0, mockmarketplace.RoutePublish: 1, mockmarketplace.RouteDelete: 0}),
				),
			},
		},
	})
}

func TestAccResourcePublishFailureOnCreate(t *testing.T) {
	mock := startMock(t)
	mock.InjectFault(mockmarketplace.RoutePublish, mockmarketplace.Fault{Status: 500, Times: 1})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(mockEnv(mock)),
		Steps: []resource.TestStep{
			{
				Config:      smallConfig(true, "30_DAYS"),
				ExpectError: regexp.MustCompile(`(?s)publishing the draft.*answered 500`),
				Check:       checkStored(t, "draft", draftOf(mock), smallDoc("30_DAYS")),
			},
			{
				// The failed create is tainted: the next apply replaces it, discarding the draft,
				// writing it again and publishing.
				PreConfig:        mock.ResetRequests,
				Config:           smallConfig(true, "30_DAYS"),
				ConfigPlanChecks: expectAction(plancheck.ResourceActionDestroyBeforeCreate),
				Check: resource.ComposeAggregateTestCheckFunc(
					checkStored(t, "live", liveOf(mock), smallDoc("30_DAYS")),
					checkStored(t, "draft", draftOf(mock), nil),
					checkCalls(mock, map[mockmarketplace.Route]int{mockmarketplace.RouteDelete: 1, mockmarketplace.RoutePut: 1, mockmarketplace.RoutePublish: 1}),
				),
			},
		},
	})
}
