package provider

import (
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	dschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/marketplace-trust/terraform-provider-marketplace/internal/marketplace"
)

// properties is the server-maintained metadata of a version of the document.

var propertiesAttrTypes = map[string]attr.Type{
	"updated_by":  types.StringType,
	"updated_at":  timetypes.RFC3339Type{},
	"form_status": types.StringType,
	"jira_links":  types.SetType{ElemType: types.StringType},
}

var propertiesDescriptions = map[string]string{
	"updated_by":  "Who last changed this version (an Atlassian account email).",
	"updated_at":  "When this version was last changed, in RFC 3339.",
	"form_status": "Review status of this version, as the Marketplace reports it (e.g. `DRAFT`, `SUBMITTED`, `APPROVED`).",
	"jira_links":  "Marketplace support tickets about this version.",
}

const propertiesDescription = "Metadata the Marketplace maintains for the version read: who changed it, when, and its review status."

// propertiesResourceAttribute is an object attribute, not a nested one, on purpose:
// Terraform 1.5 crashes generating configuration (plan -generate-config-out) for a
// resource with a computed nested attribute, and onboarding relies on that command.
func propertiesResourceAttribute() rschema.Attribute {
	return rschema.ObjectAttribute{
		MarkdownDescription: propertiesDescription + " Attributes: `updated_by`: " + propertiesDescriptions["updated_by"] +
			" `updated_at`: " + propertiesDescriptions["updated_at"] + " `form_status`: " + propertiesDescriptions["form_status"] +
			" `jira_links`: " + propertiesDescriptions["jira_links"],
		Computed:       true,
		AttributeTypes: propertiesAttrTypes,
	}
}

func propertiesDataSourceAttribute() dschema.Attribute {
	return dschema.SingleNestedAttribute{
		MarkdownDescription: propertiesDescription,
		Computed:            true,
		Attributes: map[string]dschema.Attribute{
			"updated_by":  dschema.StringAttribute{Computed: true, MarkdownDescription: propertiesDescriptions["updated_by"]},
			"updated_at":  dschema.StringAttribute{Computed: true, MarkdownDescription: propertiesDescriptions["updated_at"], CustomType: timetypes.RFC3339Type{}},
			"form_status": dschema.StringAttribute{Computed: true, MarkdownDescription: propertiesDescriptions["form_status"]},
			"jira_links":  dschema.SetAttribute{Computed: true, MarkdownDescription: propertiesDescriptions["jira_links"], ElementType: types.StringType},
		},
	}
}

// propertiesFromAPI converts commonCloud.properties; updatedAt (epoch milliseconds) becomes
// RFC 3339 in UTC.
func propertiesFromAPI(p *marketplace.Properties) (types.Object, diag.Diagnostics) {
	if p == nil {
		return types.ObjectNull(propertiesAttrTypes), nil
	}
	updatedAt := timetypes.NewRFC3339Null()
	if p.UpdatedAt != 0 {
		updatedAt = timetypes.NewRFC3339TimeValue(time.UnixMilli(p.UpdatedAt).UTC())
	}
	links := types.SetNull(types.StringType)
	if len(p.JiraLinks) > 0 {
		elems := make([]attr.Value, 0, len(p.JiraLinks))
		for _, l := range p.JiraLinks {
			elems = append(elems, types.StringValue(l))
		}
		links = types.SetValueMust(types.StringType, elems)
	}
	return types.ObjectValue(propertiesAttrTypes, map[string]attr.Value{
		"updated_by":  stringOrNull(p.UpdatedBy),
		"updated_at":  updatedAt,
		"form_status": stringOrNull(p.FormStatus),
		"jira_links":  links,
	})
}

func stringOrNull(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}
