#!/usr/bin/env bash
# Airlock relay benchmark: the one command.
#
#   bash bench/run.sh                          full run, about 4 minutes on 2 cores
#   bash bench/run.sh --quick                  smoke test, about a minute, rough figures
#   bash bench/run.sh --scenario http-airlock  one scenario (comma-separated list allowed; --list shows them)
#
# Ensures the build (airlock-proxy and this module) and the Node test packages (scripts/setup-test-deps.sh),
# runs io.airlock.bench.RelayBenchmark, and writes the markdown report to bench/results/latest.md and stdout.
# Other arguments go to the harness (--help). Logs of every process: bench/target/bench-logs/.
# Environment: BENCH_SKIP_BUILD=1 (use the last build), BENCH_MAVEN_ARGS (extra Maven arguments, e.g. -o),
# AIRLOCK_SKIP_APT (passed to setup-test-deps.sh; default 1 here).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
. "$root/scripts/java-home.sh"

info=0 # --help / --list: no dependency setup, and no build when one exists
for a in "$@"; do
  case "$a" in
    -h | --help)
      sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
      echo
      info=1
      ;;
    --list) info=1 ;;
  esac
done

# 1. Node 22 + supergateway + mcp-proxy. The OS tools that script also checks (bwrap, shfmt, tmux) are not needed
#    here, so apt is skipped unless AIRLOCK_SKIP_APT says otherwise. Without Node the peers are reported as failed.
if [ "$info" = 0 ] && ! AIRLOCK_SKIP_APT="${AIRLOCK_SKIP_APT:-1}" "$root/scripts/setup-test-deps.sh" >&2; then
  echo "bench: WARNING: scripts/setup-test-deps.sh failed; the peer scenarios will report why they cannot run" >&2
fi
env_file="$root/it-tests/node/.runtime/env"
if [ -f "$env_file" ]; then
  AIRLOCK_NODE="$(sed -n 's/^AIRLOCK_NODE=//p' "$env_file")"
  AIRLOCK_NODE_MODULES="$(sed -n 's/^AIRLOCK_NODE_MODULES=//p' "$env_file")"
  export AIRLOCK_NODE AIRLOCK_NODE_MODULES
fi

# 2. Build: the proxy and what it needs into the local repository, then this module (with its classpath file).
#    BENCH_SKIP_BUILD=1 runs what was built last (e.g. while the working tree does not compile).
if [ "${BENCH_SKIP_BUILD:-0}" = 1 ] && [ -f "$root/bench/target/bench.classpath" ]; then
  echo "bench: BENCH_SKIP_BUILD=1: using the existing build" >&2
elif [ "$info" = 0 ] || [ ! -f "$root/bench/target/bench.classpath" ]; then
  echo "bench: building airlock-proxy and airlock-bench..." >&2
  if ! ./mvnw -q -B ${BENCH_MAVEN_ARGS:-} install -DskipTests -pl proxy -am >&2 ||
    ! ./mvnw -q -B ${BENCH_MAVEN_ARGS:-} -f bench/pom.xml package -DskipTests >&2; then
    echo "bench: ERROR: the build failed (see above); BENCH_SKIP_BUILD=1 reruns the last successful build" >&2
    exit 1
  fi
fi
cp="$root/bench/target/classes:$(cat "$root/bench/target/bench.classpath")"

# 3. Run. The harness itself is the load client; Airlock, the echo servers and the peers are child processes.
mkdir -p "$root/bench/results"
exec "$JAVA_HOME/bin/java" -Xms256m -Xmx1g -cp "$cp" io.airlock.bench.RelayBenchmark \
  --out "$root/bench/results/latest.md" --logs "$root/bench/target/bench-logs" "$@"
