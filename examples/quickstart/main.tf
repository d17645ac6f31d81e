# A small team on Kasm Workspaces: an Engineering group allowed to launch Chrome, two engineers
# with their preferences, a shared Chrome session for a pairing session, a login link for the
# second engineer, and the session link with the control panel hidden for embedding.
#
# `make demo` applies this against the local Kasm simulator. To use a real server, set
# KASM_BASE_URL, KASM_API_KEY and KASM_API_KEY_SECRET and run terraform init and apply here.

terraform {
  required_version = ">= 1.11"
  required_providers {
    kasm = {
      source = "workspaces-iac/kasm"
    }
  }
}

provider "kasm" {}

variable "email_domain" {
  description = "Domain of the demo users' email addresses, which are their Kasm usernames."
  type        = string
  default     = "example.com"
}

data "kasm_image" "chrome" {
  friendly_name = "Kasm Chrome"
}

resource "kasm_group" "engineering" {
  name        = "Engineering"
  description = "Engineers who may launch the browser workspaces."
  priority    = 50
}

resource "kasm_group_image" "engineering_chrome" {
  group_id = kasm_group.engineering.id
  image_id = data.kasm_image.chrome.id
}

resource "kasm_user" "alice" {
  username     = "alice@${var.email_domain}"
  first_name   = "Alice"
  last_name    = "Ng"
  organization = "Engineering"
}

resource "kasm_user" "bob" {
  username     = "bob@${var.email_domain}"
  first_name   = "Bob"
  last_name    = "Okafor"
  organization = "Engineering"
}

resource "kasm_group_membership" "alice" {
  group_id = kasm_group.engineering.id
  user_id  = kasm_user.alice.id
}

resource "kasm_group_membership" "bob" {
  group_id = kasm_group.engineering.id
  user_id  = kasm_user.bob.id
}

resource "kasm_user_attributes" "alice" {
  user_id       = kasm_user.alice.id
  default_image = data.kasm_image.chrome.id
  show_tips     = false
  theme         = "Dark"
}

resource "kasm_user_attributes" "bob" {
  user_id            = kasm_user.bob.id
  default_image      = data.kasm_image.chrome.id
  show_tips          = false
  preferred_timezone = "Europe/Berlin"
}

# Alice's Chrome session, shared so that Bob can watch; it opens the Kasm documentation.
resource "kasm_session" "pairing" {
  user_id        = kasm_user.alice.id
  image_id       = data.kasm_image.chrome.id
  enable_sharing = true
  launch_url     = "https://kasmweb.com/docs/latest/index.html"

  depends_on = [kasm_group_membership.alice, kasm_group_image.engineering_chrome]
}

# Outputs cannot be ephemeral, so the login link comes from the data source; in a real
# configuration prefer the kasm_login_url ephemeral resource, which keeps the link out of state.
data "kasm_login_url" "bob" {
  user_id = kasm_user.bob.id
}
