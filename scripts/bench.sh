#!/usr/bin/env bash
# Benchmarks of the train/eval path on this machine; prints JSON lines. Needs a Release build.
#   scripts/bench.sh [FER2013_CSV]
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH=${EMOMUSIC_BUILD_DIR:-build}/bench/bench_model
FER=${1:-../shared/data/fer2013/fer2013.csv.gz}
[ -f "$FER" ] && "$BENCH" load --data "$FER" || echo "no $FER: skipping the load benchmark" >&2
# Two threads, as the README's row says: LibTorch's own default differs between machines (1 on
# the AMD EPYC of December 2026).
"$BENCH" --threads 2 train --arch baseline --arch vgg --arch resnet --steps 20
"$BENCH" --threads 2 train --arch vgg --convs-per-stage 1 --steps 20
if [ -f models/emotion.safetensors ]; then
  "$BENCH" infer --batch 1 --batch 64
  "$BENCH" --threads 1 infer --batch 1
fi
