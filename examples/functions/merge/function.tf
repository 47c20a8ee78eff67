# One company baseline, and what differs for one app. Objects merge attribute by attribute at
# every depth; a list replaces the baseline's; null removes what the baseline set.
locals {
  baseline = {
    security = {
      security_contact             = "security@example.com"
      has_compliant_certifications = true
      compliant_certifications     = ["SOC2", "ISO27001"]
    }
    data_residency = {
      data_residency_regions    = ["EU"]
      data_residency_compliance = true
    }
    log_details = {
      logging_enabled = true
      log_retention   = "30_DAYS"
    }
  }
}

resource "marketplace_privacy_security" "billing" {
  product_id = "12345678-1234-1234-1234-123456789abc"

  common_cloud = provider::marketplace::merge(local.baseline, {
    security       = { security_contact = "https://example.com/billing/security" } # the rest of security is kept
    data_residency = { data_residency_regions = ["EU", "US"] }                     # replaces ["EU"]
    log_details    = { log_retention = null }                                      # removes log_retention
  })
}

# Any number of overrides, applied left to right.
output "billing_regions" {
  value = provider::marketplace::merge(
    local.baseline,
    { data_residency = { data_residency_regions = ["EU", "US"] } },
    { data_residency = { data_residency_regions = ["US"] } },
  ).data_residency.data_residency_regions
}
