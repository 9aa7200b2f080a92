#!/usr/bin/env bash
# DJL forward vs ONNX Runtime on the exporter's small-cnn file (JMH). From anywhere:
#   exporter/src/bench/run-jmh.sh [JMH args, default: ForwardBench]
# Compiles src/bench/java with -Pbench (never part of 'mvn verify') and writes JMH's JSON to
# exporter/target/bench/jmh-<first arg>.json.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."   # the exporter module
mkdir -p target/bench
(cd .. && mvn -B -q -o -pl exporter -am -Pbench test-compile dependency:build-classpath \
    -Dmdep.outputFile="$PWD/exporter/target/bench/cp.txt" -Dmdep.includeScope=test -DskipTests)
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
ARGS=("$@")
[ ${#ARGS[@]} -gt 0 ] || ARGS=(ForwardBench)
"$JAVA" -Dai.djl.offline=true -cp "target/test-classes:target/classes:$(cat target/bench/cp.txt)" org.openjdk.jmh.Main \
    -rf json -rff "target/bench/jmh-${ARGS[0]}.json" "${ARGS[@]}"
