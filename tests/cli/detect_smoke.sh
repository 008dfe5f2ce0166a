#!/usr/bin/env bash
# CLI smoke tests of `emomusic detect`: exit codes and messages for every error case, and real
# output when ../shared/data/faces/taiwanese-dev is present.
# Usage: detect_smoke.sh EMOMUSIC MAKE_TINY_MODEL FACES_DIR
set -uo pipefail
emomusic=$1
make_model=$2
faces=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
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
  rows=$("$emomusic" detect "${m[@]}" --dir "$faces/happy" --format csv 2>/dev/null | wc -l)
  if [[ $rows -lt 50 ]]; then
    echo "FAIL: --dir happy gave $rows csv lines"
    failures=$((failures + 1))
  else
    echo "ok: --dir happy gave $rows csv lines"
  fi
else
  echo "skip: $faces is not present; photo cases not run"
fi

[[ $failures -eq 0 ]]
