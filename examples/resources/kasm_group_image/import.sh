# An image assignment is imported by "<group_id>/<image_id>"; either id may also be written dashed.
terraform import kasm_group_image.engineering_terminal 2f3c1d4e5a6b4c7d8e9f0a1b2c3d4e5f/b2609fbf72954b20a56c1fe502aa2c41
