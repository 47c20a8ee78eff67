package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/marketplace-trust/terraform-provider-marketplace/internal/mockmarketplace"
)

// calls is a complete expectation: every route not named must have had no call.
func calls(getDraft, getLive, put, publish, del int) map[mockmarketplace.Route]int {
	return map[mockmarketplace.Route]int{
		mockmarketplace.RouteGetDraft: getDraft, mockmarketplace.RouteGetLive: getLive,
		mockmarketplace.RoutePut: put, mockmarketplace.RoutePublish: publish, mockmarketplace.RouteDelete: del,
	}
}

// The fewest calls the API allows: a refresh is one GET (two only when publish is off and
// the draft is gone), a write is one PUT, one publish when asked, and one GET, a destroy
// one DELETE. A create also reads the app's current document (draft, else live) in its
// plan, to announce what it would replace, and again before its PUT, to keep what the
// configuration does not manage (see createReads). (Apply steps also count the test
// harness's own refreshes before them.)
func TestAccResourceCallBudget(t *testing.T) {
	mock := startMock(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(mockEnv(mock)),
		// Destroy does not refresh first here; the GETs before it belong to the last step's plan.
		CheckDestroy: checkCalls(mock, map[mockmarketplace.Route]int{
			mockmarketplace.RouteDelete: 1, mockmarketplace.RoutePut: 0, mockmarketplace.RoutePublish: 0,
		}),
		Steps: []resource.TestStep{
			{
				PreConfig: mock.ResetRequests, // each step counts its own calls only
				// Create: nothing to refresh yet; the reads of the current document, PUT, GET.
				Config: smallConfig(false, "30_DAYS"),
				Check:  checkCalls(mock, calls(createReads+1, createReads, 1, 0, 0)),
			},
			{
				PreConfig:    mock.ResetRequests,
				RefreshState: true,
				Check:        checkCalls(mock, calls(1, 0, 0, 0, 0)),
			},
			{
				PreConfig: mock.ResetRequests,
				// Update: the refresh, then PUT and GET.
				Config: smallConfig(false, "90_DAYS"),
				Check:  checkCalls(mock, calls(2, 0, 1, 0, 0)),
			},
			{
				PreConfig: mock.ResetRequests,
				// Publish an unchanged document: the refresh, publish, GET live.
				Config: smallConfig(true, "90_DAYS"),
				Check:  checkCalls(mock, calls(1, 1, 0, 1, 0)),
			},
			{
				PreConfig:    mock.ResetRequests,
				RefreshState: true,
				Check:        checkCalls(mock, calls(0, 1, 0, 0, 0)),
			},
			{
				PreConfig: mock.ResetRequests,
				// Publish off: the refresh (live, as publish was on), and no call at all.
				Config: smallConfig(false, "90_DAYS"),
				Check:  checkCalls(mock, calls(0, 1, 0, 0, 0)),
			},
			{
				PreConfig: mock.ResetRequests,
				// publish off and no draft: the one case of two GETs.
				RefreshState: true,
				Check:        checkCalls(mock, calls(1, 1, 0, 0, 0)),
			},
		},
	})
}
