package provider

import (
	"context"
	"os"
	"regexp"
	"strings"
	"testing"

	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/marketplace-trust/terraform-provider-marketplace/internal/mockmarketplace"
)

// An app whose trust information is already live (filled in on the Marketplace, with the
// server's properties and fields this provider does not model) is imported, and the
// seed's configuration then plans no change.
func startMockWithLiveSeed(t *testing.T) *mockmarketplaceServer {
	t.Helper()
	mock := startMock(t)
	body, err := os.ReadFile("../document/testdata/seed_get.json")
	if err != nil {
		t.Fatal(err)
	}
	mock.SetLive(testProductID, body)
	return mock
}

func TestAccResourceImportCommand(t *testing.T) {
	mock := startMockWithLiveSeed(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(mockEnv(mock)),
		Steps: []resource.TestStep{
			{
				Config:             exampleConfig(t, false),
				ResourceName:       exampleAddr,
				ImportState:        true,
				ImportStateId:      testProductID,
				ImportStatePersist: true,
				ImportStateCheck: func(states []*terraformInstanceState) error {
					return checkImported(states, "live")
				},
			},
			{
				// The imported state matches the configuration: nothing to change.
				Config:   exampleConfig(t, false),
				PlanOnly: true,
			},
			{
				Config:        exampleConfig(t, false),
				ResourceName:  exampleAddr,
				ImportState:   true,
				ImportStateId: "not-a-uuid",
				ExpectError:   regexp.MustCompile(`(?s)Invalid import ID.*is not a product ID`),
			},
		},
	})
}

// Importing an app that has no document yet says so, instead of the CLI's generic
// "non-existent remote object"; with an import block too, and nothing is written.
func TestAccResourceImportOfAnAppWithNoDocument(t *testing.T) {
	t.Parallel()
	mock := startMock(t) // the product exists, with neither a draft nor a live version
	want := regexp.MustCompile(`(?s)Nothing to import.*` + testProductID + spaceFlexible(` has no privacy and security information yet`))
	for _, kind := range []resource.ImportStateKind{resource.ImportCommandWithID, resource.ImportBlockWithID} {
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: providerFactories(mockEnv(mock)),
			Steps: []resource.TestStep{{
				Config:          exampleConfig(t, false),
				ResourceName:    exampleAddr,
				ImportState:     true,
				ImportStateKind: kind,
				ImportStateId:   testProductID,
				ExpectError:     want,
			}},
		})
	}
	if n := mock.Count(mockmarketplace.RoutePut); n != 0 {
		t.Errorf("%d PUTs while importing", n)
	}
}

func TestAccResourceImportBlockWithID(t *testing.T) {
	mock := startMockWithLiveSeed(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(mockEnv(mock)),
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_5_0)},
		Steps: []resource.TestStep{
			{
				Config:          exampleConfig(t, false),
				ResourceName:    exampleAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				ImportStateId:   testProductID,
				ImportPlanChecks: resource.ImportPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(exampleAddr, plancheck.ResourceActionNoop)},
				},
			},
		},
	})
}

func TestAccResourceImportBlockWithIdentity(t *testing.T) {
	mock := startMock(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(mockEnv(mock)),
		// Resource identity arrived in Terraform 1.12; older CLIs cannot express this import.
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		Steps: []resource.TestStep{
			{
				Config: exampleConfig(t, false),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity(exampleAddr, map[string]knownvalue.Check{
						"product_id": knownvalue.StringExact(testProductID),
					}),
				},
			},
			{
				Config:          exampleConfig(t, false),
				ResourceName:    exampleAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithResourceIdentity,
			},
		},
	})
}

func checkImported(states []*terraformInstanceState, versionState string) error {
	for _, s := range states {
		if s.ID != testProductID {
			continue
		}
		want := map[string]string{
			"product_id":    testProductID,
			"publish":       "false",
			"version_state": versionState,
			"common_cloud.security.caiq.caiq_lite_link": "https://example.com/caiq",
			"properties.form_status":                    "APPROVED",
			"properties.updated_at":                     "2022-01-15T08:00:00Z",
		}
		for k, v := range want {
			if s.Attributes[k] != v {
				return errorf("imported %s = %q, want %q", k, s.Attributes[k], v)
			}
		}
		return nil
	}
	return errorf("no imported instance with ID %s", testProductID)
}

// An import by identity checks product_id exactly as an import by ID does, before any
// request (the resource has no client here: a request would panic).
func TestImportStateChecksTheProductIDOfEveryForm(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	shape := privacySecurityShape()
	long := strings.Repeat("x", 20000)
	for _, c := range []struct {
		name, id, identity, wantError string
	}{
		{"ID", "not-a-uuid", "", "Invalid import ID"},
		{"identity", "", "not-a-uuid", "Invalid import identity"},
		{"long identity", "", long, "(20000 characters)"},
		{"valid ID", testProductID, "", ""},
		{"valid identity", "", testProductID, ""},
	} {
		req := fwresource.ImportStateRequest{ID: c.id}
		resp := fwresource.ImportStateResponse{
			State:    tfsdk.State{Schema: shape.schema, Raw: shape.nullState},
			Identity: &tfsdk.ResourceIdentity{Schema: shape.identitySchema, Raw: tftypes.NewValue(shape.identityType, nil)},
		}
		resp.Private = emptyPrivate(resp.Private)
		if c.identity != "" {
			req.Identity = &tfsdk.ResourceIdentity{Schema: shape.identitySchema, Raw: identityValue(types.StringValue(c.identity))}
		}
		(&privacySecurityResource{}).ImportState(ctx, req, &resp)
		if c.wantError == "" {
			if resp.Diagnostics.HasError() {
				t.Errorf("%s: %v", c.name, resp.Diagnostics)
			}
			m, diags := modelFromValue(ctx, resp.State.Raw)
			if diags.HasError() || m.ProductID.ValueString() != testProductID || m.ID.ValueString() != testProductID || m.Publish.ValueBool() {
				t.Errorf("%s: state %v %v", c.name, resp.State.Raw, diags)
			}
			if !resp.Identity.Raw.Equal(identityValue(types.StringValue(testProductID))) {
				t.Errorf("%s: identity %v", c.name, resp.Identity.Raw)
			}
			continue
		}
		if len(resp.Diagnostics) != 1 || !strings.Contains(resp.Diagnostics[0].Summary()+resp.Diagnostics[0].Detail(), c.wantError) {
			t.Errorf("%s: diagnostics %v, want one with %q", c.name, resp.Diagnostics, c.wantError)
		}
		if detail := resp.Diagnostics[0].Detail(); len(detail) > 400 {
			t.Errorf("%s: detail of %d characters echoes the value whole", c.name, len(detail))
		}
	}
}

// emptyPrivate is an empty private state of the framework's (internal) type.
func emptyPrivate[T any](_ *T) *T { return new(T) }
