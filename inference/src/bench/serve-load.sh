#!/usr/bin/env bash
# Load test of 'c4j serve' over loopback (bounded in time, stops by itself). From the repository root:
#   inference/src/bench/serve-load.sh [MODEL.onnx] [PHASES=1:30,16:30,64:30] [SOAK=64:600] [SERVE OPTIONS...]
# (SERVE OPTIONS go to 'serve' as they are, e.g. --threads 1 --max-batch-delay-ms 0, to compare settings.)
# Without MODEL it trains and exports the small CNN: ./c4j train --data fashion-mnist-subset --max-steps 20
# --out /tmp/serve-run. Starts the deployment jar's server on a free port (access log to /dev/null), runs ServeLoad
# (src/bench/java) against it with Fashion-MNIST test images as PNG, then stops the server with SIGTERM and checks
# that it exits 0. Results: inference/target/bench/serve/{results.md,soak.csv,soak.png}. SERVER_JAVA_OPTS, when set, go
# to the server's JVM, e.g. SERVER_JAVA_OPTS="-XX:StartFlightRecording=filename=/tmp/s.jfr,delay=35s" to profile it.
# INTERLEAVED (default 64:6x5) is the comparison with the in-process Embedder taken in turns: 64 clients for 5 s, then
# the Embedder for 5 s, 6 times over (0 slices skip it); see ServeLoad.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
cd "$ROOT"
MODEL="${1:-/tmp/serve-run/model.onnx}"
PHASES="${2:-1:30,16:30,64:30}"
SOAK="${3:-64:600}"
SERVE_OPTIONS=("${@:4}")
OUT=inference/target/bench/serve
mkdir -p "$OUT"
if [ ! -f "$MODEL" ]; then
  ./c4j train --data fashion-mnist-subset --max-steps 20 --out "$(dirname "$MODEL")"
fi
mvn -B -q -o -pl inference -am -DskipTests package
mvn -B -q -o -pl inference -am -Pbench test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/bench/cp.txt -Dmdep.includeScope=test
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"

"$JAVA" -Xmx1g ${SERVER_JAVA_OPTS:-} -jar inference/target/contrastive4j-inference.jar serve --model "$MODEL" --port 0 "${SERVE_OPTIONS[@]}" \
    > "$OUT/server-stdout.txt" 2> /dev/null &
SERVER=$!
trap 'kill -TERM $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 120); do grep -q "listening on port" "$OUT/server-stdout.txt" && break; sleep 0.5; done
PORT=$(grep -o 'listening on port [0-9]*' "$OUT/server-stdout.txt" | grep -o '[0-9]*$')
echo "server pid $SERVER on port $PORT${SERVE_OPTIONS:+ (${SERVE_OPTIONS[*]})}; load average $(cut -d' ' -f1-3 /proc/loadavg)"

"$JAVA" -Xmx1g -cp "inference/target/test-classes:inference/target/classes:$(cat inference/target/bench/cp.txt)" \
    org.contrastive4j.inference.bench.ServeLoad "http://127.0.0.1:$PORT" "$SERVER" "$MODEL" data/fashion-mnist-subset \
    "$OUT" "$PHASES" "$SOAK" "${INTERLEAVED:-64:6x5}"

echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
kill -TERM "$SERVER"
trap - EXIT
if wait "$SERVER"; then echo "server stopped on SIGTERM with exit code 0"; else echo "server exit code $? on SIGTERM" >&2; exit 1; fi
