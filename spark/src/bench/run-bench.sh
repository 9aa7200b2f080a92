#!/usr/bin/env bash
# Rows/s of './c4j spark embed --master local[N]' against './c4j embed' on the same 70,000 Fashion-MNIST PNGs with the
# same model, back to back, alternating which goes first each round. Run from anywhere:
#   spark/src/bench/run-bench.sh [ROUNDS (default 2)] [SPARK_MASTERS (default "local[2] local[1]")]
# Needs: apt-get install -y dataset-fashion-mnist python3-torch python3-onnx (model export only).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
cd "$ROOT"
ROUNDS="${1:-2}"
MASTERS="${2:-local[2] local[1]}"
OUT=spark/target/bench
MODEL=$OUT/small-cnn.onnx
IMAGES=$OUT/fashion-mnist-png
FMNIST=/usr/share/datasets/fashion-mnist
mkdir -p "$OUT"
[ -f "$FMNIST/train-images-idx3-ubyte.gz" ] || { echo "needs the full Fashion-MNIST: apt-get install -y dataset-fashion-mnist" >&2; exit 1; }

mvn -B -q -o package -DskipTests                     # the jars and spark/target/lib, as ./c4j uses them
mvn -B -q -o test-compile -Pbench -pl spark -am       # PrepareImages
[ -f "$MODEL" ] || /usr/bin/python3 inference/src/bench/make_small_cnn.py "$MODEL"
if [ ! -d "$IMAGES" ]; then
  java -cp "spark/target/test-classes:spark/target/lib/*" org.contrastive4j.spark.bench.PrepareImages "$FMNIST" "$IMAGES.tmp"
  mv "$IMAGES.tmp" "$IMAGES"
fi
ROWS=$(find "$IMAGES" -name '*.png' | wc -l)

export C4J_NO_BUILD=1
# './c4j spark' maps a class-data archive that its first successful run writes (see ./c4j): write it here, on 200
# of the images, so that no timed run pays for writing it (C4J_CDS=off in the environment measures without it).
WARM=$OUT/warm-up-png
if [ ! -d "$WARM" ]; then
  mkdir -p "$WARM.tmp"
  (set +o pipefail; find "$IMAGES" -name '*.png' -print0 | head -z -n 200 | xargs -0 cp -t "$WARM.tmp") # find ends on SIGPIPE
  mv "$WARM.tmp" "$WARM"
fi
rm -rf "$OUT/warm-up.parquet"
./c4j spark embed --master 'local[2]' --model "$MODEL" --input "$WARM" --output "$OUT/warm-up.parquet" > "$OUT/warm-up.log" 2>&1 \
  || { cat "$OUT/warm-up.log" >&2; exit 1; }
RESULTS=$OUT/results.tsv
printf 'round\trun\twall_s\trows_per_s\tmax_rss_mb\tuser_s\tsys_s\tload_before\n' > "$RESULTS"
run() {
  local round=$1 label=$2; shift 2
  local load; load=$(cut -d' ' -f1 /proc/loadavg)
  /usr/bin/time -f "%e %M %U %S" -o "$OUT/time.txt" "$@" > "$OUT/$label.log" 2>&1 || { cat "$OUT/$label.log" >&2; exit 1; }
  read -r wall rss user sys < "$OUT/time.txt"
  awk -v r="$round" -v l="$label" -v w="$wall" -v m="$rss" -v u="$user" -v s="$sys" -v n="$ROWS" -v ld="$load" \
    'BEGIN { printf "%s\t%s\t%.1f\t%.0f\t%.0f\t%.1f\t%.1f\t%s\n", r, l, w, n / w, m / 1024, u, s, ld }' | tee -a "$RESULTS"
}
c4j_embed() { run "$1" c4j-embed ./c4j embed --model "$MODEL" --input "$IMAGES" --output "$OUT/c4j-embed.npy"; }
spark_embed() {
  for m in $MASTERS; do
    rm -rf "$OUT/spark-embed.parquet"
    run "$1" "spark-$m" ./c4j spark embed --master "$m" --model "$MODEL" --input "$IMAGES" --output "$OUT/spark-embed.parquet"
  done
}
for r in $(seq "$ROUNDS"); do
  if [ $((r % 2)) = 1 ]; then c4j_embed "$r"; spark_embed "$r"; else spark_embed "$r"; c4j_embed "$r"; fi
done
echo
awk -F'\t' 'NR > 1 { rate[$2] += $4; n[$2]++ } END {
  base = rate["c4j-embed"] / n["c4j-embed"];
  for (k in rate) printf "%-18s %8.0f rows/s  %.2fx c4j embed\n", k, rate[k] / n[k], (rate[k] / n[k]) / base }' "$RESULTS" | sort
echo "(end to end: JVM start to output written, $ROWS images; per-run rows in $RESULTS)"
