#!/usr/bin/env bash
# JMH benchmarks of the engine's kernels (issue #3). Arguments go to JMH, e.g.:
#   bench/jmh.sh                                  # every type, batch 1 and 16, 2 threads
#   bench/jmh.sh -p type=Q4_K -p batch=1,64       # one type, decode and a 64-token batch
#   bench/jmh.sh -p kernels=scalar,vector         # the scalar reference beside the vector kernels
#   bench/jmh.sh -h                               # JMH's own options
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
. "$root/bin/lib/jdk.sh"
sirocco_select_jdk || exit 1
(cd "$root" && ./mvnw -q -B -DskipTests -pl bench/jmh -am package >&2)
exec "$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
  -cp "$root/bench/jmh/target/sirocco-bench-0.1.0-SNAPSHOT.jar:$root/bench/jmh/target/lib/*" \
  org.openjdk.jmh.Main "$@"
