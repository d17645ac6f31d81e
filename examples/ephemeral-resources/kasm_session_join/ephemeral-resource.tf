variable "share_id" {
  type        = string
  description = "The share id of a running session started with sharing enabled."
}

variable "viewer_user_id" {
  type        = string
  description = "The Kasm user who watches the session."
}

# A view-only link to the shared session, never stored in a plan or a state file.
ephemeral "kasm_session_join" "viewer" {
  share_id = var.share_id
  user_id  = var.viewer_user_id
}

# Post the link, with the chat and the tips hidden, to the viewer once per
# session. (In a child module, an output with `ephemeral = true` can hand the
# link to the caller instead.)
resource "terraform_data" "invite_viewer" {
  triggers_replace = [var.share_id, var.viewer_user_id]

  provisioner "local-exec" {
    command = "./post-viewer-link.sh"
    environment = {
      VIEWER_LINK = provider::kasm::session_url(ephemeral.kasm_session_join.viewer.join_url, {
        disable_chat = true
        disable_tips = true
      })
    }
  }
}
