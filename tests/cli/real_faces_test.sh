#!/usr/bin/env bash
# scripts/evaluate_real_faces.sh on a miniature of ../shared's layout: the halves by performer and
# by subject, crops measured without detection, the options passed to eval (--margin to the
# photographs' only), the table and JSON.
# Usage: real_faces_test.sh EMOMUSIC MAKE_TINY_MODEL SOURCE_DIR
export EMOMUSIC=$1  # the binary the scripts run
MAKE_TINY_MODEL=$2
SCRIPT=$3/scripts/evaluate_real_faces.sh
WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT
. "$(dirname "$0")/lib.sh"
real_faces_env  # may exit 77: skipped (CTest's SKIP_RETURN_CODE for cli.real_faces)

"$MAKE_TINY_MODEL" "$WORK/m.safetensors" || fail "make_tiny_model"
fer_csv "$FER" 2 Training PublicTest
pgm() { { printf 'P5\n%s %s\n255\n' "$2" "$2"; head -c $(($2 * $2)) /dev/zero | tr '\0' "$3"; } >"$1"; }
# Taiwanese names start with the performer (02, 05, 01 sort to halves A: 01 05, B: 02); grey
# photos hold no face, so each half reports its photos as without a face.
mkdir -p "$FACES/taiwanese-dev/happy" "$FACES/ckplus48/sad" "$FACES/ckplus48/happy"
printf 'path,label\n' >"$FACES/taiwanese-dev/labels.csv"
for name in 0211b01 0511b02 0111b03 0511b04; do
  pgm "$FACES/taiwanese-dev/happy/$name.pgm" 64 '\200'
  echo "happy/$name.pgm,happy" >>"$FACES/taiwanese-dev/labels.csv"
done
# CK+ names start with the subject (S003, S001, S002: A holds S001 and S003, 3 crops; B S002, 1).
printf 'path,label\n' >"$FACES/ckplus48/labels.csv"
for crop in sad/S003_001_01 sad/S001_002_01 happy/S002_001_01 happy/S003_004_01; do
  pgm "$FACES/ckplus48/$crop.pgm" 48 '\150'
  echo "$crop.pgm,${crop%%/*}" >>"$FACES/ckplus48/labels.csv"
done

# --margin goes to the photographs' eval only: eval refuses it without --photos.
expect_exit 0 bash "$SCRIPT" --json --model "$WORK/m.safetensors" --tta none --prior-power 0.5 \
  --margin -0.2
python3 - "$WORK/out" <<'PY' || fail "JSON checks"
import json, sys
r = json.load(open(sys.argv[1]))
assert list(r) == ["taiwanese-a", "taiwanese-b", "ckplus-a", "ckplus-b", "publictest"], list(r)
assert r["taiwanese-a"]["ids"] == ["01", "05"] and r["taiwanese-b"]["ids"] == ["02"], r
assert r["taiwanese-a"]["photos"] == 3 and r["taiwanese-a"]["without_face"] == 3, r["taiwanese-a"]
assert r["ckplus-a"]["ids"] == ["S001", "S003"] and r["ckplus-b"]["ids"] == ["S002"]
# Crops are classified as they are (a grey crop has no face for a detector to find).
assert r["ckplus-a"]["n"] == 3 and r["ckplus-b"]["n"] == 1, (r["ckplus-a"]["n"], r["ckplus-b"]["n"])
assert r["ckplus-a"]["per_class"]["sad"]["support"] == 2
assert r["publictest"]["n"] == 14 and r["publictest"]["split"] == "PublicTest"
assert all(s["prior_power"] == 0.5 and s["tta"] == "none" for s in r.values())
assert [s.get("margin") for s in r.values()] == [-0.2, -0.2, None, None, None], r
PY

expect_exit 0 bash "$SCRIPT" --only ckplus-b,publictest --model "$WORK/m.safetensors" --tta none
expect_in "$WORK/out" "m.safetensors, tta none, prior power 0"
expect_in "$WORK/out" "recall per class"
expect_in "$WORK/out" "^ckplus-b *1 "
expect_in "$WORK/out" "^publictest *14 "
expect_in "$WORK/out" "ckplus-b: S002"
expect_not_in "$WORK/out" "taiwanese"
# Nothing is left behind in the data's folders.
[ "$(find "$FACES" -type f | wc -l)" -eq 10 ] || fail "the script wrote into the data's folders"

# --help is the script's whole header comment, and nothing of its code.
expect_exit 0 bash "$SCRIPT" --help
expect_in "$WORK/out" "^Measures a model"
expect_in "$WORK/out" "fer2013.csv.gz).$"
expect_not_in "$WORK/out" "set -e"

expect_exit 2 bash "$SCRIPT" --only ckplus-c --model "$WORK/m.safetensors"
expect_in "$WORK/err" "unknown set 'ckplus-c'"
expect_exit 4 bash "$SCRIPT" --only publictest --model "$WORK/none.safetensors"
expect_exit 2 bash "$SCRIPT" --only publictest --model "$WORK/m.safetensors" --prior-power -1
echo "real_faces: all checks passed"
