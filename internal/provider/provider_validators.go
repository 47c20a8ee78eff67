package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/marketplace-trust/terraform-provider-marketplace/internal/document"
	"github.com/marketplace-trust/terraform-provider-marketplace/internal/marketplace"
)

// The provider configuration's plan-time checks.

// baseURLValidator applies marketplace.ValidateBaseURL at plan time.
type baseURLValidator struct{}

func (baseURLValidator) Description(context.Context) string {
	return "must be an absolute https URL, or http for a loopback host"
}
func (v baseURLValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (baseURLValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := marketplace.ValidateBaseURL(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid base_url", err.Error())
	}
}

// positiveDurationValidator accepts a Go duration greater than zero.
type positiveDurationValidator struct{}

func (positiveDurationValidator) Description(context.Context) string {
	return "must be a positive Go duration such as 30s or 2m"
}
func (v positiveDurationValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (positiveDurationValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	d, err := time.ParseDuration(req.ConfigValue.ValueString())
	if err != nil || d <= 0 {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid duration",
			fmt.Sprintf("%s: %s is not a positive Go duration (examples: 30s, 1m30s).", req.Path, document.QuoteCut(req.ConfigValue.ValueString())))
	}
}
