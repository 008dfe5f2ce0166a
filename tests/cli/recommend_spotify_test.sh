#!/usr/bin/env bash
# `recommend --create-playlist` through the built binary against the fake Spotify program
# (tests/music/spotify/fake_spotify_server.cpp) on 127.0.0.1: the playlist saved in the account is
# the one printed, in order, and its link goes to stderr; the top-up fills what the catalog cannot,
# even all of it.
# Usage: recommend_spotify_test.sh path/to/emomusic path/to/fake_spotify_server
set -u
BIN=$1
FAKE=$2
. "$(dirname "$0")/../support/fake_spotify.sh"
fake_spotify_test "$FAKE"

"$BIN" recommend -e happy -n 5 --seed 1 -f uris --create-playlist "Happy hour" \
  >"$WORK/uris" 2>"$WORK/err" || fail "recommend --create-playlist exited $?: $(cat "$WORK/err")"
[ "$(wc -l <"$WORK/uris")" -eq 5 ] || fail "not 5 URIs on stdout: $(cat "$WORK/uris")"
grep -q 'created Spotify playlist "Happy hour" (5 tracks): https://open.spotify.com/playlist/' "$WORK/err" ||
  fail "no link on stderr: $(cat "$WORK/err")"
grep -q "$SPOTIFY_CLIENT_SECRET" "$WORK/uris" "$WORK/err" && fail "the client secret was printed"

# More tracks than the starter catalog holds: Spotify's search fills the rest.
"$BIN" recommend -e happy -n 100 --seed 1 -f json >"$WORK/full.json" 2>"$WORK/err2" ||
  fail "recommend -n 100 exited $?: $(cat "$WORK/err2")"

# A genre the catalog lacks: Spotify fills the whole playlist instead of "no track" (exit 7).
"$BIN" recommend -e happy -n 5 --seed 1 --genre bossa -f uris >"$WORK/bossa" 2>"$WORK/err3" ||
  fail "recommend --genre bossa exited $?: $(cat "$WORK/err3")"
[ "$(wc -l <"$WORK/bossa")" -eq 5 ] || fail "not 5 Spotify tracks for a genre the catalog lacks"

stop_fake_spotify
python3 - "$WORK/uris" "$WORK/playlists.jsonl" "$WORK/full.json" <<'PY' || failures=$((failures + 1))
import json, sys
printed = open(sys.argv[1]).read().split()
held = [json.loads(line) for line in open(sys.argv[2])]
if len(held) != 1 or held[0]["uris"] != printed:
    sys.exit(f"FAIL: Spotify holds {held}, recommend printed {printed}")
full = json.load(open(sys.argv[3]))
topped = [t for t in full if t["why"]["target"].startswith("spotify")]
if len(full) != 100 or not topped:
    sys.exit(f"FAIL: {len(full)} tracks, {len(topped)} from Spotify: no top-up")
PY

finish "recommend with Spotify"
