#!/usr/bin/env bash
# CLI smoke test of `recommend` and `catalog`: the stdin pipeline, the output formats and the
# documented exit codes. Usage: music_cli_test.sh path/to/emomusic
set -u
BIN=$1
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export XDG_DATA_HOME=$WORK/data   # never touch the user's catalog
. "$(dirname "$0")/../support/checks.sh"
id() { printf 'A%021d' "$1"; }

# Nothing imported yet: the starter catalog answers, through the stdin pipeline.
echo happy | "$BIN" recommend --emotion - -n 5 -f uris --seed 1 >"$WORK/out" 2>"$WORK/err" \
  || fail "recommend from stdin failed: $(cat "$WORK/err")"
[ "$(grep -c '^spotify:track:[0-9A-Za-z]\{22\}$' "$WORK/out")" -eq 5 ] || fail "expected 5 URIs, got: $(cat "$WORK/out")"
grep -q "starter catalog" "$WORK/err" || fail "should say it used the starter catalog"

echo '{"emotion": "sad", "confidence": 0.7}' | "$BIN" recommend -e - -f json -n 8 --seed 2 >"$WORK/json" \
  2>/dev/null || fail "recommend with a JSON message failed"
grep -q '"target": "sad→happy 1/4"' "$WORK/json" || fail "sad should lift toward happy by default"
grep -q '"url": "https://open.spotify.com/track/' "$WORK/json" || fail "JSON lacks links"

"$BIN" recommend -e happy --seed 5 -f csv >"$WORK/a" 2>/dev/null
"$BIN" recommend -e happy --seed 5 -f csv >"$WORK/b" 2>/dev/null
cmp -s "$WORK/a" "$WORK/b" || fail "--seed should repeat the playlist"
"$BIN" recommend -e happy -f m3u -n 3 2>/dev/null | head -1 | grep -qx '#EXTM3U' || fail "m3u header"

expect 2 "unknown emotion" -- "$BIN" recommend -e grumpy
grep -q "unknown emotion 'grumpy'" "$WORK/err" || fail "unknown emotion message"
expect 2 "bad --year" -- "$BIN" recommend -e happy --year nineties
expect 3 "empty stdin" -- "$BIN" recommend -e - </dev/null
expect 7 "a filter nothing passes" -- "$BIN" recommend -e happy --genre polka

# Import: generated CSV in the moods layout, one bad row.
{
  echo "name,album,artist,id,release_date,popularity,length,danceability,acousticness,energy,instrumentalness,liveness,valence,loudness,speechiness,tempo,key,time_signature,mood"
  for i in 1 2 3 4 5 6; do
    echo "Song $i,Album,Artist $i,$(id $i),2001-01-01,50,200000,0.6,0.2,0.$((i + 2)),0,0.1,0.$((i + 3)),-5,0.05,120,1,4,Happy"
  done
  echo "Broken,Album,Artist,$(id 7),2001,50,200000,0.6,0.2,0.7,0,0.1,7.5,-5,0.05,120,1,4,Happy"
} >"$WORK/tracks.csv"
expect 5 "import with a bad row" -- "$BIN" catalog import "$WORK/tracks.csv"
grep -q "tracks.csv:8: valence" "$WORK/err" || fail "bad row not reported with file:line: $(cat "$WORK/err")"
grep -q "holds 6 tracks" "$WORK/out" || fail "import summary: $(cat "$WORK/out")"
expect 5 "re-import" -- "$BIN" catalog import "$WORK/tracks.csv" --json
grep -q '"tracks": 6' "$WORK/out" || fail "re-import should leave 6 tracks: $(cat "$WORK/out")"
expect 0 "stats" -- "$BIN" catalog stats --json
grep -q '"tracks": 6' "$WORK/out" || fail "stats"
expect 0 "search" -- "$BIN" catalog search "song 3" -f uris
[ "$(cat "$WORK/out")" = "spotify:track:$(id 3)" ] || fail "search found: $(cat "$WORK/out")"
expect 0 "recommend from the imported catalog" -- "$BIN" recommend -e happy -f uris
[ "$(wc -l <"$WORK/out")" -eq 6 ] || fail "expected all 6 imported tracks"

# A language column (issue 21): its usual headers are recognised, names become codes, an
# unreadable value is reported and its track kept without one; recommend --language filters on it.
{
  echo "name,album,artist,id,release_date,popularity,length,danceability,acousticness,energy,instrumentalness,liveness,valence,loudness,speechiness,tempo,key,time_signature,mood,Language"
  lang=(es Spanish pt-BR en English Klingon)
  for i in 0 1 2 3 4 5; do
    echo "Canción $i,Album,Artista $i,$(id $((40 + i))),2001-01-01,50,200000,0.6,0.2,0.$((i + 2)),0,0.1,0.$((i + 3)),-5,0.05,120,1,4,Happy,${lang[$i]}"
  done
} >"$WORK/lang.csv"
expect 0 "import with a language column" -- "$BIN" catalog import --catalog "$WORK/lang.db" "$WORK/lang.csv"
grep -q "lang.csv:7: language 'Klingon'" "$WORK/err" || fail "unreadable language not reported: $(cat "$WORK/err")"
grep -q "holds 6 tracks" "$WORK/out" || fail "the track with an unreadable language should be kept: $(cat "$WORK/out")"
expect 0 "recommend --language es" -- "$BIN" recommend -e happy --catalog "$WORK/lang.db" --language es -f uris
[ "$(sort "$WORK/out" | tr '\n' ' ')" = "spotify:track:$(id 40) spotify:track:$(id 41) " ] \
  || fail "--language es should give the two Spanish tracks: $(cat "$WORK/out")"
expect 0 "recommend --language by name" -- "$BIN" recommend -e happy --catalog "$WORK/lang.db" --language english -f json
[ "$(grep -c '"language": "en"' "$WORK/out")" -eq 2 ] || fail "--language english: $(cat "$WORK/out")"
grep -q '"language": "es"' "$WORK/out" && fail "--language english gave a Spanish track"
expect 0 "recommend --language pt-PT" -- "$BIN" recommend -e happy --catalog "$WORK/lang.db" --language pt-PT -f uris
[ "$(cat "$WORK/out")" = "spotify:track:$(id 42)" ] || fail "--language pt-PT: $(cat "$WORK/out")"
expect 7 "a language no track has" -- "$BIN" recommend -e happy --catalog "$WORK/lang.db" --language ja
grep -q "language ja" "$WORK/err" || fail "the empty-filter message should name the language: $(cat "$WORK/err")"
expect 2 "an unknown --language" -- "$BIN" recommend -e happy --catalog "$WORK/lang.db" --language Klingon
grep -q "language 'Klingon'.*(--language)" "$WORK/err" || fail "bad --language message: $(cat "$WORK/err")"
# A column map names a column of any other name.
printf 'uri,title,who,v,e,idioma\n%s,Chanson,Artiste,0.5,0.5,fr\n' "$(id 50)" >"$WORK/own.csv"
expect 0 "column map with language" -- "$BIN" catalog import --catalog "$WORK/lang.db" \
  --column-map id=uri,name=title,artists=who,valence=v,energy=e,language=idioma "$WORK/own.csv"
expect 0 "recommend --language fr" -- "$BIN" recommend -e happy --catalog "$WORK/lang.db" --language fr -f uris
[ "$(cat "$WORK/out")" = "spotify:track:$(id 50)" ] || fail "--language fr: $(cat "$WORK/out")"

# Catalog errors.
echo "plain text" >"$WORK/not.db"
expect 3 "a catalog that is not SQLite" -- "$BIN" recommend -e happy --catalog "$WORK/not.db"
grep -q "not a SQLite database" "$WORK/err" || fail "not-SQLite message: $(cat "$WORK/err")"
expect 3 "a missing catalog" -- "$BIN" catalog stats --catalog "$WORK/missing.db"
echo "foo,bar" >"$WORK/odd.csv"
expect 3 "unknown layout" -- "$BIN" catalog import --catalog "$WORK/new.db" "$WORK/odd.csv"
[ ! -e "$WORK/new.db" ] || fail "a failed import created a catalog"
expect 2 "bad column map" -- "$BIN" catalog import --column-map "id=a" "$WORK/odd.csv"

# Issue 11: nothing lost, nothing crashes.
moods_csv() {  # moods_csv FIRST_ID COUNT: a moods-layout CSV of COUNT tracks
  echo "name,album,artist,id,release_date,popularity,length,danceability,acousticness,energy,instrumentalness,liveness,valence,loudness,speechiness,tempo,key,time_signature,mood"
  awk -v first="$1" -v n="$2" 'BEGIN { for (i = first; i < first + n; i++)
    printf "Song %d,Album,Artist,A%021d,2001-01-01,50,200000,0.6,0.2,0.5,0,0.1,0.5,-5,0.05,120,1,4,Happy\n", i, i }'
}
# Two imports into a new catalog at once: both exit 0 and every row of both lands.
moods_csv 100 3000 >"$WORK/p1.csv"
moods_csv 5000 3000 >"$WORK/p2.csv"
for round in 1 2 3; do
  rm -f "$WORK/race.db"
  "$BIN" -q catalog import --catalog "$WORK/race.db" "$WORK/p1.csv" >/dev/null 2>"$WORK/e1" &
  p1=$!
  "$BIN" -q catalog import --catalog "$WORK/race.db" "$WORK/p2.csv" >/dev/null 2>"$WORK/e2" &
  p2=$!
  wait $p1 || fail "concurrent import 1 failed: $(cat "$WORK/e1")"
  wait $p2 || fail "concurrent import 2 failed: $(cat "$WORK/e2")"
  expect 0 "stats after concurrent imports" -- "$BIN" catalog stats --catalog "$WORK/race.db" --json
  grep -q '"tracks": 6000' "$WORK/out" || fail "round $round: rows were lost: $(grep tracks "$WORK/out")"
done
ls -A "$WORK" | grep -q 'race.db.tmp-' && fail "temporary catalog files left behind"

# kill -9 in the middle of a first import: the next import removes what it left.
moods_csv 9000 100000 >"$WORK/big.csv"
"$BIN" -q catalog import --catalog "$WORK/killed.db" "$WORK/big.csv" >/dev/null 2>&1 &
victim=$!
for _ in $(seq 1 100); do ls -A "$WORK" | grep -q '^\.killed\.db\.tmp-' && break; sleep 0.05; done
kill -9 $victim 2>/dev/null; wait $victim 2>/dev/null
ls -A "$WORK" | grep -q '^\.killed\.db\.tmp-' || fail "the killed import left nothing behind to test"
moods_csv 1 2 >"$WORK/two.csv"
expect 0 "import after a killed one" -- "$BIN" catalog import --catalog "$WORK/killed.db" "$WORK/two.csv"
ls -A "$WORK" | grep -q 'killed.db.tmp-' && fail "a killed import's files were not removed: $(ls -A "$WORK")"

# A Latin-1 CSV imports as UTF-8, and every JSON made from it is valid.
printf '%s\n' "name,album,artist,id,release_date,popularity,length,danceability,acousticness,energy,instrumentalness,liveness,valence,loudness,speechiness,tempo,key,time_signature,mood" >"$WORK/latin1.csv"
printf 'Caf\xe9 del Mar,\xc0lbum,Beyonc\xe9,%s,2001-01-01,50,200000,0.6,0.2,0.8,0,0.1,0.9,-5,0.05,120,1,4,Happy\n' "$(id 77)" >>"$WORK/latin1.csv"
expect 0 "import Latin-1" -- "$BIN" catalog import --catalog "$WORK/latin1.db" "$WORK/latin1.csv"
expect 0 "search a Latin-1 import as JSON" -- "$BIN" catalog search caf --catalog "$WORK/latin1.db" -f json
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d[0]["name"]=="Café del Mar", d' "$WORK/out" \
  || fail "search JSON: $(cat "$WORK/out")"
expect 0 "recommend from a Latin-1 import as JSON" -- "$BIN" recommend -e happy --catalog "$WORK/latin1.db" -f json
python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$WORK/out" || fail "recommend JSON is not valid"

# A SQLite file of another program is refused and gets no table.
python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("create table people(name)"); c.commit()' "$WORK/other.db"
expect 3 "import into another program's database" -- "$BIN" catalog import --catalog "$WORK/other.db" "$WORK/two.csv"
[ "$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from sqlite_master").fetchone()[0])' "$WORK/other.db")" = 1 ] \
  || fail "a table was added to another program's database"

# recommend --emotion - reads a bounded first line: 50 MB of junk is refused at once, not echoed.
start=$(date +%s)
head -c 50000000 /dev/zero | tr '\0' 'x' | "$BIN" recommend -e - >"$WORK/out" 2>"$WORK/err"
code=$?
[ "$code" -eq 3 ] || fail "junk on stdin: exit $code, expected 3"
[ "$(wc -c <"$WORK/err")" -lt 2000 ] || fail "the error echoes the input: $(wc -c <"$WORK/err") bytes"
[ $(($(date +%s) - start)) -lt 20 ] || fail "junk on stdin took over 20 s"

# Issue 22: what the listener typed is quoted short and escaped: a 131 KB genre, artist or search
# makes a short message, and an ESC byte reaches the terminal as \x1b, not raw.
long=$(head -c 131000 /dev/zero | tr '\0' 'g')  # an argument is at most 128 KiB
esc=$(printf 'x\033[31my')
for option in --genre --artist; do
  expect 7 "recommend $option of 131 KB" -- "$BIN" recommend -e happy "$option" "$long"
  [ "$(wc -c <"$WORK/err")" -lt 400 ] || fail "$option of 131 KB echoed whole: $(wc -c <"$WORK/err") bytes"
  expect 7 "recommend $option with an ESC byte" -- "$BIN" recommend -e happy "$option" "$esc"
  grep -q $'\033' "$WORK/err" && fail "$option: an ESC byte reached the terminal raw"
  grep -qF 'x\x1b[31my' "$WORK/err" || fail "$option: the ESC byte is not shown escaped: $(cat "$WORK/err")"
done
expect 3 "search for 131 KB (over the search text's limit)" -- "$BIN" catalog search "$long"
[ "$(wc -c <"$WORK/err")" -lt 400 ] || fail "a 131 KB search echoed whole: $(wc -c <"$WORK/err") bytes"
expect 7 "search with an ESC byte" -- "$BIN" catalog search "$esc"
grep -q $'\033' "$WORK/err" && fail "search: an ESC byte reached the terminal raw"
grep -qF 'x\x1b[31my' "$WORK/err" || fail "search: the ESC byte is not shown escaped: $(cat "$WORK/err")"
expect 2 "a year range of 131 KB" -- "$BIN" recommend -e happy --year "$long"
[ "$(wc -c <"$WORK/err")" -lt 400 ] || fail "a 131 KB --year echoed whole: $(wc -c <"$WORK/err") bytes"

# Issue 22: an id on several rows of one file is reported with its lines and the row kept; a
# header that names a column twice is refused.
{
  moods_csv 300 2
  moods_csv 300 1 | tail -n 1
} >"$WORK/dup.csv"
expect 0 "import with a repeated id" -- "$BIN" catalog import --catalog "$WORK/dup.db" "$WORK/dup.csv"
grep -q "dup.csv: id $(id 300) is on lines 2 and 4; line 4 is kept" "$WORK/err" \
  || fail "repeated id not reported: $(cat "$WORK/err")"
grep -q "1 ids on several rows" "$WORK/out" || fail "import summary: $(cat "$WORK/out")"
{ moods_csv 400 1 | head -1 | sed 's/,mood$/,Energy/'; moods_csv 400 1 | tail -1 | sed 's/,Happy$/,0.5/'; } >"$WORK/twice.csv"
expect 3 "a header with a column twice" -- "$BIN" catalog import --catalog "$WORK/twice.db" "$WORK/twice.csv"
grep -q "names column 'Energy' twice" "$WORK/err" || fail "column twice: $(cat "$WORK/err")"

finish "music CLI"
