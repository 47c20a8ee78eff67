import {
  to = marketplace_privacy_security.example
  identity = {
    product_id = "12345678-1234-1234-1234-123456789abc"
  }
}
