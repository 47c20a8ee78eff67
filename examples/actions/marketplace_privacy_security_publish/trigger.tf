# Publish after each apply that writes the draft, still only the draft that apply wrote.
# A triggered action reads its resource through `caller` (a direct reference makes Terraform
# warn, and can make a cycle). `caller` exists only when a trigger runs the action: to also
# release by hand (terraform apply -invoke=...), give that its own action block naming the
# resource, as action.tf does.
resource "marketplace_privacy_security" "app" {
  product_id = "12345678-1234-1234-1234-123456789abc"
  common_cloud = {
    log_details = { logging_enabled = true, log_retention = "30_DAYS" }
  }
  lifecycle {
    action_trigger {
      events  = [after_create, after_update]
      actions = [action.marketplace_privacy_security_publish.after_apply]
    }
  }
}

action "marketplace_privacy_security_publish" "after_apply" {
  config {
    product_id   = caller.product_id
    draft_digest = caller.draft_digest
  }
}
