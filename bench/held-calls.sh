#!/usr/bin/env bash
# Memory per held call (operator tier): builds the bench module and runs HeldCallFootprint.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/java-home.sh
./mvnw -q -B -pl bench -am package -DskipTests
"$JAVA_HOME/bin/java" -Xmx1g -XX:+UseSerialGC -cp "bench/target/classes:$(cat bench/target/bench.classpath)" \
  io.airlock.bench.operator.HeldCallFootprint "${1:-20000}"
