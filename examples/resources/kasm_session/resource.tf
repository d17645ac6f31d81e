variable "user_id" {
  description = "The id of the Kasm user the session belongs to."
  type        = string
}

# A Chrome session that opens a start page, kept alive by every apply.
resource "kasm_session" "example" {
  user_id    = var.user_id
  image_id   = "b483f0a4fb6546f79064f9b6759758cb" # See the kasm_images data source.
  launch_url = "https://example.com/welcome"

  environment = {
    TEAM = "support"
  }

  # Any change sends a keepalive, which pushes expiration_date back (an hour by default).
  # plantimestamp() changes on every plan, so each apply keeps the session alive; the id of
  # a time_rotating resource would do it on a schedule instead.
  keepalive_triggers = {
    applied_at = plantimestamp()
  }

  timeouts = {
    create = "15m"
  }
}

# The link opens the session as its user until the user logs out or a newer link is
# issued; treat it like a password.
output "session_link" {
  value     = kasm_session.example.connect_url
  sensitive = true
}
