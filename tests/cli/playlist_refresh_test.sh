#!/usr/bin/env bash
# `playlist refresh` through the built binary against the fake Spotify program
# (tests/music/spotify/fake_spotify_server.cpp) on 127.0.0.1: the playlist ends up holding what
# `recommend` prints for the same options, what changed goes to stdout, a second run changes
# nothing, and each refusal has its exit code (2 usage, 3 bad file, 6 Spotify failed, 7 no such
# playlist) and leaves the playlist as it was.
# Usage: playlist_refresh_test.sh path/to/emomusic path/to/fake_spotify_server
set -u
BIN=$1
FAKE=$2
. "$(dirname "$0")/../support/fake_spotify.sh"
fake_spotify_test "$FAKE"

# Last week's playlist, made by emomusic, with two tracks a happy playlist does not hold.
printf 'spotify:track:%s\n' 0000000000000000000001 0000000000000000000002 >"$WORK/old"
expect 0 "playlist create" -- "$BIN" playlist create "Sunday mood" --uris-from "$WORK/old"

expect 0 "playlist refresh" -- "$BIN" playlist refresh "Sunday mood" --emotion happy -n 5 --seed 1
grep -q '^"Sunday mood": 5 added, 2 removed, 0 kept: https://open.spotify.com/playlist/' \
  "$WORK/out" || fail "what changed is not on stdout: $(cat "$WORK/out")"

expect 0 "a second refresh" -- "$BIN" playlist refresh "Sunday mood" -e happy -n 5 --seed 1 --json
python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
want = {"added": 0, "removed": 0, "kept": 5, "left_out": 0}
got = {k: d[k] for k in want}
sys.exit(0 if got == want and d["url"].endswith(d["id"]) else f"FAIL: --json says {d}")' \
  "$WORK/out" || fail "the second refresh changed something"

"$BIN" recommend -e happy -n 5 --seed 1 -f uris >"$WORK/uris" 2>"$WORK/err" ||
  fail "recommend exited $?: $(cat "$WORK/err")"

expect 7 "no playlist of that name" -- "$BIN" playlist refresh "Nowhere" -e happy
grep -q '"Nowhere"' "$WORK/err" || fail "the missing name is not named: $(cat "$WORK/err")"
expect 2 "an unknown emotion" -- "$BIN" playlist refresh "Sunday mood" -e grumpy
expect 2 "no --emotion" -- "$BIN" playlist refresh "Sunday mood"
expect 2 "an option out of range" -- "$BIN" playlist refresh "Sunday mood" -e happy --diversity 2
expect 3 "a mapping that is not there" -- \
  "$BIN" playlist refresh "Sunday mood" -e happy --mapping "$WORK/missing.json"
expect 2 "no app credentials" -- \
  env -u SPOTIFY_CLIENT_ID -u SPOTIFY_CLIENT_SECRET "$BIN" playlist refresh "Sunday mood" -e happy
expect 6 "Spotify cannot be reached" -- env EMOMUSIC_SPOTIFY_API_URL=http://127.0.0.1:9/v1 \
  "$BIN" playlist refresh "Sunday mood" -e sad --retries 0

# Two playlists made by emomusic with one name: which one is meant cannot be told.
expect 0 "playlist create" -- "$BIN" playlist create "Twice" --uris-from "$WORK/old"
expect 0 "playlist create" -- "$BIN" playlist create "Twice" --uris-from "$WORK/old"
expect 2 "two playlists of that name" -- "$BIN" playlist refresh "Twice" -e happy
grep -q '2 of your playlists are named "Twice"' "$WORK/err" ||
  fail "the ambiguity is not explained: $(cat "$WORK/err")"
grep -q "$SPOTIFY_CLIENT_SECRET" "$WORK"/out "$WORK"/err && fail "the client secret was printed"

stop_fake_spotify
python3 - "$WORK/uris" "$WORK/playlists.jsonl" "$WORK/old" <<'PY' || failures=$((failures + 1))
import json, sys
printed = open(sys.argv[1]).read().split()
old = open(sys.argv[3]).read().split()
held = [json.loads(line) for line in open(sys.argv[2])]
if len(held) != 3 or held[0]["uris"] != printed:
    sys.exit(f"FAIL: Spotify holds {held}, recommend printed {printed}")
if held[1]["uris"] != old or held[2]["uris"] != old:
    sys.exit(f"FAIL: a refused refresh changed a playlist: {held[1:]}")
PY

finish "playlist refresh"
