package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/marketplace-trust/terraform-provider-marketplace/internal/mockmarketplace"
)

// checkBudget checks a step's calls (checkCalls) and the round trips they took: reads that
// went out together (mockmarketplace's PairReads) count once. Without PairReads each call
// counts one: there the round trips asserted are the calls, not proof that they went in turn.
func checkBudget(mock *mockmarketplace.Server, want map[mockmarketplace.Route]int, roundTrips int) func(*terraform.State) error {
	checkCallsOf := checkCalls(mock, want) // resets the requests when it is done
	return func(s *terraform.State) error {
		// Read before checkCallsOf resets the requests.
		got, pairErr := mock.RoundTrips()
		requests := mock.Requests()
		if err := checkCallsOf(s); err != nil {
			return err
		}
		if pairErr != nil {
			return pairErr
		}
		if got != roundTrips {
			return fmt.Errorf("%d round trips, want %d: %v", got, roundTrips, requests)
		}
		return nil
	}
}

// calls is a complete expectation: every route not named must have had no call.
func calls(getDraft, getLive, put, publish, del int) map[mockmarketplace.Route]int {
	return map[mockmarketplace.Route]int{
		mockmarketplace.RouteGetDraft: getDraft, mockmarketplace.RouteGetLive: getLive,
		mockmarketplace.RoutePut: put, mockmarketplace.RoutePublish: publish, mockmarketplace.RouteDelete: del,
	}
}

// withListing is want with n reads of the app's listing (creates over no document).
func withListing(want map[mockmarketplace.Route]int, n int) map[mockmarketplace.Route]int {
	want[mockmarketplace.RouteProductListing] = n
	return want
}

// The fewest calls the API allows, with every write checked against what its plan saw
// (snapshot.go): a refresh is one GET (two only when publish is off and the draft is gone); a
// change costs the refresh, the check read, PUT, [publish,] and the read-back; a publish
// alone the refresh, the check read, publish and the read-back; a destroy the refresh, the
// check read and DELETE (no DELETE when there is no draft). A plan that writes with
// publish = true also reads the draft, which a published resource's refresh does not. A
// create reads the app's current document (draft, else live) in its plan, and again in the
// plan Terraform makes right before applying it, which is then the check (see createReads).
// (Apply steps also count the test harness's own refreshes before them.)
func TestAccResourceCallBudget(t *testing.T) {
	mock := startMock(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(mockEnv(mock)),
		// The destroy: the check read of the draft, and DELETE (the GETs before it belong to
		// the last step's plan).
		CheckDestroy: checkCalls(mock, map[mockmarketplace.Route]int{
			mockmarketplace.RouteDelete: 1, mockmarketplace.RoutePut: 0, mockmarketplace.RoutePublish: 0,
		}),
		Steps: []resource.TestStep{
			{
				// Each step counts its own calls only. The create's plans each read the draft and
				// the live version together: a pair, one round trip.
				PreConfig: func() { mock.ResetRequests(); mock.PairReads(testProductID, 0, createReads) },
				// Create: nothing to refresh yet; the reads of the current document, PUT, GET. An
				// app with neither version is confirmed by its listing, after each pair of reads.
				Config: smallConfig(false, "30_DAYS"),
				Check: checkBudget(mock, withListing(calls(createReads+1, createReads, 1, 0, 0), createReads),
					2*createReads+2),
			},
			{
				PreConfig:    mock.ResetRequests,
				RefreshState: true,
				Check:        checkBudget(mock, calls(1, 0, 0, 0, 0), 1),
			},
			{
				PreConfig: mock.ResetRequests,
				// Change: the refresh, the check read, PUT and GET.
				Config: smallConfig(false, "90_DAYS"),
				Check:  checkBudget(mock, calls(3, 0, 1, 0, 0), 4),
			},
			{
				PreConfig: mock.ResetRequests,
				// Publish an unchanged document: the refresh, the live version read by the plan
				// and by the plan before the apply (the plan says what changes on the listing),
				// the check read, publish, GET live.
				Config: smallConfig(true, "90_DAYS"),
				Check:  checkBudget(mock, calls(2, 3, 0, 1, 0), 6),
			},
			{
				PreConfig:    mock.ResetRequests,
				RefreshState: true,
				Check:        checkBudget(mock, calls(0, 1, 0, 0, 0), 1),
			},
			{
				PreConfig: mock.ResetRequests,
				// Change, published: the refresh (live); the plan reads the draft (none), and
				// so does the plan before the apply, which is the check of the draft; the
				// check then reads the live version the PUT starts from (the plan's came from
				// the refresh): each read waits for the one before, 7 round trips.
				Config: smallConfig(true, "7_DAYS"),
				Check:  checkBudget(mock, calls(2, 3, 1, 1, 0), 7),
			},
			{
				PreConfig: mock.ResetRequests,
				// Publish off: the refresh (live, as publish was on), and no call at all.
				Config: smallConfig(false, "7_DAYS"),
				Check:  checkBudget(mock, calls(0, 1, 0, 0, 0), 1),
			},
			{
				PreConfig: mock.ResetRequests,
				// publish off and no draft: the one case of two GETs.
				RefreshState: true,
				Check:        checkBudget(mock, calls(1, 1, 0, 0, 0), 2),
			},
			{
				// The refresh reads the live version only when the draft is gone (one at a
				// time); the check reads both together (a pair).
				PreConfig: func() { mock.ResetRequests(); mock.PairReads(testProductID, 1, 1) },
				// A change with no draft: the refresh (draft, then live), the check (draft and
				// live at once), PUT, GET; the destroy then has a draft to delete.
				Config: smallConfig(false, "1_DAYS"),
				Check:  checkBudget(mock, calls(3, 2, 1, 0, 0), 5),
			},
		},
	})
}
