package provider

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/marketplace-trust/terraform-provider-marketplace/internal/mockmarketplace"
)

// storedHas checks that the commonCloud stored by the mock (draft or live) holds each
// JSON path with the value given (as JSON), and none of the paths in absent.
func storedHas(t *testing.T, body func() []byte, want map[string]string, absent ...string) func(*terraform.State) error {
	return func(*terraform.State) error {
		var doc struct {
			CommonCloud map[string]any `json:"commonCloud"`
		}
		if err := json.Unmarshal(body(), &doc); err != nil {
			return fmt.Errorf("stored body %s: %w", body(), err)
		}
		at := func(p string) (any, bool) {
			var v any = doc.CommonCloud
			for _, name := range strings.Split(p, ".") {
				m, ok := v.(map[string]any)
				if !ok {
					return nil, false
				}
				if v, ok = m[name]; !ok {
					return nil, false
				}
			}
			return v, true
		}
		for p, value := range want {
			var w any
			if err := json.Unmarshal([]byte(value), &w); err != nil {
				t.Fatal(err)
			}
			if got, ok := at(p); !ok || !reflect.DeepEqual(got, w) {
				return fmt.Errorf("stored %s = %v, want %s (document %s)", p, got, value, body())
			}
		}
		for _, p := range absent {
			if got, ok := at(p); ok {
				return fmt.Errorf("stored %s = %v, want it absent (document %s)", p, got, body())
			}
		}
		return nil
	}
}

// The typed form keeps every field it does not model, at any depth, through a create over
// an existing document and through later changes, including fields added on the
// Marketplace meanwhile; fields it models keep their meaning (absent means absent).
func TestAccResourceTypedFormKeepsUnmodelledFields(t *testing.T) {
	mock := startMock(t)
	mock.SetLive(testProductID, []byte(`{"commonCloud": {
		"hasRestAPIExtension": true,
		"security": {"securityContact": "old@example.com", "newThing": {"x": 1}},
		"privacy": {"gdpr": {"gdprCompliant": true, "lawfulBasisNote": "n"}},
		"dataRetention": {"retentionPeriod": "90_DAYS"}}}`))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(mockEnv(mock)),
		Steps: []resource.TestStep{
			{
				Config: smallConfig(true, "30_DAYS"),
				Check: storedHas(t, liveOf(mock), map[string]string{
					"hasRestAPIExtension": `true`, "security.newThing": `{"x": 1}`, "privacy.gdpr.lawfulBasisNote": `"n"`,
					"security.securityContact": `"https://example.com/security"`, "logDetails.logRetention": `"30_DAYS"`,
				}, "dataRetention", "privacy.gdpr.gdprCompliant"),
			},
			{
				// A colleague adds a field the provider does not model; the next change keeps it.
				PreConfig: func() {
					live := strings.Replace(string(mock.Live(testProductID)), `"hasRestAPIExtension":true`,
						`"hasRestAPIExtension":true,"supportsConfigurableEgress":false`, 1)
					mock.SetLive(testProductID, []byte(live))
				},
				Config: smallConfig(true, "90_DAYS"),
				Check: storedHas(t, liveOf(mock), map[string]string{
					"hasRestAPIExtension": `true`, "supportsConfigurableEgress": `false`, "security.newThing": `{"x": 1}`,
					"logDetails.logRetention": `"90_DAYS"`,
				}),
			},
		},
	})
}

func jsonFormConfig(doc string) string {
	return fmt.Sprintf(`
resource "marketplace_privacy_security" "example" {
  product_id        = %q
  common_cloud_json = jsonencode(%s)
}
`, testProductID, doc)
}

// The JSON form applies three ways, like kubectl apply: keys in the configuration are
// managed, a key removed from the configuration is removed from the document (what others
// added below it included), and keys the configuration never held are kept.
func TestAccResourceJSONFormThreeWay(t *testing.T) {
	mock := startMock(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(mockEnv(mock)),
		Steps: []resource.TestStep{
			{
				Config: jsonFormConfig(`{ logDetails = { loggingEnabled = true, logRetention = "30_DAYS" }, security = { securityContact = "a@example.com" } }`),
			},
			{
				// Added on the Marketplace: a top-level key and one inside a managed object.
				PreConfig: func() {
					mock.SetDraft(testProductID, []byte(`{"commonCloud": {"logDetails": {"loggingEnabled": true, "logRetention": "30_DAYS"},
						"security": {"securityContact": "a@example.com", "newThing": 1}, "dataResidency": {"dataResidencyRegions": ["EU"]}}}`))
				},
				Config: jsonFormConfig(`{ logDetails = { loggingEnabled = true, logRetention = "90_DAYS" }, security = { securityContact = "a@example.com" } }`),
				Check: storedHas(t, draftOf(mock), map[string]string{
					"logDetails.logRetention": `"90_DAYS"`, "security.newThing": `1`, "dataResidency.dataResidencyRegions": `["EU"]`,
				}),
			},
			{
				// security removed from the configuration: removed from the document.
				Config: jsonFormConfig(`{ logDetails = { loggingEnabled = true, logRetention = "90_DAYS" } }`),
				Check: storedHas(t, draftOf(mock), map[string]string{
					"logDetails.logRetention": `"90_DAYS"`, "dataResidency.dataResidencyRegions": `["EU"]`,
				}, "security"),
			},
			{
				// Removing a key the configuration never held, on purpose: take it over...
				Config: jsonFormConfig(`{ logDetails = { loggingEnabled = true, logRetention = "90_DAYS" }, dataResidency = { dataResidencyRegions = ["EU"] } }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(exampleAddr, plancheck.ResourceActionUpdate),
				}},
			},
			{
				// ...then remove it.
				Config: jsonFormConfig(`{ logDetails = { loggingEnabled = true, logRetention = "90_DAYS" } }`),
				Check:  storedHas(t, draftOf(mock), map[string]string{"logDetails.loggingEnabled": `true`}, "dataResidency", "security"),
			},
		},
	})
}

// A plan that creates over an app with a draft writes nothing.
func TestAccResourcePlanOverAnExistingDraftWritesNothing(t *testing.T) {
	mock := startMock(t)
	draft := []byte(`{"commonCloud": {"logDetails": {"loggingEnabled": false}, "hasRestAPIExtension": true}}`)
	mock.SetDraft(testProductID, draft)
	before := string(mock.Draft(testProductID))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(mockEnv(mock)),
		Steps: []resource.TestStep{{
			Config:             smallConfig(false, "30_DAYS"),
			PlanOnly:           true,
			ExpectNonEmptyPlan: true,
		}},
	})
	if got := string(mock.Draft(testProductID)); got != before {
		t.Errorf("the plan changed the draft:\n%s\nwas\n%s", got, before)
	}
	for _, r := range mock.Requests() {
		if r.Route != mockmarketplace.RouteGetDraft && r.Route != mockmarketplace.RouteGetLive {
			t.Errorf("the plan sent %v", r)
		}
	}
}
