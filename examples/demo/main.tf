# The demo that `make demo` applies against the local emulator: the Marketplace API
# reference's example app, published, then read back through the data source.
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

variable "product_id" {
  type    = string
  default = "12345678-1234-1234-1234-123456789abc"
}

resource "marketplace_privacy_security" "app" {
  product_id = var.product_id
  publish    = true

  common_cloud = {
    data_access_and_storage = {
      data_access = {
        data_access_description = "This app accesses user data to provide core functionality"
        data_access_types       = ["USER_PROFILE", "CONTENT"]
        data_access_scope       = "USER_LEVEL"
      }
      data_storage = {
        data_storage_description = "User data is stored securely in our cloud infrastructure"
        data_retention_period    = "90_DAYS"
        data_deletion_policy     = "AUTOMATIC"
      }
    }
    third_party_information = {
      third_party_services     = ["AWS", "Google Analytics"]
      data_sharing             = false
      data_sharing_description = "No user data is shared with third parties"
    }
    log_details = {
      logging_enabled        = true
      log_retention          = "30_DAYS"
      sensitive_data_logging = false
    }
    data_residency = {
      data_residency_regions    = ["US", "EU"]
      data_residency_compliance = true
    }
    data_retention = {
      retention_period = "90_DAYS"
      deletion_process = "AUTOMATIC"
      backup_retention = "30_DAYS"
    }
    privacy = {
      privacy_enhancing_techniques = {
        data_minimization = true
        anonymization     = false
        pseudonymization  = true
      }
      gdpr = {
        gdpr_compliant        = true
        data_processing_basis = "CONSENT"
        user_rights           = ["ACCESS", "RECTIFICATION", "ERASURE"]
      }
      ccpa = {
        ccpa_compliant  = true
        data_categories = ["PERSONAL", "IDENTIFIERS"]
      }
      data_processing_agreement = {
        dpa_available = true
        dpa_url       = "https://example.com/dpa"
      }
    }
    security = {
      security_contact              = "security@example.com"
      public_security_policies_link = "https://example.com/security"
      caiq = {
        is_caiq_completed = true
        caiq_lite_link    = "https://example.com/caiq"
      }
      is_disk_encryption_supported = true
      has_compliant_certifications = true
      compliant_certifications     = ["SOC2", "ISO27001"]
    }
  }
}

# Read the live version back, as anyone can (no credentials needed), once published.
data "marketplace_privacy_security" "live" {
  product_id = marketplace_privacy_security.app.product_id
  state      = "live"

  depends_on = [marketplace_privacy_security.app]
}

output "live_document" {
  description = "The live privacy and security information, as the Marketplace returns it."
  value       = jsondecode(data.marketplace_privacy_security.live.common_cloud_json)
}

output "live_properties" {
  value = data.marketplace_privacy_security.live.properties
}
