#!/usr/bin/env bash
# Tier 1 cost per call: direct server vs a warm and a cold sandboxed twin (needs bubblewrap; run as root for
# cgroup limits). Servers: the workbench (JVM) and @modelcontextprotocol/server-filesystem (node, from
# scripts/setup-test-deps.sh). Usage: bash bench/sandbox.sh [calls]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/java-home.sh
./mvnw -q -B -pl bench -am package -DskipTests
cp="bench/target/classes:$(cat bench/target/bench.classpath)"
calls="${1:-20}"
"$JAVA_HOME/bin/java" -cp "$cp" io.airlock.bench.sandbox.SandboxTierBench --server workbench --calls "$calls"
"$JAVA_HOME/bin/java" -cp "$cp" io.airlock.bench.sandbox.SandboxTierBench --server workbench --run-command \
  --calls "$calls"
env_file=it-tests/node/.runtime/env
if [ -f "$env_file" ]; then
  . "$env_file"
  "$JAVA_HOME/bin/java" -cp "$cp" io.airlock.bench.sandbox.SandboxTierBench --server filesystem \
    --node "$AIRLOCK_NODE" --filesystem-js "$AIRLOCK_NODE_MODULES/@modelcontextprotocol/server-filesystem/dist/index.js" \
    --calls "$calls"
else
  echo "sandbox bench: $env_file missing; run scripts/setup-test-deps.sh for the server-filesystem figures" >&2
fi
