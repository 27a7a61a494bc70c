#!/usr/bin/env bash
# Airlock policy-engine benchmarks (JMH): the one command.
#
#   bash bench/policy.sh                      full run, about 3 minutes on 2 cores
#   bash bench/policy.sh execCold             only the benchmarks matching a regex (JMH include syntax)
#   bash bench/policy.sh -f 1 -i 3            any JMH option overrides the tuned defaults (-h lists them)
#
# Builds the bench module and what it needs (Maven reactor, tests skipped), then runs
# io.airlock.bench.policy.PolicyDecisionBenchmark through io.airlock.bench.policy.PolicyBench, which prints JMH's
# output and then a table of p50/p99/p99.9 against the policy issue's targets. The table goes to stdout and to
# bench/results/policy-latest.md; JMH's JSON to bench/target/jmh-policy.json. Needs shfmt (/usr/bin/shfmt, or
# AIRLOCK_SHFMT). Environment: BENCH_SKIP_BUILD=1 (use the last build), BENCH_MAVEN_ARGS (e.g. -o).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
. "$root/scripts/java-home.sh"

for a in "$@"; do
  case "$a" in
    --help)
      sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
  esac
done

# 1. Build: the reactor builds policy, proxy and the bench module; the JMH annotation processor writes the benchmark
#    stubs and META-INF/BenchmarkList into bench/target/classes, and the dependency plugin writes bench.classpath.
if [ "${BENCH_SKIP_BUILD:-0}" = 1 ] && [ -f "$root/bench/target/bench.classpath" ]; then
  echo "policy-bench: BENCH_SKIP_BUILD=1: using the existing build" >&2
else
  echo "policy-bench: building airlock-bench and its modules..." >&2
  if ! ./mvnw -q -B ${BENCH_MAVEN_ARGS:-} -pl bench -am package -DskipTests >&2; then
    echo "policy-bench: ERROR: the build failed (see above); BENCH_SKIP_BUILD=1 reruns the last successful build" >&2
    exit 1
  fi
fi
cp="$root/bench/target/classes:$(cat "$root/bench/target/bench.classpath")"

# 2. Run. Forks, warm-up and measurement are set per benchmark in PolicyDecisionBenchmark (2 forks of 3 s + 5 s for
#    the microsecond paths; 1 fork of 4 s + 20 s, and 3 s + 30 s for the spaced one, for the cold shell paths). The
#    load average before and after says whether the 2 shared cores were busy with something else meanwhile.
echo "policy-bench: load average before: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) CPUs)" >&2
mkdir -p "$root/bench/results" "$root/bench/target"
"$JAVA_HOME/bin/java" -Xms128m -Xmx256m -cp "$cp" io.airlock.bench.policy.PolicyBench \
  --out "$root/bench/results/policy-latest.md" --json "$root/bench/target/jmh-policy.json" "$@"
echo "policy-bench: load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
