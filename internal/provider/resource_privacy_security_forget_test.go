package provider

import (
	"context"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/marketplace-trust/terraform-provider-marketplace/internal/mockmarketplace"
)

// A vendor who stops managing an app with Terraform, and keeps its pending draft for a
// colleague to finish in the Marketplace, forgets the resource instead of destroying it.

// With a removed block (Terraform and OpenTofu 1.7+): the apply drops the resource from
// state and sends nothing; the draft stays.
func TestAccResourceRemovedBlockKeepsTheDraft(t *testing.T) {
	mock := startMock(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(mockEnv(mock)),
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_7_0)},
		Steps: []resource.TestStep{
			{Config: smallConfig(false, "30_DAYS")},
			{
				Config: `
removed {
  from = marketplace_privacy_security.example
  lifecycle {
    destroy = false
  }
}`,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{expectForget("marketplace_privacy_security.example")},
				},
			},
		},
	})
	assertDraftKept(t, mock)
}

// With lifecycle { destroy = false } on the resource (Terraform 1.16+, OpenTofu 1.12+): a
// destroy forgets it and sends nothing; the draft stays.
func TestAccResourceLifecycleDestroyFalseKeepsTheDraft(t *testing.T) {
	mock := startMock(t)
	config := strings.Replace(smallConfig(false, "30_DAYS"), `resource "marketplace_privacy_security" "example" {`,
		`resource "marketplace_privacy_security" "example" {
  lifecycle {
    destroy = false
  }`, 1)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(mockEnv(mock)),
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{lifecycleDestroyCheck{}},
		Steps: []resource.TestStep{
			{Config: config},
			{
				Config:  config,
				Destroy: true,
				// OpenTofu's destroy forgets it too, and then exits 1 unless run with
				// -suppress-forget-errors, which the docs say.
				ExpectError: openTofuOnly(`(?s)Destroy was successful but left behind forgotten\s+instances`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{expectForget("marketplace_privacy_security.example")},
				},
			},
		},
	})
	assertDraftKept(t, mock)
}

func assertDraftKept(t *testing.T, mock *mockmarketplace.Server) {
	t.Helper()
	if t.Skipped() {
		return
	}
	if n := mock.Count(mockmarketplace.RouteDelete); n != 0 {
		t.Errorf("%d DELETEs: forgetting the resource discarded the draft", n)
	}
	if mock.Draft(testProductID) == nil {
		t.Error("the draft is gone")
	}
}

// openTofuOnly is pattern as an expected error on OpenTofu, and nil on Terraform.
func openTofuOnly(pattern string) *regexp.Regexp {
	if os.Getenv("TF_ACC_PROVIDER_HOST") != "registry.opentofu.org" {
		return nil
	}
	return regexp.MustCompile(pattern)
}

// expectForget checks that the plan forgets addr: removes it from state without a destroy.
func expectForget(addr string) plancheck.PlanCheck { return forgetCheck(addr) }

type forgetCheck string

func (c forgetCheck) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Address == string(c) {
			if !rc.Change.Actions.Forget() {
				resp.Error = errorf("%s: planned %v, want forget (no destroy)", c, rc.Change.Actions)
			}
			return
		}
	}
	resp.Error = errorf("%s is not in the plan", c)
}

// lifecycleDestroyCheck skips a test on CLIs without lifecycle { destroy = false } in
// resource blocks: Terraform before 1.16, OpenTofu before 1.12 (the OpenTofu runs of
// scripts/testacc.sh say so with TF_ACC_PROVIDER_HOST).
type lifecycleDestroyCheck struct{}

func (lifecycleDestroyCheck) CheckTerraformVersion(_ context.Context, req tfversion.CheckTerraformVersionRequest, resp *tfversion.CheckTerraformVersionResponse) {
	least := version.Must(version.NewVersion("1.16.0"))
	if os.Getenv("TF_ACC_PROVIDER_HOST") == "registry.opentofu.org" {
		least = version.Must(version.NewVersion("1.12.0"))
	}
	if req.TerraformVersion.LessThan(least) {
		resp.Skip = "lifecycle { destroy = false } needs Terraform 1.16 or OpenTofu 1.12; this CLI is " + req.TerraformVersion.String()
	}
}
