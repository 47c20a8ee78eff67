package provider

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/marketplace-trust/terraform-provider-marketplace/internal/marketplace"
	"github.com/marketplace-trust/terraform-provider-marketplace/internal/mockmarketplace"
)

// newTestProvider builds the provider with env in place of the process environment.
func newTestProvider(env map[string]string) *marketplaceProvider {
	return &marketplaceProvider{version: "test", getenv: func(k string) string { return env[k] }}
}

// providerFactories serves a provider whose environment points at env's mock, so each
// test can run its own mock in parallel with the others.
func providerFactories(env map[string]string) map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"marketplace": func() (tfprotov6.ProviderServer, error) {
			return providerserver.NewProtocol6(newTestProvider(env))(), nil
		},
	}
}

// mockEnv is the environment of a provider that talks to mock with valid credentials.
func mockEnv(mock *mockmarketplace.Server) map[string]string {
	return map[string]string{
		EnvBaseURL:  mock.URL,
		EnvEmail:    mockmarketplace.TestEmail,
		EnvAPIToken: mockmarketplace.TestAPIToken,
	}
}

// providerConfig is a provider block holding attrs, everything else null.
func providerConfig(attrs map[string]tftypes.Value) tfsdk.Config {
	typ := providerSchema().Type().TerraformType(context.Background()).(tftypes.Object)
	values := map[string]tftypes.Value{}
	for name, attrType := range typ.AttributeTypes {
		values[name] = tftypes.NewValue(attrType, nil)
	}
	for name, v := range attrs {
		values[name] = v
	}
	return tfsdk.Config{Schema: providerSchema(), Raw: tftypes.NewValue(typ, values)}
}

// configure runs Configure with the given provider-block attributes.
func configure(t *testing.T, env map[string]string, attrs map[string]tftypes.Value) (*marketplace.Client, provider.ConfigureResponse) {
	t.Helper()
	var resp provider.ConfigureResponse
	newTestProvider(env).Configure(context.Background(), provider.ConfigureRequest{TerraformVersion: "1.5.7", Config: providerConfig(attrs)}, &resp)
	var client *marketplace.Client
	if data, ok := resp.ResourceData.(*providerData); ok {
		client = data.client
	}
	return client, resp
}

func tfString(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }

func TestConfigurePrecedenceAndDefaults(t *testing.T) {
	t.Parallel()
	env := map[string]string{EnvBaseURL: "http://127.0.0.1:1", EnvEmail: "env@example.com", EnvAPIToken: "env-token"}

	client, resp := configure(t, nil, nil)
	if resp.Diagnostics.HasError() || client.BaseURL() != marketplace.DefaultBaseURL || client.HasCredentials() {
		t.Errorf("defaults: %v %v", resp.Diagnostics, client)
	}
	client, resp = configure(t, env, nil)
	if resp.Diagnostics.HasError() || client.BaseURL() != "http://127.0.0.1:1" || !client.HasCredentials() {
		t.Errorf("environment: %v", resp.Diagnostics)
	}
	client, resp = configure(t, env, map[string]tftypes.Value{"base_url": tfString("https://example.com/mp")})
	if resp.Diagnostics.HasError() || client.BaseURL() != "https://example.com/mp" {
		t.Errorf("configuration over environment: %v %s", resp.Diagnostics, client.BaseURL())
	}
	if resp.DataSourceData != resp.ResourceData {
		t.Error("resources and data sources must share one client")
	}
}

func TestConfigureRejects(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		env   map[string]string
		attrs map[string]tftypes.Value
		path  string
		text  string
	}{
		{"http to a remote host", nil, map[string]tftypes.Value{"base_url": tfString("http://api.atlassian.com/marketplace")}, "base_url", "only allowed for a loopback host"},
		{"http to a remote host from the environment", map[string]string{EnvBaseURL: "http://10.1.2.3"}, nil, "base_url", "MARKETPLACE_BASE_URL"},
		{"email without token", nil, map[string]tftypes.Value{"email": tfString("a@example.com")}, "api_token", "email is set (in the provider block or the environment) but api_token is not"},
		{"token without email", map[string]string{EnvAPIToken: "t"}, nil, "email", "api_token is set (in the provider block or the environment) but email is not"},
		{"unknown base_url", nil, map[string]tftypes.Value{"base_url": tftypes.NewValue(tftypes.String, tftypes.UnknownValue)}, "base_url", "unknown"},
	}
	for _, tc := range cases {
		_, resp := configure(t, tc.env, tc.attrs)
		if !resp.Diagnostics.HasError() {
			t.Errorf("%s: accepted", tc.name)
			continue
		}
		d := resp.Diagnostics.Errors()[0]
		if !strings.Contains(d.Summary()+" "+d.Detail(), tc.text) {
			t.Errorf("%s: diagnostic %q / %q lacks %q", tc.name, d.Summary(), d.Detail(), tc.text)
		}
		if got := diagPath(d); got != tc.path {
			t.Errorf("%s: diagnostic at %q, want %q", tc.name, got, tc.path)
		}
	}
}

func TestSchemaMarksTheTokenSensitive(t *testing.T) {
	t.Parallel()
	s := providerSchema()
	if !s.Attributes["api_token"].IsSensitive() {
		t.Error("api_token is not sensitive")
	}
	for name, a := range s.Attributes {
		if a.IsRequired() {
			t.Errorf("%s is required; every provider attribute must be optional", name)
		}
	}
}

func TestAccProviderRejectsBadBaseURL(t *testing.T) {
	mock := mockmarketplace.Start(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(mockEnv(mock)),
		Steps: []resource.TestStep{
			{
				Config: `
provider "marketplace" {
  base_url = "http://api.atlassian.com/marketplace"
}
data "marketplace_privacy_security" "x" {
  product_id = "12345678-1234-1234-1234-123456789abc"
}`,
				ExpectError: regexp.MustCompile(`(?s)Invalid base_url.*only allowed for a\s+loopback host`),
			},
			{
				Config: `
provider "marketplace" {
  request_timeout = "soon"
}
data "marketplace_privacy_security" "x" {
  product_id = "12345678-1234-1234-1234-123456789abc"
}`,
				ExpectError: regexp.MustCompile(`(?s)request_timeout`),
			},
		},
	})
	if n := mock.Count(mockmarketplace.RouteUnknown); n != 0 {
		t.Errorf("a rejected configuration sent %d requests", n)
	}
}

// Each credential may come from the configuration or the environment; the pair is judged
// after merging, in ValidateConfig as in Configure, and the environment's values are
// trimmed (a token set with $(cat file) ends with a newline).
func TestCredentialsFromBothPlaces(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, c := range []struct {
		name    string
		env     map[string]string
		attrs   map[string]tftypes.Value
		wantErr string
	}{
		{"email in HCL, token in the environment", map[string]string{EnvAPIToken: "tok\n"}, map[string]tftypes.Value{"email": tfString("a@example.com")}, ""},
		{"token in HCL, email in the environment", map[string]string{EnvEmail: " a@example.com "}, map[string]tftypes.Value{"api_token": tfString("tok")}, ""},
		{"email only, anywhere", map[string]string{EnvEmail: "a@example.com"}, nil, "email is set"},
		{"token only, blank email in the environment", map[string]string{EnvAPIToken: "tok", EnvEmail: " \n"}, nil, "api_token is set"},
	} {
		client, resp := configure(t, c.env, c.attrs)
		validate := validateProvider(t, c.env, c.attrs)
		for what, diags := range map[string]diag.Diagnostics{"Configure": resp.Diagnostics, "ValidateConfig": validate} {
			switch {
			case c.wantErr == "" && diags.HasError():
				t.Errorf("%s: %s refused: %v", c.name, what, diags)
			case c.wantErr != "" && (!diags.HasError() || !strings.Contains(diags.Errors()[0].Detail(), c.wantErr)):
				t.Errorf("%s: %s: %v, want an error with %q", c.name, what, diags, c.wantErr)
			}
		}
		if c.wantErr == "" && (client == nil || !client.HasCredentials()) {
			t.Errorf("%s: no credentials in the client", c.name)
		}
	}
	// The trimmed values are the ones sent.
	mock := mockmarketplace.Start(t)
	mock.AddProduct(testProductID)
	client, resp := configure(t, map[string]string{EnvBaseURL: mock.URL, EnvEmail: mockmarketplace.TestEmail + "\n", EnvAPIToken: " " + mockmarketplace.TestAPIToken + "\n"}, nil)
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	if err := client.PutDraft(ctx, testProductID, []byte(`{}`)); err != nil {
		t.Errorf("trimmed credentials refused: %v", err)
	}
	// The configuration's values are trimmed alike: an email written " a@example.com " in
	// HCL authenticates instead of getting a bare 401.
	client, resp = configure(t, map[string]string{EnvBaseURL: mock.URL}, map[string]tftypes.Value{
		"email": tfString("  " + mockmarketplace.TestEmail + " "), "api_token": tfString(mockmarketplace.TestAPIToken + "\n"),
	})
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	if err := client.PutDraft(ctx, testProductID, []byte(`{}`)); err != nil {
		t.Errorf("credentials with white space in the configuration refused: %v", err)
	}
}

func validateProvider(t *testing.T, env map[string]string, attrs map[string]tftypes.Value) diag.Diagnostics {
	t.Helper()
	var resp provider.ValidateConfigResponse
	newTestProvider(env).ValidateConfig(context.Background(), provider.ValidateConfigRequest{Config: providerConfig(attrs)}, &resp)
	return resp.Diagnostics
}

// The setup the docs recommend, on the real CLIs: email in the provider block, the token
// only in the environment.
func TestAccProviderEmailInConfigurationTokenInEnvironment(t *testing.T) {
	mock := startMock(t)
	env := mockEnv(mock)
	delete(env, EnvEmail)
	env[EnvAPIToken] += "\n"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(env),
		Steps: []resource.TestStep{{
			Config: `
provider "marketplace" {
  email = "` + mockmarketplace.TestEmail + `"
}
resource "marketplace_privacy_security" "x" {
  product_id        = "` + testProductID + `"
  common_cloud_json = jsonencode({ logDetails = { loggingEnabled = true } })
}`,
		}},
	})
	if mock.Count(mockmarketplace.RoutePut) != 1 {
		t.Errorf("PUTs: %d, want 1", mock.Count(mockmarketplace.RoutePut))
	}
}
