#!/usr/bin/env bash
# DJL (JMH) vs PyTorch eager, loss by loss, back to back so both see the same machine load. THREADS (default 1)
# intra-op threads for both. Output: bench-results/{jmh-LOSS.txt,torch.txt}.
#   losses/src/bench/compare.sh [loss ...]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
THREADS="${THREADS:-1}"
OUT="$ROOT/losses/target/bench-results"
mkdir -p "$OUT"
LOSSES=("$@")
[ ${#LOSSES[@]} -eq 0 ] && LOSSES=(nt_xent supcon sincere cacr mio dystress)
: > "$OUT/torch.txt"
for loss in "${LOSSES[@]}"; do
  "$ROOT/losses/src/bench/run-jmh.sh" -p loss="$loss" -jvmArgsAppend "-Dai.djl.pytorch.num_threads=$THREADS" \
    > "$OUT/jmh-$loss.txt" 2>&1
  /usr/bin/python3 "$ROOT/losses/src/bench/python/torch_losses_bench.py" --threads "$THREADS" --losses "$loss" \
    | grep -v '^torch' >> "$OUT/torch.txt"
done
echo "DJL (JMH sample mode, p0.50 / mean ms)"
grep -hE "forwardBackward(:p0.50)? " "$OUT"/jmh-*.txt | grep -v '^#' || true
echo "PyTorch $(/usr/bin/python3 -c 'import torch; print(torch.__version__)') eager (median / mean ms)"
cat "$OUT/torch.txt"
