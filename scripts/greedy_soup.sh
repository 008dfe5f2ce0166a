#!/usr/bin/env bash
# A greedy model soup (Wortsman et al. 2022, "Model soups", algorithm 1), chosen on held-out
# halves (issue 18, models/MODEL_CARD.md):
#
#   scripts/greedy_soup.sh --out SOUP [--overwrite] [--on SET,SET…] [--json] MODEL MODEL…
#                          [-- EVAL_OPTION…]
# Each MODEL is measured alone on the --on sets (default taiwanese-a,ckplus-a: the A halves, so
# that the B halves and PublicTest stay held out to confirm the choice) with
# scripts/evaluate_real_faces.sh; a score is the mean of those sets' accuracies. Best first, each
# next model joins the soup if the mean of the weights (emomusic average) with it scores at least
# as well as the soup without it. The soup is written to SOUP: the mean of the models that joined,
# or a copy of the best model when none did. Weights are only worth averaging between fine-tunes
# of one starting network (the soup paper's premise); `emomusic average` refuses networks of
# other shapes (exit 4).
# Prints each step, or with --json one JSON object: {"on", "eval_options", "steps": [{"model",
# "alone", "with", "joined"}], "soup": [models], "score"}; scores are accuracies in [0, 1].
# EVAL_OPTIONs go to every eval (e.g. --tta none --threads 2). Environment: as
# evaluate_real_faces.sh's (EMOMUSIC, FACES, FER). Exit codes: 2 usage, 3 SOUP is one of the
# models or its folder does not exist, 8 the soup could not be written, else
# evaluate_real_faces.sh's or emomusic average's.
set -euo pipefail
shopt -s inherit_errexit  # a failed eval inside $(score …) stops the script with its exit code
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${EMOMUSIC:-${EMOMUSIC_BUILD_DIR:-$ROOT/build}/apps/emomusic/emomusic}
EVALUATE=$ROOT/scripts/evaluate_real_faces.sh

usage() { echo "$1 (see scripts/greedy_soup.sh --help)" >&2; exit 2; }
out=
overwrite=()
on=taiwanese-a,ckplus-a
json=0
models=()
eval_args=()
while [ $# -gt 0 ]; do
  case $1 in
    --out) out=${2:-}; [ -n "$out" ] || usage "--out needs a file"; shift ;;
    --overwrite) overwrite=(--overwrite) ;;
    --on) on=${2:-}; [ -n "$on" ] || usage "--on needs a list of sets"; shift ;;
    --json) json=1 ;;
    -h | --help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
    --) shift; eval_args=("$@"); break ;;
    -*) usage "unknown option '$1'" ;;
    *) models+=("$1") ;;
  esac
  shift
done
[ -n "$out" ] || usage "the soup's file (--out) is missing"
[ "${#models[@]}" -ge 2 ] || usage "a soup needs two models or more"
command -v python3 >/dev/null || { echo "python3 is needed to read the scores" >&2; exit 8; }
[ -x "$BIN" ] || { echo "$BIN: not built (cmake --build build --target emomusic_cli)" >&2; exit 8; }
for m in "${models[@]}"; do
  [ -f "$m" ] || { echo "$m: no such model file" >&2; exit 4; }
  if [ -e "$out" ] && [ "$out" -ef "$m" ]; then
    echo "$out: is one of the models; the soup never overwrites an ingredient" >&2
    exit 3
  fi
done
# Checked before the evals, which take minutes, rather than when the soup is written.
[ -d "$(dirname "$out")" ] || { echo "$out: its folder does not exist" >&2; exit 3; }
if [ -e "$out" ] && [ ${#overwrite[@]} -eq 0 ]; then
  echo "$out: exists (--overwrite replaces it)" >&2
  exit 2
fi

WORK=$(mktemp -d)
tmp=  # the one-model soup's copy, until it is renamed
trap 'rm -rf "$WORK"; [ -z "$tmp" ] || rm -f "$tmp"' EXIT

# score MODEL: the model's mean accuracy on the --on sets.
score() {
  bash "$EVALUATE" --json --only "$on" --model "$1" "${eval_args[@]}" >"$WORK/eval.json"
  python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))
print(repr(sum(s["accuracy"] for s in r.values()) / len(r)))' "$WORK/eval.json"
}

# Each model alone, then best first (ties keep the order given).
: >"$WORK/alone"
for i in "${!models[@]}"; do
  alone=$(score "${models[$i]}")
  printf '%s\t%s\n' "$i" "$alone" >>"$WORK/alone"
done
mapfile -t order < <(sort -t $'\t' -k2,2gr -k1,1n -s "$WORK/alone" | cut -f1)

alone_of() { awk -F'\t' -v i="$1" '$1 == i { print $2 }' "$WORK/alone"; }
soup=("${models[${order[0]}]}")
best=$(alone_of "${order[0]}")
steps=("${models[${order[0]}]}"$'\t'"$best"$'\t'"$best"$'\t'1)
for i in "${order[@]:1}"; do
  candidate=$WORK/candidate.safetensors
  "$BIN" -q average "${soup[@]}" "${models[$i]}" --out "$candidate" --overwrite
  with=$(score "$candidate")
  joined=0
  if python3 -c 'import sys; sys.exit(0 if float(sys.argv[1]) >= float(sys.argv[2]) else 1)' \
    "$with" "$best"; then
    soup+=("${models[$i]}")
    best=$with
    joined=1
  fi
  steps+=("${models[$i]}"$'\t'"$(alone_of "$i")"$'\t'"$with"$'\t'"$joined")
done

if [ "${#soup[@]}" -ge 2 ]; then
  "$BIN" -q average "${soup[@]}" --out "$out" "${overwrite[@]}"
else
  # A copy beside SOUP, then renamed over it: SOUP is never seen half written.
  tmp=$(mktemp "$(dirname "$out")/.soup.XXXXXX")
  cp "${soup[0]}" "$tmp" || { echo "$out: the soup could not be written" >&2; exit 8; }
  mv -f "$tmp" "$out"
fi

printf '%s\n' "${steps[@]}" >"$WORK/steps"
python3 - "$WORK/steps" "$json" "$on" "$out" "$best" "${eval_args[@]}" <<'PY'
import json, sys
steps_file, as_json, on, out = sys.argv[1], sys.argv[2] == "1", sys.argv[3], sys.argv[4]
score, eval_options, steps = float(sys.argv[5]), sys.argv[6:], []
for line in open(steps_file).read().splitlines():
    model, alone, with_, joined = line.split("\t")
    steps.append({"model": model, "alone": float(alone), "with": float(with_),
                  "joined": joined == "1"})
soup = [s["model"] for s in steps if s["joined"]]
if as_json:
    print(json.dumps({"on": on.split(","), "eval_options": eval_options, "steps": steps,
                      "soup": soup, "score": score}, indent=2))
    sys.exit(0)
options = f" ({' '.join(eval_options)})" if eval_options else ""
print(f"mean accuracy on {on}{options}")
print(f"{'':<10}  {'alone':>7} {'soup with it':>13}  model")
for k, s in enumerate(steps):
    verdict = "first" if k == 0 else ("joins" if s["joined"] else "left out")
    print(f"{verdict:<10}  {100 * s['alone']:6.2f}% {100 * s['with']:12.2f}%  {s['model']}")
print(f"soup of {len(soup)}: {100 * score:.2f}% -> {out}")
PY
