variable "kasm_url" {
  type        = string
  sensitive   = true
  description = "A session path as Kasm returns it, such as \"/#/connect/kasm/<kasm id>/<user id>/<token>\"."
}

# Embed a session in a kiosk page without the control panel and the tips:
# https://kasm.example.com/#/connect/kasm/<...>/<token>?disable_control_panel=1&disable_tips=1
output "kiosk_url" {
  value = provider::kasm::session_url("https://kasm.example.com${var.kasm_url}", {
    disable_control_panel = true
    disable_tips          = true
    disable_chat          = false
  })
  # The result is sensitive because var.kasm_url is; say so explicitly anyway,
  # since the URL embeds a session token.
  sensitive = true
}
