# Onboarding a vendor's whole portfolio (Terraform 1.14 and later): with
# portfolio.tfquery.hcl beside this file,
#
#   terraform query -generate-config-out=generated.tf
#
# writes a resource block and an import block for every app of the vendor's developer space.
# Credentials from MARKETPLACE_EMAIL and MARKETPLACE_API_TOKEN (listing needs them).
terraform {
  required_version = ">= 1.14.0"
  required_providers {
    marketplace = {
      source = "marketplace-trust/marketplace"
    }
  }
}

provider "marketplace" {}
