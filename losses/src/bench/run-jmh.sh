#!/usr/bin/env bash
# JMH forward+backward benchmark of every loss (not part of `mvn verify`). Extra arguments go to JMH, e.g.
#   losses/src/bench/run-jmh.sh                       # all losses, M = 512, 2048, 4096 (2 warmup + 3 x 1 s, 1 fork)
#   losses/src/bench/run-jmh.sh -p loss=sincere -p rows=4096
# Compare with: /usr/bin/python3 losses/src/bench/python/torch_losses_bench.py
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
cd "$ROOT"
# A test-compile without the bench profile leaves no JMH harness: force the annotation processor to run again.
rm -rf losses/target/test-classes losses/target/maven-status/maven-compiler-plugin/testCompile
mvn -B -q -o -Pbench -pl losses test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$ROOT/losses/target/bench.classpath" >&2
CP="$ROOT/losses/target/test-classes:$ROOT/losses/target/classes:$(cat "$ROOT/losses/target/bench.classpath")"
exec java -Dai.djl.offline=true -Djmh.ignoreLock=true -cp "$CP" org.openjdk.jmh.Main LossBenchmark -bm sample -tu ms -wi 2 -w 1s -i 3 -r 1s -f 1 "$@"
