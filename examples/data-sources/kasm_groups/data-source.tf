# Every group the API key may see, system groups included with Groups View System.
data "kasm_groups" "all" {}

output "group_ids" {
  value = { for group in data.kasm_groups.all.groups : group.name => group.id }
}

# One group by its exact name.
data "kasm_groups" "all_users" {
  name = "All Users"
}

output "all_users_group_id" {
  value = one(data.kasm_groups.all_users.groups[*].id)
}
