# A release of several apps: one action instance per app named in var.release, each pinned
# to the draft its resource describes. Every plan has no instance (release = []); the
# release names the apps whose drafts it publishes:
#   terraform apply -invoke=action.marketplace_privacy_security_publish.release \
#     -var 'release=["billing","wiki"]'
# An app without a draft fails the plan, and nothing is published.
variable "apps" {
  type = map(string) # name -> product ID
}

variable "release" {
  type    = set(string) # names of apps in var.apps
  default = []
}

resource "marketplace_privacy_security" "apps" {
  for_each          = var.apps
  product_id        = each.value
  common_cloud_json = file("${path.module}/apps/${each.key}.json")
}

action "marketplace_privacy_security_publish" "release" {
  for_each = var.release
  config {
    product_id   = marketplace_privacy_security.apps[each.key].product_id
    draft_digest = marketplace_privacy_security.apps[each.key].draft_digest
  }
}
