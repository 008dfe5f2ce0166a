#!/usr/bin/env bash
# Issue 11, "nothing lost, nothing crashes": detect and eval on crafted inputs. Every case gets the
# documented exit code and a message naming the file, never a LibTorch backtrace, and no input is
# ever replaced.
# Usage: detect_safety.sh EMOMUSIC MAKE_TINY_MODEL MAKE_TEST_MEDIA
set -uo pipefail
emomusic=$1
make_model=$2
make_media=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/lib.sh"  # fer_csv
export XDG_CACHE_HOME=$tmp/cache
failures=0
# Unlike lib.sh's, goes on: one run reports every failing case.
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

# expect CODE PATTERN ARGS…: runs emomusic, checks the exit code, that stdout+stderr match PATTERN
# and that nothing crashed through (LibTorch's "Exception raised from", an abort).
expect() {
  local code=$1 pattern=$2
  shift 2
  local out
  out=$(timeout 60 "$emomusic" "$@" 2>&1 </dev/null)
  local got=$?
  if [[ $got -ne $code ]] || ! grep -Eq -- "$pattern" <<<"$out" ||
    grep -q "Exception raised from\|terminate called" <<<"$out"; then
    fail "$* -> exit $got (want $code, /$pattern/), output:"
    echo "$out" | head -20
  else
    echo "ok: $* -> $got"
  fi
}

# valid_json FILE: the whole file parses as JSON (or as JSON lines with --lines).
valid_json() {
  if command -v python3 >/dev/null; then
    python3 -c 'import json, sys
text = open(sys.argv[1], encoding="utf-8").read()
[json.loads(l) for l in text.splitlines()] if sys.argv[2:] else json.loads(text)' "$@"
  elif command -v jq >/dev/null; then
    jq -e . "$1" >/dev/null
  else
    echo "skip: neither python3 nor jq to check JSON"
  fi
}

"$make_model" "$tmp/m.safetensors" || exit 1
m=(--model "$tmp/m.safetensors")
{ printf 'P5 64 64 255\n'; head -c 4096 /dev/zero | tr '\0' '\132'; } >"$tmp/in.pgm"

# 1. An output that is an input (itself, a symlink, a hard link, a folder holding it) is refused
# before anything is written; same-named inputs get distinct annotated copies.
cp "$tmp/in.pgm" "$tmp/keep.pgm"
ln -s "$tmp/in.pgm" "$tmp/sym.pgm"
ln "$tmp/in.pgm" "$tmp/hard.pgm"
expect 3 "in.pgm is an input" detect "${m[@]}" --image "$tmp/in.pgm" -o "$tmp/in.pgm"
expect 3 "sym.pgm is an input" detect "${m[@]}" --image "$tmp/in.pgm" -o "$tmp/sym.pgm"
expect 3 "hard.pgm is an input" detect "${m[@]}" --image "$tmp/in.pgm" -o "$tmp/hard.pgm"
expect 3 "is an input" detect "${m[@]}" --image "$tmp/keep.pgm" "$tmp/in.pgm" -o "$tmp/in.pgm"
mkdir -p "$tmp/a" "$tmp/b"
"$make_media" png "$tmp/a/x.png" 4 4 && cp "$tmp/a/x.png" "$tmp/b/x.png" && cp "$tmp/a/x.png" "$tmp/x.keep" || exit 1
expect 3 "is an input" detect "${m[@]}" --image "$tmp/a/x.png" "$tmp/b/x.png" -o "$tmp/a"
cmp -s "$tmp/in.pgm" "$tmp/keep.pgm" && cmp -s "$tmp/a/x.png" "$tmp/x.keep" || fail "an input was overwritten"
[[ -d $tmp/in.pgm/ ]] && fail "an input became a folder"
expect 7 "no face" detect "${m[@]}" --image "$tmp/a/x.png" "$tmp/b/x.png" "$tmp/in.pgm" -o "$tmp/out"
[[ -s $tmp/out/x.png && -s $tmp/out/x-2.png && -s $tmp/out/in.png ]] || fail "annotated copies: $(ls "$tmp/out")"
"$make_media" video "$tmp/clip.avi" 6 || exit 1
cp "$tmp/clip.avi" "$tmp/clip.keep"
expect 3 "clip.avi is an input" detect "${m[@]}" --video "$tmp/clip.avi" -o "$tmp/clip.avi"
cmp -s "$tmp/clip.avi" "$tmp/clip.keep" || fail "the input video was overwritten"

# 2 and 3. Crafted model files: exit 4 at once, naming the file; eval reads classes by name.
for how in huge-channels huge-input deep nan std0 i32 letters twice; do
  "$make_model" "$tmp/$how.safetensors" "$how" || exit 1
  expect 4 "$how.safetensors" detect --model "$tmp/$how.safetensors" --image "$tmp/in.pgm"
done
fer_csv "$tmp/fer.csv" 2 PublicTest
for how in letters twice nan std0; do
  expect 4 "$how.safetensors" eval --model "$tmp/$how.safetensors" --data "$tmp/fer.csv"
done

# 4. Undecodable frames in the middle: skipped, each reported, the rest analysed, exit 5 (or 7
# here, where the frames hold no face); the summary counts them.
"$make_media" video "$tmp/holes.avi" 10 3 4 7 || exit 1
expect 7 "frame 3 could not be decoded.*|undecodable" detect "${m[@]}" --video "$tmp/holes.avi"
out=$("$emomusic" detect "${m[@]}" --video "$tmp/holes.avi" --format jsonl 2>"$tmp/err")
[[ $(wc -l <<<"$out") -eq 7 ]] || fail "holes.avi: $(wc -l <<<"$out") frames reported, want 7"
grep -q '"frame":9' <<<"$out" || fail "holes.avi: frames after the bad ones were dropped"
grep -q "3 undecodable frame(s) skipped" "$tmp/err" || fail "holes.avi: no count in: $(cat "$tmp/err")"
for f in 3 4 7; do grep -q "frame $f could not be decoded" "$tmp/err" || fail "frame $f not reported"; done
"$make_media" video "$tmp/none.avi" 3 0 1 2 || exit 1
expect 3 "none.avi: none of its 3 frames" detect "${m[@]}" --video "$tmp/none.avi"

# 5. Images that lie about their size, are cut short or never end.
"$make_media" png "$tmp/huge.png" 30000 30000 || exit 1
expect 3 "huge.png is a PNG image of 30000×30000 pixels" detect "${m[@]}" --image "$tmp/huge.png"
"$emomusic" detect "${m[@]}" --image "$tmp/in.pgm" -o "$tmp/whole.jpg" >/dev/null 2>&1
[[ -s $tmp/whole.jpg ]] || fail "no JPEG written to cut"
head -c $(($(stat -c %s "$tmp/whole.jpg") * 2 / 3)) "$tmp/whole.jpg" >"$tmp/cut.jpg"
expect 3 "cut.jpg is a truncated JPEG" detect "${m[@]}" --image "$tmp/cut.jpg"
expect 3 "larger than the limit" detect "${m[@]}" --image /dev/zero

# Found on the way: a malformed face-detector cascade is a bad model file, not an internal error.
printf '<?xml version="1.0"?>\n<opencv_storage><cascade><height>x' >"$tmp/bad.xml"
expect 4 "bad.xml could not be loaded" detect "${m[@]}" --cascade "$tmp/bad.xml" --image "$tmp/in.pgm"

# 6. A file name that is not UTF-8: valid JSON, and the other image is still reported.
odd=$(printf '%s/caf\xff.pgm' "$tmp")
cp "$tmp/in.pgm" "$odd"
for format in json jsonl; do
  "$emomusic" detect "${m[@]}" --image "$odd" "$tmp/in.pgm" --format $format >"$tmp/out.$format" \
    2>"$tmp/err"
  code=$?
  [[ $code -eq 7 ]] || fail "non-UTF-8 name, $format: exit $code: $(cat "$tmp/err")"
  if [[ $format == jsonl ]]; then lines=lines; else lines=; fi
  valid_json "$tmp/out.$format" $lines || fail "non-UTF-8 name: invalid $format"
  grep -q "in.pgm" "$tmp/out.$format" || fail "non-UTF-8 name, $format: in.pgm not reported"
done
"$make_model" "$(printf '%s/m\xff.safetensors' "$tmp")" || exit 1
"$emomusic" eval --model "$(printf '%s/m\xff.safetensors' "$tmp")" --data "$tmp/fer.csv" --json \
  >"$tmp/eval.json" 2>"$tmp/err" || fail "eval with a non-UTF-8 model name: $(cat "$tmp/err")"
valid_json "$tmp/eval.json" || fail "eval --json with a non-UTF-8 model name: invalid JSON"

[[ $failures -eq 0 ]] && echo "detect_safety: all checks passed"
[[ $failures -eq 0 ]]
