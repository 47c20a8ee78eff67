# The resource writes the draft (publish = false); the action publishes it, on purpose:
#   terraform apply -invoke=action.marketplace_privacy_security_publish.app
resource "marketplace_privacy_security" "app" {
  product_id = "12345678-1234-1234-1234-123456789abc"
  publish    = false
  common_cloud = {
    log_details = { logging_enabled = true, log_retention = "30_DAYS" }
    security    = { security_contact = "https://example.com/security" }
  }
}

action "marketplace_privacy_security_publish" "app" {
  config {
    product_id = marketplace_privacy_security.app.product_id
    # Publish exactly the draft the plan showed, or nothing.
    draft_digest = marketplace_privacy_security.app.draft_digest
  }
}
