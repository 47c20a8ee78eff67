# The company's policy: what every app of the portfolio says unless apps.tf says otherwise.
# It is a value of common_cloud (see the resource's documentation for every attribute).
locals {
  baseline = {
    data_access_and_storage = {
      data_storage = {
        data_storage_description = "Data is stored encrypted in our EU cloud region."
        data_retention_period    = "90_DAYS"
        data_deletion_policy     = "AUTOMATIC"
      }
    }
    third_party_information = {
      third_party_services = ["AWS"]
      data_sharing         = false
    }
    log_details = {
      logging_enabled        = true
      log_retention          = "30_DAYS"
      sensitive_data_logging = false
    }
    data_residency = {
      data_residency_regions    = ["EU"]
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
        pseudonymization  = true
      }
      gdpr = {
        gdpr_compliant        = true
        data_processing_basis = "CONTRACT"
        user_rights           = ["ACCESS", "ERASURE", "PORTABILITY"]
      }
      ccpa = {
        ccpa_compliant  = true
        data_categories = ["PERSONAL"]
      }
      data_processing_agreement = {
        dpa_available = true
        dpa_url       = "https://example.com/legal/dpa"
      }
    }
    security = {
      security_contact              = "security@example.com"
      public_security_policies_link = "https://example.com/security"
      caiq = {
        is_caiq_completed = true
        caiq_lite_link    = "https://example.com/security/caiq-lite.pdf"
      }
      is_disk_encryption_supported = true
      has_compliant_certifications = true
      compliant_certifications     = ["SOC2", "ISO27001"]
    }
  }
}
