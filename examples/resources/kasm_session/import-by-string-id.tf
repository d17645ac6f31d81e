import {
  to = kasm_session.example
  id = "116f18170fdc4a1a87146164a880fb93"
}
