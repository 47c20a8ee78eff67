# An override file (Terraform merges it into the resource of the same name): the demo
# publishes the resource example, whose own publish = false keeps changes in the draft.
resource "marketplace_privacy_security" "example" {
  publish = true
}
