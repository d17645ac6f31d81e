terraform {
  required_providers {
    kasm = {
      source = "workspaces-iac/kasm"
    }
  }
}

# The credentials usually come from the environment:
#   export KASM_BASE_URL=https://kasm.example.com
#   export KASM_API_KEY=...
#   export KASM_API_KEY_SECRET=...
provider "kasm" {}

# Or explicitly, for example from a secrets manager:
provider "kasm" {
  alias          = "staging"
  base_url       = "https://kasm-staging.example.com"
  api_key        = var.kasm_api_key
  api_key_secret = var.kasm_api_key_secret

  # A private CA instead of turning off verification.
  ca_cert_pem     = file("${path.module}/kasm-ca.pem")
  request_timeout = "45s"
  max_retries     = 6
}

variable "kasm_api_key" {
  type = string
}

variable "kasm_api_key_secret" {
  type      = string
  sensitive = true
}
