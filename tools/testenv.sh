# shellcheck shell=bash
# Source this file to prepare the environment for acceptance tests:
#
#   . tools/testenv.sh && go test ./internal/provider/...
#
# It resolves a Terraform-compatible CLI with tools/terraform-cli.sh (which
# may build OpenTofu once) and exports:
#   TF_ACC=1                  acceptance tests skip without it
#   TF_ACC_TERRAFORM_PATH     the CLI terraform-plugin-testing runs
#   TF_CLI_CONFIG_FILE        an empty CLI configuration owned by the repo
#   CHECKPOINT_DISABLE=1      no update checks from the CLI
#   TF_ACC_PROVIDER_HOST      registry.opentofu.org, only for OpenTofu
# TF_ACC_TERRAFORM_VERSION is removed: it makes the tests download a CLI.
#
# It also sets, without exporting, TESTENV_CLI_NAME ("Terraform" or
# "OpenTofu") and TESTENV_CLI_VERSION for scripts that need to know.
# Sourcing it returns non-zero when no CLI can be found or built.

testenv_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

if ! testenv_cli=$("$testenv_root/tools/terraform-cli.sh"); then
  echo "testenv: no Terraform-compatible CLI is available" >&2
  unset testenv_root testenv_cli
  return 1
fi

export TF_ACC=1
export TF_ACC_TERRAFORM_PATH=$testenv_cli
# tools/terraform-cli.sh writes this file; the preset environment may point
# at a missing file, which makes OpenTofu print warnings on stdout.
export TF_CLI_CONFIG_FILE=$testenv_root/.cache/empty.tfrc
export CHECKPOINT_DISABLE=1
unset TF_ACC_TERRAFORM_VERSION

testenv_banner=$("$testenv_cli" version 2>/dev/null) || testenv_banner=
testenv_banner=${testenv_banner%%$'\n'*}
if [[ $testenv_banner =~ ^(Terraform|OpenTofu)\ v([^[:space:]]+) ]]; then
  TESTENV_CLI_NAME=${BASH_REMATCH[1]}
  TESTENV_CLI_VERSION=${BASH_REMATCH[2]}
else
  echo "testenv: $testenv_cli did not report a version" >&2
  unset testenv_root testenv_cli testenv_banner
  return 1
fi

if [[ $TESTENV_CLI_NAME == OpenTofu ]]; then
  # Providers under test are addressed by registry host; OpenTofu's default
  # host differs from Terraform's.
  export TF_ACC_PROVIDER_HOST=registry.opentofu.org
else
  unset TF_ACC_PROVIDER_HOST
fi

echo "testenv: acceptance tests use $TESTENV_CLI_NAME $TESTENV_CLI_VERSION ($TF_ACC_TERRAFORM_PATH)" >&2
unset testenv_root testenv_cli testenv_banner
