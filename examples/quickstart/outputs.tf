output "engineering_group_id" {
  description = "The Engineering group's Kasm id."
  value       = kasm_group.engineering.id
}

output "users" {
  description = "The demo users' ids by username."
  value = {
    (kasm_user.alice.username) = kasm_user.alice.id
    (kasm_user.bob.username)   = kasm_user.bob.id
  }
}

output "session" {
  description = "The shared Chrome session."
  value = {
    kasm_id         = kasm_session.pairing.kasm_id
    status          = kasm_session.pairing.status
    image           = kasm_session.pairing.image_name
    share_id        = kasm_session.pairing.share_id
    expiration_date = kasm_session.pairing.expiration_date
  }
}

output "session_url" {
  description = "Alice's link into the shared session, with the control panel hidden."
  value       = provider::kasm::session_url(kasm_session.pairing.connect_url, { disable_control_panel = true })
  sensitive   = true
}

output "bob_login_url" {
  description = "A link that logs Bob in to the Kasm dashboard without a password."
  value       = data.kasm_login_url.bob.url
  sensitive   = true
}
