package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestProviderValidators(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		v       validator.String
		ok, bad []string
	}{
		{"baseURL", baseURLValidator{}, []string{"https://api.atlassian.com/marketplace", "http://localhost:8080"}, []string{"http://api.atlassian.com", "nope"}},
		{"positiveDuration", positiveDurationValidator{}, []string{"30s", "1m30s"}, []string{"0s", "-1s", "soon", "30"}},
	} {
		for _, s := range append(tc.ok, tc.bad...) {
			var resp validator.StringResponse
			tc.v.ValidateString(context.Background(), validator.StringRequest{Path: path.Root("x"), ConfigValue: types.StringValue(s)}, &resp)
			wantErr := len(tc.ok) > 0 && !contains(tc.ok, s)
			if resp.Diagnostics.HasError() != wantErr {
				t.Errorf("%s(%q): errors %v, want error %v", tc.name, s, resp.Diagnostics, wantErr)
			}
		}
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
