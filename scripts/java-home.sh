# Sourced by ./airlock, ./mvnw wrappers and scripts: picks a JDK 25 unless JAVA_HOME already is one.
airlock_java_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'; }
if [ -z "${JAVA_HOME:-}" ] || [ "$(airlock_java_major "$JAVA_HOME" 2>/dev/null)" != "25" ]; then
  for candidate in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-25-jdk /usr/lib/jvm/java-25-openjdk-amd64 /usr/lib/jvm/jdk-25*; do
    if [ -x "$candidate/bin/java" ] && [ "$(airlock_java_major "$candidate")" = "25" ]; then
      export JAVA_HOME="$candidate"
      break
    fi
  done
fi
if [ -z "${JAVA_HOME:-}" ] || [ "$(airlock_java_major "$JAVA_HOME" 2>/dev/null)" != "25" ]; then
  echo "airlock: needs a JDK 25 (set JAVA_HOME, or install Temurin 25 under /usr/lib/jvm)" >&2
  exit 1
fi
