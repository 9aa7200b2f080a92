#!/usr/bin/env bash
# Runs the JMH benchmarks (src/bench/java) against the small-cnn model. From the repository root:
#   inference/src/bench/run-jmh.sh [JMH args, default: EmbedderBench]
# Generates inference/target/bench/small-cnn.onnx with /usr/bin/python3 + torch when missing, compiles with -Pbench,
# and writes JMH's JSON result to inference/target/bench/jmh-<first arg>.json.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."   # the inference module
MODEL=target/bench/small-cnn.onnx
mkdir -p target/bench
[ -f "$MODEL" ] || /usr/bin/python3 src/bench/make_small_cnn.py "$MODEL"
(cd .. && mvn -B -q -o -pl inference -Pbench test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/bench/cp.txt -Dmdep.includeScope=test)
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
ARGS=("$@")
[ ${#ARGS[@]} -gt 0 ] || ARGS=(EmbedderBench)
"$JAVA" -cp "target/test-classes:target/classes:$(cat target/bench/cp.txt)" org.openjdk.jmh.Main \
    -rf json -rff "target/bench/jmh-${ARGS[0]}.json" "${ARGS[@]}"
