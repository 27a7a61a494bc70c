#!/usr/bin/env bash
# Airlock policy-engine benchmarks (JMH): the one command.
#
#   bash bench/policy.sh                      full run, about 3-4 minutes on 2 cores
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

# 2. Run. Forks, warm-up and measurement are set per benchmark in PolicyDecisionBenchmark: 2 forks of 2 s + 4 s for
#    the microsecond paths; for each cold shell path 1 fork of 2 s + 15 s (back-to-back) or 2 s + 20 s (spaced, and a control: shfmt alone), with
#    and without the pre-started shfmt processes. On a shared machine, wait up to POLICY_BENCH_QUIET_WAIT seconds
#    (default 60; 0: don't) for a second in which other processes use under 0.3 cores, and print the load before and
#    after: tails measured while the 2 cores were busy with something else are not the engine's.
busy_cores() { # CPU busy over one second, in cores, from /proc/stat (user..steal, minus idle and iowait)
  local a b
  a=$(awk '/^cpu /{print $2+$3+$4+$7+$8+$9, $5+$6}' /proc/stat)
  sleep 1
  b=$(awk '/^cpu /{print $2+$3+$4+$7+$8+$9, $5+$6}' /proc/stat)
  awk -v a="$a" -v b="$b" -v hz="$(getconf CLK_TCK)" 'BEGIN{split(a,x," ");split(b,y," ");printf "%.2f", (y[1]-x[1])/hz}'
}
waited=0
busy=$(busy_cores)
while awk -v b="$busy" 'BEGIN{exit !(b >= 0.3)}' && [ "$waited" -lt "${POLICY_BENCH_QUIET_WAIT:-60}" ]; do
  busy=$(busy_cores)
  waited=$((waited + 1))
done
echo "policy-bench: other load before: $busy cores busy (waited ${waited} s); load average $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) CPUs)" >&2
mkdir -p "$root/bench/results" "$root/bench/target"
"$JAVA_HOME/bin/java" -Xms128m -Xmx256m -cp "$cp" io.airlock.bench.policy.PolicyBench \
  --out "$root/bench/results/policy-latest.md" --json "$root/bench/target/jmh-policy.json" "$@"
echo "policy-bench: load average after: $(cut -d' ' -f1-3 /proc/loadavg); now $(busy_cores) cores busy" >&2
