# scripts/lib/java.sh — sourced by the project's scripts: exports JAVA_HOME pointing at a JDK 25
# (JAVA_HOME itself when it is one, else the first /usr/lib/jvm/*25* that is), or fails with a message.
java_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'; }
if [[ -z "${JAVA_HOME:-}" || ! -x "$JAVA_HOME/bin/java" || "$(java_major "$JAVA_HOME")" != 25 ]]; then
  found=""
  for candidate in /usr/lib/jvm/*25* /usr/lib/jvm/*; do
    if [[ -x "$candidate/bin/javac" && "$(java_major "$candidate")" == 25 ]]; then found=$candidate; break; fi
  done
  if [[ -z "$found" ]]; then
    echo "gla4j needs a JDK 25: set JAVA_HOME to one (none found under /usr/lib/jvm)" >&2
    exit 1
  fi
  export JAVA_HOME=$found
fi
