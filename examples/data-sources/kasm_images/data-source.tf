# Every enabled image whose Docker image name contains "chrome" (any case).
data "kasm_images" "chrome" {
  enabled_only = true
  name         = "chrome"
}

output "chrome_images" {
  value = {
    for image in data.kasm_images.chrome.images : image.friendly_name => image.id
  }
}

# All images, disabled ones included.
data "kasm_images" "all" {}

output "disabled_image_names" {
  value = [for image in data.kasm_images.all.images : image.friendly_name if !image.enabled]
}
