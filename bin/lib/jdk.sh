# Sourced by bin/sirocco and bin/test: picks a JDK 25 or newer and exports JAVA_HOME.
# Order: $JAVA_HOME if it is 25+, then the newest 25+ under /usr/lib/jvm, then `java` on PATH.

sirocco_java_major() { # prints the major version of the java binary $1, or nothing
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p' | head -1
}

sirocco_select_jdk() {
  local candidate major
  for candidate in "${JAVA_HOME:-}" $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -rV) \
                   "$(dirname "$(dirname "$(readlink -f "$(command -v java 2>/dev/null || echo /nonexistent)")")")"; do
    candidate=${candidate%/}
    [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] && [ -x "$candidate/bin/javac" ] || continue
    major=$(sirocco_java_major "$candidate/bin/java")
    if [ -n "$major" ] && [ "$major" -ge 25 ]; then
      export JAVA_HOME="$candidate"
      # Maven 3.9 still calls sun.misc.Unsafe; JDK 24+ warns about it on every build unless told this.
      export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
      return 0
    fi
  done
  cat >&2 <<'MSG'
sirocco: no JDK 25 found. Sirocco needs JDK 25 or newer (it uses the FFM and Vector APIs).
  Install one, for example Eclipse Temurin 25 (https://adoptium.net/temurin/releases/?version=25),
  on Debian/Ubuntu: apt-get install temurin-25-jdk (after adding Adoptium's apt repository),
  then set JAVA_HOME to it, or install it under /usr/lib/jvm where it is found automatically.
MSG
  return 1
}
