# Every app of a vendor's developer space, with its live privacy and security information:
# `terraform query -generate-config-out=generated.tf` writes a resource block and an import
# block for each. Terraform 1.14 and later.
list "marketplace_privacy_security" "portfolio" {
  provider         = marketplace
  include_resource = true
  limit            = 1000 # Terraform stops at 100 results unless the block says otherwise

  config {
    vendor_id = "1234" # or developer_id = "<the developer space's UUID>"
    # include_private = false # private apps are listed unless this says otherwise
  }
}
