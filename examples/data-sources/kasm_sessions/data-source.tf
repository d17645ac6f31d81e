variable "user_id" {
  description = "The id of the Kasm user whose sessions to list."
  type        = string
}

# Every live session of one user.
data "kasm_sessions" "user" {
  user_id = var.user_id
}

# Sessions that are not running, for example stopped or paused ones.
output "idle_sessions" {
  value = [
    for s in data.kasm_sessions.user.sessions : "${s.image_name} (${s.id}): ${s.status}"
    if s.status != "running"
  ]
}
