#!/usr/bin/env bash
# scripts/greedy_soup.sh on tiny fine-tunes of one tiny network: the order of its steps, each
# decision against the scores it printed, the soup it writes (and that file's own score), and
# its refusals.
# Usage: greedy_soup_test.sh EMOMUSIC SOURCE_DIR
export EMOMUSIC=$1  # the binary the scripts run
SCRIPT=$2/scripts/greedy_soup.sh
EVALUATE=$2/scripts/evaluate_real_faces.sh
WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT
. "$(dirname "$0")/lib.sh"
real_faces_env  # may exit 77: skipped (CTest's SKIP_RETURN_CODE for cli.greedy_soup)

fer_csv "$FER" 6 Training PublicTest
# CK+ crops with the FER fixture's pattern (class c: a bright band at rows 3+6c…), two subjects.
mkdir -p "$FACES/ckplus48"
printf 'path,label\n' >"$FACES/ckplus48/labels.csv"
c=0
for label in angry disgust fear happy sad surprise neutral; do
  mkdir -p "$FACES/ckplus48/$label"
  for subject in S001 S002; do
    LC_ALL=C awk -v c=$c -v s="$subject" 'BEGIN { srand(c * 10 + (s == "S001"));
      printf "P5\n48 48\n255\n"; for (p = 0; p < 2304; p++) { y = int(p / 48);
        printf "%c", int((y >= 3 + c * 6 && y < 7 + c * 6 ? 180 : 40) + rand() * 60) } }' \
      >"$FACES/ckplus48/$label/${subject}_001_01.pgm"
    echo "$label/${subject}_001_01.pgm,$label" >>"$FACES/ckplus48/labels.csv"
  done
  c=$((c + 1))
done

# One start, three fine-tunes of it (the soup's premise), and a network of another shape.
expect_exit 0 "$EMOMUSIC" train --data "$FER" --out "$WORK/start.safetensors" --epochs 2 \
  --channels "8,16" --hidden 16 --batch-size 16 --threads 1
for seed in 1 2 3; do
  expect_exit 0 "$EMOMUSIC" train --data "$FER" --init "$WORK/start.safetensors" --seed $seed \
    --lr 0.0$seed --epochs 1 --out "$WORK/ft$seed.safetensors" --batch-size 16 --threads 1
done
expect_exit 0 "$EMOMUSIC" train --data "$FER" --out "$WORK/other.safetensors" --epochs 1 \
  --channels "4,8" --hidden 8 --batch-size 16 --threads 1
models=("$WORK/ft1.safetensors" "$WORK/ft2.safetensors" "$WORK/ft3.safetensors" \
  "$WORK/start.safetensors")
cp "$WORK/ft1.safetensors" "$WORK/ft1.copy"

ON=(--on "publictest,ckplus-a")
expect_exit 0 bash "$SCRIPT" --json "${ON[@]}" --out "$WORK/soup.safetensors" "${models[@]}" \
  -- --tta none --threads 1
python3 - "$WORK/out" "${models[@]}" <<'PY' || fail "the soup's steps"
import json, sys
r = json.load(open(sys.argv[1]))
given = sys.argv[2:]
steps = r["steps"]
assert r["on"] == ["publictest", "ckplus-a"], r["on"]
assert r["eval_options"] == ["--tta", "none", "--threads", "1"], r["eval_options"]
assert sorted(s["model"] for s in steps) == sorted(given), steps
alone = [s["alone"] for s in steps]
assert alone == sorted(alone, reverse=True), "not best first: %s" % alone
assert steps[0]["joined"] and steps[0]["with"] == steps[0]["alone"], steps[0]
best = steps[0]["alone"]
for s in steps[1:]:
    assert s["joined"] == (s["with"] >= best), (s, best)
    if s["joined"]:
        best = s["with"]
assert r["score"] == best, (r["score"], best)
assert r["soup"] == [s["model"] for s in steps if s["joined"]], r["soup"]
open(sys.argv[1] + ".soup", "w").write("\n".join(r["soup"]) + "\n")
open(sys.argv[1] + ".score", "w").write(repr(r["score"]))
PY
score=$(cat "$WORK/out.score")
mapfile -t soup <"$WORK/out.soup"
# The file written is that soup: its models' mean (the same tensors as averaging them again; the
# header records its own command) or the best model itself, and it scores what the steps said.
if [ "${#soup[@]}" -ge 2 ]; then
  "$EMOMUSIC" average "${soup[@]}" --out "$WORK/again.safetensors" || fail "average again"
  python3 - "$WORK/soup.safetensors" "$WORK/again.safetensors" "${soup[@]}" <<'PY' ||
import json, os, struct, sys
def parts(path):
    data = open(path, "rb").read()
    n = struct.unpack("<Q", data[:8])[0]
    return json.loads(data[8:8 + n]), data[8 + n:]
(header, tensors), (_, again) = parts(sys.argv[1]), parts(sys.argv[2])
assert tensors == again, "other tensors than the mean of its models"
made_of = [p["file"] for p in json.loads(header["__metadata__"]["training"])["averaged_from"]]
assert made_of == [os.path.basename(m) for m in sys.argv[3:]], made_of
PY
    fail "the soup is not its models' mean"
else
  cmp -s "${soup[0]}" "$WORK/soup.safetensors" || fail "the one-model soup is not that model"
fi
bash "$EVALUATE" --json --only publictest,ckplus-a --model "$WORK/soup.safetensors" --tta none \
  --threads 1 >"$WORK/soup.json" || fail "evaluating the soup"
python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))
got = sum(s["accuracy"] for s in r.values()) / len(r)
assert abs(got - float(sys.argv[2])) < 1e-9, (got, sys.argv[2])' "$WORK/soup.json" "$score" \
  || fail "the soup does not score what the steps said"

# The table names each step and where the soup went.
expect_exit 0 bash "$SCRIPT" "${ON[@]}" --out "$WORK/soup.safetensors" --overwrite \
  "${models[@]:0:2}"
expect_in "$WORK/out" "^first "
expect_in "$WORK/out" "soup of [12]: .* -> $WORK/soup.safetensors"

# A fine-tune that learnt the wrong labels (each class as the next) never joins: the soup is the
# best model alone, copied. A copy that fails (a `cp` that fails, as on a full disk) is exit 8,
# leaving neither the soup nor its temporary copy.
awk -F, 'NR == 1 { print; next } { $1 = ($1 + 1) % 7; print }' OFS=, "$FER" >"$WORK/wrong.csv"
expect_exit 0 "$EMOMUSIC" train --data "$FER" --out "$WORK/right.safetensors" --epochs 8 \
  --lr 0.01 --channels "8,16" --hidden 16 --batch-size 16 --threads 1
expect_exit 0 "$EMOMUSIC" train --data "$WORK/wrong.csv" --init "$WORK/right.safetensors" \
  --out "$WORK/wrong.safetensors" --epochs 8 --lr 0.01 --batch-size 16 --threads 1
pair=("$WORK/right.safetensors" "$WORK/wrong.safetensors")
mkdir "$WORK/one"
expect_exit 0 bash "$SCRIPT" --json --on publictest --out "$WORK/one/soup.safetensors" \
  "${pair[@]}" -- --tta none --threads 1
python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))
assert r["soup"] == [sys.argv[2]] and not r["steps"][1]["joined"], r' "$WORK/out" "${pair[0]}" \
  || fail "the wrong-label fine-tune joined the soup"
cmp -s "$WORK/right.safetensors" "$WORK/one/soup.safetensors" || fail "the soup is not the copy"
mkdir "$WORK/failing"
printf '#!/bin/sh\nexit 1\n' >"$WORK/failing/cp"
chmod +x "$WORK/failing/cp"
PATH=$WORK/failing:$PATH expect_exit 8 bash "$SCRIPT" --on publictest \
  --out "$WORK/one/x.safetensors" "${pair[@]}" -- --tta none --threads 1
expect_in "$WORK/err" "x.safetensors: the soup could not be written"
[ "$(ls -A "$WORK/one")" = soup.safetensors ] || fail "a failed copy left: $(ls -A "$WORK/one")"

# --help is the script's whole header comment, and nothing of its code.
expect_exit 0 bash "$SCRIPT" --help
expect_in "$WORK/out" "^A greedy model soup"
expect_in "$WORK/out" "average's.$"
expect_not_in "$WORK/out" "set -e"

# Refusals: an existing soup without --overwrite (2), a soup onto one of its models (3), one
# model (2), a missing folder (3), no --out (2), a network of another shape (4, nothing written).
expect_exit 2 bash "$SCRIPT" "${ON[@]}" --out "$WORK/soup.safetensors" "${models[@]}"
expect_in "$WORK/err" "exists"
expect_exit 3 bash "$SCRIPT" "${ON[@]}" --out "$WORK/ft1.safetensors" --overwrite "${models[@]}"
cmp -s "$WORK/ft1.safetensors" "$WORK/ft1.copy" || fail "the soup wrote over one of its models"
expect_exit 2 bash "$SCRIPT" "${ON[@]}" --out "$WORK/x.safetensors" "$WORK/ft1.safetensors"
# A soup with nowhere to go is refused before any eval: the binary, behind a wrapper that logs
# each call, is never run.
printf '#!/bin/sh\necho "$*" >>"%s"\nexec "%s" "$@"\n' "$WORK/calls" "$EMOMUSIC" >"$WORK/logged"
chmod +x "$WORK/logged"
EMOMUSIC=$WORK/logged expect_exit 3 bash "$SCRIPT" "${ON[@]}" --out "$WORK/no/soup.safetensors" \
  "${models[@]}"
expect_in "$WORK/err" "no/soup.safetensors: its folder does not exist"
[ ! -e "$WORK/calls" ] || fail "evals ran before the folder was checked: $(cat "$WORK/calls")"
expect_exit 0 "$WORK/logged" --version
[ -s "$WORK/calls" ] || fail "the logging wrapper logs nothing"
expect_exit 2 bash "$SCRIPT" "${ON[@]}" "${models[@]}"
expect_exit 4 bash "$SCRIPT" "${ON[@]}" --out "$WORK/x.safetensors" "$WORK/ft1.safetensors" \
  "$WORK/other.safetensors" -- --tta none
[ ! -e "$WORK/x.safetensors" ] || fail "a refused soup was written"
echo "greedy_soup: all checks passed"
