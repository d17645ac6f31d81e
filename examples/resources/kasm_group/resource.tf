resource "kasm_group" "engineering" {
  name        = "Engineering"
  description = "Engineers who may launch the development workspaces."
  priority    = 50
}

# A short-lived group that Terraform may delete while people are still in it.
resource "kasm_group" "workshop" {
  name         = "Workshop 2025-06"
  priority     = 900
  force_delete = true
}
