#!/usr/bin/env bash
# The project's test command; `make test` and CI run it without arguments.
#
#   tools/test.sh        build, vet, lint, unit tests (-race), acceptance
#                        tests against the simulator, docs-are-current check
#   tools/test.sh unit   unit tests of every package with -race, no CLI
#   tools/test.sh acc    acceptance tests of ./internal/provider only
#
# Environment:
#   TESTARGS      extra go test flags, e.g. TESTARGS='-run TestAccUser'
#   TEST_VERBOSE  1 prints the output of every test, not only failures
#   ACC_RACE      0 runs the acceptance tests without -race (measured: 87
#                 acceptance tests take 178 s with -race, 124 s without)
#
# Raw go test -json logs go to .cache/test/. The last line of output is
# "N passed, N failed, N skipped" over every test and subtest that ran.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo_root"

readonly module=github.com/workspaces-iac/terraform-provider-kasm
readonly provider_dir=internal/provider
readonly log_dir=$repo_root/.cache/test
readonly report_bin=$repo_root/.cache/bin/testreport
# shellcheck disable=SC2206 # TESTARGS is a list of flags by design.
readonly test_args=(${TESTARGS:-})

mode=${1:-all}
case $mode in
  all | unit | acc) ;;
  *)
    echo "usage: tools/test.sh [all|unit|acc]" >&2
    exit 2
    ;;
esac

step_started=$SECONDS
step() {
  printf '\n==> %s\n' "$*"
  step_started=$SECONDS
}
step_done() { printf '    (%d s)\n' "$((SECONDS - step_started))"; }
die() {
  printf '\nFAIL: %s\n' "$*" >&2
  exit 1
}

# The summary is printed on every exit once a test run has started, so the
# last line always reflects what ran, even when a later check fails.
summary_files=()
print_summary() {
  local status=$? file passed=0 failed=0 skipped=0 p f s rest
  ((${#summary_files[@]})) || return "$status"
  for file in "${summary_files[@]}"; do
    [[ -f $file ]] || continue
    read -r p f s rest <"$file"
    passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
  done
  printf '\n%d passed, %d failed, %d skipped\n' "$passed" "$failed" "$skipped"
  return "$status"
}
trap print_summary EXIT

# run_tests NAME GO_TEST_ARGS... runs go test -json through the reporter and
# leaves the counts in $log_dir/NAME.counts; it fails when go test fails.
# TEST_DIR names another module directory to run in (default: the root).
run_tests() {
  local name=$1 status report_status
  shift
  local verbose=()
  if [[ ${TEST_VERBOSE:-} == 1 ]]; then verbose=(-v); fi
  summary_files+=("$log_dir/$name.counts")
  set +e
  go test -C "${TEST_DIR:-.}" -json "$@" 2>&1 | "$report_bin" "${verbose[@]}" -log "$log_dir/$name.jsonl" -counts "$log_dir/$name.counts"
  status=${PIPESTATUS[0]} report_status=${PIPESTATUS[1]}
  set -e
  ((report_status == 0)) || die "tools/testreport failed while reading the $name results"
  ((status == 0)) || die "go test failed for $name (raw log: $log_dir/$name.jsonl)"
}

# counts_of NAME FIELD prints one acceptance count (acc_passed or
# acc_skipped) from $log_dir/NAME.counts, written by tools/testreport.
counts_of() {
  local counts
  read -r -a counts <"$log_dir/$1.counts"
  case $2 in
    acc_passed) printf '%s\n' "${counts[3]}" ;;
    acc_skipped) printf '%s\n' "${counts[5]}" ;;
    *) die "counts_of: unknown field $2" ;;
  esac
}

require_race_support() {
  # The race detector needs cgo, and cgo needs a C compiler.
  [[ $(go env CGO_ENABLED) == 1 ]] ||
    die "go test -race needs cgo: install a C compiler (apt-get install gcc libc6-dev) and do not set CGO_ENABLED=0"
}

prepare() {
  command -v go >/dev/null 2>&1 || die "Go is not on PATH"
  mkdir -p "$log_dir"
  rm -f "$log_dir"/*.counts
  step "build the test reporter"
  go build -C tools -o "$report_bin" ./testreport || die "cannot build tools/testreport"
  step_done
}

unit_packages() {
  # Every package of the module except the provider, whose tests need TF_ACC
  # and a CLI and run in their own step.
  go list ./... | grep -v -E "^$module/$provider_dir(/|\$)"
}

build_and_lint() {
  step "go build ./..."
  go build ./... || die "go build failed"
  step_done

  step "go vet ./..."
  go vet ./... || die "go vet found problems"
  step_done

  step "golangci-lint (the first run builds it: 1.5-3 minutes)"
  go tool -modfile=tools/go.mod golangci-lint run ./... || die "golangci-lint found problems"
  (cd tools && go tool golangci-lint run ./testreport/...) || die "golangci-lint found problems in tools/"
  step_done
}

resolve_cli() {
  step "resolve the Terraform CLI"
  # shellcheck source=tools/testenv.sh
  . tools/testenv.sh || die "no Terraform-compatible CLI; see tools/terraform-cli.sh"
  step_done
}

unit_tests() {
  require_race_support
  step "unit tests with -race: every package but $provider_dir"
  local packages
  mapfile -t packages < <(unit_packages)
  run_tests unit -race -count=1 "${test_args[@]}" "${packages[@]}"
  TEST_DIR=tools run_tests tools -race -count=1 ./testreport
  step_done
}

acceptance_tests() {
  if [[ ! -d $provider_dir ]]; then
    printf '\n!!!!!!!!!!\n!!! %s does not exist yet: NO ACCEPTANCE TESTS RAN.\n!!!!!!!!!!\n' "$provider_dir"
    return 0
  fi
  local race=()
  if [[ ${ACC_RACE:-1} != 0 ]]; then
    require_race_support
    race=(-race)
  fi
  step "acceptance tests: ./$provider_dir/... with TF_ACC=1 ${race[*]}"
  run_tests acceptance "${race[@]}" -count=1 -timeout 60m "${test_args[@]}" "./$provider_dir/..."
  step_done

  local passed skipped
  passed=$(counts_of acceptance acc_passed)
  skipped=$(counts_of acceptance acc_skipped)
  if ((passed == 0 && skipped > 0)); then
    die "all $skipped TestAcc tests skipped, none ran: check TF_ACC and the CLI version"
  fi
  ((passed > 0)) || die "no TestAcc test passed in ./$provider_dir/...: acceptance tests must run"
  echo "    $passed TestAcc tests passed, $skipped skipped"
}

docs_check() {
  step "docs are current (tfplugindocs generate + validate)"
  if [[ ! -d $provider_dir || ! -f main.go ]]; then
    echo "    docs check skipped: the provider does not exist yet"
    return 0
  fi
  tools/docs.sh check || die "the docs check failed"
  step_done
}

case $mode in
  all)
    build_and_lint
    prepare
    resolve_cli
    unit_tests
    acceptance_tests
    docs_check
    ;;
  unit)
    prepare
    unset TF_ACC
    require_race_support
    step "unit tests with -race: every package, TF_ACC unset"
    run_tests unit -race -count=1 "${test_args[@]}" ./...
    step_done
    ;;
  acc)
    prepare
    resolve_cli
    [[ -d $provider_dir ]] || die "$provider_dir does not exist yet: there are no acceptance tests to run"
    acceptance_tests
    ;;
esac
