#!/usr/bin/env bash
# scripts/train-shakespeare.sh — the training convergence benchmark of docs/BENCHMARKS.md ("Training"): a byte-level
# GLA trained on the cpu on tinyshakespeare (the last 10% held out), then evaluated on the held-out text by position.
# Not part of the test suite (it takes minutes). Writes runs/shakespeare (model, checkpoints, loss.png, metrics).
#
#   scripts/train-shakespeare.sh [DATA] [extra gla train options]     (DATA: default ../shared/data/tinyshakespeare.txt)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
data=${1:-$root/../shared/data/tinyshakespeare.txt}
shift || true
out=$root/runs/shakespeare
if [[ ! -f "$data" ]]; then
  echo "train-shakespeare: no $data (give the path of tinyshakespeare.txt)" >&2
  exit 1
fi
rm -rf "$out"
start=$(date +%s)
"$root/scripts/gla" train --data "$data" --model tiny --seq-len 256 --batch-size 16 --steps 2000 --lr 3e-3 \
  --warmup 100 --eval-every 250 --eval-batches 16 --checkpoint-every 1000 --seed 1 \
  --out "$out" --metrics "$out/metrics.jsonl" --no-progress "$@"
echo "training took $(( $(date +%s) - start )) s"
# The held-out 10% on its own, in windows of the training length and of 4× it (length generalization).
bytes=$(stat -c %s "$data")
tail -c "$(awk -v n="$bytes" 'BEGIN { printf "%d", n * 0.1 + 0.5 }')" "$data" > "$out/validation.txt"
"$root/scripts/gla" eval --model "$out" --data "$out/validation.txt" --seq-len 256
"$root/scripts/gla" eval --model "$out" --data "$out/validation.txt" --seq-len 1024
