# Look an image up by the name users see instead of pasting its id. The data
# source fails, listing what the server has, unless exactly one image matches.
data "kasm_image" "chrome" {
  friendly_name = "Kasm Chrome"
}

# The Docker image name works too.
data "kasm_image" "terminal" {
  name = "kasmweb/terminal:1.16.0"
}

output "chrome_image_id" {
  value = data.kasm_image.chrome.id
}

output "terminal_memory_bytes" {
  value = data.kasm_image.terminal.memory
}
