#!/usr/bin/env bash
# The README's first command (make demo): builds the provider, starts the Kasm simulator in the
# background with a state file, and applies examples/quickstart through a CLI configuration
# with dev_overrides, so that no registry is needed. Running it again reuses the running
# simulator and its state, so a second run plans no changes.
#
#   tools/demo.sh           build, start, apply, show the result
#   tools/demo.sh destroy   destroy what the demo created (the simulator keeps running)
#   tools/demo.sh stop      stop the simulator (its state file stays in .demo/)
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
demo_dir=$repo_root/.demo
example_dir=$repo_root/examples/quickstart
readonly sim_addr=127.0.0.1:48089
readonly base_url=http://$sim_addr

mkdir -p "$demo_dir/bin"

say() { printf '\n==> %s\n' "$*"; }

# sim_healthy asks the simulator's health check with bash alone, so the demo needs no curl.
sim_healthy() {
  local reply
  exec 3<>"/dev/tcp/${sim_addr%:*}/${sim_addr##*:}" || return 1
  printf 'GET /api/__healthcheck HTTP/1.0\r\nHost: %s\r\n\r\n' "$sim_addr" >&3
  reply=$(cat <&3)
  exec 3<&-
  [[ $reply == *'"ok": true'* ]]
}

sim_running() {
  [[ -f $demo_dir/kasmsim.pid ]] && kill -0 "$(cat "$demo_dir/kasmsim.pid")" 2>/dev/null && sim_healthy 2>/dev/null
}

stop_sim() {
  if [[ -f $demo_dir/kasmsim.pid ]]; then
    kill "$(cat "$demo_dir/kasmsim.pid")" 2>/dev/null || true
    rm -f "$demo_dir/kasmsim.pid"
  fi
}

# The simulator is a local throwaway server; its demo credentials are generated once and kept
# beside its state so that every run of the demo reaches the same simulated estate.
credentials() {
  if [[ ! -f $demo_dir/credentials ]]; then
    {
      echo "KASM_API_KEY=demo$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')"
      echo "KASM_API_KEY_SECRET=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
    } >"$demo_dir/credentials"
    chmod 600 "$demo_dir/credentials"
  fi
  # shellcheck disable=SC1091
  . "$demo_dir/credentials"
  export KASM_BASE_URL=$base_url KASM_API_KEY KASM_API_KEY_SECRET
}

start_sim() {
  if sim_running; then
    echo "The Kasm simulator is already running at $base_url."
    return
  fi
  stop_sim
  go build -o "$demo_dir/bin/kasmsim" ./internal/cmd/kasmsim
  "$demo_dir/bin/kasmsim" -addr "$sim_addr" -state "$demo_dir/kasmsim.json" \
    -api-key "$KASM_API_KEY" -api-key-secret "$KASM_API_KEY_SECRET" -startup-delay 2s \
    >"$demo_dir/kasmsim.log" 2>&1 &
  echo $! >"$demo_dir/kasmsim.pid"
  for _ in $(seq 1 50); do
    if sim_healthy 2>/dev/null; then
      echo "The Kasm simulator is running at $base_url (log: .demo/kasmsim.log)."
      return
    fi
    sleep 0.2
  done
  echo "The Kasm simulator did not start; see .demo/kasmsim.log:" >&2
  cat "$demo_dir/kasmsim.log" >&2
  exit 1
}

# cli_setup resolves the CLI and writes a CLI configuration whose dev_overrides point both
# registries' addresses of the provider at the freshly built binary.
cli_setup() {
  cli=$("$repo_root/tools/terraform-cli.sh")
  cat >"$demo_dir/cli.tfrc" <<TFRC
provider_installation {
  dev_overrides {
    "registry.terraform.io/workspaces-iac/kasm" = "$demo_dir/bin"
    "registry.opentofu.org/workspaces-iac/kasm" = "$demo_dir/bin"
  }
  direct {}
}
TFRC
  export TF_CLI_CONFIG_FILE=$demo_dir/cli.tfrc CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
}

tf() {
  local color=()
  [[ -t 1 ]] || color=(-no-color)
  "$cli" -chdir="$example_dir" "$@" "${color[@]}"
}

cd "$repo_root"
case "${1:-up}" in
up)
  say "Building the provider"
  go build -o "$demo_dir/bin/terraform-provider-kasm" .
  credentials
  say "Starting the Kasm simulator"
  start_sim
  cli_setup
  say "Applying examples/quickstart with $("$cli" version | head -n 1)"
  tf apply -auto-approve -input=false -state="$demo_dir/terraform.tfstate" -compact-warnings
  say "Links (sensitive outputs, printed with output -raw)"
  echo "Alice's session link (control panel hidden):"
  echo "  $(tf output -state="$demo_dir/terraform.tfstate" -raw session_url)"
  echo "Bob's login link:"
  echo "  $(tf output -state="$demo_dir/terraform.tfstate" -raw bob_login_url)"
  cat <<TEXT

The links point at the simulator, which has no desktop to show. To inspect the simulated Kasm:
  export KASM_BASE_URL=$KASM_BASE_URL KASM_API_KEY=$KASM_API_KEY KASM_API_KEY_SECRET=<in .demo/credentials>
Run make demo again: it reuses the simulator and plans no changes.
Destroy what the demo created:  make demo-destroy   (tools/demo.sh destroy)
Stop the simulator:             make demo-stop      (tools/demo.sh stop)
TEXT
  ;;
destroy)
  credentials
  start_sim
  go build -o "$demo_dir/bin/terraform-provider-kasm" .
  cli_setup
  tf destroy -auto-approve -input=false -state="$demo_dir/terraform.tfstate"
  ;;
stop)
  stop_sim
  echo "The Kasm simulator is stopped; its state stays in .demo/kasmsim.json."
  ;;
*)
  echo "usage: tools/demo.sh [up|destroy|stop]" >&2
  exit 2
  ;;
esac
