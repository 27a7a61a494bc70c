#!/usr/bin/env bash
# Installs everything the Airlock end-to-end tests (it-tests) need, into
# project-local folders. Idempotent; a second run only verifies and returns.
#
#   scripts/setup-test-deps.sh            install / verify
#   scripts/setup-test-deps.sh --force    reinstall Node 22 and the npm packages
#
# What it does:
#   1. OS tools bwrap, shfmt, tmux (Debian packages bubblewrap, shfmt, tmux), and for
#      scripts/check-deploy.sh docker-compose, yamllint, systemd-analyze (docker-compose, yamllint, systemd):
#      as root it runs apt-get; otherwise it tells you the command and exits 1
#      (set AIRLOCK_SKIP_APT=1 to skip this step).
#   2. Node.js 22 (npm package node@$NODE_VERSION) into it-tests/node/.runtime.
#   3. The npm packages of it-tests/node/package.json, with `npm ci` from the
#      committed package-lock.json, run by that Node 22.
#   3b. The deploy linters of deploy/lint/package.json (dockerfilelint), with `npm ci`.
#   4. Writes it-tests/node/.runtime/env (AIRLOCK_NODE=..., AIRLOCK_NODE_MODULES=...)
#      for the Java tests.
#
# Needs: bash, npm (any node/npm able to install a package; Debian's is fine),
# access to the npm registry. The npm cache is npm's own (npm_config_cache etc.
# are honoured). Nothing is fetched with npx at test time.
set -euo pipefail

NODE_VERSION="22.23.3" # exact node@22 release from the npm registry

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NODE_PROJECT="$ROOT/it-tests/node"
RUNTIME="$NODE_PROJECT/.runtime"
NODE_BIN="$RUNTIME/node_modules/node/bin/node"
NODE_MODULES="$NODE_PROJECT/node_modules"
ENV_FILE="$RUNTIME/env"
STAMP="$NODE_MODULES/.airlock-setup-stamp"

FORCE=0
for a in "$@"; do
  case "$a" in
    --force) FORCE=1 ;;
    -h | --help)
      sed -n '2,21p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *)
      echo "setup-test-deps: unknown argument: $a (try --help)" >&2
      exit 2
      ;;
  esac
done

START=$SECONDS
say() { printf 'setup-test-deps: %s\n' "$*"; }
die() {
  printf 'setup-test-deps: ERROR: %s\n' "$*" >&2
  exit 1
}

# ----------------------------------------------------------------- 1. OS tools
ensure_os_tools() {
  local -a missing_pkgs=()
  command -v bwrap >/dev/null 2>&1 || missing_pkgs+=(bubblewrap)
  command -v shfmt >/dev/null 2>&1 || missing_pkgs+=(shfmt)
  command -v tmux >/dev/null 2>&1 || missing_pkgs+=(tmux)
  command -v docker-compose >/dev/null 2>&1 || missing_pkgs+=(docker-compose)
  command -v yamllint >/dev/null 2>&1 || missing_pkgs+=(yamllint)
  command -v systemd-analyze >/dev/null 2>&1 || missing_pkgs+=(systemd)
  if [ ${#missing_pkgs[@]} -eq 0 ]; then
    say "OS tools: bwrap, shfmt, tmux, docker-compose, yamllint, systemd-analyze present"
    return
  fi
  if [ "${AIRLOCK_SKIP_APT:-0}" = "1" ]; then
    say "OS tools: missing ${missing_pkgs[*]} (AIRLOCK_SKIP_APT=1: not installing; tests needing them will fail or be skipped)"
    return
  fi
  if [ "$(id -u)" -ne 0 ]; then
    {
      echo "setup-test-deps: ERROR: missing Debian packages: ${missing_pkgs[*]}"
      echo "  Install them with:"
      echo "    sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing_pkgs[*]}"
      echo "  or re-run with AIRLOCK_SKIP_APT=1 to continue without them."
    } >&2
    exit 1
  fi
  command -v apt-get >/dev/null 2>&1 ||
    die "missing ${missing_pkgs[*]} and apt-get is not available; install them with your package manager (or set AIRLOCK_SKIP_APT=1)"
  say "OS tools: installing ${missing_pkgs[*]} with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q || die "apt-get update failed"
  apt-get install -y -q --no-install-recommends "${missing_pkgs[@]}" || die "apt-get install failed"
  local t
  for t in bwrap shfmt tmux docker-compose yamllint systemd-analyze; do
    command -v "$t" >/dev/null 2>&1 || die "$t is still missing after apt-get install"
  done
  say "OS tools: installed ${missing_pkgs[*]}"
}

# ----------------------------------------------------------------- 2. Node 22
node_ok() {
  [ -x "$NODE_BIN" ] && [ "$("$NODE_BIN" --version 2>/dev/null || true)" = "v$NODE_VERSION" ]
}

ensure_node() {
  if [ "$FORCE" = 0 ] && node_ok; then
    say "Node: v$NODE_VERSION present at $NODE_BIN"
    return
  fi
  command -v npm >/dev/null 2>&1 ||
    die "npm is needed to install Node $NODE_VERSION (e.g. apt-get install npm), but it is not on PATH"
  say "Node: installing npm package node@$NODE_VERSION into $RUNTIME (npm $(npm --version 2>/dev/null))"
  rm -rf "$RUNTIME/node_modules" "$RUNTIME/package-lock.json"
  mkdir -p "$RUNTIME"
  # allowScripts: node@x runs a preinstall that fetches the platform binary
  # (node-<os>-<arch>@x, also from the npm registry); newer npm blocks
  # dependency install scripts unless they are allowed here.
  cat >"$RUNTIME/package.json" <<EOF
{
  "name": "airlock-it-tests-node-runtime",
  "private": true,
  "dependencies": { "node": "$NODE_VERSION" },
  "allowScripts": { "node@$NODE_VERSION": true }
}
EOF
  if ! (cd "$RUNTIME" && npm install --no-audit --no-fund --save-exact --loglevel=error); then
    die "could not install Node $NODE_VERSION from the npm registry (npm install node@$NODE_VERSION failed; see above). Check access to the npm registry."
  fi
  [ -x "$NODE_BIN" ] || die "npm installed node@$NODE_VERSION but $NODE_BIN is missing (did npm skip its preinstall script?)"
  local v
  v="$("$NODE_BIN" --version 2>&1)" || die "$NODE_BIN does not run: $v"
  [ "$v" = "v$NODE_VERSION" ] || die "$NODE_BIN reports $v, expected v$NODE_VERSION"
  say "Node: installed $v at $NODE_BIN"
}

# ----------------------------------------------------------------- 3. npm packages
deps_fingerprint() {
  {
    echo "node=$NODE_VERSION"
    cat "$NODE_PROJECT/package.json"
    [ -f "$NODE_PROJECT/package-lock.json" ] && cat "$NODE_PROJECT/package-lock.json"
  } | sha256sum | cut -d' ' -f1
}

# Files that must exist after a good install.
EXPECTED=(
  "@modelcontextprotocol/sdk/package.json"
  "@modelcontextprotocol/server-everything/dist/index.js"
  "@modelcontextprotocol/server-filesystem/package.json"
  "@modelcontextprotocol/inspector/package.json"
  "mcp-server-commands/package.json"
  "supergateway/package.json"
  "mcp-proxy/package.json"
  "conformance-2025/package.json"
  "conformance-2026/package.json"
)

deps_complete() {
  local f
  for f in "${EXPECTED[@]}"; do
    [ -e "$NODE_MODULES/$f" ] || return 1
  done
}

ensure_npm_packages() {
  local fp
  fp="$(deps_fingerprint)"
  if [ "$FORCE" = 0 ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$fp" ] && deps_complete; then
    say "npm packages: up to date in $NODE_MODULES"
    return
  fi
  # Run npm under Node 22 (npm's launcher uses the first `node` on PATH).
  local -a npm_cmd=(env "PATH=$(dirname "$NODE_BIN"):$PATH" npm)
  local common=(--no-audit --no-fund --loglevel=error)
  local t0=$SECONDS
  if [ -f "$NODE_PROJECT/package-lock.json" ]; then
    say "npm packages: npm ci in $NODE_PROJECT (Node $("$NODE_BIN" --version), npm $("${npm_cmd[@]}" --version 2>/dev/null))"
    (cd "$NODE_PROJECT" && "${npm_cmd[@]}" ci "${common[@]}") ||
      die "npm ci failed in $NODE_PROJECT (see above)"
  else
    say "npm packages: no package-lock.json yet, running npm install to create it (commit it!)"
    (cd "$NODE_PROJECT" && "${npm_cmd[@]}" install "${common[@]}") ||
      die "npm install failed in $NODE_PROJECT (see above)"
  fi
  deps_complete || die "npm finished but expected packages are missing under $NODE_MODULES"
  deps_fingerprint >"$STAMP"
  say "npm packages: installed in $((SECONDS - t0))s ($(du -sh "$NODE_MODULES" 2>/dev/null | cut -f1))"
  print_versions
}

print_versions() {
  "$NODE_BIN" -e '
    const fs = require("fs"), path = require("path");
    const nm = process.argv[1];
    const deps = require(path.join(nm, "..", "package.json")).dependencies;
    for (const name of Object.keys(deps)) {
      try {
        const p = JSON.parse(fs.readFileSync(path.join(nm, name, "package.json"), "utf8"));
        console.log(`setup-test-deps:   ${name} -> ${p.name}@${p.version}`);
      } catch (e) { console.log(`setup-test-deps:   ${name} -> NOT INSTALLED`); }
    }' "$NODE_MODULES"
}

# ----------------------------------------------------------------- 3b. deploy linters
DEPLOY_LINT="$ROOT/deploy/lint"
ensure_deploy_linters() {
  local stamp="$DEPLOY_LINT/node_modules/.airlock-setup-stamp" fp
  fp="$(cat "$DEPLOY_LINT/package.json" "$DEPLOY_LINT/package-lock.json" | sha256sum | cut -d' ' -f1)"
  if [ "$FORCE" = 0 ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$fp" ] &&
    [ -x "$DEPLOY_LINT/node_modules/.bin/dockerfilelint" ]; then
    say "deploy linters: up to date in $DEPLOY_LINT/node_modules"
    return
  fi
  (cd "$DEPLOY_LINT" && env "PATH=$(dirname "$NODE_BIN"):$PATH" npm ci --no-audit --no-fund --loglevel=error) ||
    die "npm ci failed in $DEPLOY_LINT (see above)"
  [ -x "$DEPLOY_LINT/node_modules/.bin/dockerfilelint" ] || die "dockerfilelint is missing after npm ci in $DEPLOY_LINT"
  echo "$fp" >"$stamp"
  say "deploy linters: installed in $DEPLOY_LINT/node_modules"
}

# ----------------------------------------------------------------- 4. env file
write_env_file() {
  local tmp="$ENV_FILE.tmp.$$"
  printf 'AIRLOCK_NODE=%s\nAIRLOCK_NODE_MODULES=%s\n' "$NODE_BIN" "$NODE_MODULES" >"$tmp"
  if [ -f "$ENV_FILE" ] && cmp -s "$tmp" "$ENV_FILE"; then
    rm -f "$tmp"
  else
    mv -f "$tmp" "$ENV_FILE"
    say "wrote $ENV_FILE"
  fi
}

# ----------------------------------------------------------------- main
ensure_os_tools

mkdir -p "$RUNTIME"
# One setup at a time (e.g. parallel test runs starting together).
if command -v flock >/dev/null 2>&1; then
  exec 9>"$RUNTIME/.lock"
  flock 9
fi

ensure_node
ensure_npm_packages
ensure_deploy_linters
write_env_file

say "done in $((SECONDS - START))s"
say "  AIRLOCK_NODE=$NODE_BIN"
say "  AIRLOCK_NODE_MODULES=$NODE_MODULES"
