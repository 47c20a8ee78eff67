package provider

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/marketplace-trust/terraform-provider-marketplace/internal/document"

	"github.com/hashicorp/terraform-plugin-framework-jsontypes/jsontypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/marketplace-trust/terraform-provider-marketplace/internal/marketplace"
)

var (
	_ datasource.DataSource              = &privacySecurityDataSource{}
	_ datasource.DataSourceWithConfigure = &privacySecurityDataSource{}
)

// NewPrivacySecurityDataSource is the constructor the provider registers.
func NewPrivacySecurityDataSource() datasource.DataSource { return &privacySecurityDataSource{} }

type privacySecurityDataSource struct {
	client *marketplace.Client
	snaps  *snapshots // the provider instance's reader of apps (snapshot.go)
}

type privacySecurityDataSourceModel struct {
	ID              types.String         `tfsdk:"id"`
	ProductID       types.String         `tfsdk:"product_id"`
	State           types.String         `tfsdk:"state"`
	CommonCloud     types.Object         `tfsdk:"common_cloud"`
	CommonCloudJSON jsontypes.Normalized `tfsdk:"common_cloud_json"`
	Properties      types.Object         `tfsdk:"properties"`
	VersionState    types.String         `tfsdk:"version_state"`
}

func (d *privacySecurityDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_privacy_security"
}

func (d *privacySecurityDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = privacySecurityDataSourceSchema()
}

func privacySecurityDataSourceSchema() schema.Schema {
	return schema.Schema{
		MarkdownDescription: "Reads the live or draft privacy and security information of a Marketplace app. " +
			"Reading the live version needs no credentials.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{MarkdownDescription: "The product ID.", Computed: true},
			"product_id": schema.StringAttribute{
				MarkdownDescription: "The app's product ID (a UUID).",
				Required:            true,
				Validators:          []validator.String{document.UUIDString("product_id", "The product ID of a Marketplace app")},
			},
			"state": schema.StringAttribute{
				MarkdownDescription: "Which version to read: `live` (the default) or `draft` (needs credentials). " +
					"With `draft`, an app that has no draft (right after a publish, say) answers its live version; " +
					"`version_state` says which was read.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.OneOf(string(marketplace.Live), string(marketplace.Draft))},
			},
			"common_cloud": schema.SingleNestedAttribute{
				MarkdownDescription: document.CommonCloud.Description() + " Fields this provider does not model are in `common_cloud_json`.",
				Computed:            true,
				CustomType:          document.CommonCloud.ObjectType(),
				Attributes:          document.CommonCloud.DataSourceAttributes(),
			},
			"common_cloud_json": schema.StringAttribute{
				MarkdownDescription: "The value of `commonCloud` as JSON, exactly as returned (fields this provider does " +
					"not model included), without `properties`. Use `jsondecode` to read it.",
				Computed:   true,
				CustomType: jsontypes.NormalizedType{},
			},
			"properties": propertiesDataSourceAttribute(),
			"version_state": schema.StringAttribute{
				MarkdownDescription: "Which version was read: `draft` or `live`.",
				Computed:            true,
			},
		},
	}
}

func (d *privacySecurityDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	if data := providerDataFrom(req.ProviderData, &resp.Diagnostics); data != nil {
		d.client, d.snaps = data.client, data.snaps
	}
}

func (d *privacySecurityDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg privacySecurityDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	productID := cfg.ProductID.ValueString()
	version := marketplace.Live
	if cfg.State.ValueString() == string(marketplace.Draft) {
		version = marketplace.Draft
	}

	// No draft: after a publish there is none until the next change. The live version is
	// then the current document.
	doc, err := d.snaps.version(ctx, productID, version, asIs)
	if version == marketplace.Draft && err == nil && doc == nil {
		version = marketplace.Live
		doc, err = d.snaps.version(ctx, productID, version, asIs)
	}
	if err == nil && doc == nil {
		what := "live"
		if cfg.State.ValueString() == string(marketplace.Draft) {
			what = "draft nor live"
		}
		detail := fmt.Sprintf("Product %s has no %s version of its privacy and security information (the API answered 404).",
			productID, what)
		detail += fmt.Sprintf(" If the app has this information on the Marketplace, check product_id, and base_url (or %s).", EnvBaseURL)
		resp.Diagnostics.AddAttributeError(path.Root("product_id"), "No privacy and security information", detail)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("reading the %s version of %s", version, productID), err)
		return
	}
	raw, err := json.Marshal(doc.CommonCloud)
	if err != nil {
		resp.Diagnostics.AddError("Cannot encode the document", err.Error())
		return
	}
	out := cfg
	out.ID = types.StringValue(productID)
	out.VersionState = types.StringValue(string(version))
	var diags diag.Diagnostics
	out.CommonCloud, diags = document.FromAPI(doc.CommonCloud)
	resp.Diagnostics.Append(diags...)
	out.CommonCloudJSON = jsontypes.NewNormalizedValue(string(raw))
	out.Properties, diags = propertiesFromAPI(doc.Properties)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, out)...)
}
