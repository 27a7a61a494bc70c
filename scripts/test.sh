#!/usr/bin/env bash
# The test command: installs what the tests need (scripts/setup-test-deps.sh), lints deploy/ (scripts/check-deploy.sh),
# then builds and runs every unit and end-to-end test with Maven. Extra arguments go to Maven (e.g. -pl proxy -am).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
. scripts/java-home.sh
echo "test: JDK $("$JAVA_HOME/bin/java" -version 2>&1 | head -n 1)"
bash scripts/setup-test-deps.sh
bash scripts/check-deploy.sh
if [ ! -d ../shared/corpus ]; then
  echo "test: note: ../shared/corpus is absent; corpus-based tests need it beside the checkout" >&2
fi
./mvnw -B -ntp verify "$@"
