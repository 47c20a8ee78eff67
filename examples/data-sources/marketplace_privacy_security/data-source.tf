# The live version: public, readable without credentials.
data "marketplace_privacy_security" "live" {
  product_id = "12345678-1234-1234-1234-123456789abc"
}

# The draft under review (needs credentials).
data "marketplace_privacy_security" "draft" {
  product_id = "12345678-1234-1234-1234-123456789abc"
  state      = "draft"
}

output "gdpr_compliant" {
  value = data.marketplace_privacy_security.live.common_cloud.privacy.gdpr.gdpr_compliant
}

# Fields this provider does not model yet are in the JSON form.
output "live_document" {
  value = jsondecode(data.marketplace_privacy_security.live.common_cloud_json)
}
