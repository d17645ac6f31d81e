#!/usr/bin/env bash
# Prints the absolute path of a Terraform-compatible CLI for the acceptance
# tests and nothing else on stdout; progress goes to stderr.
#
# Resolution order:
#   1. TF_ACC_TERRAFORM_PATH, when the caller already chose a CLI;
#   2. terraform on PATH, when it is at least 1.11 (write-only attributes);
#   3. the OpenTofu binary cached in <repo>/.cache/bin/tofu;
#   4. OpenTofu built from source into that cache (about 6.5 minutes on two
#      cores), because no package registry reachable from CI ships a CLI.
#
# The script runs in its own process, so nothing it exports leaks into the
# caller; source tools/testenv.sh to get the test environment.
set -euo pipefail

readonly min_terraform_version=1.11
readonly tofu_version=1.12.6
# OpenTofu's go.mod replaces hcl with its own fork; replace directives of a
# dependency are ignored, so the throw-away wrapper module has to repeat it.
readonly hcl_replace='github.com/hashicorp/hcl/v2 v2.20.1 => github.com/opentofu/hcl/v2 v2.20.2-0.20251021132045-587d123c2828'

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cache_dir=$repo_root/.cache
tofu_bin=$cache_dir/bin/tofu

log() { printf 'terraform-cli: %s\n' "$*" >&2; }

# The environment may point TF_CLI_CONFIG_FILE at a missing file, which makes
# OpenTofu print a warning on stdout and breaks version parsing.
mkdir -p "$cache_dir"
cli_config=$cache_dir/empty.tfrc
[[ -f $cli_config ]] || : >"$cli_config"
export TF_CLI_CONFIG_FILE=$cli_config
export CHECKPOINT_DISABLE=1

# cli_version prints "<name> <version>" (for example "Terraform 1.11.4" or
# "OpenTofu 1.12.6") or fails when the binary does not answer like a CLI.
cli_version() {
  local output first
  # Read everything before matching: piping into head could kill the CLI
  # with SIGPIPE and turn a good answer into a failure.
  output=$("$1" version 2>/dev/null) || return 1
  first=${output%%$'\n'*}
  [[ $first =~ ^(Terraform|OpenTofu)\ v([0-9]+\.[0-9]+\.[0-9]+[^[:space:]]*) ]] || return 1
  printf '%s %s\n' "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}"
}

# version_at_least reports whether version $1 is >= major.minor $2.
version_at_least() {
  local have_major have_minor want_major want_minor rest
  IFS=. read -r have_major have_minor rest <<<"$1"
  IFS=. read -r want_major want_minor rest <<<"$2"
  ((have_major > want_major || (have_major == want_major && have_minor >= want_minor)))
}

absolute() {
  local dir
  dir=$(cd "$(dirname "$1")" && pwd)
  printf '%s/%s\n' "$dir" "$(basename "$1")"
}

if [[ -n ${TF_ACC_TERRAFORM_PATH:-} ]]; then
  if described=$(cli_version "$TF_ACC_TERRAFORM_PATH"); then
    log "using TF_ACC_TERRAFORM_PATH ($described)"
    absolute "$TF_ACC_TERRAFORM_PATH"
    exit 0
  fi
  log "TF_ACC_TERRAFORM_PATH=$TF_ACC_TERRAFORM_PATH is not a working Terraform/OpenTofu CLI"
  exit 1
fi

if path_terraform=$(command -v terraform 2>/dev/null); then
  if described=$(cli_version "$path_terraform"); then
    if version_at_least "${described#* }" "$min_terraform_version"; then
      log "using $path_terraform ($described)"
      absolute "$path_terraform"
      exit 0
    fi
    log "ignoring $path_terraform ($described): need >= $min_terraform_version"
  else
    log "ignoring $path_terraform: 'terraform version' did not answer"
  fi
fi

if [[ -x $tofu_bin ]] && described=$(cli_version "$tofu_bin") && [[ $described == "OpenTofu $tofu_version" ]]; then
  log "using cached $tofu_bin ($described)"
  printf '%s\n' "$tofu_bin"
  exit 0
fi

command -v go >/dev/null 2>&1 || { log "no usable CLI found and no Go toolchain to build OpenTofu"; exit 1; }

log "no terraform >= $min_terraform_version found; building OpenTofu v$tofu_version into $tofu_bin (about 6-7 minutes)"
work=$(mktemp -d "${TMPDIR:-/tmp}/tofu-build.XXXXXX")
trap 'rm -rf "$work"' EXIT
cat >"$work/go.mod" <<GOMOD
module tofu.build.local/wrapper

go 1.26

require github.com/opentofu/opentofu v$tofu_version

replace $hcl_replace
GOMOD

start=$SECONDS
(
  cd "$work"
  export GOWORK=off GOFLAGS="${GOFLAGS:-} -mod=mod" CGO_ENABLED=0
  go mod download github.com/opentofu/opentofu >&2
  # version.dev=no is what OpenTofu's own release builds set; without it the
  # binary calls itself 1.12.6-dev, which sorts below 1.12.6 in version checks.
  go build -ldflags "-s -w -X github.com/opentofu/opentofu/version.dev=no" \
    -o "$work/tofu" github.com/opentofu/opentofu/cmd/tofu >&2
) || { log "building OpenTofu v$tofu_version failed"; exit 1; }

described=$(cli_version "$work/tofu") || { log "the freshly built OpenTofu does not run"; exit 1; }
if [[ $described != "OpenTofu $tofu_version" ]]; then
  log "the freshly built binary reports '$described', expected OpenTofu $tofu_version"
  exit 1
fi
mkdir -p "$(dirname "$tofu_bin")"
# Rename into place so a concurrent reader never sees a half-written binary.
mv -f "$work/tofu" "$tofu_bin.tmp.$$"
mv -f "$tofu_bin.tmp.$$" "$tofu_bin"
log "built $described in $((SECONDS - start)) s"
printf '%s\n' "$tofu_bin"
