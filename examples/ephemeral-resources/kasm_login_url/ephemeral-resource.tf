variable "user_id" {
  type        = string
  description = "The Kasm user to log in, for example kasm_user.alice.id."
}

# A fresh passwordless login link that never reaches a plan or a state file.
ephemeral "kasm_login_url" "this" {
  user_id = var.user_id
}

# Mail the user a login link once, when the account is set up. The link
# reaches the script through its environment only. (In a child module, an
# output with `ephemeral = true` can hand the link to the caller instead.)
resource "terraform_data" "welcome_mail" {
  triggers_replace = [var.user_id]

  provisioner "local-exec" {
    command = "./send-welcome-mail.sh"
    environment = {
      LOGIN_URL = ephemeral.kasm_login_url.this.url
    }
  }
}
