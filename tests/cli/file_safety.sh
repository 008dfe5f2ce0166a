#!/usr/bin/env bash
# Issue 22 (round two), issue 24: no output replaces an input or a device; outputs go into
# folders that exist; standard output that cannot be written is an error; inputs that never end
# are refused while reading; a bad path or a full disk is not an internal error; a killed writer's
# temporary file goes at the next write. Usage: file_safety.sh path/to/emomusic
set -u
BIN=$1
WORK=$(mktemp -d)
trap 'jobs -p | xargs -r kill 2>/dev/null; rm -rf "$WORK"' EXIT
export XDG_CACHE_HOME=$WORK/cache XDG_DATA_HOME=$WORK/data
. "$(dirname "$0")/lib.sh"  # fer_csv
. "$(dirname "$0")/../support/checks.sh"  # its fail() counts and goes on
set +u
TINY=(--channels 8,16 --hidden 16 --batch-size 16 --threads 2 --epochs 1)
# A guard, never the expected way out: a command that hits it has hung.
T=(timeout "${GUARD:-60}")

sum() { md5sum <"$1"; }
# unchanged FILE SUM WHAT: FILE still has checksum SUM.
unchanged() { [ "$(sum "$1")" = "$2" ] || fail "$3: $1 was changed"; }
# said PATTERN WHAT: stderr of the last command holds PATTERN.
said() { grep -q -- "$1" "$WORK/err" || fail "$2: '$1' not in: $(head -c 600 "$WORK/err")"; }

fer_csv "$WORK/d.csv" 3 Training PublicTest
gzip -c "$WORK/d.csv" >"$WORK/d.csv.gz"
cp "$WORK/d.csv" "$WORK/pristine.csv"
D=$(sum "$WORK/d.csv")
DGZ=$(sum "$WORK/d.csv.gz")
expect 0 "train a tiny model" -- "${T[@]}" "$BIN" train --data "$WORK/d.csv" --out "$WORK/m.safetensors" "${TINY[@]}"
M=$(sum "$WORK/m.safetensors")

# 1. An output that is, or links to, an input: exit 3 before anything is written, with or
# without --overwrite, naming both files; the input is unchanged.
ln -s "$WORK/d.csv" "$WORK/link.csv"
for out in d.csv link.csv; do
  for overwrite in "" --overwrite; do
    expect 3 "train --out $out $overwrite" -- "$BIN" train --data "$WORK/d.csv" --out "$WORK/$out" \
      "${TINY[@]}" $overwrite
    said "is an input" "train --out $out $overwrite"
    said "d.csv" "train --out $out $overwrite"
  done
done
expect 3 "train --out d.csv.gz" -- "$BIN" train --data "$WORK/d.csv.gz" --out "$WORK/d.csv.gz" "${TINY[@]}" --overwrite
said "is an input" "train --out d.csv.gz"
expect 3 "train --checkpoint onto the data" -- "$BIN" train --data "$WORK/d.csv" --out "$WORK/n.safetensors" \
  --checkpoint "$WORK/d.csv" "${TINY[@]}"
said "is an input" "train --checkpoint onto the data"
cp "$WORK/d.csv" "$WORK/x.metrics.csv"
expect 3 "train whose metrics CSV is the data" -- "$BIN" train --data "$WORK/x.metrics.csv" \
  --out "$WORK/x.safetensors" "${TINY[@]}"
said "is an input" "train whose metrics CSV is the data"
expect 3 "train --out onto --init" -- "$BIN" train --data "$WORK/d.csv" --init "$WORK/m.safetensors" \
  --out "$WORK/m.safetensors" --batch-size 16 --threads 2 --epochs 1 --overwrite
said "is an input" "train --out onto --init"
for plot in d.csv m.safetensors; do
  expect 3 "eval --plot $plot" -- "$BIN" eval --model "$WORK/m.safetensors" --data "$WORK/d.csv" --plot "$WORK/$plot"
  said "is an input" "eval --plot $plot"
done
unchanged "$WORK/d.csv" "$D" "outputs onto inputs"
unchanged "$WORK/d.csv.gz" "$DGZ" "outputs onto inputs"
unchanged "$WORK/m.safetensors" "$M" "outputs onto inputs"
cp "$WORK/pristine.csv" "$WORK/d.csv"  # so that a failure above does not hide those below

# 24.5: an output whose folder does not exist is refused, naming the folder, which is not made.
expect 3 "eval --plot into a missing folder" -- "$BIN" eval --model "$WORK/m.safetensors" --data "$WORK/d.csv" \
  --plot "$WORK/none/cm.png"
said "none does not exist" "eval --plot into a missing folder"
expect 3 "train --out into a missing folder" -- "$BIN" train --data "$WORK/d.csv" --out "$WORK/none/m.safetensors" "${TINY[@]}"
said "none does not exist" "train --out into a missing folder"
[ -e "$WORK/none" ] && fail "a missing output folder was created"

# 17: a killed writer's temporary file beside the model goes at the next write; a live one stays.
sh -c 'exit 0' & dead=$!; wait $dead
touch "$WORK/.m.safetensors.tmp-$dead-0-1" "$WORK/.m.safetensors.tmp-$$-0-1"
expect 0 "train over a stale temporary" -- "${T[@]}" "$BIN" train --data "$WORK/d.csv" --out "$WORK/m.safetensors" \
  "${TINY[@]}" --overwrite
[ -e "$WORK/.m.safetensors.tmp-$dead-0-1" ] && fail "the dead writer's temporary file is still there"
[ -e "$WORK/.m.safetensors.tmp-$$-0-1" ] || fail "a live writer's temporary file was removed"
M=$(sum "$WORK/m.safetensors")

# 2. A character device or FIFO as an output is written through (or refused), never replaced.
if mknod "$WORK/null" c 1 3 2>/dev/null; then
  expect 0 "eval --plot onto a character device" -- "$BIN" eval --model "$WORK/m.safetensors" \
    --data "$WORK/d.csv" --plot "$WORK/null"
  [ -c "$WORK/null" ] || fail "eval --plot replaced the character device with a file"
else
  echo "file_safety: mknod not permitted, character-device output not tested"
fi
mkfifo "$WORK/fifo"
expect 3 "eval --plot onto a FIFO nobody reads" -- "${T[@]}" "$BIN" eval --model "$WORK/m.safetensors" \
  --data "$WORK/d.csv" --plot "$WORK/fifo"
said "FIFO that nobody reads" "eval --plot onto a FIFO"
[ -p "$WORK/fifo" ] || fail "eval --plot replaced the FIFO with a file"
"${T[@]}" cat "$WORK/fifo" >"$WORK/from_fifo" &
reader=$!
expect 0 "eval --plot into a FIFO with a reader" -- "${T[@]}" "$BIN" eval --model "$WORK/m.safetensors" \
  --data "$WORK/d.csv" --plot "$WORK/fifo"
wait $reader
[ "$(head -c 4 "$WORK/from_fifo" | od -An -c | tr -d ' ')" = "211PNG" ] || fail "no PNG came out of the FIFO"
[ -p "$WORK/fifo" ] || fail "the FIFO was replaced with a file"

# 9. Inputs that never end (a device, a FIFO fed for ever) are refused while reading.
EMOMUSIC_MODEL=/dev/zero expect 4 "EMOMUSIC_MODEL=/dev/zero" -- "${T[@]}" "$BIN" eval --data "$WORK/d.csv"
expect 4 "--model /dev/zero" -- "${T[@]}" "$BIN" eval --model /dev/zero --data "$WORK/d.csv"
expect 3 "eval --data /dev/zero" -- "${T[@]}" "$BIN" eval --model "$WORK/m.safetensors" --data /dev/zero
said "limit" "eval --data /dev/zero"
mkfifo "$WORK/endless"
{ cat /dev/zero >"$WORK/endless"; } 2>/dev/null &
expect 3 "eval --data FIFO fed for ever" -- "${T[@]}" "$BIN" eval --model "$WORK/m.safetensors" --data "$WORK/endless"
{ cat /dev/zero >"$WORK/endless"; } 2>/dev/null &
expect 4 "--model FIFO fed for ever" -- "${T[@]}" "$BIN" eval --model "$WORK/endless" --data "$WORK/d.csv"
if "$BIN" eval --help | grep -q -- --photos; then
  expect 3 "eval --photos /dev/zero" -- "${T[@]}" "$BIN" eval --model "$WORK/m.safetensors" --photos /dev/zero
  said "limit" "eval --photos /dev/zero"
  { yes 'face.png,happy' >"$WORK/endless"; } 2>/dev/null &
  expect 3 "eval --photos FIFO fed for ever" -- "${T[@]}" "$BIN" eval --model "$WORK/m.safetensors" \
    --photos "$WORK/endless"
  said "limit" "eval --photos FIFO fed for ever"
fi
jobs -p | xargs -r kill 2>/dev/null

# 3. Standard output that cannot be written is an error (exit 8), not a silent success.
expect 8 "eval --json > /dev/full" -- sh -c '"$0" eval --model "$1" --data "$2" --json >/dev/full' \
  "$BIN" "$WORK/m.safetensors" "$WORK/d.csv"
said "standard output" "eval --json > /dev/full"
expect 8 "--version > /dev/full" -- sh -c '"$0" --version >/dev/full' "$BIN"

if ! "$BIN" --help | grep -q recommend; then
  echo "file_safety: built without music; its checks skipped"
  finish file_safety
fi

for format in m3u json csv table; do
  expect 8 "recommend -f $format > /dev/full" -- sh -c '"$0" recommend -e happy -f "$1" >/dev/full' "$BIN" "$format"
  said "standard output" "recommend -f $format > /dev/full"
done
# A reader that goes away (EPIPE) ends the program quietly, whether SIGPIPE kills it or not.
for sigpipe in default ignored; do
  if [ $sigpipe = ignored ]; then trap '' PIPE; fi
  "$BIN" recommend -e happy -n 50 -f json 2>"$WORK/err" | true
  code=${PIPESTATUS[0]}
  trap - PIPE
  [ "$code" -eq 0 ] || [ "$code" -eq 141 ] || fail "recommend | true (SIGPIPE $sigpipe): exit $code"
  grep -q "error" "$WORK/err" && fail "recommend | true (SIGPIPE $sigpipe) printed: $(cat "$WORK/err")"
done

id() { printf 'A%021d' "$1"; }
{
  echo "name,album,artist,id,release_date,popularity,length,danceability,acousticness,energy,instrumentalness,liveness,valence,loudness,speechiness,tempo,key,time_signature,mood"
  for i in 1 2 3; do
    echo "Song $i,Album,Artist $i,$(id $i),2001-01-01,50,200000,0.6,0.2,0.5,0,0.1,0.6,-5,0.05,120,1,4,Happy"
  done
} >"$WORK/tracks.csv"
C=$(sum "$WORK/tracks.csv")
ln -s "$WORK/tracks.csv" "$WORK/tracks-link.db"
expect 3 "catalog import onto the CSV" -- "$BIN" catalog import "$WORK/tracks.csv" --catalog "$WORK/tracks.csv"
said "is an input" "catalog import onto the CSV"
expect 3 "catalog import onto a link to the CSV" -- "$BIN" catalog import "$WORK/tracks.csv" --catalog "$WORK/tracks-link.db"
said "is an input" "catalog import onto a link to the CSV"
unchanged "$WORK/tracks.csv" "$C" "catalog import onto its CSV"
expect 3 "catalog into a missing folder" -- "$BIN" catalog import "$WORK/tracks.csv" --catalog "$WORK/none/c.db"
said "none does not exist" "catalog into a missing folder"
expect 0 "catalog import" -- "$BIN" catalog import "$WORK/tracks.csv" --catalog "$WORK/c.db"
expect 8 "catalog search > /dev/full" -- sh -c '"$0" catalog search Song --catalog "$1" >/dev/full' "$BIN" "$WORK/c.db"
expect 8 "catalog stats > /dev/full" -- sh -c '"$0" catalog stats --catalog "$1" >/dev/full' "$BIN" "$WORK/c.db"

# 13. Environment errors are bad input (3) or an unavailable resource (8), quoting paths short.
expect 3 "a 60 KB catalog search" -- "$BIN" catalog search "$(head -c 60000 /dev/zero | tr '\0' a)" --catalog "$WORK/c.db"
[ "$(wc -c <"$WORK/err")" -lt 1000 ] || fail "the 60 KB search is echoed whole"
LONG=$WORK/$(head -c 5000 /dev/zero | tr '\0' d)/h.db
expect 3 "history --db 5000-byte path" -- "$BIN" history --db "$LONG"
[ "$(wc -c <"$WORK/err")" -lt 1000 ] || fail "the 5000-byte path is echoed whole"
expect 3 "feedback --db 5000-byte path" -- "$BIN" feedback like "spotify:track:$(id 1)" -e happy --db "$LONG"
[ "$(wc -c <"$WORK/err")" -lt 1000 ] || fail "the 5000-byte path is echoed whole"
expect 3 "history --db /dev/null" -- "$BIN" history --db /dev/null
expect 3 "feedback --db /dev/null" -- "$BIN" feedback like "spotify:track:$(id 1)" -e happy --db /dev/null
[ -c /dev/null ] || fail "/dev/null is no longer a device"
expect 3 "catalog --catalog /dev/null" -- "$BIN" catalog import "$WORK/tracks.csv" --catalog /dev/null

# history: the plot is never the history itself, and its folder must exist.
expect 0 "feedback" -- "$BIN" feedback like "spotify:track:$(id 1)" -e happy --db "$WORK/h.db"
H=$(sum "$WORK/h.db")
expect 3 "history --plot onto the history" -- "$BIN" history --db "$WORK/h.db" --plot "$WORK/h.db"
said "is an input" "history --plot onto the history"
unchanged "$WORK/h.db" "$H" "history --plot onto the history"
expect 3 "history --plot into a missing folder" -- "$BIN" history --db "$WORK/h.db" --plot "$WORK/none/x.png"
said "none does not exist" "history --plot into a missing folder"
[ -e "$WORK/none" ] && fail "history --plot created a missing folder"
expect 8 "history > /dev/full" -- sh -c '"$0" history --db "$1" >/dev/full' "$BIN" "$WORK/h.db"
if [ -e "$WORK/null" ]; then
  expect 0 "history --plot onto a character device" -- "$BIN" history --db "$WORK/h.db" --plot "$WORK/null"
  [ -c "$WORK/null" ] || fail "history --plot replaced the character device with a file"
fi

# A full disk: a tiny tmpfs where one can be mounted (root), else said and skipped.
mkdir "$WORK/small"
if mount -t tmpfs -o size=64k tmpfs "$WORK/small" 2>/dev/null; then
  head -c 1000000 /dev/zero >"$WORK/small/filler" 2>/dev/null
  expect 8 "feedback on a full disk" -- "$BIN" feedback like "spotify:track:$(id 1)" -e happy --db "$WORK/small/h.db"
  expect 8 "catalog import on a full disk" -- "$BIN" catalog import "$WORK/tracks.csv" --catalog "$WORK/small/c.db"
  umount "$WORK/small"
else
  echo "file_safety: cannot mount a small tmpfs here; the full-disk check of SQLite writes skipped"
fi
finish file_safety
