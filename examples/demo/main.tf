# The demo that `make demo` applies against the local emulator: the Marketplace API
# reference's example app (the resource example), published, then read back through the
# data source.
terraform {
  required_providers {
    marketplace = {
      source = "marketplace-trust/marketplace"
    }
  }
}

# base_url, email and api_token come from MARKETPLACE_BASE_URL, MARKETPLACE_EMAIL and
# MARKETPLACE_API_TOKEN, which `make demo` points at the emulator.
provider "marketplace" {}

# The app itself is the resource example (examples/resources/marketplace_privacy_security/
# resource.tf, the API reference's example app), which `make demo` copies beside this file;
# publish_override.tf turns publish on for it.

# Read the live version back, as anyone can (no credentials needed), once published.
data "marketplace_privacy_security" "live" {
  product_id = marketplace_privacy_security.example.product_id
  state      = "live"

  depends_on = [marketplace_privacy_security.example]
}

output "live_document" {
  description = "The live privacy and security information, as the Marketplace returns it."
  value       = jsondecode(data.marketplace_privacy_security.live.common_cloud_json)
}

output "live_properties" {
  value = data.marketplace_privacy_security.live.properties
}
