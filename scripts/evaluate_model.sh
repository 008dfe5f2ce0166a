#!/usr/bin/env bash
# Measures a model for its model card: PublicTest accuracy/macro-F1 with each test-time
# augmentation (JSON files), the confusion-matrix picture, the whole pipeline on the
# taiwanese-dev photographs (when ../shared has them), and CPU inference speed.
#   scripts/evaluate_model.sh [MODEL[:MODEL…]] [FER2013_CSV] [OUT_DIR] [PHOTO_LABELS_CSV]
# Several models separated by ':' are measured as one ensemble (eval --model A --model B); the
# speed figures are those of the first.
set -euo pipefail
cd "$(dirname "$0")/.."
MODEL=${1:-models/emotion.safetensors}
FER=${2:-../shared/data/fer2013/fer2013.csv.gz}
OUT=${3:-models}
PHOTOS=${4:-../shared/data/faces/taiwanese-dev/labels.csv}
BIN=${EMOMUSIC_BUILD_DIR:-build}
IFS=: read -r -a MODEL_FILES <<<"$MODEL"
MODEL_ARGS=()
for m in "${MODEL_FILES[@]}"; do MODEL_ARGS+=(--model "$m"); done
summary() {
  python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(f\"{sys.argv[2]:24} accuracy {100*d['accuracy']:.2f}%  macro-F1 {100*d['macro_f1']:.2f}%\")" "$@"
}
for tta in none flip tencrop; do
  "$BIN/apps/emomusic/emomusic" -q eval "${MODEL_ARGS[@]}" --data "$FER" --split PublicTest \
    --tta "$tta" --json >"$OUT/publictest_$tta.json"
  summary "$OUT/publictest_$tta.json" "PublicTest, tta $tta"
done
if [ -f "$PHOTOS" ]; then
  for tta in none tencrop; do  # detect's defaults for video and for photos
    "$BIN/apps/emomusic/emomusic" -q eval "${MODEL_ARGS[@]}" --photos "$PHOTOS" --tta "$tta" \
      --json >"$OUT/photos_$tta.json"
    summary "$OUT/photos_$tta.json" "photos, tta $tta"
  done
  "$BIN/apps/emomusic/emomusic" -q eval "${MODEL_ARGS[@]}" --photos "$PHOTOS" --tta tencrop \
    --plot "$OUT/confusion_photos.png" >/dev/null
else
  echo "no $PHOTOS: photo figures skipped"
fi
"$BIN/apps/emomusic/emomusic" -q eval "${MODEL_ARGS[@]}" --data "$FER" --split PublicTest --tta tencrop \
  --plot "$OUT/confusion_publictest.png" >/dev/null
"$BIN/bench/bench_model" infer --model "${MODEL_FILES[0]}" --batch 1 --batch 64
"$BIN/bench/bench_model" --threads 1 infer --model "${MODEL_FILES[0]}" --batch 1
