package provider

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/marketplace-trust/terraform-provider-marketplace/internal/marketplace"
	"github.com/marketplace-trust/terraform-provider-marketplace/internal/mockmarketplace"
)

func TestAccResourceAPIErrors(t *testing.T) {
	mock := startMock(t)
	wrongToken := mockEnv(mock)
	wrongToken[EnvAPIToken] = "wrong-" + mockmarketplace.TestAPIToken
	noCredentials := map[string]string{EnvBaseURL: mock.URL}

	cases := []struct {
		name  string
		env   map[string]string
		fault func()
		want  string
	}{
		{"401", wrongToken, nil,
			// The plan of the create reads the app's current document first.
			`reading the current document of ` + testProductID + ` to plan its creation: GET /rest/3/privacy-and-security/products/` + testProductID + `\?state=draft answered 401 Unauthorized: UNAUTHORIZED.*check email and api_token.*MARKETPLACE_EMAIL and MARKETPLACE_API_TOKEN`},
		{"403", mockEnv(mock), func() { mock.InjectFault(mockmarketplace.RoutePut, mockmarketplace.Fault{Status: 403, Times: 1}) },
			`writing the draft of ` + testProductID + `.*answered 403 Forbidden.*lacks permission on this app`},
		{"404", mockEnv(mock), func() { mock.InjectFault(mockmarketplace.RoutePut, mockmarketplace.Fault{Status: 404, Times: 1}) },
			`answered 404 Not Found.*does not exist, or is not visible to this account`},
		{"no credentials", noCredentials, nil,
			// At plan time, before any request.
			`Marketplace credentials required.*This plan would write the draft of product ` + testProductID + `.*MARKETPLACE_EMAIL and MARKETPLACE_API_TOKEN`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			step := resource.TestStep{
				Config:      smallConfig(false, "30_DAYS"),
				ExpectError: regexp.MustCompile(`(?s)` + spaceFlexible(tc.want)),
			}
			if tc.fault != nil {
				step.PreConfig = tc.fault
			}
			// Sequential on purpose: the cases share one mock and its faults.
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: providerFactories(tc.env),
				Steps:                    []resource.TestStep{step},
			})
		})
	}
	if mock.Draft(testProductID) != nil {
		t.Error("a failed write left a draft")
	}
}

// The diagnostics built from real API failures never carry the token or the basic-auth
// value, whatever the status.
func TestAPIErrorDiagnosticsCarryNoSecret(t *testing.T) {
	t.Parallel()
	mock := startMock(t)
	ctx := context.Background()
	wrong := "wrong-" + mockmarketplace.TestAPIToken
	client, err := marketplace.New(marketplace.Config{BaseURL: mock.URL, Email: mockmarketplace.TestEmail, APIToken: wrong})
	if err != nil {
		t.Fatal(err)
	}
	var diags diag.Diagnostics
	addAPIError(&diags, "writing the draft", client.PutDraft(ctx, testProductID, []byte(`{}`)))
	_, getErr := client.Get(ctx, testProductID, marketplace.Live)
	addAPIError(&diags, "reading", getErr)
	if len(diags) != 2 {
		t.Fatalf("diagnostics = %v", diags)
	}
	for _, d := range diags {
		text := d.Summary() + d.Detail()
		if !strings.Contains(text, "401") {
			t.Errorf("diagnostic lacks the status: %s", text)
		}
		for _, secret := range []string{wrong, "Basic "} {
			if strings.Contains(text, secret) {
				t.Errorf("diagnostic carries %q: %s", secret, text)
			}
		}
	}
}
