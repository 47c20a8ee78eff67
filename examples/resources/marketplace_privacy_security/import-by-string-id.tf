import {
  to = marketplace_privacy_security.example
  id = "12345678-1234-1234-1234-123456789abc"
}
