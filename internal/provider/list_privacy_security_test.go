package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/marketplace-trust/terraform-provider-marketplace/internal/mockmarketplace"
)

const testDeveloperID = "0a0b0c0d-1111-4222-8333-444455556666"

// portfolio lists n apps in testDeveloperID (every tenth private), each with a live
// document, and returns their product IDs.
func portfolio(t *testing.T, mock *mockmarketplaceServer, n int) []string {
	t.Helper()
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("00000000-0000-4000-8000-%012d", i+1)
		mock.AddApp(testDeveloperID, mockmarketplace.App{
			ProductID: ids[i], AppKey: fmt.Sprintf("com.example.app%d", i+1), AppName: fmt.Sprintf("App %03d", i+1), Private: i%10 == 9,
		})
		mock.SetLive(ids[i], smallBody("30_DAYS"))
	}
	mock.SetVendor("1234", testDeveloperID)
	return ids
}

func listConfig(attrs string) string {
	return `
provider "marketplace" {}

list "marketplace_privacy_security" "apps" {
  provider         = marketplace
  include_resource = true
  limit            = 1000 # Terraform stops at 100 results by default
  config {
    ` + attrs + `
  }
}`
}

// A developer space of 120 apps (3 pages of 50, some private): the query lists every app once,
// with its identity and name; include_resource reads each app's draft and live version at
// once (one round trip per app), as its import does.
func TestAccListResourceListsAWholeDeveloperSpace(t *testing.T) {
	mock := startMock(t)
	ids := portfolio(t, mock, 120)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(mockEnv(mock)),
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)},
		Steps: []resource.TestStep{
			{
				PreConfig: mock.ResetRequests,
				Query:     true,
				Config:    listConfig(`developer_id = "` + testDeveloperID + `"`),
				QueryResultChecks: []querycheck.QueryResultCheck{
					querycheck.ExpectLength("marketplace_privacy_security.apps", 120),
					querycheck.ExpectIdentity("marketplace_privacy_security.apps", map[string]knownvalue.Check{"product_id": knownvalue.StringExact(ids[0])}),
					querycheck.ExpectIdentity("marketplace_privacy_security.apps", map[string]knownvalue.Check{"product_id": knownvalue.StringExact(ids[119])}),
				},
			},
			{
				PreConfig: func() {
					if got := [3]int{mock.Count(mockmarketplace.RouteListApps), mock.Count(mockmarketplace.RouteGetLive), mock.Count(mockmarketplace.RouteGetDraft)}; got != [3]int{3, 120, 120} {
						t.Errorf("pages, live GETs, draft GETs: %v, want [3 120 120]: one request per page, the draft and the live version of each app", got)
					}
				},
				// By vendor ID, without private apps: the 108 public ones.
				Query:  true,
				Config: listConfig(`vendor_id = "1234"` + "\n    include_private = false"),
				QueryResultChecks: []querycheck.QueryResultCheck{
					querycheck.ExpectLength("marketplace_privacy_security.apps", 108),
				},
			},
		},
	})
}
