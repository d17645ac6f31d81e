# Prefer the kasm_login_url ephemeral resource: this data source stores the
# link in the state and issues a new one at every plan and refresh.
variable "user_id" {
  type        = string
  description = "The Kasm user to log in, for example kasm_user.alice.id."
}

data "kasm_login_url" "this" {
  user_id = var.user_id
}

output "login_url" {
  value     = data.kasm_login_url.this.url
  sensitive = true
}
