package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/marketplace-trust/terraform-provider-marketplace/internal/mockmarketplace"
)

// A request that timed out on our side may still be carried out later by the Marketplace.
// The draft it leaves holds exactly the live version or exactly what the apply writes: it
// puts nothing at stake, and neither the next plan nor the apply may refuse it (snapshot.go).
// The mock holds the request until the test releases it, so the late landing happens
// exactly where each step says, whatever the machine's load.

// heldPut holds the next PUT until release; the client gives up on it after its
// request_timeout and retries.
type heldPut struct {
	t    *testing.T
	mock *mockmarketplaceServer
	ch   chan struct{}
}

func holdNextPut(t *testing.T, mock *mockmarketplaceServer) *heldPut {
	settled(t, mock)
	h := &heldPut{t: t, mock: mock, ch: make(chan struct{})}
	mock.InjectFault(mockmarketplace.RoutePut, mockmarketplace.Fault{Hold: h.ch, Times: 1})
	return h
}

// land releases the held PUT and waits until it has been carried out.
func (h *heldPut) land() {
	close(h.ch)
	settled(h.t, h.mock)
	if d := h.mock.Draft(testProductID); d == nil || !strings.Contains(string(d), mockmarketplace.TestEmail) {
		h.t.Errorf("the held PUT did not land: draft %s", d)
	}
}

// stillHeld is a check that the abandoned PUT has not landed yet.
func (h *heldPut) stillHeld(*terraform.State) error {
	if n := h.mock.InFlight(); n != 1 {
		return fmt.Errorf("%d requests in flight, want the held PUT only", n)
	}
	return nil
}

const lateProvider = "provider \"marketplace\" {\n  request_timeout = \"500ms\"\n  max_retries = 3\n}\n"

func TestAccLateWriteOfAnUpdateIsNoChange(t *testing.T) {
	t.Parallel()
	mock := startMock(t)
	var first, second *heldPut
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(mockEnv(mock)),
		Steps: []resource.TestStep{
			{
				// The PUT is held past request_timeout; the retry writes, the publish follows.
				PreConfig: func() { first = holdNextPut(t, mock) },
				Config:    lateProvider + smallConfig(true, "1_DAYS"),
				Check: resource.ComposeAggregateTestCheckFunc(
					checkStored(t, "live", liveOf(mock), smallDoc("1_DAYS")),
					checkStored(t, "draft", draftOf(mock), nil),
					func(s *terraform.State) error { return first.stillHeld(s) },
				),
			},
			{
				// Between two applies, the abandoned PUT lands: a draft holding the live
				// version. The next change plans and applies without a word about it.
				PreConfig: func() { first.land() },
				Config:    lateProvider + smallConfig(true, "2_DAYS"),
				Check: resource.ComposeAggregateTestCheckFunc(
					checkStored(t, "live", liveOf(mock), smallDoc("2_DAYS")),
					checkStored(t, "draft", draftOf(mock), nil),
				),
			},
			{
				PreConfig: func() { second = holdNextPut(t, mock) },
				Config:    lateProvider + smallConfig(true, "3_DAYS"),
				Check: resource.ComposeAggregateTestCheckFunc(
					checkStored(t, "live", liveOf(mock), smallDoc("3_DAYS")),
					func(s *terraform.State) error { return second.stillHeld(s) },
				),
			},
			{
				// Between the plan and the apply of the next change (the saved plan's apply,
				// and Terraform's final plan), it lands: the apply goes on.
				Config: lateProvider + smallConfig(true, "4_DAYS"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					meanwhile(func() { second.land() }),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkStored(t, "live", liveOf(mock), smallDoc("4_DAYS")),
					checkStored(t, "draft", draftOf(mock), nil),
				),
			},
			{
				// A draft with any other content is someone's work: refused as before.
				Config: lateProvider + smallConfig(true, "5_DAYS"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{meanwhile(func() {
					mock.SetDraft(testProductID, colleagueBody(t, smallDoc("7_DAYS")))
				})}},
				// Terraform's final plan, made right before the apply, is the check here.
				ExpectError: regexp.MustCompile(`(?s)inconsistent final plan.*\.basis.*` + colleague),
			},
			{
				PreConfig: func() {
					if !strings.Contains(string(mock.Draft(testProductID)), colleague) {
						t.Error("the colleague's draft was overwritten")
					}
					mock.SetDraft(testProductID, nil)
				},
				Config: lateProvider + smallConfig(true, "5_DAYS"),
				Check:  checkStored(t, "live", liveOf(mock), smallDoc("5_DAYS")),
			},
		},
	})
}

func TestAccLateWriteOfACreateIsNoChange(t *testing.T) {
	t.Parallel()
	mock := startMock(t)
	var held *heldPut
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(mockEnv(mock)),
		Steps: []resource.TestStep{
			{
				// The create's PUT is held past request_timeout and its retries fail: the
				// create fails, and nothing is in state.
				PreConfig: func() {
					held = holdNextPut(t, mock)
					mock.InjectFault(mockmarketplace.RoutePut, mockmarketplace.Fault{Status: 503})
				},
				Config:      lateProvider + smallConfig(true, "1_DAYS"),
				ExpectError: regexp.MustCompile(`(?s)writing the draft of ` + testProductID),
			},
			{
				// The abandoned PUT lands between the plan and the apply of the next try: its
				// draft holds exactly what the create writes, so the create goes on.
				PreConfig: mock.ClearFaults,
				Config:    lateProvider + smallConfig(true, "1_DAYS"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					meanwhile(func() { held.land() }),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkStored(t, "live", liveOf(mock), smallDoc("1_DAYS")),
					checkStored(t, "draft", draftOf(mock), nil),
				),
			},
			{
				// Forgotten and created again over a draft of other content: the plan made
				// before that draft was written is refused by Terraform's final plan.
				Config: lateProvider,
			},
			{
				Config: lateProvider + smallConfig(true, "2_DAYS"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{meanwhile(func() {
					mock.SetDraft(testProductID, colleagueBody(t, smallDoc("7_DAYS")))
				})}},
				ExpectError: regexp.MustCompile(`(?s)inconsistent final plan.*\.basis.*` + colleague),
			},
			{
				PreConfig: func() {
					if !strings.Contains(string(mock.Draft(testProductID)), colleague) {
						t.Error("the colleague's draft was overwritten")
					}
				},
				Config:   lateProvider,
				PlanOnly: true,
			},
		},
	})
}
