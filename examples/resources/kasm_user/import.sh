# Import a user by id (32 hexadecimal characters, or the dashed UUID form).
terraform import kasm_user.example 4bbb6998064a4d1ea4685f3cdd05feb4

# Or by username.
terraform import kasm_user.example alice@example.com
