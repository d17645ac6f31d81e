# Look a user up by username...
data "kasm_user" "alice" {
  username = "alice@example.com"
}

# ...or by id (either id form works).
data "kasm_user" "admin" {
  id = "4bbb6998-064a-4d1e-a468-5f3cdd05feb4"
}

output "alice_last_session" {
  value = data.kasm_user.alice.last_session
}
