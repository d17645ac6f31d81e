# The password comes from an ephemeral variable (for example fed from a secret store), is sent
# to Kasm when the user is created, and is never written to the plan or the state. Increment
# password_wo_version to send a new password.
variable "alice_password" {
  type      = string
  sensitive = true
  ephemeral = true
}

resource "kasm_user" "alice" {
  username     = "alice@example.com"
  first_name   = "Alice"
  last_name    = "Liddell"
  organization = "Engineering"
  notes        = "Managed by Terraform."

  password_wo         = var.alice_password
  password_wo_version = 1
}

# A user who only ever signs in through login links gets a random password that nobody needs
# to know. The ephemeral value changes on every run, but it is only sent when the user is
# created or password_wo_version changes.
ephemeral "random_password" "kiosk" {
  length = 32
}

resource "kasm_user" "kiosk" {
  # Kasm stores usernames in lower case; lower() keeps values from elsewhere acceptable.
  username = lower("Kiosk-01@Example.com")

  password_wo         = ephemeral.random_password.kiosk.result
  password_wo_version = 1

  # End the user's sessions when the user is destroyed.
  force_delete = true
}

output "alice_groups" {
  value = kasm_user.alice.group_ids
}
