# A group is imported by its id, as 32 hexadecimal characters or in the dashed form...
terraform import kasm_group.engineering 2f3c1d4e5a6b4c7d8e9f0a1b2c3d4e5f

# ...or by its exact name. System groups (All Users, Administrators) cannot be imported.
terraform import kasm_group.engineering Engineering
