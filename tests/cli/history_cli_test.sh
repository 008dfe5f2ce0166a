#!/usr/bin/env bash
# CLI smoke test of `history` and `feedback`, and of `recommend` honouring likes and skips.
# Usage: history_cli_test.sh path/to/emomusic
set -u
BIN=$1
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export XDG_DATA_HOME=$WORK/data   # never touch the user's history or catalog
DB=$XDG_DATA_HOME/emomusic/history.db
. "$(dirname "$0")/../support/checks.sh"

# Looking creates nothing: no history yet, an empty one is shown.
expect 0 "history without a history file" -- "$BIN" history
grep -q "no moods recorded" "$WORK/out" || fail "empty history table: $(cat "$WORK/out")"
expect 0 "recommend without a history file" -- "$BIN" recommend -e sad -n 3 -f uris --seed 1
[ ! -e "$DB" ] || fail "reading the history created $DB"

# The nearest track for sad, from the starter catalog (every track: -n 100).
expect 0 "recommend sad" -- "$BIN" recommend -e sad -n 100 -f uris --seed 1
SKIPPED=$(head -1 "$WORK/out" | sed 's/^spotify:track://')
[ ${#SKIPPED} -eq 22 ] || fail "no track id from recommend: $(cat "$WORK/out")"

expect 0 "feedback skip" -- "$BIN" feedback skip "spotify:track:$SKIPPED" --emotion sad --artists "Somebody; Else"
[ -f "$DB" ] || fail "feedback did not create $DB"
for seed in 1 2 3 4 5; do
  expect 0 "recommend sad after a skip (seed $seed)" -- "$BIN" recommend -e sad -n 100 -f uris --seed $seed
  grep -q "$SKIPPED" "$WORK/out" && fail "seed $seed: the skipped track came back for sad"
done
# The check above can fail: without feedback, or for another mood, the track is there.
expect 0 "recommend --no-feedback" -- "$BIN" recommend -e sad -n 100 -f uris --seed 1 --no-feedback
grep -q "$SKIPPED" "$WORK/out" || fail "--no-feedback should bring the skipped track back"
expect 0 "recommend for another mood" -- "$BIN" recommend -e happy -n 100 -f uris --seed 1
grep -q "$SKIPPED" "$WORK/out" || fail "a skip for sad should not hold the track back for happy"
expect 0 "recommend with another, absent history" -- "$BIN" recommend -e sad -n 100 -f uris --seed 1 --history-db "$WORK/none.db"
grep -q "$SKIPPED" "$WORK/out" || fail "an absent --history-db should mean no feedback"
[ ! -e "$WORK/none.db" ] || fail "recommend created --history-db"

# A liked track moves to the top of its mood.
expect 0 "recommend happy" -- "$BIN" recommend -e happy -n 10 -f uris --seed 1 --variety 0
LIKED=$(sed -n 6p "$WORK/out" | sed 's/^spotify:track://')
expect 0 "feedback like" -- "$BIN" feedback like "$LIKED" -e happy
expect 0 "recommend happy after a like" -- "$BIN" recommend -e happy -n 10 -f uris --seed 1 --variety 0
line=$(grep -n "$LIKED" "$WORK/out" | cut -d: -f1)
[ -n "$line" ] && [ "$line" -lt 6 ] || fail "the liked track did not move up (line ${line:-none})"

# Moods, as a server would record them (three today, one long ago).
now=$(date +%s)
python3 - "$DB" "$now" <<'EOF' || fail "could not add moods"
import sqlite3, sys
db, now = sys.argv[1], int(sys.argv[2])
c = sqlite3.connect(db)
rows = [(now - 60, "happy", 0.9, "camera 0"), (now - 120, "happy", 0.7, "page"),
        (now - 180, "sad", 0.4, "photo.jpg"), (now - 400 * 86400, "angry", 0.8, "old")]
c.executemany("INSERT INTO moods (time, emotion, confidence, source) VALUES (?, ?, ?, ?)", rows)
c.commit()
EOF
expect 0 "history json" -- "$BIN" history --format json --days 7
python3 - "$WORK/out" <<'EOF' || fail "history JSON: $(cat "$WORK/out")"
import json, sys
d = json.load(open(sys.argv[1]))
assert len(d["entries"]) == 3, d["entries"]                 # the old one is outside 7 days
assert d["entries"][0]["emotion"] == "happy" and d["entries"][0]["source"] == "camera 0"
assert len(d["days"]) == 7
today = d["days"][-1]
assert today["total"] >= 1 and sum(day["total"] for day in d["days"]) == 3
assert sum(day["counts"]["happy"] for day in d["days"]) == 2
EOF
expect 0 "history table" -- "$BIN" history
[ "$(grep -c 'camera 0\|page\|photo.jpg' "$WORK/out")" -eq 3 ] || fail "table: $(cat "$WORK/out")"
grep -q "day (UTC)" "$WORK/out" || fail "table lacks the per-day summary"
expect 0 "history csv" -- "$BIN" history -f csv --days 1000
[ "$(head -1 "$WORK/out")" = "utc,time,emotion,confidence,source" ] || fail "csv header"
[ "$(wc -l <"$WORK/out")" -eq 5 ] || fail "csv should hold 4 moods: $(cat "$WORK/out")"

mkdir "$WORK/plots"
expect 0 "history --plot" -- "$BIN" history --plot "$WORK/plots/timeline.png" --days 14
[ "$(head -c 8 "$WORK/plots/timeline.png" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ] \
  || fail "--plot did not write a PNG"
ls -A "$WORK/plots" | grep -q tmp && fail "temporary plot files left behind"

# Bad options: exit 2, before anything is opened.
expect 2 "--days 0" -- "$BIN" history --days 0
expect 2 "--days too many" -- "$BIN" history --days 100000
expect 2 "--days not a number" -- "$BIN" history --days week
expect 2 "unknown format" -- "$BIN" history --format xml
expect 2 "--clear with --plot" -- "$BIN" history --clear --plot "$WORK/x.png"
expect 2 "feedback: unknown kind" -- "$BIN" feedback love "$SKIPPED" -e sad
expect 2 "feedback: not a track id" -- "$BIN" feedback skip not-a-track -e sad
expect 2 "feedback: unknown emotion" -- "$BIN" feedback skip "$SKIPPED" -e grumpy
expect 2 "feedback: no emotion" -- "$BIN" feedback skip "$SKIPPED"
# A track has a few artists: 21 are refused naming the field, and nothing is stored.
MANY=$(printf 'Artist %d;' $(seq 1 21))
expect 3 "feedback: 21 artists" -- "$BIN" feedback skip "$SKIPPED" -e angry --artists "$MANY"
grep -q "artists holds more than the limit of 20" "$WORK/err" || fail "21 artists: $(cat "$WORK/err")"

# Files that are not a history: exit 3, and left alone.
python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("create table people(name)"); c.commit()' "$WORK/other.db"
expect 3 "history of another program's database" -- "$BIN" history --db "$WORK/other.db"
grep -q "not an emomusic mood history" "$WORK/err" || fail "message: $(cat "$WORK/err")"
expect 3 "feedback into another program's database" -- "$BIN" feedback skip "$SKIPPED" -e sad --db "$WORK/other.db"
expect 3 "recommend with another program's database" -- "$BIN" recommend -e sad --history-db "$WORK/other.db"
echo "plain text" >"$WORK/text.db"
expect 3 "history of a text file" -- "$BIN" history --db "$WORK/text.db"
expect 3 "history of a missing --db" -- "$BIN" history --db "$WORK/missing.db"
[ ! -e "$WORK/missing.db" ] || fail "history created a missing --db"

# Two writers at once both land.
for i in 1 2 3 4 5 6; do
  "$BIN" -q feedback like "$(printf 'B%021d' "$i")" -e fear --db "$WORK/race.db" >/dev/null 2>"$WORK/race$i" &
done
wait
for i in 1 2 3 4 5 6; do [ -s "$WORK/race$i" ] && fail "concurrent feedback $i: $(cat "$WORK/race$i")"; done
[ "$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from feedback").fetchone()[0])' "$WORK/race.db")" = 6 ] \
  || fail "concurrent feedback was lost"

# Clearing a history file that is not there is an error, and does not create it.
expect 3 "history --clear --db MISSING" -- "$BIN" history --clear --db "$WORK/missing.db"
[ -e "$WORK/missing.db" ] && fail "history --clear created $WORK/missing.db"

# Clearing removes moods and feedback: the skipped track comes back.
expect 0 "history --clear" -- "$BIN" history --clear
grep -q "removed 4 moods and 2 likes and skips" "$WORK/out" || fail "clear: $(cat "$WORK/out")"
expect 0 "history json after clear" -- "$BIN" history --format json
python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["entries"] == []' "$WORK/out" || fail "not cleared"
expect 0 "recommend after clear" -- "$BIN" recommend -e sad -n 100 -f uris --seed 1
grep -q "$SKIPPED" "$WORK/out" || fail "the track should come back once feedback is cleared"

finish "history CLI"
