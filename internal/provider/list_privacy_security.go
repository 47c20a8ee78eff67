package provider

import (
	"context"
	"fmt"

	"github.com/marketplace-trust/terraform-provider-marketplace/internal/document"

	"github.com/hashicorp/terraform-plugin-framework-validators/listresourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/marketplace-trust/terraform-provider-marketplace/internal/marketplace"
)

// The list resource marketplace_privacy_security: the apps of one developer space, for
// `terraform query` (Terraform 1.14 and later), which writes a resource and an import
// block for each (-generate-config-out). OpenTofu has no list blocks.

var (
	_ list.ListResource                     = &privacySecurityListResource{}
	_ list.ListResourceWithConfigure        = &privacySecurityListResource{}
	_ list.ListResourceWithConfigValidators = &privacySecurityListResource{}
)

// listPageSize is how many apps one request of the listing asks for.
const listPageSize = 50

// NewPrivacySecurityListResource is the constructor the provider registers.
func NewPrivacySecurityListResource() list.ListResource { return &privacySecurityListResource{} }

type privacySecurityListResource struct {
	client *marketplace.Client
	reader *privacySecurityResource // reads each app as the resource's import does
}

type privacySecurityListModel struct {
	DeveloperID    types.String `tfsdk:"developer_id"`
	VendorID       types.String `tfsdk:"vendor_id"`
	IncludePrivate types.Bool   `tfsdk:"include_private"`
}

func (l *privacySecurityListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_privacy_security"
}

func (l *privacySecurityListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The apps of one developer space (a vendor's portfolio), each with its identity " +
			"(`product_id`) and the app's name. With `include_resource = true` each result holds the app's " +
			"privacy and security information as its import reads it (the draft, else the live version: both read at once, " +
			"one round trip per app), so that `terraform query -generate-config-out` writes a resource block and an import " +
			"block for every app that has a document; an app with neither a draft nor a live version is named in a " +
			"warning instead. Needs credentials. Terraform 1.14 and later (OpenTofu has no `list` blocks).",
		Attributes: map[string]schema.Attribute{
			"developer_id": schema.StringAttribute{
				MarkdownDescription: "The developer space's ID (a UUID). Exactly one of `developer_id` and `vendor_id`.",
				Optional:            true,
				Validators:          []validator.String{document.UUIDString("developer_id", "The ID of a developer space")},
			},
			"vendor_id": schema.StringAttribute{
				MarkdownDescription: "The vendor's ID; its developer space is looked up (one request).",
				Optional:            true,
			},
			"include_private": schema.BoolAttribute{
				MarkdownDescription: "Whether private apps are listed too. Defaults to `true`.",
				Optional:            true,
			},
		},
	}
}

func (l *privacySecurityListResource) ListResourceConfigValidators(context.Context) []list.ConfigValidator {
	return []list.ConfigValidator{
		listresourcevalidator.ExactlyOneOf(path.MatchRoot("developer_id"), path.MatchRoot("vendor_id")),
	}
}

func (l *privacySecurityListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if data := providerDataFrom(req.ProviderData, &resp.Diagnostics); data != nil {
		l.client = data.client
		l.reader = &privacySecurityResource{client: data.client, snaps: data.snaps, data: data}
	}
}

func (l *privacySecurityListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var cfg privacySecurityListModel
	var diags diag.Diagnostics
	if diags = req.Config.Get(ctx, &cfg); diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	if l.client == nil {
		diags.AddError("Provider not configured", "The marketplace provider was not configured before listing.")
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	developerID := cfg.DeveloperID.ValueString()
	if developerID == "" {
		id, err := l.client.DeveloperSpaceOfVendor(ctx, cfg.VendorID.ValueString())
		if err != nil {
			addAPIError(&diags, "looking up the developer space of vendor "+document.QuoteCut(cfg.VendorID.ValueString()), err)
			stream.Results = list.ListResultsStreamDiagnostics(diags)
			return
		}
		developerID = id
	}
	includePrivate := cfg.IncludePrivate.IsNull() || cfg.IncludePrivate.ValueBool()
	stream.Results = func(push func(list.ListResult) bool) {
		l.stream(ctx, req, developerID, includePrivate, push)
	}
}

// stream pushes the apps of developerID, page by page, each once, until the last page, the
// request's limit, or the CLI stops asking.
func (l *privacySecurityListResource) stream(ctx context.Context, req list.ListRequest, developerID string, includePrivate bool, push func(list.ListResult) bool) {
	pushed := int64(0)
	seen := map[string]bool{}
	cursor := ""
	for {
		page, err := l.client.ListApps(ctx, developerID, cursor, listPageSize, includePrivate)
		if err != nil {
			var d diag.Diagnostics
			addAPIError(&d, "listing the apps of developer space "+document.QuoteCut(developerID), err)
			push(list.ListResult{Diagnostics: d})
			return
		}
		for _, app := range page.Apps {
			if app.ProductID == "" || seen[app.ProductID] {
				continue // an app listed twice (pages that moved under us) is one result
			}
			seen[app.ProductID] = true
			if !push(l.result(ctx, req, app)) {
				return
			}
			if pushed++; req.Limit > 0 && pushed >= req.Limit {
				return
			}
		}
		if page.Next == "" || page.Next == cursor {
			return
		}
		cursor = page.Next
	}
}

// result is one app as a list result: its identity, its name, and with include_resource
// the document the import of that app reads (its draft, else its live version) as the
// resource's state. An app with neither has nothing to import: with include_resource it is
// named in a warning instead of a result (Terraform cannot generate configuration from a
// result without a resource); without, it is listed like any other.
func (l *privacySecurityListResource) result(ctx context.Context, req list.ListRequest, app marketplace.App) list.ListResult {
	result := req.NewListResult(ctx)
	result.DisplayName = app.AppName
	if result.DisplayName == "" {
		result.DisplayName = app.ProductID
	}
	result.Diagnostics.Append(result.Identity.SetAttribute(ctx, path.Root("product_id"), app.ProductID)...)
	if !req.IncludeResource {
		return result
	}
	// The state of an import (ImportState) of the app, which the read then fills.
	var m privacySecurityResourceModel
	result.Diagnostics.Append(result.Resource.SetAttribute(ctx, path.Root("id"), app.ProductID)...)
	result.Diagnostics.Append(result.Resource.SetAttribute(ctx, path.Root("product_id"), app.ProductID)...)
	result.Diagnostics.Append(result.Resource.SetAttribute(ctx, path.Root("publish"), false)...)
	if result.Diagnostics.Append(result.Resource.Get(ctx, &m)...); result.Diagnostics.HasError() {
		return result
	}
	state, d := l.reader.readDraftElseLive(ctx, &m)
	if d.HasError() {
		return list.ListResult{Diagnostics: d} // an error result: Terraform reports it
	}
	if state == nil {
		var w diag.Diagnostics
		w.AddWarning("No privacy and security information to import",
			fmt.Sprintf("App %s (%s) has neither a draft nor a live privacy and security document yet: there is nothing "+
				"to import, so no configuration is generated for it. Declare it with a marketplace_privacy_security "+
				"resource (product_id = %q) to create its document.", document.QuoteCut(app.AppName), app.ProductID, app.ProductID))
		return list.ListResult{Diagnostics: w}
	}
	result.Diagnostics.Append(result.Resource.Set(ctx, state)...)
	return result
}
