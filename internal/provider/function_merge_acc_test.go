package provider

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// Provider-defined functions need Terraform 1.8+ or OpenTofu 1.7+ (1.5.7 skips).
var functionsCLI = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)}

// functionExample is examples/functions/merge/function.tf, the example of the docs page.
func functionExample(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile("../../examples/functions/merge/function.tf")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), testProductID) {
		t.Fatalf("the function example no longer manages %s", testProductID)
	}
	return string(data)
}

// looseText matches s with any white space (the CLIs wrap diagnostics) between its words.
func looseText(s string) *regexp.Regexp {
	words := strings.Fields(s)
	for i, w := range words {
		words[i] = regexp.QuoteMeta(w)
	}
	return regexp.MustCompile(strings.Join(words, `\s+`))
}

// The documented example on each CLI that has functions: the merged document is what the
// resource writes to the Marketplace (the baseline with the app's changes), a second plan
// shows nothing to do, and the output holds the last override's list.
func TestAccFunctionMergeDocumentedExample(t *testing.T) {
	mock := startMock(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(mockEnv(mock)),
		TerraformVersionChecks:   functionsCLI,
		Steps: []resource.TestStep{
			{
				Config: functionExample(t),
				Check: checkStored(t, "draft", draftOf(mock), map[string]any{
					"security": map[string]any{
						"securityContact":            "https://example.com/billing/security",
						"hasCompliantCertifications": true,
						"compliantCertifications":    []any{"ISO27001", "SOC2"},
					},
					"dataResidency": map[string]any{"dataResidencyRegions": []any{"EU", "US"}, "dataResidencyCompliance": true},
					"logDetails":    map[string]any{"loggingEnabled": true},
				}),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("billing_regions", knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("US")})),
					statecheck.ExpectKnownValue("marketplace_privacy_security.billing",
						tfjsonpath.New("common_cloud").AtMapKey("log_details").AtMapKey("log_retention"), knownvalue.Null()),
				},
			},
			{
				Config: functionExample(t),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

const mergeBaselineHCL = `
locals {
  baseline = {
    security = {
      security_contact             = "security@example.com"
      has_compliant_certifications = true
      compliant_certifications     = ["SOC2", "ISO27001"]
      caiq = { is_caiq_completed = true, caiq_lite_link = "https://example.com/caiq" }
    }
    data_residency = { data_residency_regions = ["EU"], data_residency_compliance = true }
  }
}
`

// The merge rules as each CLI hands the values over: object literals of different
// attributes, a tuple for a set, null removing, {} changing nothing, overrides left to right,
// and a map built with tomap.
func TestAccFunctionMergeOutputs(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(nil),
		TerraformVersionChecks:   functionsCLI,
		Steps: []resource.TestStep{{
			Config: mergeBaselineHCL + `
output "deep" {
  value = provider::marketplace::merge(local.baseline, { security = { caiq = { is_caiq_completed = false, caiq_lite_link = null } } })
}
output "replaced_and_removed" {
  value = provider::marketplace::merge(local.baseline,
    { security = { compliant_certifications = ["ISO27001"] } },
    {},
    { data_residency = null },
    tomap({ log_details = { logging_enabled = true } }))
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("deep", knownvalue.ObjectPartial(map[string]knownvalue.Check{
					"security": knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"security_contact":         knownvalue.StringExact("security@example.com"),
						"compliant_certifications": knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("SOC2"), knownvalue.StringExact("ISO27001")}),
						"caiq": knownvalue.ObjectExact(map[string]knownvalue.Check{
							"is_caiq_completed": knownvalue.Bool(false),
							"caiq_lite_link":    knownvalue.Null(),
						}),
					}),
					"data_residency": knownvalue.ObjectPartial(map[string]knownvalue.Check{"data_residency_compliance": knownvalue.Bool(true)}),
					"privacy":        knownvalue.Null(),
				})),
				statecheck.ExpectKnownOutputValue("replaced_and_removed", knownvalue.ObjectPartial(map[string]knownvalue.Check{
					"security": knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"security_contact":         knownvalue.StringExact("security@example.com"),
						"compliant_certifications": knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("ISO27001")}),
					}),
					"data_residency": knownvalue.Null(),
					"log_details": knownvalue.ObjectExact(map[string]knownvalue.Check{
						"logging_enabled": knownvalue.Bool(true), "log_retention": knownvalue.Null(), "sensitive_data_logging": knownvalue.Null(),
					}),
				})),
			},
		}},
	})
}

// A value that does not fit the document fails the plan, naming the argument and the path,
// in the variadic position too, and in a resource's common_cloud before any API call.
func TestAccFunctionMergeTypeClash(t *testing.T) {
	mock := startMock(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(mockEnv(mock)),
		TerraformVersionChecks:   functionsCLI,
		Steps: []resource.TestStep{
			{
				Config: mergeBaselineHCL + `
output "bad" {
  value = provider::marketplace::merge(local.baseline, {}, { security = { compliant_certifications = "SOC2" } })
}`,
				ExpectError: looseText(`Override 2 (argument 3) does not fit common_cloud at security.compliant_certifications: ` +
					`the document holds a set of strings there, and this argument gives a string ("SOC2").`),
			},
			{
				Config: mergeBaselineHCL + `
resource "marketplace_privacy_security" "app" {
  product_id   = "` + testProductID + `"
  common_cloud = provider::marketplace::merge(local.baseline, { data_residency = { regions = ["EU"] } })
}`,
				ExpectError: looseText(`Override 1 (argument 2) does not fit common_cloud at data_residency.regions: ` +
					`data_residency has no attribute "regions".`),
			},
			{
				// Nothing was written by the failed plans.
				PreConfig: func() {
					if n := len(mock.Requests()); n != 0 {
						t.Errorf("the failed plans made %d API calls: %v", n, mock.Requests())
					}
				},
				Config: mergeBaselineHCL + `output "ok" { value = provider::marketplace::merge(local.baseline, {}) }`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("ok", knownvalue.ObjectPartial(map[string]knownvalue.Check{"privacy": knownvalue.Null()})),
				},
			},
		},
	})
}

// A bare null argument: Terraform passes it and the merge skips it. OpenTofu (1.12) calls no
// provider function with an argument whose type is not known (a bare null has none): the
// result stays unknown in every plan (and is null after an apply), which the docs say (pass
// {} instead). On OpenTofu the step only plans: the test harness cannot read back a state
// whose output is null.
func TestAccFunctionMergeNullArgument(t *testing.T) {
	step := resource.TestStep{
		Config: mergeBaselineHCL + `output "skipped" { value = provider::marketplace::merge(local.baseline, null) }`,
		ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownOutputValue("skipped", knownvalue.ObjectPartial(map[string]knownvalue.Check{
			"security": knownvalue.ObjectPartial(map[string]knownvalue.Check{"security_contact": knownvalue.StringExact("security@example.com")}),
			"privacy":  knownvalue.Null(),
		}))},
	}
	if os.Getenv("TF_ACC_PROVIDER_HOST") == "registry.opentofu.org" {
		step = resource.TestStep{
			Config: step.Config, PlanOnly: true, ExpectNonEmptyPlan: true,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectUnknownOutputValue("skipped")},
			},
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(nil),
		TerraformVersionChecks:   functionsCLI,
		Steps:                    []resource.TestStep{step},
	})
}
