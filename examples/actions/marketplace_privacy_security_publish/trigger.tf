# Publish after each apply that writes the draft, still only the draft that apply wrote.
resource "marketplace_privacy_security" "app" {
  product_id = "12345678-1234-1234-1234-123456789abc"
  common_cloud = {
    log_details = { logging_enabled = true, log_retention = "30_DAYS" }
  }
  lifecycle {
    action_trigger {
      events  = [after_create, after_update]
      actions = [action.marketplace_privacy_security_publish.app]
    }
  }
}

action "marketplace_privacy_security_publish" "app" {
  config {
    product_id   = marketplace_privacy_security.app.product_id
    draft_digest = marketplace_privacy_security.app.draft_digest
  }
}
