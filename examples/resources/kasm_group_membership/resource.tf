resource "kasm_group" "engineering" {
  name     = "Engineering"
  priority = 50
}

resource "kasm_user" "alice" {
  username = "alice@example.com"
}

# Alice joins Engineering. Her other groups, including All Users (which Kasm adds every
# user to), are left alone.
resource "kasm_group_membership" "alice_engineering" {
  group_id = kasm_group.engineering.id
  user_id  = kasm_user.alice.id
}

# Membership of a group Terraform does not manage: look it up by name.
data "kasm_groups" "administrators" {
  name = "Administrators"
}

resource "kasm_group_membership" "alice_administrators" {
  group_id = data.kasm_groups.administrators.groups[0].id
  user_id  = kasm_user.alice.id
}
