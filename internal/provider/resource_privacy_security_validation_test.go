package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/marketplace-trust/terraform-provider-marketplace/internal/mockmarketplace"
)

func docConfig(productID, commonCloud string) string {
	return fmt.Sprintf(`
resource "marketplace_privacy_security" "example" {
  product_id   = %q
  common_cloud = %s
}
`, productID, commonCloud)
}

// Every rule of the contract's plan-time validation, each rejected before any API call.
func TestAccResourceValidation(t *testing.T) {
	mock := startMock(t)
	cases := []struct {
		name   string
		config string
		want   string
	}{
		{"product_id not a UUID", docConfig("my-app", `{ log_details = { logging_enabled = true } }`),
			`Invalid product_id.*"my-app" is not a UUID`},
		{"dpa_url not a URL", docConfig(testProductID, `{ privacy = { data_processing_agreement = { dpa_available = true, dpa_url = "example.com/dpa" } } }`),
			`Invalid URL.*dpa_url.*"example.com/dpa" is not an absolute http\(s\) URL`},
		{"public_security_policies_link not http(s)", docConfig(testProductID, `{ security = { public_security_policies_link = "ftp://example.com/sec" } }`),
			`Invalid URL.*public_security_policies_link`},
		{"caiq_lite_link relative", docConfig(testProductID, `{ security = { caiq = { is_caiq_completed = true, caiq_lite_link = "/caiq" } } }`),
			`Invalid URL.*caiq_lite_link`},
		{"security_contact neither email nor URL", docConfig(testProductID, `{ security = { security_contact = "call us" } }`),
			`Invalid security contact.*security_contact.*neither an email address nor`},
		{"empty string", docConfig(testProductID, `{ log_details = { log_retention = "" } }`),
			`Empty string.*log_retention.*omit the attribute instead`},
		{"empty set", docConfig(testProductID, `{ data_residency = { data_residency_regions = [] } }`),
			`Empty set.*data_residency_regions.*omit it instead`},
		{"empty object", docConfig(testProductID, `{ privacy = {} }`),
			`Empty object.*privacy.*omit it instead`},
		{"code not UPPER_SNAKE_CASE", docConfig(testProductID, `{ data_access_and_storage = { data_access = { data_access_scope = "user level" } } }`),
			`Invalid code.*data_access_scope.*"user level" is not a code.*"USER_LEVEL"`},
		{"retention period code", docConfig(testProductID, `{ data_retention = { retention_period = "90 days" } }`),
			`Invalid code.*retention_period`},
		{"processing basis code", docConfig(testProductID, `{ privacy = { gdpr = { data_processing_basis = "consent" } } }`),
			`Invalid code.*data_processing_basis`},
		{"access type code in a set", docConfig(testProductID, `{ data_access_and_storage = { data_access = { data_access_types = ["USER_PROFILE", "content"] } } }`),
			`Invalid code.*data_access_types`},
		{"user right code in a set", docConfig(testProductID, `{ privacy = { gdpr = { user_rights = ["access"] } } }`),
			`Invalid code.*user_rights`},
		{"data category code in a set", docConfig(testProductID, `{ privacy = { ccpa = { data_categories = ["personal data"] } } }`),
			`Invalid code.*data_categories`},
		{"dpa_available without dpa_url", docConfig(testProductID, `{ privacy = { data_processing_agreement = { dpa_available = true } } }`),
			`Missing dpa_url.*dpa_available is true, so dpa_url must be set`},
		{"is_caiq_completed without caiq_lite_link", docConfig(testProductID, `{ security = { caiq = { is_caiq_completed = true } } }`),
			`Missing caiq_lite_link.*is_caiq_completed is true`},
		{"certifications claimed, none listed", docConfig(testProductID, `{ security = { has_compliant_certifications = true } }`),
			`Missing compliant_certifications`},
		{"certifications listed, claim false", docConfig(testProductID, `{ security = { has_compliant_certifications = false, compliant_certifications = ["SOC2"] } }`),
			`Contradictory certifications.*has_compliant_certifications is false`},
		{"data_sharing without description", docConfig(testProductID, `{ third_party_information = { data_sharing = true } }`),
			`Missing data_sharing_description`},
		{"neither document form", fmt.Sprintf(`resource "marketplace_privacy_security" "example" { product_id = %q }`, testProductID),
			`Missing Attribute Configuration.*Exactly one of these attributes must be configured.*common_cloud,common_cloud_json`},
		{"both document forms", fmt.Sprintf(`resource "marketplace_privacy_security" "example" {
  product_id = %q
  common_cloud = { log_details = { logging_enabled = true } }
  common_cloud_json = "{}"
}`, testProductID),
			`Invalid Attribute Combination`},
		{"JSON not an object", jsonConfig(false, `jsonencode(["a"])`),
			`Invalid common_cloud_json.*must be a JSON object.*not an array`},
		{"JSON with properties", jsonConfig(false, `jsonencode({ properties = { formStatus = "APPROVED" } })`),
			`Invalid common_cloud_json.*properties is maintained by the Marketplace`},
		{"JSON with the outer commonCloud", jsonConfig(false, `jsonencode({ commonCloud = {} })`),
			`Invalid common_cloud_json.*remove the outer`},
		{"JSON syntax", jsonConfig(false, `"{not json"`),
			`Invalid JSON.*at line 1, column 2`},
	}
	steps := make([]resource.TestStep, 0, len(cases))
	for _, tc := range cases {
		steps = append(steps, resource.TestStep{
			Config:      tc.config,
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)` + spaceFlexible(tc.want)),
		})
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(mockEnv(mock)),
		Steps:                    steps,
	})
	if n := mock.Count(mockmarketplace.RouteUnknown); n != 0 {
		t.Errorf("invalid configurations made %d API calls: %v", n, mock.Requests())
	}
}

// spaceFlexible lets a pattern's spaces match the line breaks Terraform wraps messages with.
func spaceFlexible(pattern string) string {
	return regexp.MustCompile(` +`).ReplaceAllString(pattern, `\s+`)
}
