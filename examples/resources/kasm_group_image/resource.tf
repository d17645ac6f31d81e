resource "kasm_group" "engineering" {
  name     = "Engineering"
  priority = 50
}

data "kasm_image" "terminal" {
  friendly_name = "Kasm Terminal"
}

# Members of Engineering may launch the terminal image.
resource "kasm_group_image" "engineering_terminal" {
  group_id = kasm_group.engineering.id
  image_id = data.kasm_image.terminal.id
}
