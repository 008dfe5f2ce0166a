#!/usr/bin/env bash
# A tiny train → eval through the binary, and the exit codes of bad data and bad models.
EMOMUSIC=$1
WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT
. "$(dirname "$0")/lib.sh"
export XDG_CACHE_HOME=$WORK/cache

fer_csv "$WORK/fer.csv" 6 Training PublicTest
expect_exit 0 "$EMOMUSIC" train --data "$WORK/fer.csv" --out "$WORK/m.safetensors" --epochs 2 \
  --channels 8,16 --hidden 16 --batch-size 16 --threads 3
for f in m.safetensors m.checkpoint.safetensors m.metrics.csv m.loss.png m.accuracy.png; do
  [ -s "$WORK/$f" ] || fail "train did not write $f"
done
expect_in "$WORK/err" "epoch 2/2"
# The model's provenance records the threads it was trained with (3: no machine's default here).
head -c 8192 "$WORK/m.safetensors" | grep -q 'torch_threads\\":3' || fail "torch_threads not recorded"
[ ! -s "$WORK/out" ] || fail "train printed to stdout (stdout is for data)"

expect_exit 0 "$EMOMUSIC" eval --model "$WORK/m.safetensors" --data "$WORK/fer.csv" --json \
  --plot "$WORK/cm.png"
expect_in "$WORK/out" '"accuracy"'
expect_in "$WORK/out" '"macro_f1"'
expect_in "$WORK/out" '"per_class"'
expect_in "$WORK/out" '"confusion"'
expect_in "$WORK/out" '"n": 42'
expect_in "$WORK/out" '"split": "PublicTest"'
[ -s "$WORK/cm.png" ] || fail "no confusion-matrix picture"
expect_exit 0 "$EMOMUSIC" eval --model "$WORK/m.safetensors" --data "$WORK/fer.csv" --split Training --tta tencrop
expect_in "$WORK/out" "macro-F1"
expect_in "$WORK/out" "n=42"

# Ctrl-C: the run stops at the next batch with exit 130, keeps its checkpoint and says how to
# resume. The run is far too long to end by itself before the signal.
"$EMOMUSIC" train --data "$WORK/fer.csv" --out "$WORK/i.safetensors" --epochs 10000 \
  --channels 8,16 --hidden 16 --batch-size 16 --threads 1 >/dev/null 2>"$WORK/err" &
pid=$!
for _ in $(seq 600); do grep -q "epoch 2/10000:" "$WORK/err" && break; sleep 0.1; done
kill -INT "$pid"
wait "$pid"; code=$?
[ "$code" -eq 130 ] || { cat "$WORK/err" >&2; fail "interrupted train exited $code, expected 130"; }
expect_in "$WORK/err" "continue with --resume"
[ -s "$WORK/i.checkpoint.safetensors" ] || fail "the interrupted run lost its checkpoint"

# An ensemble: --model repeated; the JSON lists its members, and a bad member is a model error.
expect_exit 0 "$EMOMUSIC" eval --model "$WORK/m.safetensors" --model "$WORK/m.safetensors" \
  --data "$WORK/fer.csv" --json
expect_in "$WORK/out" '"model": "m.safetensors + m.safetensors"'
expect_in "$WORK/out" '"n": 42'
expect_exit 4 "$EMOMUSIC" eval --model "$WORK/m.safetensors" --model "$WORK/none.safetensors" \
  --data "$WORK/fer.csv"
expect_in "$WORK/err" "none.safetensors"

# Bad data: exit 3 and the file:line in the message.
{ head -3 "$WORK/fer.csv"; echo "3,1 2 3,Training"; } >"$WORK/bad.csv"
expect_exit 3 "$EMOMUSIC" train --data "$WORK/bad.csv" --out "$WORK/x.safetensors" --epochs 1
expect_in "$WORK/err" "bad.csv:4: expected 2304 pixels, got 3"
expect_exit 3 "$EMOMUSIC" eval --model "$WORK/m.safetensors" --data "$WORK/missing.csv"

# Bad model: exit 4, checked before the data is read.
head -c 1000 "$WORK/m.safetensors" >"$WORK/cut.safetensors"
expect_exit 4 "$EMOMUSIC" eval --model "$WORK/cut.safetensors" --data "$WORK/fer.csv"
expect_in "$WORK/err" "cut.safetensors"
expect_exit 4 "$EMOMUSIC" eval --model "$WORK/none.safetensors" --data "$WORK/fer.csv"
# The residual network takes its stages from --channels, as vgg does; a block holds two convs.
expect_exit 0 "$EMOMUSIC" train --data "$WORK/fer.csv" --arch resnet --channels 8,12 \
  --convs-per-stage 2 --hidden 0 --out "$WORK/r.safetensors" --epochs 1 --batch-size 16 --threads 1 -q
head -c 8192 "$WORK/r.safetensors" | grep -q 'block1.proj.weight' || fail "resnet: no projection"
head -c 8192 "$WORK/r.safetensors" | grep -q 'channels\\":\[8,12\]' || fail "resnet: --channels not used"
expect_exit 0 "$EMOMUSIC" eval --model "$WORK/r.safetensors" --data "$WORK/fer.csv" --json
expect_in "$WORK/out" '"n": 42'
expect_exit 2 "$EMOMUSIC" train --data "$WORK/fer.csv" --arch resnet --convs-per-stage 3 \
  --out "$WORK/r3.safetensors" --epochs 1
expect_in "$WORK/err" "convs_per_stage is 3"
[ ! -e "$WORK/r3.safetensors" ] || fail "a refused architecture wrote a model"
# Fine-tuning: --init takes the model's weights and architecture, --equalize is kept in the file.
expect_exit 0 "$EMOMUSIC" train --data "$WORK/fer.csv" --init "$WORK/m.safetensors" \
  --equalize histogram --out "$WORK/t.safetensors" --epochs 1 --batch-size 16 --threads 1 -q
expect_exit 0 "$EMOMUSIC" eval --model "$WORK/t.safetensors" --data "$WORK/fer.csv" --json
expect_in "$WORK/out" '"n": 42'
expect_exit 2 "$EMOMUSIC" train --data "$WORK/fer.csv" --init "$WORK/m.safetensors" --arch baseline \
  --out "$WORK/u.safetensors" --epochs 1 --batch-size 16
expect_exit 4 "$EMOMUSIC" train --data "$WORK/fer.csv" --init "$WORK/cut.safetensors" \
  --out "$WORK/u.safetensors" --epochs 1 --batch-size 16
expect_in "$WORK/err" "cut.safetensors"

# Weight averaging: the mean of a model and itself predicts as the model does, and the file says
# what it averaged. One model, a weight list of another length or an existing --out is exit 2; a
# model of another architecture (r: resnet) or input (t: equalised) or a missing one is exit 4,
# naming it; an --out that is an input is exit 3 and leaves it as it was.
expect_exit 0 "$EMOMUSIC" eval --model "$WORK/m.safetensors" --data "$WORK/fer.csv" --json
grep '"accuracy"' "$WORK/out" >"$WORK/m.accuracy"
expect_exit 0 "$EMOMUSIC" average "$WORK/m.safetensors" "$WORK/m.safetensors" --weights 1,3 \
  --out "$WORK/avg.safetensors"
expect_in "$WORK/err" "avg.safetensors: the mean of m.safetensors ×0.25 + m.safetensors ×0.75"
head -c 16384 "$WORK/avg.safetensors" | grep -q 'averaged_from' \
  || fail "average: no record of its models"
expect_exit 0 "$EMOMUSIC" eval --model "$WORK/avg.safetensors" --data "$WORK/fer.csv" --json
grep '"accuracy"' "$WORK/out" | cmp -s - "$WORK/m.accuracy" \
  || fail "the mean of m and m reads otherwise than m"
expect_exit 2 "$EMOMUSIC" average "$WORK/m.safetensors" --out "$WORK/one.safetensors"
expect_exit 2 "$EMOMUSIC" average "$WORK/m.safetensors" "$WORK/m.safetensors" --weights 1 \
  --out "$WORK/one.safetensors"
expect_in "$WORK/err" "1 weights for 2 models"
expect_exit 2 "$EMOMUSIC" average "$WORK/m.safetensors" "$WORK/m.safetensors" \
  --out "$WORK/avg.safetensors"
expect_in "$WORK/err" "--overwrite"
expect_exit 0 "$EMOMUSIC" average "$WORK/m.safetensors" "$WORK/m.safetensors" \
  --out "$WORK/avg.safetensors" --overwrite
expect_exit 4 "$EMOMUSIC" average "$WORK/m.safetensors" "$WORK/r.safetensors" \
  --out "$WORK/x.safetensors"
expect_in "$WORK/err" "r.safetensors: its architecture"
expect_exit 4 "$EMOMUSIC" average "$WORK/m.safetensors" "$WORK/t.safetensors" \
  --out "$WORK/x.safetensors"
expect_in "$WORK/err" "t.safetensors: its input"
expect_exit 4 "$EMOMUSIC" average "$WORK/m.safetensors" "$WORK/none.safetensors" \
  --out "$WORK/x.safetensors"
expect_in "$WORK/err" "none.safetensors"
[ ! -e "$WORK/x.safetensors" ] || fail "a refused average wrote a model"
cp "$WORK/m.safetensors" "$WORK/m.copy"
expect_exit 3 "$EMOMUSIC" average "$WORK/m.safetensors" "$WORK/avg.safetensors" \
  --out "$WORK/m.safetensors" --overwrite
expect_in "$WORK/err" "is an input"
cmp -s "$WORK/m.safetensors" "$WORK/m.copy" || fail "average wrote over its input"

# Photos through the whole pipeline: a grey picture holds no face (exit 7); a missing photo is
# reported and the rest goes on (exit 5); neither --data nor --photos is a usage error.
{ printf 'P5\n64 64\n255\n'; head -c 4096 /dev/zero | tr '\0' '\200'; } >"$WORK/grey.pgm"
printf 'path,label\ngrey.pgm,happy\n' >"$WORK/labels.csv"
expect_exit 7 "$EMOMUSIC" eval --model "$WORK/m.safetensors" --photos "$WORK/labels.csv"
expect_in "$WORK/out" "1 photos: a face in 0, none found in 1"
printf 'grey.pgm,happy\nmissing.jpg,sad\n' >"$WORK/labels.csv"
expect_exit 5 "$EMOMUSIC" eval --model "$WORK/m.safetensors" --photos "$WORK/labels.csv" --json
expect_in "$WORK/err" "missing.jpg"
expect_in "$WORK/out" '"without_face": 1'
expect_in "$WORK/out" '"margin": -0.1'
# The crop margin is the pipeline's: measured as given, refused outside its range or without photos.
expect_exit 5 "$EMOMUSIC" eval --model "$WORK/m.safetensors" --photos "$WORK/labels.csv" --json \
  --margin 0.05
expect_in "$WORK/out" '"margin": 0.05'
expect_exit 2 "$EMOMUSIC" eval --model "$WORK/m.safetensors" --photos "$WORK/labels.csv" \
  --margin -0.3
expect_in "$WORK/err" "margin"
expect_exit 2 "$EMOMUSIC" eval --model "$WORK/m.safetensors" --data "$WORK/fer.csv" --margin 0
expect_in "$WORK/err" "photos"
printf 'grey.pgm,cheerful\n' >"$WORK/labels.csv"
expect_exit 3 "$EMOMUSIC" eval --model "$WORK/m.safetensors" --photos "$WORK/labels.csv"
expect_in "$WORK/err" "labels.csv:1: unknown label 'cheerful'"
expect_exit 2 "$EMOMUSIC" eval --model "$WORK/m.safetensors"
expect_exit 2 "$EMOMUSIC" eval --model "$WORK/m.safetensors" --photos "$WORK/labels.csv" \
  --data "$WORK/fer.csv"
echo "train_eval: all checks passed"
