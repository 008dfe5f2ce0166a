#!/usr/bin/env bash
# Measures a model (or ensemble) and its settings on real faces, split so that a choice made on
# one half can be confirmed on the other (issue 18, models/MODEL_CARD.md):
#   taiwanese-a, taiwanese-b  taiwanese-dev photographs through the whole pipeline (eval --photos:
#                             detection, crop, classification), split by performer
#   ckplus-a, ckplus-b        CK+48's 48×48 crops as an image folder (eval --data: no detection),
#                             split by subject
#   publictest                FER2013 PublicTest
# A half holds every other id in sorted order (the 1st, 3rd, … performer or subject in A; the 2nd,
# 4th, … in B), so the halves are the same on every machine; the ids of each are printed. The
# halves are made in a temporary folder (a filtered labels file; links to the crops) that is
# removed at the end: no data is copied.
#
#   scripts/evaluate_real_faces.sh [--json] [--only SET,SET…] [--margin M] [EVAL_OPTION…]
# EVAL_OPTIONs go to every `emomusic eval` (e.g. --model A --model B --tta none --prior-power 0.5
# --threads 1); --margin only to the photographs' (the crop around each detected face; CK+ crops
# and PublicTest are already cropped); --only names the sets to run (default: all five). Prints
# a table (accuracy, macro-F1 and recall per class for each set) or, with --json, one JSON object
# whose members are the sets' `eval --json` results with the ids of each half.
# Environment: EMOMUSIC (the binary; default EMOMUSIC_BUILD_DIR/apps/emomusic/emomusic, with
# EMOMUSIC_BUILD_DIR build), FACES (../shared/data/faces: holds taiwanese-dev/ and
# ckplus48/, each with labels.csv), FER (../shared/data/fer2013/fer2013.csv.gz).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${EMOMUSIC:-${EMOMUSIC_BUILD_DIR:-$ROOT/build}/apps/emomusic/emomusic}
FACES=${FACES:-$ROOT/../shared/data/faces}
FER=${FER:-$ROOT/../shared/data/fer2013/fer2013.csv.gz}
ALL_SETS=taiwanese-a,taiwanese-b,ckplus-a,ckplus-b,publictest

json=0
only=$ALL_SETS
eval_args=()
photo_args=()
while [ $# -gt 0 ]; do
  case $1 in
    --json) json=1 ;;
    --only) only=${2:?--only needs a list of sets}; shift ;;
    --margin) photo_args=(--margin "${2:?--margin needs a number}"); shift ;;
    -h | --help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
    *) eval_args+=("$1") ;;
  esac
  shift
done
IFS=, read -r -a sets <<<"$only"
for s in "${sets[@]}"; do
  case ",$ALL_SETS," in *",$s,"*) ;; *) echo "unknown set '$s'; expected $ALL_SETS" >&2; exit 2 ;; esac
done
command -v python3 >/dev/null || { echo "python3 is needed to format the results" >&2; exit 8; }
[ -x "$BIN" ] || { echo "$BIN: not built (cmake --build build --target emomusic_cli)" >&2; exit 8; }

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# halves LABELS_CSV ID_AWK: writes $WORK/<half>.ids and, per half, the labels file's lines with
# absolute paths ($WORK/<half>.csv). ID_AWK turns a file name (field `name`) into the id.
halves() {
  local labels=$1 id_expr=$2 prefix=$3
  [ -f "$labels" ] || { echo "$labels: no such file" >&2; exit 3; }
  local dir
  dir=$(cd "$(dirname "$labels")" && pwd)
  awk -F, -v dir="$dir" -v out="$WORK/$prefix" '
    NR == 1 && $0 ~ /^path,label/ { next }
    NF >= 2 {
      path = $1; label = $NF; n = split(path, parts, "/"); name = parts[n]; '"$id_expr"'
      if (!(id in seen)) { seen[id] = 1; ids[++count] = id }
      line[NR] = (path ~ /^\// ? path : dir "/" path) "," label; of[NR] = id
    }
    END {
      # Sorted ids, alternately to A and B.
      for (i = 1; i <= count; i++) for (j = i + 1; j <= count; j++)
        if (ids[j] < ids[i]) { t = ids[i]; ids[i] = ids[j]; ids[j] = t }
      for (i = 1; i <= count; i++) half[ids[i]] = (i % 2 ? "a" : "b")
      printf "" > (out "-a.ids"); printf "" > (out "-b.ids")
      for (i = 1; i <= count; i++) print ids[i] >> (out "-" half[ids[i]] ".ids")
      print "path,label" > (out "-a.csv"); print "path,label" > (out "-b.csv")
      for (r = 1; r <= NR; r++) if (r in line) print line[r] >> (out "-" half[of[r]] ".csv")
    }' "$labels"
}

# ckplus_folder HALF: links the half's crops into $WORK/ckplus-HALF/<label>/, the layout
# `eval --data` reads as one split ("all").
ckplus_folder() {
  local folder=$WORK/ckplus-$1 label
  for label in $(tail -n +2 "$WORK/ckplus-$1.csv" | sed 's/.*,//' | sort -u); do
    mkdir -p "$folder/$label"
    tail -n +2 "$WORK/ckplus-$1.csv" | awk -F, -v l="$label" '$NF == l { sub(/,[^,]*$/, ""); print }' |
      tr '\n' '\0' | xargs -0 ln -s -t "$folder/$label"
  done
  echo "$folder"
}

run_eval() {  # NAME ARGS…: eval --json into $WORK/NAME.json; exit 5 (some unreadable) or 7 (no
  local name=$1 code=0; shift  # face in any) still leave metrics to report
  "$BIN" -q eval "$@" "${eval_args[@]}" --json >"$WORK/$name.json" || code=$?
  case $code in 0 | 5 | 7) ;; *) echo "eval on $name failed (exit $code)" >&2; exit "$code" ;; esac
}

needs() { case ",$only," in *",$1"*) return 0 ;; *) return 1 ;; esac; }
if needs taiwanese; then
  # Taiwanese file names start with the performer's two digits (0101a02.jpg: performer 01).
  halves "$FACES/taiwanese-dev/labels.csv" 'id = substr(name, 1, 2)' taiwanese
fi
if needs ckplus; then
  # CK+ file names start with the subject (S010_004_00000017.png: subject S010).
  halves "$FACES/ckplus48/labels.csv" 'id = name; sub(/_.*/, "", id)' ckplus
fi
for s in "${sets[@]}"; do
  case $s in
    taiwanese-*) run_eval "$s" --photos "$WORK/$s.csv" "${photo_args[@]}" ;;
    ckplus-*) run_eval "$s" --data "$(ckplus_folder "${s#ckplus-}")" --no-cache --split all ;;
    publictest) run_eval "$s" --data "$FER" --split PublicTest ;;
  esac
done

python3 - "$WORK" "$json" "${sets[@]}" <<'PY'
import json, os, sys
work, as_json, sets = sys.argv[1], sys.argv[2] == "1", sys.argv[3:]
results = {}
for s in sets:
    r = json.load(open(os.path.join(work, s + ".json")))
    ids = os.path.join(work, s + ".ids")
    if os.path.exists(ids):
        r["ids"] = open(ids).read().split()
    results[s] = r
if as_json:
    print(json.dumps(results, indent=2))
    sys.exit(0)
first = results[sets[0]]
margin = next((f", margin {r['margin']}" for r in results.values() if "margin" in r), "")
print(f"{first.get('model', '?')}, tta {first.get('tta', '?')}, prior power {first.get('prior_power', 0)}{margin}")
classes = first["classes"]
print(f"{'set':<12} {'n':>5} {'accuracy':>9} {'macro-F1':>9}  " +
      " ".join(f"{c[:8]:>8}" for c in classes) + "   (recall per class)")
for s, r in results.items():
    recall = " ".join(f"{100 * r['per_class'][c]['recall']:7.1f}%" for c in classes)
    print(f"{s:<12} {r['n']:>5} {100 * r['accuracy']:8.2f}% {100 * r['macro_f1']:8.2f}%  {recall}")
for s, r in results.items():
    if "ids" in r:
        print(f"{s}: {' '.join(r['ids'])}")
    if r.get("without_face"):
        print(f"{s}: no face found in {r['without_face']} of {r['photos']} photos (not in n)")
PY
