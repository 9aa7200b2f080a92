#!/usr/bin/env bash
# Cold start of the deployment jar to the first embedding: wall time of
#   java -jar contrastive4j-inference.jar embed --model small-cnn.onnx --input one.csv --output out.npy
# (JVM start, ORT native library load, session creation, one 784-value CSV row, NPY written, JVM exit), RUNS times.
# Prints every run and the median. Usage (from the repository root, after 'mvn -o -pl inference package'):
#   inference/src/bench/cold-start.sh [RUNS=10] [MODEL=inference/target/bench/small-cnn.onnx]
set -euo pipefail
RUNS="${1:-10}"
MODEL="${2:-inference/target/bench/small-cnn.onnx}"
JAR="${JAR:-inference/target/contrastive4j-inference.jar}"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
[ -f "$MODEL" ] || /usr/bin/python3 inference/src/bench/make_small_cnn.py "$MODEL" >/dev/null
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
/usr/bin/python3 -c "import random; random.seed(0); print(','.join(f'{random.random():.4f}' for _ in range(784)))" > "$WORK/one.csv"
times=()
for i in $(seq "$RUNS"); do
  start=$(date +%s%N)
  "$JAVA" ${C4J_JAVA_OPTS:-} -jar "$JAR" embed --model "$MODEL" --input "$WORK/one.csv" --output "$WORK/out.npy" >/dev/null
  end=$(date +%s%N)
  ms=$(( (end - start) / 1000000 ))
  times+=("$ms")
  echo "run $i: ${ms} ms"
done
printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {m = (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2; print "median: " m " ms over " NR " runs"}'
