# A session is imported by its Kasm id, in hex or dashed form. Kasm cannot report the
# connection link without issuing a new one, so session_token, kasm_url and connect_url are
# null after an import, as are launch_url and environment.
terraform import kasm_session.example 116f18170fdc4a1a87146164a880fb93
