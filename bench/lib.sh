# Shared by the bench scripts: find a JDK >= 21, build main and test classes, write the test classpath.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
if [ -z "${JAVA_HOME:-}" ] || ! "$JAVA_HOME/bin/java" -version 2>&1 | grep -qE 'version "(2[1-9]|[3-9][0-9])'; then
    JAVA_HOME="$(ls -d /usr/lib/jvm/temurin-25* 2>/dev/null | head -n1 || true)"
fi
if [ -z "$JAVA_HOME" ] || [ ! -x "$JAVA_HOME/bin/java" ]; then
    echo "bench: no JDK >= 21 found; set JAVA_HOME" >&2
    exit 2
fi
export JAVA_HOME
./mvnw -B -q test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt >/dev/null
CLASSPATH_FOR_BENCH="target/classes:target/test-classes:$(cat target/bench-classpath.txt)"
