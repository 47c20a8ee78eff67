package provider

import "github.com/hashicorp/terraform-plugin-framework/types"

// identityModel is the resource's identity (privacySecurityIdentitySchema): its product ID.
type identityModel struct {
	ProductID types.String `tfsdk:"product_id"`
}
