#!/usr/bin/env bash
# Checks the files in deploy/ with tools from the Debian and npm registries (scripts/setup-test-deps.sh installs
# them): the compose file against Compose's schema (docker-compose config), YAML style (yamllint), the Dockerfile
# (dockerfilelint), the systemd unit (systemd-analyze verify). The Helm chart's templates are rendered and checked
# by the deploy module's tests (Maven), since no helm binary comes from those registries.
# An image build needs a Docker engine, which CI does not have: this script does not pretend to build one.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
deploy="$root/deploy"
say() { printf 'check-deploy: %s\n' "$*"; }
fail() {
  printf 'check-deploy: FAILED: %s\n' "$*" >&2
  exit 1
}
need() {
  [ -x "$(command -v "$1" 2>/dev/null)" ] || [ -x "$1" ] || fail "$1 is missing; run scripts/setup-test-deps.sh"
}

need docker-compose
need yamllint
need systemd-analyze
dockerfilelint="$deploy/lint/node_modules/.bin/dockerfilelint"
need "$dockerfilelint"

# Compose: schema and interpolation, without an engine. It reads airlock.yaml beside it only for the bind mount.
(cd "$deploy/compose" && docker-compose -f docker-compose.yml config -q) || fail "deploy/compose/docker-compose.yml"
say "compose file valid"

yamllint -c "$deploy/lint/yamllint.yaml" "$deploy/compose" "$deploy/helm/airlock/Chart.yaml" \
  "$deploy/helm/airlock/values.yaml" || fail "yamllint"
say "YAML files pass yamllint"

"$dockerfilelint" "$deploy/Dockerfile" || fail "dockerfilelint deploy/Dockerfile"
say "Dockerfile passes dockerfilelint"

# systemd-analyze exits 0 on unknown keys and bad values; it only prints them. Any output is a failure.
unit_out="$(systemd-analyze verify "$deploy/systemd/airlock.service" 2>&1)" || fail "systemd-analyze: $unit_out"
[ -z "$unit_out" ] || fail "systemd-analyze verify deploy/systemd/airlock.service: $unit_out"
say "systemd unit verifies"
