# A membership is imported by "<group_id>/<user_id>"; either id may also be written dashed.
terraform import kasm_group_membership.alice_engineering 2f3c1d4e5a6b4c7d8e9f0a1b2c3d4e5f/50faa5439c574b518cd868dac9256e4b
