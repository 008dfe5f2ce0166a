# Starts the fake Spotify program (tests/music/spotify/fake_spotify_server.cpp) for tests of whole
# programs. Source it, then:
#   start_fake_spotify PROGRAM TOKEN_FILE PLAYLISTS_FILE   logged in as TOKEN_FILE's user; exports
#       EMOMUSIC_SPOTIFY_API_URL, EMOMUSIC_SPOTIFY_ACCOUNTS_URL, SPOTIFY_CLIENT_ID and
#       SPOTIFY_CLIENT_SECRET pointing at it, sets FAKE_SPOTIFY_PID; returns 1 when it did not start
#   stop_fake_spotify                                      it writes the playlists it holds to
#       PLAYLISTS_FILE, one JSON line {"id", "uris"} each, and exits
#   fake_spotify_test PROGRAM   the set-up of a script that tests a program against it: a fresh
#       $WORK (removed at exit, with the fake stopped), the XDG folders in it, checks.sh sourced,
#       and the fake started logged in, keeping its playlists in $WORK/playlists.jsonl
start_fake_spotify() {
  local program=$1 tokens=$2 playlists=$3 env_file
  env_file=$(mktemp)
  mkdir -p "$(dirname "$tokens")"
  "$program" "$tokens" "$playlists" >"$env_file" &
  FAKE_SPOTIFY_PID=$!
  for _ in $(seq 100); do [ "$(wc -l <"$env_file")" -ge 4 ] && break; sleep 0.1; done
  while IFS= read -r line; do export "${line?}"; done <"$env_file"
  rm -f "$env_file"
  [ -n "${SPOTIFY_CLIENT_ID:-}" ]
}

stop_fake_spotify() {
  [ -n "${FAKE_SPOTIFY_PID:-}" ] || return 0
  kill -TERM "$FAKE_SPOTIFY_PID" 2>/dev/null
  wait "$FAKE_SPOTIFY_PID"
  FAKE_SPOTIFY_PID=
}

fake_spotify_test() {
  WORK=$(mktemp -d)
  trap 'stop_fake_spotify; rm -rf "$WORK"' EXIT
  export XDG_DATA_HOME=$WORK/data XDG_CONFIG_HOME=$WORK/config XDG_CACHE_HOME=$WORK/cache
  . "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
  start_fake_spotify "$1" "$XDG_DATA_HOME/emomusic/spotify_token.json" "$WORK/playlists.jsonl" ||
    { echo "FAIL: the fake Spotify did not start" >&2; exit 1; }
}
