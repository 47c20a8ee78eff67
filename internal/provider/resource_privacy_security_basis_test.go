package provider

import (
	"context"
	"encoding/json"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/marketplace-trust/terraform-provider-marketplace/internal/mockmarketplace"
)

// The apply does what the reviewed plan showed, or nothing (snapshot.go). terraform-plugin-
// testing runs each step as a pipeline does: plan -out, then apply of the saved plan; a
// PreApply plan check that changes the mock is a colleague's edit in the Marketplace UI
// between the review and the apply.

const colleague = "colleague@example.com"

// meanwhile is a plan check that changes the Marketplace between the plan and the apply.
type meanwhile func()

func (f meanwhile) CheckPlan(context.Context, plancheck.CheckPlanRequest, *plancheck.CheckPlanResponse) {
	f()
}

// colleagueBody is a stored body as a colleague's edit in the UI leaves it.
func colleagueBody(t *testing.T, doc map[string]any) []byte {
	t.Helper()
	cc := map[string]any{}
	for k, v := range doc {
		cc[k] = v
	}
	cc["properties"] = map[string]any{"updatedBy": colleague, "updatedAt": time.Now().UnixMilli(), "formStatus": "DRAFT"}
	b, err := json.Marshal(map[string]any{"commonCloud": cc})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// withField is doc with one more top-level field.
func withField(doc map[string]any, key string, value any) map[string]any {
	out := map[string]any{key: value}
	for k, v := range doc {
		out[k] = v
	}
	return out
}

// changedSincePlan is the error of an apply that found the Marketplace changed.
func changedSincePlan(what string) *regexp.Regexp {
	return regexp.MustCompile(`(?s)The Marketplace changed since the plan.*` + testProductID + `.*` + spaceFlexible(what) +
		`.*` + spaceFlexible(`Nothing was written, published or discarded for this app. Run terraform plan again`))
}

// withMock runs a test case against a mock of its own, in parallel with the others.
func withMock(t *testing.T, run func(t *testing.T, env map[string]string, mock *mockmarketplaceServer)) {
	t.Parallel()
	mock := startMock(t)
	run(t, mockEnv(mock), mock)
}

// 1. A plan that only turns publish on publishes only the draft it saw: a colleague's edit
// of the draft after the review is not published; plan and apply then converge.
func TestAccBasisPublishOnlyPublishesTheDraftThePlanSaw(t *testing.T) {
	withMock(t, func(t *testing.T, env map[string]string, mock *mockmarketplaceServer) {
		edited := withField(smallDoc("30_DAYS"), "hasRestAPIExtension", true)
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: providerFactories(env),
			Steps: []resource.TestStep{
				{Config: smallConfig(false, "30_DAYS")},
				{
					Config: smallConfig(true, "30_DAYS"),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{meanwhile(func() {
						mock.SetDraft(testProductID, colleagueBody(t, edited))
					})}},
					ExpectError: changedSincePlan(`its draft was changed since the plan: now .* by ` + colleague),
					Check:       checkStored(t, "live", liveOf(mock), nil),
				},
				{
					// Nothing was published, and the colleague's draft is intact.
					PreConfig: func() {
						if mock.Live(testProductID) != nil {
							t.Error("the failed apply published")
						}
						if !strings.Contains(string(mock.Draft(testProductID)), colleague) {
							t.Error("the colleague's draft was overwritten")
						}
					},
					// Planned again, the change is reviewed and applied: the typed form keeps the
					// colleague's unmodelled field and publishes.
					Config: smallConfig(true, "30_DAYS"),
					Check: resource.ComposeAggregateTestCheckFunc(
						checkStored(t, "live", liveOf(mock), edited),
						checkStored(t, "draft", draftOf(mock), nil),
					),
				},
				{Config: smallConfig(true, "30_DAYS"), PlanOnly: true},
			},
		})
	})
}

// 2. Fields the configuration does not manage, changed on the Marketplace between the plan
// and the apply, are never lost: the apply refuses (typed form, JSON form, -refresh=false).
func TestAccBasisUnmanagedFieldChangedAfterThePlan(t *testing.T) {
	withMock(t, func(t *testing.T, env map[string]string, mock *mockmarketplaceServer) {
		edited := withField(smallDoc("30_DAYS"), "hasRestAPIExtension", true)
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: providerFactories(env),
			Steps: []resource.TestStep{
				{Config: smallConfig(false, "30_DAYS")},
				{
					Config: smallConfig(false, "90_DAYS"),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{meanwhile(func() {
						mock.SetDraft(testProductID, colleagueBody(t, edited))
					})}},
					ExpectError: changedSincePlan(`its draft was changed since the plan: now .* by ` + colleague),
				},
				{
					PreConfig: func() {
						if !strings.Contains(string(mock.Draft(testProductID)), "hasRestAPIExtension") {
							t.Error("the colleague's field was dropped")
						}
					},
					Config: smallConfig(false, "90_DAYS"),
					Check:  checkStored(t, "draft", draftOf(mock), withField(smallDoc("90_DAYS"), "hasRestAPIExtension", true)),
				},
			},
		})
	})
}

func TestAccBasisRefreshFalseChecksAgainstTheState(t *testing.T) {
	withMock(t, func(t *testing.T, env map[string]string, mock *mockmarketplaceServer) {
		edited := withField(smallDoc("30_DAYS"), "hasRestAPIExtension", true)
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: providerFactories(env),
			AdditionalCLIOptions:     &resource.AdditionalCLIOptions{Plan: resource.PlanOptions{NoRefresh: true}},
			Steps: []resource.TestStep{
				{Config: smallConfig(false, "30_DAYS")},
				{
					// The colleague's edit comes before a plan that does not refresh: the plan's
					// basis is what the state describes, and the apply finds it changed.
					PreConfig:   func() { mock.SetDraft(testProductID, colleagueBody(t, edited)) },
					Config:      smallConfig(false, "90_DAYS"),
					ExpectError: changedSincePlan(`its draft was changed since the plan: now .* by ` + colleague),
				},
				{
					PreConfig: func() {
						if !strings.Contains(string(mock.Draft(testProductID)), "hasRestAPIExtension") {
							t.Error("apply -refresh=false dropped the colleague's field")
						}
					},
					// A refresh records what the Marketplace holds; the plan made from it converges.
					RefreshState:       true,
					ExpectNonEmptyPlan: true,
				},
				{Config: smallConfig(false, "90_DAYS"), Check: checkStored(t, "draft", draftOf(mock), withField(smallDoc("90_DAYS"), "hasRestAPIExtension", true))},
			},
		})
	})
}

func TestAccBasisJSONFormKeyChangedAfterThePlan(t *testing.T) {
	withMock(t, func(t *testing.T, env map[string]string, mock *mockmarketplaceServer) {
		config := func(retention string) string {
			return `
resource "marketplace_privacy_security" "example" {
  product_id        = "` + testProductID + `"
  common_cloud_json = jsonencode({ logDetails = { loggingEnabled = true, logRetention = "` + retention + `" } })
}`
		}
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: providerFactories(env),
			Steps: []resource.TestStep{
				{Config: config("30_DAYS")},
				{
					Config: config("90_DAYS"),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{meanwhile(func() {
						mock.SetDraft(testProductID, colleagueBody(t, map[string]any{
							"logDetails": map[string]any{"loggingEnabled": true, "logRetention": "30_DAYS"},
							"extra":      map[string]any{"z": "from the UI"},
						}))
					})}},
					ExpectError: changedSincePlan(`its draft was changed since the plan`),
				},
				{
					PreConfig: func() {
						if !strings.Contains(string(mock.Draft(testProductID)), "from the UI") {
							t.Error("the colleague's key was dropped")
						}
					},
					// Planned again: the key the configuration never held is kept.
					Config: config("90_DAYS"),
					Check: checkStored(t, "draft", draftOf(mock), map[string]any{
						"logDetails": map[string]any{"loggingEnabled": true, "logRetention": "90_DAYS"},
						"extra":      map[string]any{"z": "from the UI"},
					}),
				},
			},
		})
	})
}

// 3. With publish = true, a colleague's pending draft is read by the plan that writes, shown
// in its basis (and warned about), and a change to it after the plan is not overwritten.
func TestAccBasisPublishedResourceSeesAPendingDraft(t *testing.T) {
	withMock(t, func(t *testing.T, env map[string]string, mock *mockmarketplaceServer) {
		pending := withField(smallDoc("30_DAYS"), "hasRestAPIExtension", true)
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: providerFactories(env),
			Steps: []resource.TestStep{
				{Config: smallConfig(true, "30_DAYS")},
				{
					// The plan shows whose draft the apply overwrites.
					PreConfig: func() { mock.SetDraft(testProductID, colleagueBody(t, pending)) },
					Config:    smallConfig(true, "90_DAYS"),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectKnownValue(exampleAddr, tfjsonpath.New("basis"), knownvalue.StringRegexp(regexp.MustCompile(`^\{"draft":\{"digest":"sha256:[0-9a-f]{12}","updated_at":"[^"]+","updated_by":"`+colleague+`"`))),
						meanwhile(func() { mock.SetDraft(testProductID, colleagueBody(t, withField(pending, "hasConnectApp", true))) }),
					}},
					// The draft read again right before the apply is not the one the plan showed:
					// Terraform refuses the apply, naming the draft now there.
					ExpectError: regexp.MustCompile(`(?s)inconsistent final plan.*basis.*` + colleague),
				},
				{
					PreConfig: func() {
						if !strings.Contains(string(mock.Draft(testProductID)), "hasConnectApp") {
							t.Error("the colleague's newer draft was overwritten")
						}
						if strings.Contains(string(mock.Live(testProductID)), "90_DAYS") {
							t.Error("the change was published")
						}
					},
					// Planned again: the plan shows the newer draft, the apply writes over it,
					// keeping the colleague's unmodelled fields, and publishes.
					Config: smallConfig(true, "90_DAYS"),
					Check: checkStored(t, "live", liveOf(mock), withField(withField(smallDoc("90_DAYS"), "hasRestAPIExtension", true),
						"hasConnectApp", true)),
				},
			},
		})
	})
}

// 6. A destroy discards only the draft its plan saw: one written after the plan stays.
func TestAccBasisDestroyDiscardsOnlyTheDraftThePlanSaw(t *testing.T) {
	withMock(t, func(t *testing.T, env map[string]string, mock *mockmarketplaceServer) {
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: providerFactories(env),
			Steps: []resource.TestStep{
				{Config: smallConfig(true, "30_DAYS")},
				{
					Config:  smallConfig(true, "30_DAYS"),
					Destroy: true,
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{meanwhile(func() {
						mock.SetDraft(testProductID, colleagueBody(t, smallDoc("90_DAYS")))
					})}},
					ExpectError: changedSincePlan(`a draft was written since the plan: .* by ` + colleague),
				},
				{
					PreConfig: func() {
						if mock.Draft(testProductID) == nil {
							t.Error("the destroy discarded a draft written after its plan")
						}
					},
					// Planned again, the destroy plan names the draft, and the destroy discards it.
					Config:  smallConfig(true, "30_DAYS"),
					Destroy: true,
					Check:   checkStored(t, "draft", draftOf(mock), nil),
				},
			},
		})
	})
}

// A saved plan with nothing changed in between applies as before, and a colleague's change
// to another app of the same apply refuses only that app: the others go on.
func TestAccBasisUnchangedAppAppliesAsBefore(t *testing.T) {
	withMock(t, func(t *testing.T, env map[string]string, mock *mockmarketplaceServer) {
		const other = "87654321-4321-4321-4321-cba987654321"
		mock.AddProduct(other)
		config := func(publish bool, retention string) string {
			return smallConfig(publish, retention) + strings.Replace(strings.Replace(smallConfig(false, retention),
				`"example"`, `"other"`, 1), testProductID, other, 1)
		}
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: providerFactories(env),
			Steps: []resource.TestStep{
				{Config: config(false, "30_DAYS")},
				{
					Config: config(true, "90_DAYS"),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectKnownValue(exampleAddr, tfjsonpath.New("basis"), knownvalue.StringRegexp(regexp.MustCompile(`^\{"draft":\{"digest":"sha256:[0-9a-f]{12}","updated_at":"[^"]+","updated_by":"`+mockmarketplace.TestEmail+`"\}\}$`))),
						meanwhile(func() { mock.SetDraft(other, colleagueBody(t, smallDoc("7_DAYS"))) }),
					}},
					ExpectError: regexp.MustCompile(`(?s)The Marketplace changed since the plan.*` + other),
				},
				{
					// The unchanged app was written and published as its plan showed; the other
					// app keeps the colleague's draft.
					PreConfig: func() {
						if got := commonCloudOf(t, mock.Live(testProductID)); !reflect.DeepEqual(got, smallDoc("90_DAYS")) {
							t.Errorf("the unchanged app's live version: %v, want the planned document", got)
						}
						if !strings.Contains(string(mock.Draft(other)), colleague) {
							t.Error("the other app's draft was overwritten")
						}
					},
					Config:            config(true, "90_DAYS"),
					ConfigStateChecks: []statecheck.StateCheck{expectVersionState("live")},
					Check:             checkStored(t, "draft", func() []byte { return mock.Draft(other) }, smallDoc("90_DAYS")),
				},
			},
		})
	})
}

// A create writes over only what its plan saw: a draft written between the plan (which saw
// no document) and the apply stays, and Terraform refuses the apply, naming it; planned
// again, the create over it is announced and converges.
func TestAccBasisCreateOverADraftWrittenAfterThePlan(t *testing.T) {
	withMock(t, func(t *testing.T, env map[string]string, mock *mockmarketplaceServer) {
		theirs := withField(smallDoc("7_DAYS"), "hasRestAPIExtension", true)
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: providerFactories(env),
			Steps: []resource.TestStep{
				{
					Config: smallConfig(false, "30_DAYS"),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectKnownValue(exampleAddr, tfjsonpath.New("basis"), knownvalue.StringExact(`{"draft":null,"live":null}`)),
						meanwhile(func() { mock.SetDraft(testProductID, colleagueBody(t, theirs)) }),
					}},
					ExpectError: regexp.MustCompile(`(?s)inconsistent final plan.*basis.*draft.*null.*live.*null.*` + colleague),
				},
				{
					PreConfig: func() {
						if !strings.Contains(string(mock.Draft(testProductID)), colleague) {
							t.Error("the colleague's draft was overwritten")
						}
					},
					Config: smallConfig(false, "30_DAYS"),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectKnownValue(exampleAddr, tfjsonpath.New("basis"), knownvalue.StringRegexp(regexp.MustCompile(`^\{"draft":\{"digest":"sha256:[0-9a-f]{12}","updated_at":"[^"]+","updated_by":"`+colleague+`"`))),
					}},
					Check: checkStored(t, "draft", draftOf(mock), withField(smallDoc("30_DAYS"), "hasRestAPIExtension", true)),
				},
			},
		})
	})
}
