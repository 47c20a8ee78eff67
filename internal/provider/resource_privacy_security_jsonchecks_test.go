package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/marketplace-trust/terraform-provider-marketplace/internal/mockmarketplace"
)

func rawJSONConfig(text string) string {
	return fmt.Sprintf(`
resource "marketplace_privacy_security" "example" {
  product_id        = %q
  common_cloud_json = <<-EOT
%s
EOT
}
`, testProductID, text)
}

// The JSON form is refused at plan time for what the typed form refuses, by JSON path, and
// for what only JSON can say wrong; nothing reaches the API.
func TestAccResourceJSONFormCheckedLikeTheTypedForm(t *testing.T) {
	mock := startMock(t)
	var steps []resource.TestStep
	for _, c := range []struct{ doc, want string }{
		{`{"security": {"securityContact": "  "}}`, `Empty string.*common_cloud_json: security.securityContact: An empty value`},
		{`{"privacy": {"dataProcessingAgreement": {"dpaAvailable": true}}}`, `common_cloud_json:\s+privacy.dataProcessingAgreement.dpaUrl: dpaAvailable is true, so dpaUrl must be set`},
		{`{"security": {"hasCompliantCertifications": false, "compliantCertifications": ["SOC2"]}}`, `Contradictory certifications.*security.hasCompliantCertifications`},
		{`{"dataAccessAndStorage": {"dataAccess": {"dataAccessScope": "user level"}}}`, `Invalid code.*"USER_LEVEL"`},
		{`{"privacy": {"gdpr": {"gdprCompliant": "yes"}}}`, `privacy.gdpr.gdprCompliant: this is a string, but gdprCompliant holds a\s+boolean`},
		{`{}`, `common_cloud_json: the document: this object sets nothing`},
		{`{"security": {"securityContact": "a@example.com", "securityContact": "b@example.com"}}`, `appears twice in security`},
		{`{"security": {}, "security": {}}`, `appears twice in the top level`},
		{`{"privacy": {"gdpr": {"userRights": [null, "ACCESS"]}}}`, `Null set element.*privacy.gdpr.userRights.0`},
	} {
		steps = append(steps, resource.TestStep{
			Config:      rawJSONConfig(c.doc),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)` + spaceFlexible(c.want)),
		})
	}
	resource.ParallelTest(t, resource.TestCase{ProtoV6ProviderFactories: providerFactories(mockEnv(mock)), Steps: steps})
	if n := mock.Count(mockmarketplace.RouteUnknown); n != 0 {
		t.Errorf("refused configurations sent %d requests", n)
	}
}

// The typed form refuses a null set element at plan time, naming the attribute.
func TestAccResourceTypedFormRefusesNullSetElements(t *testing.T) {
	mock := startMock(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(mockEnv(mock)),
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
resource "marketplace_privacy_security" "example" {
  product_id = %q
  common_cloud = {
    privacy = { gdpr = { user_rights = [null, "ACCESS"] } }
  }
}`, testProductID),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)Null set element.*common_cloud.privacy.gdpr.user_rights: a set may\s+not hold null`),
		}},
	})
	if n := mock.Count(mockmarketplace.RoutePut); n != 0 {
		t.Errorf("PUTs: %d", n)
	}
}

// Compared as the document, not as text: a set answered in another order, a key answered
// as null, and the configuration's JSON laid out anew show no change (the text change
// plans neither properties nor version_state as unknown) and send nothing.
func TestAccResourceJSONFormComparedAsTheDocument(t *testing.T) {
	mock := startMock(t)
	doc := `{"security": {"compliantCertifications": ["SOC2", "ISO27001"], "hasCompliantCertifications": true}, "logDetails": {"loggingEnabled": true}}`
	relaid := `{
  "logDetails": {"loggingEnabled": true},
  "security": {"hasCompliantCertifications": true, "compliantCertifications": ["ISO27001", "SOC2"]}
}`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(mockEnv(mock)),
		Steps: []resource.TestStep{
			{Config: rawJSONConfig(doc)},
			{
				// The Marketplace answers the set in another order, and a null key.
				PreConfig: func() {
					mock.SetDraft(testProductID, []byte(`{"commonCloud": {"security": {"compliantCertifications": ["ISO27001", "SOC2"],
						"hasCompliantCertifications": true, "securityContact": null}, "logDetails": {"loggingEnabled": true},
						"properties": {"formStatus": "DRAFT", "updatedBy": "`+mockmarketplace.TestEmail+`"}}}`))
					mock.ResetRequests()
				},
				Config:   rawJSONConfig(doc),
				PlanOnly: true,
			},
			{
				// The configuration laid out anew, sets reordered.
				PreConfig: mock.ResetRequests,
				Config:    rawJSONConfig(relaid),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(exampleAddr, tfjsonpath.New("version_state"), knownvalue.StringExact("draft")),
					plancheck.ExpectKnownValue(exampleAddr, tfjsonpath.New("properties").AtMapKey("form_status"), knownvalue.StringExact("DRAFT")),
				}},
				Check: checkCalls(mock, map[mockmarketplace.Route]int{mockmarketplace.RoutePut: 0, mockmarketplace.RoutePublish: 0}),
			},
		},
	})
}
