# Onboarding an app whose privacy and security information is already filled in on the
# Marketplace: import it, and let the CLI write its configuration.
#
#   terraform plan -generate-config-out=generated.tf
#   terraform apply
#
# generated.tf then holds the document as the typed form models it; commit it and manage it
# from here on. Fields the typed form does not model are named in a plan warning and kept
# as they are by every apply (see README.md).
terraform {
  required_providers {
    marketplace = {
      source = "marketplace-trust/marketplace"
    }
  }
}

provider "marketplace" {}

import {
  to = marketplace_privacy_security.app
  id = "12345678-1234-1234-1234-123456789abc" # the app's product ID
}
