package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/marketplace-trust/terraform-provider-marketplace/internal/mockmarketplace"
)

const dataAddr = "data.marketplace_privacy_security.this"

func dataConfig(state string) string {
	stateLine := ""
	if state != "" {
		stateLine = fmt.Sprintf("state = %q", state)
	}
	return fmt.Sprintf(`
data "marketplace_privacy_security" "this" {
  product_id = %q
  %s
}
`, testProductID, stateLine)
}

func TestAccDataSourceLiveAndDraft(t *testing.T) {
	mock := startMock(t)
	mock.SetLive(testProductID, []byte(`{"commonCloud":{
		"hasRestAPIExtension": true,
		"security": {"securityContact": "security@example.com", "compliantCertifications": ["SOC2"], "hasCompliantCertifications": true},
		"properties": {"updatedBy": "developer@example.com", "updatedAt": 1642233600000, "formStatus": "APPROVED",
		               "jiraLinks": ["https://jira.atlassian.com/browse/MKPLHELP-12345"]}}}`))
	mock.SetDraft(testProductID, []byte(`{"commonCloud":{"logDetails":{"logRetention":"7_DAYS"},"properties":{"formStatus":"DRAFT"}}}`))

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(mockEnv(mock)),
		Steps: []resource.TestStep{
			{
				Config: dataConfig(""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(dataAddr, tfjsonpath.New("id"), knownvalue.StringExact(testProductID)),
					statecheck.ExpectKnownValue(dataAddr, tfjsonpath.New("common_cloud").AtMapKey("security").AtMapKey("security_contact"),
						knownvalue.StringExact("security@example.com")),
					statecheck.ExpectKnownValue(dataAddr, tfjsonpath.New("common_cloud").AtMapKey("log_details"), knownvalue.Null()),
					// Unknown fields are visible in the JSON form; properties are not in it.
					statecheck.ExpectKnownValue(dataAddr, tfjsonpath.New("common_cloud_json"), knownvalue.StringRegexp(
						regexp.MustCompile(`^\{"hasRestAPIExtension":true,"security":\{.*\}\}$`))),
					statecheck.ExpectKnownValue(dataAddr, tfjsonpath.New("properties"), knownvalue.ObjectExact(map[string]knownvalue.Check{
						"updated_by":  knownvalue.StringExact("developer@example.com"),
						"updated_at":  knownvalue.StringExact("2022-01-15T08:00:00Z"),
						"form_status": knownvalue.StringExact("APPROVED"),
						"jira_links":  knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("https://jira.atlassian.com/browse/MKPLHELP-12345")}),
					})),
				},
			},
			{
				Config: dataConfig("draft"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(dataAddr, tfjsonpath.New("common_cloud").AtMapKey("log_details").AtMapKey("log_retention"),
						knownvalue.StringExact("7_DAYS")),
					statecheck.ExpectKnownValue(dataAddr, tfjsonpath.New("common_cloud").AtMapKey("security"), knownvalue.Null()),
					statecheck.ExpectKnownValue(dataAddr, tfjsonpath.New("properties").AtMapKey("form_status"), knownvalue.StringExact("DRAFT")),
					statecheck.ExpectKnownValue(dataAddr, tfjsonpath.New("version_state"), knownvalue.StringExact("draft")),
				},
			},
			{
				// Published since: no draft. The draft data source answers the live version
				// and says so.
				PreConfig: func() {
					if err := mock.Restore(map[string]mockmarketplace.ProductState{testProductID: {Live: mock.Live(testProductID)}}); err != nil {
						t.Fatal(err)
					}
				},
				Config: dataConfig("draft"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(dataAddr, tfjsonpath.New("version_state"), knownvalue.StringExact("live")),
					statecheck.ExpectKnownValue(dataAddr, tfjsonpath.New("common_cloud").AtMapKey("security").AtMapKey("security_contact"),
						knownvalue.StringExact("security@example.com")),
				},
			},
		},
	})
}

func TestAccDataSourceLiveNeedsNoCredentials(t *testing.T) {
	mock := startMock(t)
	mock.SetLive(testProductID, []byte(`{"commonCloud":{"security":{"securityContact":"security@example.com"}}}`))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(map[string]string{EnvBaseURL: mock.URL}),
		Steps: []resource.TestStep{
			{
				Config: dataConfig("live"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(dataAddr, tfjsonpath.New("common_cloud").AtMapKey("security").AtMapKey("security_contact"),
						knownvalue.StringExact("security@example.com")),
				},
			},
			{
				Config:      dataConfig("draft"),
				ExpectError: regexp.MustCompile(`(?s)Marketplace credentials required.*MARKETPLACE_EMAIL`),
			},
		},
	})
	for _, r := range mock.Requests() {
		if r.Route == mockmarketplace.RouteGetDraft {
			t.Error("a draft read without credentials reached the API")
		}
	}
}

func TestAccDataSourceErrors(t *testing.T) {
	mock := startMock(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(mockEnv(mock)),
		Steps: []resource.TestStep{
			{
				// Neither a draft nor a live version.
				Config:      dataConfig("draft"),
				ExpectError: regexp.MustCompile(`(?s)No privacy and security information.*has no draft nor live\s+version`),
			},
			{
				Config:      dataConfig("published"),
				ExpectError: regexp.MustCompile(`(?s)Invalid Attribute Value Match.*state.*"live".*"draft"`),
			},
		},
	})
	if n, live := mock.Count(mockmarketplace.RouteGetDraft), mock.Count(mockmarketplace.RouteGetLive); n != 1 || live != 1 {
		t.Errorf("draft reads = %d, live reads = %d, want 1 each (the invalid state must not reach the API)", n, live)
	}
}
