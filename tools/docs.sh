#!/usr/bin/env bash
# Generates docs/ with tfplugindocs, or checks that the committed docs/ is
# what generation produces.
#
#   tools/docs.sh            regenerate docs/ (make docs)
#   tools/docs.sh check      regenerate, fail if docs/ changed, then validate
#
# tfplugindocs renders through `terraform providers schema -json` and cannot
# drive OpenTofu, and the rendered text depends on the CLI version. With only
# OpenTofu available, "check" reports that it was skipped and succeeds, while
# a plain regeneration fails.
set -euo pipefail

readonly min_terraform_version=1.11

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo_root"

mode=${1:-generate}
case $mode in
  generate | check) ;;
  *)
    echo "usage: tools/docs.sh [generate|check]" >&2
    exit 2
    ;;
esac

log() { printf 'docs: %s\n' "$*" >&2; }

cli=$(tools/terraform-cli.sh)
export TF_CLI_CONFIG_FILE=$repo_root/.cache/empty.tfrc CHECKPOINT_DISABLE=1
banner=$("$cli" version 2>/dev/null) || banner=
banner=${banner%%$'\n'*}
cli_name=unknown cli_version=0.0.0
if [[ $banner =~ ^(Terraform|OpenTofu)\ v([^[:space:]]+) ]]; then
  cli_name=${BASH_REMATCH[1]} cli_version=${BASH_REMATCH[2]}
fi

IFS=. read -r major minor _ <<<"$cli_version"
want_major=${min_terraform_version%%.*} want_minor=${min_terraform_version#*.}
if [[ $cli_name != Terraform ]] || ((major < want_major || (major == want_major && minor < want_minor))); then
  reason="tfplugindocs needs terraform >= $min_terraform_version and only $cli_name $cli_version ($cli) is available"
  if [[ $mode == check ]]; then
    echo "docs check skipped: $reason"
    exit 0
  fi
  log "cannot generate: $reason"
  exit 1
fi

# tfplugindocs takes "terraform" from PATH and downloads one when it finds
# none; a private directory makes it use exactly the CLI chosen above.
shim=$(mktemp -d)
trap 'rm -rf "$shim"' EXIT
ln -s "$cli" "$shim/terraform"
export PATH="$shim:$PATH"

tfplugindocs() { go tool -modfile=tools/go.mod tfplugindocs "$@"; }

if [[ $mode == generate ]]; then
  tfplugindocs generate --provider-name kasm
  exit 0
fi

# quietly runs a command and shows its output only when it fails; both
# tfplugindocs commands log every file they look at.
quietly() {
  local output
  if ! output=$("$@" 2>&1); then
    printf '%s\n' "$output" >&2
    log "failed: $*"
    exit 1
  fi
}

git rev-parse --is-inside-work-tree >/dev/null 2>&1 || { log "the check needs a git work tree"; exit 1; }
quietly tfplugindocs generate --provider-name kasm
changes=$(git status --porcelain --untracked-files=all -- docs/)
if [[ -n $changes ]]; then
  printf '%s\n' "$changes"
  git --no-pager diff -- docs/
  log "docs/ is not current: run 'make docs' with $cli_name $cli_version and commit the result"
  exit 1
fi
quietly tfplugindocs validate --provider-name kasm
echo "docs are current and valid ($cli_name $cli_version)"
