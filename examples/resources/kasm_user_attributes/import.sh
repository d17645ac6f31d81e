# User attributes are imported by the id of their user.
terraform import kasm_user_attributes.alice 50faa5439c574b518cd868dac9256e4b
