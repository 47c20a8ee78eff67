# Every app of the vendor's developer space, private ones included, each with its
# privacy and security information as its import reads it (the draft, else the live version;
# both read at once). An app without either is named in a warning.
list "marketplace_privacy_security" "portfolio" {
  provider         = marketplace
  include_resource = true
  limit            = 1000 # Terraform stops at 100 results unless the block says otherwise

  config {
    vendor_id = "1234" # your vendor ID; or developer_id = "<the developer space's UUID>"
  }
}
