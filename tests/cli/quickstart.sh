#!/usr/bin/env bash
# The README's quick start, run as written: the lines of its "```sh quickstart" block, taken from
# README.md itself so that the two cannot drift. They run in a scratch checkout whose
# build/apps/emomusic/emomusic is the binary under test and whose ../shared is the project's, with
# HOME and every XDG folder in the scratch folder, so the user's own files are never touched.
#   quickstart.sh path/to/emomusic SOURCE_DIR      exit 77 (skipped) when ../shared is absent
EMOMUSIC=$(realpath "$1")
SRC=$(realpath "$2")
WORK=$(mktemp -d)
SERVER=
cleanup() {
  [ -n "$SERVER" ] && kill -KILL "$SERVER" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT
. "$(dirname "$0")/lib.sh"

SHARED=$(dirname "$SRC")/shared
if [ ! -d "$SHARED/data" ]; then
  echo "SKIP: $SHARED/data is absent; the README's quick start reads it"
  exit 77
fi
command -v curl >/dev/null || { echo "SKIP: curl is not installed"; exit 77; }

mapfile -t LINES < <(awk '/^```sh quickstart$/ { on = 1; next } on && /^```/ { exit } on && NF' \
  "$SRC/README.md")
[ "${#LINES[@]}" -gt 0 ] || fail "README.md has no \"\`\`\`sh quickstart\" block"

mkdir -p "$WORK/checkout/build/apps/emomusic" "$WORK/home"
ln -s "$EMOMUSIC" "$WORK/checkout/build/apps/emomusic/emomusic"
ln -s "$SHARED" "$WORK/shared"
export HOME=$WORK/home XDG_DATA_HOME=$WORK/home/data XDG_CONFIG_HOME=$WORK/home/config \
  XDG_CACHE_HOME=$WORK/home/cache
unset SPOTIFY_CLIENT_ID SPOTIFY_CLIENT_SECRET EMOMUSIC_MODEL
cd "$WORK/checkout" || fail "no scratch checkout"
BIN=build/apps/emomusic/emomusic

# run LINE: the line through bash, as a user's shell would; stdout and stderr kept apart.
run() {
  echo "+ $1"
  bash -c "$1" >"$WORK/out" 2>"$WORK/err"
  local got=$?
  [ "$got" -eq 0 ] || { cat "$WORK/err" >&2; fail "'$1' exited $got"; }
}

# serve LINE: the server in the background until it prints its address; the page and
# /api/health answer; SIGTERM stops it with exit 0.
serve() {
  echo "+ $1 &"
  bash -c "exec $1" >"$WORK/out" 2>"$WORK/err" &
  SERVER=$!
  local url=
  for _ in $(seq 600); do
    url=$(head -n 1 "$WORK/out")
    [ -n "$url" ] && break
    kill -0 "$SERVER" 2>/dev/null || { cat "$WORK/err" >&2; fail "'$1' ended before serving"; }
    sleep 0.1
  done
  [[ $url == http://127.0.0.1:*/ ]] || fail "'$1' printed '$url', not the page's address"
  curl -sf "$url" | grep -q "<html" || fail "$url did not answer with the page"
  curl -sf "${url}api/health" >"$WORK/health" || fail "${url}api/health did not answer"
  expect_in "$WORK/health" '"status":"ok"'
  kill -TERM "$SERVER"
  wait "$SERVER"
  local got=$?
  SERVER=
  [ "$got" -eq 0 ] || { cat "$WORK/err" >&2; fail "'$1' exited $got on SIGTERM, expected 0"; }
}

for line in "${LINES[@]}"; do
  read -r -a words <<<"$line"
  [ "${words[0]}" = "$BIN" ] || fail "a quick start line that does not run $BIN: $line"
  case "${words[1]} ${words[2]:-}" in
    "catalog import")
      run "$line"
      held=$(sed -n 's/.* now holds \([0-9]*\) tracks$/\1/p' "$WORK/out")
      [ "${held:-0}" -gt 1000 ] || { cat "$WORK/out"; fail "'$line' imported too few tracks"; }
      expect_exit 0 "$BIN" catalog stats --json
      expect_in "$WORK/out" "\"tracks\": $held,"
      ;;
    recommend*)
      run "$line"
      limit=$(sed -n 's/.*--limit \([0-9]*\).*/\1/p' <<<"$line")
      rows=$(grep -c 'open.spotify.com/track/' "$WORK/out")
      [ "$rows" -eq "${limit:-20}" ] || { cat "$WORK/out"; fail "'$line' printed $rows tracks"; }
      expect_not_in "$WORK/err" "starter catalog"
      ;;
    serve*) serve "$line" ;;
    train*)
      run "$line"
      out=$(sed -n 's/.*--out \([^ ]*\).*/\1/p' <<<"$line")
      out=${out:-runs/emotion.safetensors}  # train's default
      [ -s "$out" ] || fail "'$line' wrote no model at $out"
      [ -s "${out%.safetensors}.metrics.csv" ] || fail "'$line' wrote no metrics beside $out"
      ;;
    *) fail "no check for this quick start line (add one to $0): $line" ;;
  esac
done
echo "the README's quick start ran: ${#LINES[@]} commands"
