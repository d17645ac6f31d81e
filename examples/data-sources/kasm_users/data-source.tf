# Every user of the estate, however many pages Kasm lists them in.
data "kasm_users" "all" {}

# Unlocked members of the Engineering organization in the All Users group.
data "kasm_users" "engineering" {
  organization = "Engineering"
  locked       = false
  group_id     = "68d557ac4cac42cca9f31c7c853de0f3"
}

# Accounts whose username starts with "contractor-", anonymous session users included.
data "kasm_users" "contractors" {
  username_prefix   = "contractor-"
  include_anonymous = true
}

output "engineering_usernames" {
  value = [for user in data.kasm_users.engineering.users : user.username]
}

output "user_count" {
  value = length(data.kasm_users.all.users)
}
