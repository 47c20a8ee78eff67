package provider

import (
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/marketplace-trust/terraform-provider-marketplace/internal/mockmarketplace"
)

const missingProductID = "87654321-4321-4321-4321-cba987654321"

// A product that does not exist fails the plan of a create whatever words the API uses for
// its 404; a product that exists without a document is created, with one listing call more.
func TestAccResourceMissingProductFailsThePlan(t *testing.T) {
	for _, tc := range []struct{ name, code, message, want string }{
		// The product's own error code: the read fails, naming it.
		{"PRODUCT_NOT_FOUND", "", "", `product does not exist \(PRODUCT_NOT_FOUND\)`},
		// Words that only a person reads as the product: the listing decides.
		{"NOT_FOUND, product not found", "NOT_FOUND", "product not found", `No such product.*` + missingProductID + `.*Nothing has been written`},
		// The very words of a missing version.
		{"NOT_FOUND, like a missing version", "NOT_FOUND", "product %s has no draft version", `No such product.*` + missingProductID},
		{"bare 404 code", "404", "Not Found", `No such product.*` + missingProductID},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			mock := startMock(t)
			if tc.code != "" {
				mock.SetProductNotFound(tc.code, tc.message)
			}
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: providerFactories(mockEnv(mock)),
				Steps: []resource.TestStep{{
					Config:      strings.Replace(smallConfig(false, "30_DAYS"), testProductID, missingProductID, 1),
					ExpectError: regexp.MustCompile(`(?s)` + spaceFlexible(tc.want)),
				}},
			})
			if n := mock.Count(mockmarketplace.RoutePut) + mock.Count(mockmarketplace.RoutePublish); n != 0 {
				t.Errorf("%d write(s) for a product that does not exist: %v", n, mock.Requests())
			}
		})
	}
}

// An app with neither version is confirmed by its listing: one call, only then.
func TestAccResourceCreateOnAnAppWithoutDocumentConfirmsTheProduct(t *testing.T) {
	t.Parallel()
	mock := startMock(t)
	mock.SetProductNotFound("NOT_FOUND", "product not found")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(mockEnv(mock)),
		Steps: []resource.TestStep{
			{
				Config: smallConfig(false, "30_DAYS"),
				Check:  checkStored(t, "draft", draftOf(mock), smallDoc("30_DAYS")),
			},
			{
				// A product with a document is not looked up.
				PreConfig: func() { mock.ResetRequests() },
				Config:    smallConfig(false, "90_DAYS"),
				Check:     checkCalls(mock, map[mockmarketplace.Route]int{mockmarketplace.RouteProductListing: 0}),
			},
		},
	})
}
