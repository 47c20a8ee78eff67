terraform {
  required_providers {
    marketplace = {
      source = "marketplace-trust/marketplace"
    }
  }
}

# Credentials are best given through the environment, so that they stay out of the
# configuration and the state:
#   export MARKETPLACE_EMAIL=you@example.com
#   export MARKETPLACE_API_TOKEN=...   # https://id.atlassian.com/manage-profile/security/api-tokens
provider "marketplace" {
  # base_url        = "https://api.atlassian.com/marketplace" # the default
  # max_retries     = 5
  # request_timeout = "30s"
}
