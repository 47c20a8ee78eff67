// Package provider implements the marketplace Terraform provider.
package provider

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/marketplace-trust/terraform-provider-marketplace/internal/marketplace"
)

// Environment variables read when the provider block leaves an attribute unset.
const (
	EnvBaseURL  = "MARKETPLACE_BASE_URL"
	EnvEmail    = "MARKETPLACE_EMAIL"
	EnvAPIToken = "MARKETPLACE_API_TOKEN"
)

var (
	_ provider.Provider                   = &marketplaceProvider{}
	_ provider.ProviderWithValidateConfig = &marketplaceProvider{}
	_ provider.ProviderWithListResources  = &marketplaceProvider{}
	_ provider.ProviderWithActions        = &marketplaceProvider{}
	_ provider.ProviderWithFunctions      = &marketplaceProvider{}
)

type marketplaceProvider struct {
	version string
	// getenv is os.Getenv in production; tests inject their own so that they can run in
	// parallel, each against its own mock, without touching the process environment.
	getenv func(string) string
}

type providerModel struct {
	BaseURL        types.String `tfsdk:"base_url"`
	Email          types.String `tfsdk:"email"`
	APIToken       types.String `tfsdk:"api_token"`
	MaxRetries     types.Int64  `tfsdk:"max_retries"`
	RequestTimeout types.String `tfsdk:"request_timeout"`
}

func (p *marketplaceProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "marketplace"
	resp.Version = p.version
}

func (p *marketplaceProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = providerSchema()
}

func providerSchema() schema.Schema {
	return schema.Schema{
		MarkdownDescription: "Manages the privacy and security (\"trust\") information of Atlassian Marketplace apps " +
			"through the Marketplace REST API v3.",
		Attributes: map[string]schema.Attribute{
			"base_url": schema.StringAttribute{
				MarkdownDescription: "Root of the Marketplace API. May also be set with the `" + EnvBaseURL + "` environment " +
					"variable. Defaults to `" + marketplace.DefaultBaseURL + "`. Must be `https`, except for a loopback host " +
					"(`127.0.0.0/8`, `::1`, `localhost`), as used by a local emulator.",
				Optional:   true,
				Validators: []validator.String{baseURLValidator{}},
			},
			"email": schema.StringAttribute{
				MarkdownDescription: "Email of the Atlassian account the API token belongs to. May also be set with the `" +
					EnvEmail + "` environment variable. Set together with `api_token`, or leave both unset to read only " +
					"live versions. White space around it is ignored, in both places.",
				Optional: true,
			},
			"api_token": schema.StringAttribute{
				MarkdownDescription: "Atlassian API token of that account. May also be set with the `" + EnvAPIToken +
					"` environment variable (preferred: it keeps the token out of configuration). Never logged. White space " +
					"around it is ignored, in both places.",
				Optional:  true,
				Sensitive: true,
			},
			"max_retries": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("How many times one request is retried after a 429, 502, 503 or 504 "+
					"answer or a connection error. Defaults to `%d`.", marketplace.DefaultMaxRetries),
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(0, 50)},
			},
			"request_timeout": schema.StringAttribute{
				MarkdownDescription: "How long one HTTP request may take, as a Go duration (`30s`, `2m`). Defaults to `" +
					marketplace.DefaultRequestTimeout.String() + "`. Retries and the resource's `timeouts` are on top of it.",
				Optional:   true,
				Validators: []validator.String{positiveDurationValidator{}},
			},
		},
	}
}

func (p *marketplaceProvider) ValidateConfig(ctx context.Context, req provider.ValidateConfigRequest, resp *provider.ValidateConfigResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// Only a pair set in the configuration itself can be judged here; the environment may
	// still complete it, which Configure checks.
	// The pair is judged as Configure will use it: each value from the configuration or,
	// when unset there, from the environment (email in HCL, token in the environment is
	// the recommended setup).
	if known(cfg.Email) && known(cfg.APIToken) {
		email := firstNonEmpty(trimmed(cfg.Email), p.env(EnvEmail))
		token := firstNonEmpty(trimmed(cfg.APIToken), p.env(EnvAPIToken))
		if (email == "") != (token == "") {
			addCredentialsPairError(&resp.Diagnostics, email != "")
		}
	}
}

func (p *marketplaceProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	for name, v := range map[string]interface{ IsUnknown() bool }{
		"base_url": cfg.BaseURL, "email": cfg.Email, "api_token": cfg.APIToken,
		"max_retries": cfg.MaxRetries, "request_timeout": cfg.RequestTimeout,
	} {
		if v.IsUnknown() {
			resp.Diagnostics.AddAttributeError(path.Root(name), "Unknown provider configuration",
				fmt.Sprintf("The provider cannot be configured while %s is unknown: it must be known at plan time. "+
					"Set it to a literal or a variable, or apply its source first with -target.", name))
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}

	clientCfg, diags := p.clientConfig(cfg, req.TerraformVersion)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	client, err := marketplace.New(clientCfg)
	if err != nil {
		resp.Diagnostics.AddError("Invalid provider configuration", err.Error())
		return
	}
	data := newProviderData(client)
	data.cliVersion = req.TerraformVersion
	resp.ResourceData = data
	resp.DataSourceData = data
	resp.ListResourceData = data
	resp.ActionData = data
}

// clientConfig merges the configuration with the environment and the defaults, in that
// order, and reports each rule a merged value breaks against its attribute.
func (p *marketplaceProvider) clientConfig(cfg providerModel, terraformVersion string) (marketplace.Config, diag.Diagnostics) {
	var diags diag.Diagnostics
	out := marketplace.Config{
		BaseURL:   firstNonEmpty(cfg.BaseURL.ValueString(), p.env(EnvBaseURL), marketplace.DefaultBaseURL),
		Email:     firstNonEmpty(trimmed(cfg.Email), p.env(EnvEmail)),
		APIToken:  firstNonEmpty(trimmed(cfg.APIToken), p.env(EnvAPIToken)),
		UserAgent: userAgent(p.version, terraformVersion),
		// What the rate limit taught this process is kept for the next one (Terraform starts
		// one per walk) in the user's cache folder; the user's processes on this machine
		// pace as one through a folder of the temporary directory, whatever their HOME.
		PacingStateDir:  p.cacheDir(),
		PacingSharedDir: p.sharedPacingDir(),
	}
	if _, err := marketplace.ValidateBaseURL(out.BaseURL); err != nil {
		diags.AddAttributeError(path.Root("base_url"), "Invalid base_url",
			fmt.Sprintf("The Marketplace API URL (from base_url or %s) is not usable: %s", EnvBaseURL, err))
	}
	if (out.Email == "") != (out.APIToken == "") {
		addCredentialsPairError(&diags, out.Email != "")
	}
	if !cfg.MaxRetries.IsNull() {
		n := int(cfg.MaxRetries.ValueInt64())
		out.MaxRetries = &n
	}
	if !cfg.RequestTimeout.IsNull() {
		// A plain string checked by positiveDurationValidator alone: timetypes.GoDuration
		// would report a bad value a second time, its message showing a literal "\n\n".
		d, _ := time.ParseDuration(cfg.RequestTimeout.ValueString()) // the validator already parsed it.
		out.RequestTimeout = d
	}
	return out, diags
}

// trimmed is a credential from the configuration without surrounding white space, as
// the environment's are: neither an email nor a token has any, and " a@example.com" would
// only get a 401.
func trimmed(v types.String) string { return strings.TrimSpace(v.ValueString()) }

// cacheDir is this provider's folder in the user's cache (XDG_CACHE_HOME, else
// ~/.cache), or "" when the environment names neither.
func (p *marketplaceProvider) cacheDir() string {
	if dir := p.env("XDG_CACHE_HOME"); filepath.IsAbs(dir) {
		return filepath.Join(dir, "terraform-provider-marketplace")
	}
	if home := p.env("HOME"); filepath.IsAbs(home) {
		return filepath.Join(home, ".cache", "terraform-provider-marketplace")
	}
	return ""
}

// sharedPacingDir is this user's folder in the machine's temporary directory (TMPDIR, else
// /tmp), where the provider processes of the same user pace as one: pipelines on one
// runner often run with a HOME of their own; "" where users have no numeric ID (Windows,
// which has no file locks for it either).
func (p *marketplaceProvider) sharedPacingDir() string {
	uid := os.Getuid()
	if uid < 0 {
		return ""
	}
	tmp := p.env("TMPDIR")
	if !filepath.IsAbs(tmp) {
		tmp = os.TempDir()
	}
	return filepath.Join(tmp, fmt.Sprintf("terraform-provider-marketplace-%d", uid))
}

// env is an environment variable trimmed of surrounding white space: a value set with
// $(cat file) often ends with a newline.
func (p *marketplaceProvider) env(name string) string { return strings.TrimSpace(p.getenv(name)) }

func addCredentialsPairError(diags *diag.Diagnostics, emailSet bool) {
	missing, set := "api_token", "email"
	if !emailSet {
		missing, set = "email", "api_token"
	}
	diags.AddAttributeError(path.Root(missing), "Incomplete Marketplace credentials",
		fmt.Sprintf("%s is set (in the provider block or the environment) but %s is not. Set both, each in the "+
			"provider block or with %s and %s, or neither to read only live versions.", set, missing, EnvEmail, EnvAPIToken))
}

func userAgent(providerVersion, terraformVersion string) string {
	ua := "terraform-provider-marketplace/" + providerVersion
	if terraformVersion != "" {
		ua += " Terraform/" + terraformVersion
	}
	return ua
}

func (p *marketplaceProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{NewPrivacySecurityResource}
}

func (p *marketplaceProvider) ListResources(_ context.Context) []func() list.ListResource {
	return []func() list.ListResource{NewPrivacySecurityListResource}
}

func (p *marketplaceProvider) Actions(_ context.Context) []func() action.Action {
	return []func() action.Action{NewPrivacySecurityPublishAction}
}

func (p *marketplaceProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{NewPrivacySecurityDataSource}
}

func (p *marketplaceProvider) Functions(_ context.Context) []func() function.Function {
	return []func() function.Function{NewMergeFunction}
}
