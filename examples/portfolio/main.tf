# A portfolio of apps kept to one company policy: baseline.tf holds the policy, apps.tf what
# differs per app, and provider::marketplace::merge puts the two together for each app.
terraform {
  # Provider-defined functions: Terraform 1.8 or later (OpenTofu 1.7 or later).
  required_version = ">= 1.8.0"
  required_providers {
    marketplace = {
      source = "marketplace-trust/marketplace"
    }
  }
}

# Credentials come from MARKETPLACE_EMAIL and MARKETPLACE_API_TOKEN.
provider "marketplace" {}

variable "publish" {
  description = "Publish each app's draft once written (false: the apply updates drafts only)."
  type        = bool
  default     = false
}

locals {
  # Each app's document: the baseline with its overrides (none: the baseline itself). {} and
  # not null for none: OpenTofu calls no provider function with a bare null argument.
  documents = {
    for name, app in var.apps : name => provider::marketplace::merge(local.baseline, try(app.overrides, {}))
  }
}

resource "marketplace_privacy_security" "app" {
  for_each = var.apps

  product_id   = each.value.product_id
  publish      = var.publish
  common_cloud = local.documents[each.key]

  # The company's rules that no override may break: a plan that breaks one fails, naming
  # the app, before anything is written.
  lifecycle {
    precondition {
      condition     = try(contains(local.documents[each.key].security.compliant_certifications, "SOC2"), false)
      error_message = "${each.key}: every app lists SOC2 in security.compliant_certifications (company policy)."
    }
    precondition {
      condition     = try(local.documents[each.key].data_residency.data_residency_regions == toset(["EU"]), false)
      error_message = "${each.key}: data is held in the EU only: data_residency.data_residency_regions must be [\"EU\"] (company policy)."
    }
  }
}

output "documents" {
  description = "Each app's document as it is sent to the Marketplace."
  value       = local.documents
}
