#!/usr/bin/env bash
# Measures a model for its model card: PublicTest accuracy/macro-F1 with each test-time
# augmentation (JSON files), the confusion-matrix picture, and CPU inference speed.
#   scripts/evaluate_model.sh [MODEL] [FER2013_CSV] [OUT_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
MODEL=${1:-models/emotion.safetensors}
FER=${2:-../shared/data/fer2013/fer2013.csv.gz}
OUT=${3:-models}
BIN=${EMOMUSIC_BUILD_DIR:-build}
for tta in none flip tencrop; do
  "$BIN/apps/emomusic/emomusic" -q eval --model "$MODEL" --data "$FER" --split PublicTest \
    --tta "$tta" --json >"$OUT/publictest_$tta.json"
  python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(f\"tta {sys.argv[2]:8} accuracy {100*d['accuracy']:.2f}%  macro-F1 {100*d['macro_f1']:.2f}%\")" \
    "$OUT/publictest_$tta.json" "$tta"
done
"$BIN/apps/emomusic/emomusic" -q eval --model "$MODEL" --data "$FER" --split PublicTest --tta tencrop \
  --plot "$OUT/confusion_publictest.png" >/dev/null
"$BIN/bench/bench_model" infer --model "$MODEL" --batch 1 --batch 64
"$BIN/bench/bench_model" --threads 1 infer --model "$MODEL" --batch 1
