#!/usr/bin/env bash
# CLI smoke tests of `emomusic detect`: exit codes and messages for every error case, and real
# output when ../shared/data/faces/taiwanese-dev is present.
# Usage: detect_smoke.sh EMOMUSIC MAKE_TINY_MODEL FACES_DIR MAKE_TEST_MEDIA
set -uo pipefail
emomusic=$1
make_model=$2
faces=$3
make_media=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export XDG_DATA_HOME=$tmp/data  # the default mood history lands here, never in the user's
failures=0

# expect CODE PATTERN ARGS…: runs detect, checks the exit code and that stdout+stderr match PATTERN.
expect() {
  local code=$1 pattern=$2
  shift 2
  local out
  out=$("$emomusic" detect "$@" 2>&1 </dev/null)
  local got=$?
  if [[ $got -ne $code ]] || ! grep -Eq -- "$pattern" <<<"$out"; then
    echo "FAIL: detect $* -> exit $got (want $code), output:"
    echo "$out" | head -20
    failures=$((failures + 1))
  else
    echo "ok: detect $* -> $got"
  fi
}

"$make_model" "$tmp/m.safetensors" || exit 1
m=(--model "$tmp/m.safetensors")
: >"$tmp/empty.jpg"
echo "not an image" >"$tmp/text.png"
{ printf 'P5 64 64 255\n'; head -c 4096 /dev/zero; } >"$tmp/blank.pgm"

expect 2 "needs an input" "${m[@]}"
expect 2 "format" "${m[@]}" --image "$tmp/blank.pgm" --format xml
expect 2 "excludes" "${m[@]}" --camera 0 --video x.avi
expect 2 "--once" "${m[@]}" --image "$tmp/blank.pgm" --once
expect 8 "/dev/video97" "${m[@]}" --camera 97
expect 8 "DISPLAY" "${m[@]}" --video "$tmp/none.avi" --show
expect 8 "cascade" "${m[@]}" --image "$tmp/blank.pgm" --cascade "$tmp/none.xml"
expect 3 "does not exist" "${m[@]}" --video "$tmp/none.avi"
expect 3 "0 bytes" "${m[@]}" --video "$tmp/empty.jpg"
expect 3 "does not exist" "${m[@]}" --dir "$tmp/none"
expect 4 "no-model" --model "$tmp/no-model.safetensors" --image "$tmp/blank.pgm"
# A batch of bad files: one message each, the batch goes on, exit 3 at the end.
out=$("$emomusic" detect "${m[@]}" --image "$tmp/missing.jpg" "$tmp/empty.jpg" "$tmp/text.png" 2>&1)
code=$?
for pattern in "missing.jpg does not exist" "empty.jpg is empty" "text.png is not an image" \
  "3 item\(s\), 3 failed"; do
  if [[ $code -ne 3 ]] || ! grep -Eq -- "$pattern" <<<"$out"; then
    echo "FAIL: bad-file batch -> $code, missing '$pattern' in: $out"
    failures=$((failures + 1))
  fi
done
echo "ok: bad-file batch -> $code"
expect 7 "no face found" "${m[@]}" --image "$tmp/blank.pgm"
# Images too thin or small to hold a face have none, and the batch goes on (issue 22).
{ printf 'P5 1500 1 255\n'; head -c 1500 /dev/zero; } >"$tmp/thin.pgm"
{ printf 'P5 1 1500 255\n'; head -c 1500 /dev/zero; } >"$tmp/tall.pgm"
{ printf 'P5 1 1 255\n'; head -c 1 /dev/zero; } >"$tmp/dot.pgm"
out=$("$emomusic" detect "${m[@]}" --image "$tmp/thin.pgm" "$tmp/tall.pgm" "$tmp/dot.pgm" \
  "$tmp/blank.pgm" 2>&1)
code=$?
for pattern in "thin.pgm: no face found" "tall.pgm: no face found" "dot.pgm: no face found" \
  "blank.pgm: no face found" "4 item\(s\), 4 failed"; do
  if [[ $code -ne 7 ]] || ! grep -Eq -- "$pattern" <<<"$out"; then
    echo "FAIL: thin images -> $code, missing '$pattern' in: $out"
    failures=$((failures + 1))
  fi
done
echo "ok: thin images -> $code"

# An image on stdin.
out=$("$emomusic" detect "${m[@]}" --image - <"$tmp/blank.pgm" 2>&1)
code=$?
if [[ $code -ne 7 ]] || ! grep -q "standard input\|-: no face" <<<"$out"; then
  echo "FAIL: stdin image -> $code: $out"
  failures=$((failures + 1))
else
  echo "ok: stdin image -> 7"
fi

if [[ -d $faces ]]; then
  photo=$(find "$faces/happy" -name '*.jpg' | sort | head -1)
  expect 0 '"emotion": ?"(angry|disgust|fear|happy|sad|surprise|neutral)"' "${m[@]}" \
    --image "$photo" --format json
  expect 5 "1 failed" "${m[@]}" --image "$photo" "$tmp/missing.jpg" --format csv
  expect 5 "thin.pgm: no face found" "${m[@]}" --image "$tmp/thin.pgm" "$photo" --format csv
  expect 5 "$(basename "$photo"),,,,[0-9]+,[0-9]+" "${m[@]}" --image "$tmp/thin.pgm" "$photo" \
    --format csv
  rows=$("$emomusic" detect "${m[@]}" --dir "$faces/happy" --format csv 2>/dev/null | wc -l)
  if [[ $rows -lt 50 ]]; then
    echo "FAIL: --dir happy gave $rows csv lines"
    failures=$((failures + 1))
  else
    echo "ok: --dir happy gave $rows csv lines"
  fi

  # detect --once records the settled mood in the history with its source (issue 24).
  "$make_media" still "$tmp/face.avi" "$photo" 40 || exit 1
  once=(--video "$tmp/face.avi" --once --stable-seconds 0.5 --stable-confidence 0)
  expect 0 '^(angry|disgust|fear|happy|sad|surprise|neutral)$' "${m[@]}" "${once[@]}" \
    --history-db "$tmp/h.db"
  mood=$("$emomusic" detect "${m[@]}" "${once[@]}" --history-db "$tmp/h2.db" 2>/dev/null)
  history=$("$emomusic" history --db "$tmp/h2.db" --format json 2>&1)
  if ! grep -q "\"source\": *\"face.avi\"" <<<"$history" ||
    ! grep -q "\"emotion\": *\"$mood\"" <<<"$history"; then
    echo "FAIL: detect --once printed '$mood' but the history holds: $history"
    failures=$((failures + 1))
  else
    echo "ok: detect --once recorded $mood from face.avi"
  fi
  expect 0 '' "${m[@]}" "${once[@]}"
  if [[ ! -f $XDG_DATA_HOME/emomusic/history.db ]]; then
    echo "FAIL: detect --once without --history-db recorded nothing in the default history"
    failures=$((failures + 1))
  fi
  rm -rf "$XDG_DATA_HOME"
  expect 0 '' "${m[@]}" "${once[@]}" --no-history
  if [[ -e $XDG_DATA_HOME ]]; then
    echo "FAIL: detect --once --no-history left files: $(find "$XDG_DATA_HOME")"
    failures=$((failures + 1))
  fi
  # recommend --from-image records the photo's mood with its file name.
  "$emomusic" recommend --model "$tmp/m.safetensors" --from-image "$photo" --history-db \
    "$tmp/h3.db" --no-spotify -n 3 >/dev/null 2>&1
  if ! "$emomusic" history --db "$tmp/h3.db" --format json 2>&1 |
    grep -q "\"source\": *\"$(basename "$photo")\""; then
    echo "FAIL: recommend --from-image recorded no mood from $(basename "$photo")"
    failures=$((failures + 1))
  fi
  "$emomusic" recommend --model "$tmp/m.safetensors" --from-image "$photo" --no-history \
    --no-spotify -n 3 >/dev/null 2>&1
  if [[ -e $XDG_DATA_HOME/emomusic/history.db ]]; then
    echo "FAIL: recommend --from-image --no-history recorded a mood"
    failures=$((failures + 1))
  fi
else
  echo "skip: $faces is not present; photo cases not run"
fi

[[ $failures -eq 0 ]]
