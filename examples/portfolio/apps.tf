# The apps of the portfolio: each one's product ID, and only what differs from the baseline.
# In an override, an object merges into the baseline's attribute by attribute, a list
# replaces the baseline's, and null removes what the baseline set.
variable "apps" {
  description = "The apps to manage, by name: { product_id = \"<uuid>\", overrides = <part of common_cloud> }."
  # any, not a typed object: a type with optional() attributes would turn every attribute an
  # override leaves out into null, and null removes.
  type = any
  default = {
    timesheets = {
      product_id = "00000000-0000-4000-8000-000000000001"
      # no overrides: the baseline as it is
    }
    billing = {
      product_id = "00000000-0000-4000-8000-000000000002"
      overrides = {
        security = { security_contact = "https://example.com/billing/security" }
        data_retention = {
          retention_period = "7_YEARS" # invoices are kept as the law asks
        }
        third_party_information = {
          third_party_services     = ["AWS", "Stripe"]
          data_sharing             = true
          data_sharing_description = "Payment details are shared with Stripe to take payments."
        }
      }
    }
    reporting = {
      product_id = "00000000-0000-4000-8000-000000000003"
      overrides = {
        log_details = { log_retention = null } # keeps no logs beyond the request: no retention to state
        privacy     = { ccpa = null }          # not offered in California
      }
    }
  }

  validation {
    condition     = alltrue([for app in values(var.apps) : can(regex("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", app.product_id))])
    error_message = "Every app needs a product_id: the app's Marketplace product UUID."
  }
}
