#!/usr/bin/env bash
# Runs conformance-client.mjs through Airlock, for the MCP conformance suite in client mode:
#
#   conformance client --command "bash conformance-client-via-airlock.sh" --scenario S
#
# The suite appends the mock server's URL as the last argument. This script writes a temporary
# Airlock config whose only server, "upstream", is that URL (Streamable HTTP), starts Airlock on a
# free loopback port, waits until it listens, runs
#   node conformance-client.mjs http://127.0.0.1:PORT/mcp/upstream
# (the environment, MCP_CONFORMANCE_* included, passes through), stops Airlock and exits with the
# client's exit code. Airlock's log is copied to stderr afterwards, so that the suite's per-scenario
# stderr.txt shows both sides.
#
# Environment (all optional):
#   AIRLOCK_JAVA       java binary        (default: $JAVA_HOME/bin/java, else java on PATH)
#   AIRLOCK_CP         Airlock classpath  (default: <project>/proxy/target/airlock.jar)
#   AIRLOCK_JAVA_OPTS  extra JVM options, split on blanks (e.g. -XX:TieredStopAtLevel=1 for a faster start)
#   AIRLOCK_NODE       node binary, 22+   (default: from it-tests/node/.runtime/env, else node on PATH)
#   AIRLOCK_LOG_LEVEL  Airlock's log level (logback; default INFO)
#   AIRLOCK_START_TIMEOUT  seconds to wait for Airlock to listen (default 30)
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
project="$(cd "$here/../.." && pwd)"

if [ $# -lt 1 ]; then
  echo "usage: $0 UPSTREAM_URL" >&2
  exit 2
fi
upstream="${*: -1}"

java="${AIRLOCK_JAVA:-}"
if [ -z "$java" ]; then
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then java="$JAVA_HOME/bin/java"; else java=java; fi
fi
cp="${AIRLOCK_CP:-$project/proxy/target/airlock.jar}"
node="${AIRLOCK_NODE:-}"
if [ -z "$node" ] && [ -f "$here/.runtime/env" ]; then
  node="$(sed -n 's/^AIRLOCK_NODE=//p' "$here/.runtime/env" | head -n 1)"
fi
node="${node:-node}"

work="$(mktemp -d "${TMPDIR:-/tmp}/airlock-conformance-client.XXXXXX")"
log="$work/airlock.log"
airlock_pid=""
client_pid=""

now_ms() { date +%s%3N; }
started=$(now_ms)
stamp() { echo "conformance-client-via-airlock: +$(( $(now_ms) - started ))ms $*" >&2; }

cleanup() {
  if [ -n "$client_pid" ] && kill -0 "$client_pid" 2>/dev/null; then
    stamp "stopping the client"
    kill -TERM "$client_pid" 2>/dev/null
    wait "$client_pid" 2>/dev/null
  fi
  if [ -n "$airlock_pid" ] && kill -0 "$airlock_pid" 2>/dev/null; then
    stamp "stopping Airlock"
    kill -TERM "$airlock_pid" 2>/dev/null
    for _ in $(seq 1 50); do
      kill -0 "$airlock_pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$airlock_pid" 2>/dev/null; then
      stamp "Airlock still running 5 s after SIGTERM; killing it"
      kill -KILL "$airlock_pid" 2>/dev/null
    fi
    wait "$airlock_pid" 2>/dev/null
    stamp "Airlock stopped"
  fi
  if [ -f "$log" ]; then
    echo "----- airlock log -----" >&2
    sed 's/^/[airlock] /' "$log" >&2
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT
trap 'exit 129' HUP

# JSON-style double-quoted YAML scalar, so that any URL is a valid value.
quoted="$(printf '%s' "$upstream" | sed 's/\\/\\\\/g; s/"/\\"/g')"
cat >"$work/airlock.yaml" <<EOF
listen: 127.0.0.1:0
servers:
  upstream:
    url: "$quoted"
    tags: {"*": []}   # the operator vouches for the mock's tools: this tests the relay, not the policy
EOF

: >"$log"
# shellcheck disable=SC2086 # AIRLOCK_JAVA_OPTS is a list of options
"$java" ${AIRLOCK_JAVA_OPTS:-} --enable-native-access=ALL-UNNAMED -cp "$cp" io.airlock.proxy.cli.AirlockCli serve \
  --config "$work/airlock.yaml" >"$log" 2>&1 &
airlock_pid=$!

# `serve` prints "Airlock listening on http://HOST:PORT (config: ...)" once the port is bound.
port=""
deadline=$(( $(date +%s) + ${AIRLOCK_START_TIMEOUT:-30} ))
while [ -z "$port" ]; do
  port="$(sed -n 's|^Airlock listening on http://[^ ]*:\([0-9][0-9]*\) .*|\1|p' "$log" | head -n 1)"
  [ -n "$port" ] && break
  if ! kill -0 "$airlock_pid" 2>/dev/null; then
    echo "conformance-client-via-airlock: Airlock exited before listening" >&2
    exit 1
  fi
  if [ "$(date +%s)" -ge "$deadline" ]; then
    echo "conformance-client-via-airlock: Airlock did not listen within ${AIRLOCK_START_TIMEOUT:-30}s" >&2
    exit 1
  fi
  sleep 0.05
done

endpoint="http://127.0.0.1:$port/mcp/upstream"
stamp "Airlock (pid $airlock_pid) listens at $endpoint -> $upstream"
# In the background, so that a SIGTERM from the suite (on its timeout) interrupts `wait` and the
# EXIT trap stops both the client and Airlock.
"$node" "$here/conformance-client.mjs" "$endpoint" &
client_pid=$!
wait "$client_pid"
code=$?
client_pid=""
stamp "client exited with $code"
exit "$code"
