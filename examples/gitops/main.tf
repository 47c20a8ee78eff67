terraform {
  required_version = ">= 1.5"
  required_providers {
    marketplace = {
      source  = "marketplace-trust/marketplace"
      version = "~> 0.1"
    }
  }
  # Keep state remote so that the pipeline and people share it, e.g.:
  # backend "s3" { bucket = "...", key = "marketplace/terraform.tfstate", region = "..." }
}

# MARKETPLACE_EMAIL and MARKETPLACE_API_TOKEN come from the pipeline's secrets.
provider "marketplace" {}

variable "publish" {
  description = "Publish the drafts on apply. Set in publish.auto.tfvars, committed: switching it is a reviewed pull request, and the saved plan the merge applies carries it."
  type        = bool
  default     = false
}

variable "apps" {
  description = "Product ID of each app, by a name of your choice."
  type        = map(string)
  default = {
    example = "12345678-1234-1234-1234-123456789abc"
  }
}

resource "marketplace_privacy_security" "app" {
  for_each   = var.apps
  product_id = each.value
  publish    = var.publish

  # One document per app in apps/<name>.json (the value of commonCloud), or write
  # common_cloud = { ... } in HCL instead.
  common_cloud_json = file("${path.module}/apps/${each.key}.json")
}
