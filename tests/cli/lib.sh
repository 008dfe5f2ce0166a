# Helpers for the CLI smoke tests. Source it; $EMOMUSIC is the binary under test.
set -u
fail() { echo "FAIL: $*" >&2; exit 1; }

# expect_exit CODE CMD...: runs CMD, keeps stdout/stderr in $OUT_FILE/$ERR_FILE, checks the code.
expect_exit() {
  local want=$1; shift
  "$@" >"$WORK/out" 2>"$WORK/err"
  local got=$?
  [ "$got" -eq "$want" ] || { cat "$WORK/err" >&2; fail "'$*' exited $got, expected $want"; }
}
expect_in() { grep -q -- "$2" "$1" || { cat "$1" >&2; fail "'$2' not in $1"; }; }
expect_not_in() { ! grep -q -- "$2" "$1" || fail "'$2' unexpectedly in $1"; }

# real_faces_env: the environment of scripts/evaluate_real_faces.sh and greedy_soup.sh, pointed at
# a miniature under $WORK (FACES, FER); exits 77 (skipped) without python3, which both need.
real_faces_env() {
  command -v python3 >/dev/null ||
    { echo "SKIP: no python3 (the real-faces scripts need it)"; exit 77; }
  export XDG_CACHE_HOME=$WORK/cache FACES=$WORK/faces FER=$WORK/fer.csv
}

# fer_csv FILE ROWS_PER_CLASS SPLIT...: a synthetic FER2013 CSV whose classes are learnable.
fer_csv() {
  local file=$1 per=$2; shift 2
  awk -v per="$per" -v splits="$*" 'BEGIN {
    srand(7); n = split(splits, s, " "); print "emotion,pixels,Usage";
    for (k = 1; k <= n; k++) for (i = 0; i < per; i++) for (c = 0; c < 7; c++) {
      line = c ","; band = 3 + c * 6;
      for (p = 0; p < 2304; p++) { y = int(p / 48); v = (y >= band && y < band + 4) ? 180 : 40;
        line = line (p ? " " : "") int(v + rand() * 60) }
      print line "," s[k] } }' >"$file"
}
