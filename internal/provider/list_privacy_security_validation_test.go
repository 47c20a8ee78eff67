package provider

import (
	"context"
	"strings"
	"testing"

	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"

	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// A UUID attribute's error names that attribute: the list resource's developer_id is not a
// product_id.
func TestUUIDErrorsNameTheirAttribute(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var resp list.ListResourceSchemaResponse
	(&privacySecurityListResource{}).ListResourceConfigSchema(ctx, list.ListResourceSchemaRequest{}, &resp)
	attr, ok := resp.Schema.Attributes["developer_id"].(listschema.StringAttribute)
	if !ok || len(attr.Validators) == 0 {
		t.Fatal("developer_id has no validator")
	}
	var out validator.StringResponse
	attr.Validators[0].ValidateString(ctx, validator.StringRequest{Path: path.Root("developer_id"), ConfigValue: types.StringValue("not-a-uuid")}, &out)
	if len(out.Diagnostics) != 1 || out.Diagnostics[0].Summary() != "Invalid developer_id" ||
		strings.Contains(out.Diagnostics[0].Detail(), "product") || !strings.Contains(out.Diagnostics[0].Detail(), "developer space") {
		t.Errorf("developer_id: %v", out.Diagnostics)
	}
}
