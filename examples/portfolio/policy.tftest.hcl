# The company policy, checked offline: `terraform test` in this folder needs no credentials
# and calls no API. mock_provider stands in for the Marketplace (the resource is planned
# without any request), while provider::marketplace::merge still runs: Terraform serves a
# mocked provider's functions from the real provider.
mock_provider "marketplace" {}

run "every_app_follows_the_policy" {
  command = plan

  assert {
    condition     = alltrue([for name, doc in output.documents : contains(doc.security.compliant_certifications, "SOC2")])
    error_message = "Every app lists SOC2."
  }
  assert {
    condition     = alltrue([for name, doc in output.documents : doc.data_residency.data_residency_regions == toset(["EU"])])
    error_message = "Every app holds its data in the EU only."
  }
  assert {
    condition     = alltrue([for name, doc in output.documents : doc.privacy.gdpr.gdpr_compliant])
    error_message = "Every app is GDPR compliant."
  }
}

run "overrides_change_only_what_they_name" {
  command = plan

  # An app without overrides is the baseline itself.
  assert {
    condition = alltrue([
      output.documents["timesheets"].security.security_contact == local.baseline.security.security_contact,
      output.documents["timesheets"].data_retention.retention_period == local.baseline.data_retention.retention_period,
      output.documents["timesheets"].third_party_information.third_party_services == toset(local.baseline.third_party_information.third_party_services),
      output.documents["timesheets"].privacy.ccpa.ccpa_compliant,
    ])
    error_message = "timesheets is the baseline."
  }
  # An object merges: billing's contact is its own, the rest of security is the baseline's.
  assert {
    condition     = output.documents["billing"].security.security_contact == "https://example.com/billing/security"
    error_message = "billing has its own security contact."
  }
  assert {
    condition     = output.documents["billing"].security.caiq.caiq_lite_link == local.baseline.security.caiq.caiq_lite_link
    error_message = "billing keeps the baseline's CAIQ."
  }
  # A list replaces the baseline's.
  assert {
    condition     = output.documents["billing"].third_party_information.third_party_services == toset(["AWS", "Stripe"])
    error_message = "billing's third parties are its own list."
  }
  # null removes.
  assert {
    condition     = output.documents["reporting"].log_details.log_retention == null && output.documents["reporting"].log_details.logging_enabled
    error_message = "reporting states no log retention and keeps the rest of log_details."
  }
  assert {
    condition     = output.documents["reporting"].privacy.ccpa == null && output.documents["reporting"].privacy.gdpr != null
    error_message = "reporting drops ccpa only."
  }
  # What is planned for the Marketplace is the merged document.
  assert {
    condition     = marketplace_privacy_security.app["billing"].common_cloud.data_retention.retention_period == "7_YEARS"
    error_message = "billing's resource carries its merged document."
  }
}

# The checks can fail: an app whose data leaves the EU, or one that drops SOC2, fails the
# plan with the app's name.
run "an_app_outside_the_eu_fails_the_plan" {
  command = plan

  variables {
    apps = {
      analytics = {
        product_id = "00000000-0000-4000-8000-000000000004"
        overrides  = { data_residency = { data_residency_regions = ["EU", "US"] } }
      }
    }
  }

  expect_failures = [marketplace_privacy_security.app]
}

run "an_app_without_soc2_fails_the_plan" {
  command = plan

  variables {
    apps = {
      legacy = {
        product_id = "00000000-0000-4000-8000-000000000005"
        overrides  = { security = { compliant_certifications = ["ISO27001"] } }
      }
    }
  }

  expect_failures = [marketplace_privacy_security.app]
}
