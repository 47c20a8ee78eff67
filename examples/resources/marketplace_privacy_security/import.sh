# Import by the app's product ID. After import, publish is false: set it in the
# configuration to keep publishing on apply.
terraform import marketplace_privacy_security.example 12345678-1234-1234-1234-123456789abc
