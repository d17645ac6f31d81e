resource "kasm_user" "alice" {
  username = "alice@example.com"
}

data "kasm_image" "chrome" {
  friendly_name = "Kasm Chrome"
}

# Only the attributes set here are enforced; the others keep whatever Alice chooses in the
# Kasm UI.
resource "kasm_user_attributes" "alice" {
  user_id            = kasm_user.alice.id
  default_image      = data.kasm_image.chrome.id
  theme              = "Dark"
  show_tips          = false
  preferred_language = "en-US"
  preferred_timezone = "Europe/Berlin"
}
