#!/usr/bin/env bash
# Data that is damaged, odd or arrives oddly: exit 3 with a short message naming the file, never
# exit 1; pipes and non-UTF-8 file names work; an earlier run's files are not replaced unasked.
EMOMUSIC=$1
WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT
. "$(dirname "$0")/lib.sh"
export XDG_CACHE_HOME=$WORK/cache
TINY=(--channels 8,16 --hidden 16 --batch-size 16 --threads 2)

fer_csv "$WORK/fer.csv" 3 Training PublicTest
gzip -c "$WORK/fer.csv" >"$WORK/fer.csv.gz"

# Non-UTF-8 names (byte 0xff) in --data and --out: the run saves its model and exits 0.
FF=$'\xff'
cp "$WORK/fer.csv" "$WORK/d$FF.csv"
expect_exit 0 "$EMOMUSIC" train --data "$WORK/d$FF.csv" --out "$WORK/m$FF.safetensors" \
  "${TINY[@]}" --epochs 1
[ -s "$WORK/m$FF.safetensors" ] || fail "train did not write m\\xff.safetensors"
[ -s "$WORK/m$FF.checkpoint.safetensors" ] || fail "train did not write its checkpoint"
expect_exit 0 "$EMOMUSIC" eval --model "$WORK/m$FF.safetensors" --data "$WORK/d$FF.csv" --json
expect_in "$WORK/out" '"accuracy"'
python3 -c 'import json,sys; json.load(open(sys.argv[1], encoding="utf-8"))' "$WORK/out" \
  || fail "eval --json did not print valid UTF-8 JSON"

# Pipes (`<(…)`): read once as they come, plain or gzipped, by train and eval.
expect_exit 0 "$EMOMUSIC" train --data <(cat "$WORK/fer.csv") --out "$WORK/p.safetensors" \
  "${TINY[@]}" --epochs 1
[ -s "$WORK/p.safetensors" ] || fail "train from a pipe wrote no model"
expect_exit 0 "$EMOMUSIC" eval --model "$WORK/p.safetensors" --data <(cat "$WORK/fer.csv.gz") --json
expect_in "$WORK/out" '"n": 21'

# An earlier run is not replaced unasked; --overwrite replaces it, --resume continues it, and
# --resume refuses data other than the checkpoint's.
expect_exit 2 "$EMOMUSIC" train --data "$WORK/fer.csv" --out "$WORK/p.safetensors" \
  "${TINY[@]}" --epochs 1
expect_in "$WORK/err" "p.checkpoint.safetensors: holds the checkpoint of an earlier run"
expect_in "$WORK/err" "--overwrite"
expect_exit 0 "$EMOMUSIC" train --data "$WORK/fer.csv" --out "$WORK/p.safetensors" "${TINY[@]}" \
  --epochs 1 --overwrite
fer_csv "$WORK/other.csv" 4 Training PublicTest
expect_exit 2 "$EMOMUSIC" train --data "$WORK/other.csv" --out "$WORK/p.safetensors" "${TINY[@]}" \
  --epochs 2 --resume
expect_in "$WORK/err" "trained on other data"
expect_exit 0 "$EMOMUSIC" train --data "$WORK/fer.csv.gz" --out "$WORK/p.safetensors" "${TINY[@]}" \
  --epochs 2 --resume
expect_exit 2 "$EMOMUSIC" train --data "$WORK/fer.csv" --out "$WORK/p.safetensors" --resume --overwrite

# A truncated gzip is bad input even with --skip-bad, and says so.
head -c "$(( $(stat -c %s "$WORK/fer.csv.gz") / 2 ))" "$WORK/fer.csv.gz" >"$WORK/cut.csv.gz"
for skip in "" --skip-bad; do
  expect_exit 3 "$EMOMUSIC" eval --model "$WORK/p.safetensors" --data "$WORK/cut.csv.gz" $skip
  expect_in "$WORK/err" "cut.csv.gz: gzip data is truncated"
done

# A gzip bomb of empty lines: exit 3, not an allocation failure.
head -c 30000000 /dev/zero | tr '\0' '\n' | gzip -c >"$WORK/bomb.csv.gz"
expect_exit 3 "$EMOMUSIC" eval --model "$WORK/p.safetensors" --data "$WORK/bomb.csv.gz"
expect_in "$WORK/err" "no rows of data"

# A 5 MB header: the message quotes a short piece of it.
{ head -c 5000000 /dev/zero | tr '\0' 'h'; echo; } >"$WORK/wide.csv"
expect_exit 3 "$EMOMUSIC" eval --model "$WORK/p.safetensors" --data "$WORK/wide.csv"
[ "$(stat -c %s "$WORK/err")" -lt 2000 ] || fail "the error message echoes the input"

# A BOM before the header.
{ printf '\xef\xbb\xbf'; cat "$WORK/fer.csv"; } >"$WORK/bom.csv"
expect_exit 0 "$EMOMUSIC" eval --model "$WORK/p.safetensors" --data "$WORK/bom.csv" --json
expect_in "$WORK/out" '"n": 21'
echo "data_safety: all checks passed"
